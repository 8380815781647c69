import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from .models import Notification

logger = logging.getLogger(__name__)


def notify(*, recipient, title: str, body: str = "", url: str = "") -> Notification:
    """Tell a user about an event: a 站内消息 now, an e-mail once the transaction commits.

    Call it inside the action's transaction: if the action rolls back, the
    message goes with it and no e-mail is sent. `url` is a site path (from
    `reverse()` or `get_absolute_url()`) to the object concerned.
    """
    if url and (not url.startswith("/") or url.startswith("//")):
        raise ValueError("A notification links to a path on this site, e.g. /orders/12/.")
    notification = Notification.objects.create(recipient=recipient, title=title, body=body, url=url)
    if recipient.email:
        transaction.on_commit(lambda: _send_notification_email(notification.pk))
    return notification


def _send_notification_email(notification_id: int) -> None:
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    site_url = getattr(settings, "SITE_URL", "").rstrip("/")
    with override(settings.LANGUAGE_CODE):
        lines = [notification.body] if notification.body else []
        if notification.url:
            lines.append(_("View: %(url)s") % {"url": f"{site_url}{notification.url}"})
        lines.append(_("This message was sent by the Yinchuan SME Public Service Window Platform."))
        subject = f"[{_('Yinchuan SME Portal')}] {notification.title}"
    try:
        send_mail(subject, "\n\n".join(lines), None, [notification.recipient.email])
    except OSError:
        # The 站内消息 is already saved; a mail server outage must not break the action.
        logger.exception("Could not e-mail notification %s", notification_id)
        return
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_mark_all_read(*, user) -> int:
    """Mark every unread message of the user read; returns how many."""
    return Notification.objects.filter(recipient=user).unread().update(read_at=timezone.now())
