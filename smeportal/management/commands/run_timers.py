"""Apply every timer of the workflows (expiry, automatic acceptance, escalation...).

Celery beat runs the same every five minutes (smeportal.tasks.run_timers); without
a worker, run it from cron:

    */5 * * * *  cd /srv/smeportal && .venv/bin/python manage.py run_timers

`--app orders` runs one app's timers only. Idempotent: a second run right after
the first finds nothing left to do.
"""

from django.core.management.base import BaseCommand, CommandError

from smeportal.workflow_timers import run_all_timers, run_app_timers, timer_apps


class Command(BaseCommand):
    help = "Apply the workflow timers (idempotent; run from cron every few minutes)."

    def add_arguments(self, parser):
        parser.add_argument("--app", help="only this app's timers: " + ", ".join(timer_apps()))

    def handle(self, *args, app=None, **options):
        if app:
            if app not in timer_apps():
                raise CommandError(f"{app} has no timers; choose one of {', '.join(timer_apps())}")
            done = run_app_timers(app)
        else:
            done = run_all_timers()
        for line in done:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"{len(done)} timer actions."))
