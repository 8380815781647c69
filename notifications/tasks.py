"""The notification e-mail as a Celery task: queued after the commit, retried
with exponential backoff while the mail server fails, never lost when a worker
dies (acks_late + reject_on_worker_lost: the broker gives it to another worker),
and idempotent, keyed by the notification (notification_send_email)."""

import logging

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings

from smeportal import metrics

from .actions import notification_send_email

logger = logging.getLogger(__name__)


@shared_task(bind=True, name="notifications.send_email", acks_late=True, reject_on_worker_lost=True)
def send_notification_email(self, notification_id: int) -> bool:
    try:
        return notification_send_email(notification_id)
    except OSError as exc:  # smtplib's errors are OSErrors too
        metrics.EMAILS_FAILED.inc()
        if self.request.is_eager:
            # No broker (make run, tests): the 站内消息 is saved; a mail server
            # outage must not break the request that caused it.
            logger.exception("Could not e-mail notification %s", notification_id)
            return False
        countdown = get_exponential_backoff_interval(
            factor=settings.NOTIFICATION_EMAIL_RETRY_BACKOFF,
            retries=self.request.retries,
            maximum=1800,  # well under the broker's visibility timeout (CELERY_VISIBILITY_TIMEOUT)
            full_jitter=True,
        )
        logger.warning(
            "E-mail of notification %s failed (%s); try %s again in %s s",
            notification_id,
            exc,
            self.request.retries + 1,
            countdown,
        )
        raise self.retry(
            exc=exc, countdown=max(countdown, 1), max_retries=settings.NOTIFICATION_EMAIL_MAX_RETRIES
        ) from exc
