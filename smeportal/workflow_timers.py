"""The workflow timers of every app, for `manage.py run_timers` and Celery beat.

Each app may have a `timers.py` with `run(now) -> list[str]` (what it did); apps
run in INSTALLED_APPS order. Idempotent: a second run right after the first finds
nothing left to do, so cron and beat may both run it.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.utils import timezone

from smeportal import metrics


def timer_apps() -> list[str]:
    """The apps that have timers, in INSTALLED_APPS order."""
    return [config.name for config in apps.get_app_configs() if find_spec(f"{config.name}.timers") is not None]


def run_app_timers(app_name: str, now=None) -> list[str]:
    if app_name not in timer_apps():
        raise ValueError(f"{app_name} has no timers")
    done = import_module(f"{app_name}.timers").run(now or timezone.now()) or []
    metrics.TIMER_ACTIONS.inc(len(done))
    return done


def run_all_timers(now=None) -> list[str]:
    now = now or timezone.now()
    metrics.TIMER_RUNS.inc()
    done = []
    for app_name in timer_apps():
        done.extend(run_app_timers(app_name, now))
    return done
