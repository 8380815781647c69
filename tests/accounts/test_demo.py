import pytest
from django.core.management import call_command

from accounts.models import User
from notifications.models import Notification
from windows.models import Announcement, WindowAdministrator

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(User.objects.values_list("username", "password", "role", "is_staff")),
        Notification.objects.count(),
        Announcement.objects.count(),
        WindowAdministrator.objects.count(),
    )


def test_load_demo_is_idempotent_and_prints_the_logins(capsys):
    call_command("load_demo")
    first = snapshot()
    output = capsys.readouterr().out
    for username in ["demo_enterprise", "demo_institution", "admin", "xingqing_admin"]:
        assert username in output
    call_command("load_demo")
    assert snapshot() == first
    assert User.objects.get(username="admin").is_superuser
