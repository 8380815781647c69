from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WindowsConfig(AppConfig):
    name = "windows"
    verbose_name = _("Window platforms")

    def ready(self):
        from smeportal.pagecache import invalidate_on

        from .models import Announcement, Window, WindowMembership

        # The public pages (smeportal.pagecache) show windows, memberships and announcements.
        invalidate_on(Window, WindowMembership, Announcement)
        from accounts.menu import register
        from accounts.models import Role

        register(
            section="certification",
            label=_("Join windows"),
            url_name="windows:membership",
            roles=[Role.INSTITUTION],
            order=20,
        )
