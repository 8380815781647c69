"""Load the demo data that `make run` shows a new user.

Each app may have a `demo.py` with `load(stdout) -> list[tuple[str, str, str]]`
returning the demo logins it made (role, username, password); apps run in
INSTALLED_APPS order, which is their dependency order. Idempotent: objects are
looked up by natural keys and only created when missing, so a second run
changes nothing.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from notifications.demo import WELCOME_TITLE
from notifications.models import Notification


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        logins = []
        started = timezone.now()
        with transaction.atomic():
            for app_config in apps.get_app_configs():
                module_name = f"{app_config.name}.demo"
                if find_spec(module_name) is None:
                    continue
                logins.extend(import_module(module_name).load(self.stdout) or [])
            # Building the demo runs the real actions, which notify everyone
            # concerned; a first look should not open on dozens of unread messages.
            Notification.objects.filter(created_at__gte=started, read_at__isnull=True).exclude(
                title=WELCOME_TITLE
            ).update(read_at=timezone.now())
        self.stdout.write(self.style.SUCCESS("Demo data ready. Demo logins (username / password):"))
        for role, username, password in logins:
            self.stdout.write(f"  {role:<44} {username:<18} {password}")
