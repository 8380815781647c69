from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Message centre")

    def ready(self):
        from accounts.menu import register
        from accounts.models import Role
        from smeportal.pagecache import invalidate_private_on, user_scope

        from .models import Notification

        # The header of every signed-in page shows the unread count.
        invalidate_private_on(Notification, lambda notification: [user_scope(notification.recipient_id)])

        register(
            section="messages",
            label=_("Site messages"),
            url_name="notifications:list",
            roles=(Role.ENTERPRISE, Role.INSTITUTION, Role.STAFF),
        )
