from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "policies"
    verbose_name = _("policies and regulations")

    def ready(self):
        from smeportal.pagecache import invalidate_on

        from .models import Policy

        # The home page's 政策法规 section is in the anonymous page cache.
        invalidate_on(Policy)
        from accounts.menu import register
        from accounts.models import Role
        from windows.sections import register_section

        from . import selectors

        register_section(
            order=27,
            template="policies/_window_policies.html",
            context=lambda request, window: {"newest_policies": selectors.newest_policies(limit=5, window=window)},
        )

        register(
            section="policies",
            label=_("Policies that fit me"),
            url_name="policies:mine",
            roles=[Role.ENTERPRISE],
            order=10,
        )
