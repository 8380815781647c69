"""Celery tasks of the project as a whole: the timers, scheduled by beat
(CELERY_BEAT_SCHEDULE in settings.py)."""

import logging

from celery import shared_task

from smeportal.workflow_timers import run_all_timers, run_app_timers

logger = logging.getLogger(__name__)


@shared_task(name="smeportal.tasks.run_timers", acks_late=True)
def run_timers() -> int:
    """Every app's timers; idempotent, so a run repeated after a worker died is harmless."""
    done = run_all_timers()
    for line in done:
        logger.info("timer: %s", line)
    return len(done)


@shared_task(name="smeportal.tasks.run_app_timers", acks_late=True)
def run_timers_of_app(app_name: str) -> int:
    """One app's timers (e.g. `orders`), for an operator who wants to run a part now."""
    return len(run_app_timers(app_name))
