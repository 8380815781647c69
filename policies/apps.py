from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "policies"
    verbose_name = _("policies and regulations")

    def ready(self):
        from accounts.menu import register
        from accounts.models import Role

        register(
            section="policies",
            label=_("Policies that fit me"),
            url_name="policies:mine",
            roles=[Role.ENTERPRISE],
            order=10,
        )
