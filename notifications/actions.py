from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from smeportal import metrics
from smeportal.pagecache import invalidate_scopes, user_scope

from .models import Notification


def notify(*, recipient, title: str, body: str = "", url: str = "") -> Notification:
    """Tell a user about an event: a 站内消息 now, an e-mail queued once the transaction commits.

    Call it inside the action's transaction: if the action rolls back, the
    message goes with it and no e-mail is queued. `url` is a site path (from
    `reverse()` or `get_absolute_url()`) to the object concerned. The e-mail is a
    Celery task (notifications.tasks), retried while the mail server fails.
    """
    if url and (not url.startswith("/") or url.startswith("//")):
        raise ValueError("A notification links to a path on this site, e.g. /orders/12/.")
    notification = Notification.objects.create(recipient=recipient, title=title, body=body, url=url)
    if recipient.email:
        transaction.on_commit(lambda: _queue_email(notification.pk))
    return notification


def _queue_email(notification_id: int) -> None:
    from .tasks import send_notification_email

    metrics.EMAILS_QUEUED.inc()
    send_notification_email.delay(notification_id)


def notification_send_email(notification_id: int) -> bool:
    """E-mail one notification unless it was e-mailed already; True when it was sent now.

    Safe to run twice (a task redelivered after its worker died): the row is
    locked while sending, so a second run waits and then finds `emailed_at` set.
    The Message-ID is the notification's own, so a mail server that received
    the message but died before answering can recognise the repeat.
    Raises OSError (smtplib's errors included) when the mail server fails.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("recipient").filter(pk=notification_id).first()
        )
        if notification is None or notification.emailed_at is not None or not notification.recipient.email:
            return False
        site_url = getattr(settings, "SITE_URL", "").rstrip("/")
        with override(settings.LANGUAGE_CODE):
            lines = [notification.body] if notification.body else []
            if notification.url:
                lines.append(_("View: %(url)s") % {"url": f"{site_url}{notification.url}"})
            lines.append(_("This message was sent by the Yinchuan SME Public Service Window Platform."))
            subject = f"[{_('Yinchuan SME Portal')}] {notification.title}"
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "smeportal.local"
        message = EmailMessage(
            subject,
            "\n\n".join(lines),
            None,
            [notification.recipient.email],
            headers={"Message-ID": f"<notification-{notification.pk}@{domain}>"},
        )
        message.send()
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    metrics.EMAILS_SENT.inc()
    return True


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_mark_all_read(*, user) -> int:
    """Mark every unread message of the user read; returns how many."""
    marked = Notification.objects.filter(recipient=user).unread().update(read_at=timezone.now())
    invalidate_scopes([user_scope(user.pk)])  # update() sends no signal; the header's count changed
    return marked
