from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WindowsConfig(AppConfig):
    name = "windows"
    verbose_name = _("Window platforms")

    def ready(self):
        from accounts.menu import register
        from accounts.models import Role

        register(
            section="certification",
            label=_("Join windows"),
            url_name="windows:membership",
            roles=[Role.INSTITUTION],
            order=20,
        )
