from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """帮助中心, the footer's site information and the site search.

    It sits at the top, like supervision: the site search reads services,
    institutions, demands and notices; no other app imports it (the footer
    reaches the templates through a context processor named in settings).
    """

    name = "portal"
    verbose_name = _("Help centre and site information")

    def ready(self):
        from smeportal.pagecache import invalidate_on

        from .models import SiteSettings

        # Every cached public page (smeportal.pagecache) shows the footer's site information.
        invalidate_on(SiteSettings)
