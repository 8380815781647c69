"""Apply every timer of the workflows (expiry, automatic acceptance, escalation...).

Run it from cron every few minutes:

    */5 * * * *  cd /srv/smeportal && .venv/bin/python manage.py run_timers

Each app may have a `timers.py` with `run(now) -> list[str]` (what it did);
apps run in INSTALLED_APPS order. Idempotent: a second run right after the
first finds nothing left to do.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils import timezone


class Command(BaseCommand):
    help = "Apply the workflow timers (idempotent; run from cron every few minutes)."

    def handle(self, *args, **options):
        now = timezone.now()
        done = []
        for app_config in apps.get_app_configs():
            module_name = f"{app_config.name}.timers"
            if find_spec(module_name) is not None:
                done.extend(import_module(module_name).run(now) or [])
        for line in done:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"{len(done)} timer actions."))
