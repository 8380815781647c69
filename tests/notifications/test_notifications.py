import pytest
from django.db import transaction
from django.urls import reverse

from notifications.actions import notify
from notifications.models import Notification
from tests.factories import EnterpriseUserFactory, NotificationFactory

pytestmark = pytest.mark.django_db


def test_notify_creates_a_message_and_e_mails_after_commit(django_capture_on_commit_callbacks, mailoutbox):
    user = EnterpriseUserFactory(email="boss@example.com")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = notify(recipient=user, title="订单已受理", body="您的订单已受理。", url="/orders/1/")
    assert Notification.objects.get(pk=notification.pk).recipient == user
    assert mailoutbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["boss@example.com"]
    assert "订单已受理" in mailoutbox[0].subject
    assert "/orders/1/" in mailoutbox[0].body
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_a_rolled_back_action_leaves_no_message_and_no_mail(django_capture_on_commit_callbacks, mailoutbox):
    user = EnterpriseUserFactory(email="boss@example.com")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                notify(recipient=user, title="不会发送")
                raise RuntimeError("the action failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert mailoutbox == []
    assert not Notification.objects.filter(title="不会发送").exists()


def test_no_e_mail_without_an_address(django_capture_on_commit_callbacks, mailoutbox):
    user = EnterpriseUserFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=user, title="站内消息")
    assert mailoutbox == []
    assert user.notifications.count() == 1


def test_notify_links_only_to_paths_of_this_site():
    user = EnterpriseUserFactory()
    with pytest.raises(ValueError):
        notify(recipient=user, title="x", url="https://evil.example/")
    with pytest.raises(ValueError):
        notify(recipient=user, title="x", url="//evil.example/")


def test_message_list_requires_login(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302


def test_message_list_filters_read_and_unread(enterprise_client, enterprise_user):
    NotificationFactory(recipient=enterprise_user, title="未读的消息")
    read = NotificationFactory(recipient=enterprise_user, title="读过的消息")
    read.read_at = read.created_at
    read.save()
    NotificationFactory(title="别人的消息")
    url = reverse("notifications:list")
    everything = enterprise_client.get(url).content.decode()
    assert "未读的消息" in everything and "读过的消息" in everything and "别人的消息" not in everything
    unread = enterprise_client.get(url, {"status": "unread"}).content.decode()
    assert "未读的消息" in unread and "读过的消息" not in unread
    read_only = enterprise_client.get(url, {"status": "read"}).content.decode()
    assert "读过的消息" in read_only and "未读的消息" not in read_only


def test_message_list_query_count_does_not_grow_with_messages(
    enterprise_client, enterprise_user, django_assert_max_num_queries
):
    NotificationFactory.create_batch(3, recipient=enterprise_user)
    with django_assert_max_num_queries(8) as few:
        enterprise_client.get(reverse("notifications:list"))
    NotificationFactory.create_batch(40, recipient=enterprise_user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        enterprise_client.get(reverse("notifications:list"))


def test_opening_a_message_marks_it_read(enterprise_client, enterprise_user):
    notification = NotificationFactory(recipient=enterprise_user)
    response = enterprise_client.get(reverse("notifications:detail", args=[notification.pk]))
    assert response.status_code == 200
    notification.refresh_from_db()
    assert notification.is_read


def test_mark_one_read(enterprise_client, enterprise_user):
    notification = NotificationFactory(recipient=enterprise_user)
    response = enterprise_client.post(reverse("notifications:read", args=[notification.pk]))
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.is_read


def test_mark_all_read_touches_only_my_messages(enterprise_client, enterprise_user):
    NotificationFactory.create_batch(3, recipient=enterprise_user)
    other = NotificationFactory()
    enterprise_client.post(reverse("notifications:read_all"))
    assert not enterprise_user.notifications.unread().exists()
    other.refresh_from_db()
    assert not other.is_read


def test_another_users_message_answers_404(enterprise_client):
    other = NotificationFactory()
    assert enterprise_client.get(reverse("notifications:detail", args=[other.pk])).status_code == 404
    assert enterprise_client.post(reverse("notifications:read", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert not other.is_read


def test_marking_read_is_post_only(enterprise_client, enterprise_user):
    notification = NotificationFactory(recipient=enterprise_user)
    assert enterprise_client.get(reverse("notifications:read", args=[notification.pk])).status_code == 405


def test_back_link_refuses_other_sites(enterprise_client, enterprise_user):
    notification = NotificationFactory(recipient=enterprise_user)
    response = enterprise_client.post(
        reverse("notifications:read", args=[notification.pk]), {"next": "https://evil.example/"}
    )
    assert response.url == reverse("notifications:list")
