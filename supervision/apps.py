from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("SME supervision")

    def ready(self):
        from accounts.menu import register
        from accounts.models import Role

        register(
            section="supervision",
            label=_("Operating data report"),
            url_name="supervision:file",
            roles=[Role.ENTERPRISE],
            order=10,
        )
        register(
            section="supervision",
            label=_("Report history"),
            url_name="supervision:history",
            roles=[Role.ENTERPRISE],
            order=20,
        )
