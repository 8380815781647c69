from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = _("Certification centre")

    def ready(self):
        from smeportal.pagecache import invalidate_on

        from .models import CertificationApplication, ServiceDomain

        # 找机构 shows the approved profile and filters by domain.
        invalidate_on(CertificationApplication, ServiceDomain)
        from accounts.menu import register

        register(
            section="certification", label=_("Organisation information"), url_name="certification:center", order=10
        )
