"""Window administrators see and change only the objects of their windows."""

import pytest
from django.urls import reverse

from tests.factories import AnnouncementFactory, HubAdminFactory, StaffUserFactory, make_window_admin, window
from windows.models import Announcement, Window

pytestmark = pytest.mark.django_db


@pytest.fixture
def xingqing_admin_client(client):
    client.force_login(make_window_admin("xingqing"))
    return client


@pytest.fixture
def announcements():
    return {
        "own": AnnouncementFactory(window=window("xingqing"), title="兴庆区公告"),
        "other": AnnouncementFactory(window=window("jinfeng"), title="金凤区公告"),
    }


def test_window_admin_lists_only_its_windows_objects(xingqing_admin_client, announcements):
    response = xingqing_admin_client.get(reverse("admin:windows_announcement_changelist"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "兴庆区公告" in content
    assert "金凤区公告" not in content


def test_window_admin_cannot_open_another_windows_object(xingqing_admin_client, announcements):
    url = reverse("admin:windows_announcement_change", args=[announcements["other"].pk])
    response = xingqing_admin_client.get(url)
    assert response.status_code == 302  # Django admin's "does not exist" redirect
    response = xingqing_admin_client.post(url, {"window": window("jinfeng").pk, "title": "改了", "body": "x"})
    announcements["other"].refresh_from_db()
    assert announcements["other"].title == "金凤区公告"


def test_window_admin_changes_its_own_windows_object(xingqing_admin_client, announcements):
    url = reverse("admin:windows_announcement_change", args=[announcements["own"].pk])
    response = xingqing_admin_client.post(
        url, {"window": window("xingqing").pk, "title": "兴庆区新公告", "body": "内容", "is_published": "on"}
    )
    assert response.status_code == 302
    announcements["own"].refresh_from_db()
    assert announcements["own"].title == "兴庆区新公告"


def test_window_admin_is_offered_only_its_windows(xingqing_admin_client):
    response = xingqing_admin_client.get(reverse("admin:windows_announcement_add"))
    choices = list(response.context["adminform"].form.fields["window"].queryset)
    assert choices == [window("xingqing")]


def test_window_admin_cannot_create_for_another_window(xingqing_admin_client):
    response = xingqing_admin_client.post(
        reverse("admin:windows_announcement_add"),
        {"window": window("jinfeng").pk, "title": "越权公告", "body": "x", "is_published": "on"},
    )
    assert response.status_code == 200
    assert "window" in response.context["adminform"].form.errors
    assert not Announcement.objects.filter(title="越权公告").exists()


def test_window_admin_bulk_action_reaches_only_its_rows(xingqing_admin_client, announcements):
    xingqing_admin_client.post(
        reverse("admin:windows_announcement_changelist"),
        {"action": "unpublish", "_selected_action": [a.pk for a in announcements.values()]},
    )
    announcements["own"].refresh_from_db()
    announcements["other"].refresh_from_db()
    assert announcements["own"].is_published is False
    assert announcements["other"].is_published is True


def test_window_admin_sees_and_edits_only_its_own_window(xingqing_admin_client):
    content = xingqing_admin_client.get(reverse("admin:windows_window_changelist")).content.decode()
    assert "兴庆区中小企业服务窗口" in content
    assert "金凤区中小企业服务窗口" not in content
    assert xingqing_admin_client.get(reverse("admin:windows_window_add")).status_code == 403


def test_hub_admin_sees_every_window_and_object(client, announcements):
    client.force_login(HubAdminFactory())
    content = client.get(reverse("admin:windows_announcement_changelist")).content.decode()
    assert "兴庆区公告" in content and "金凤区公告" in content
    assert client.get(reverse("admin:windows_window_changelist")).context["cl"].result_count == Window.objects.count()


def test_staff_without_windows_or_permissions_is_refused(client, announcements):
    client.force_login(StaffUserFactory())
    assert client.get(reverse("admin:windows_announcement_changelist")).status_code == 403


def test_admin_is_in_chinese(client):
    client.force_login(HubAdminFactory())
    content = client.get(reverse("admin:index")).content.decode()
    assert "银川中小企业公共综合服务窗口平台 管理后台" in content
    assert "窗口平台" in content
    assert "站内消息" in content
