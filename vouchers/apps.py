from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VouchersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "vouchers"
    verbose_name = _("service vouchers")

    def ready(self):
        from accounts.menu import register
        from accounts.models import Role

        register(
            section="orders",
            label=_("My service vouchers"),
            url_name="vouchers:mine",
            roles=[Role.ENTERPRISE],
            order=10,
        )
