from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from accounts.menu import register
        from accounts.models import Role

        register(section="complaints", label=_("My complaints"), url_name="complaints:list", roles=[Role.ENTERPRISE])
        register(
            section="complaints",
            label=_("Complaints received"),
            url_name="complaints:list",
            roles=[Role.INSTITUTION],
        )
