from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = _("Certification centre")

    def ready(self):
        from accounts.menu import register

        register(
            section="certification", label=_("Organisation information"), url_name="certification:center", order=10
        )
