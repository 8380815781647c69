"""The per-user page cache of the order pages (smeportal/pagecache.py, cached_per_user):
a second visit is served from the cache, and no write is ever hidden by it."""

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse

from notifications.actions import notify
from orders.models import OrderStatus
from smeportal.pagecache import invalidate_scopes, org_scope
from tests.factories import HubAdminFactory, order_in_state, organisation_user
from tests.smeportal.conftest import get_page as get

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]

LIST_URL = reverse("orders:list")


@pytest.fixture
def order(django_capture_on_commit_callbacks):
    # Run the set-up's after-commit callbacks: the test's own transaction never commits.
    with django_capture_on_commit_callbacks(execute=True):
        return order_in_state("submitted")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def status_label(status) -> str:
    return str(OrderStatus(status).label)


@pytest.mark.parametrize("page", ["list", "detail"])
def test_a_second_visit_is_served_from_the_cache(order, page, django_assert_max_num_queries):
    client = signed_in(order.placed_by)
    url = LIST_URL if page == "list" else order.get_absolute_url()
    first, first_body = get(client, url)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_max_num_queries(2):  # the session and the user: nothing of the page's own
        second, second_body = get(client, url)
    assert second["X-Page-Cache"] == "hit"
    assert order.number in second_body


def test_the_other_sides_write_shows_at_once(order, django_capture_on_commit_callbacks):
    enterprise = signed_in(order.placed_by)
    assert status_label("submitted") in get(enterprise, order.get_absolute_url())[1]
    get(enterprise, LIST_URL)
    institution = signed_in(organisation_user(order.institution))
    with django_capture_on_commit_callbacks(execute=True):
        assert institution.post(reverse("orders:accept", args=[order.pk])).status_code == 302
    for url in (LIST_URL, order.get_absolute_url()):
        response, body = get(enterprise, url)
        assert response["X-Page-Cache"] == "miss"
        assert status_label("in_service") in body


def test_a_users_own_write_shows_at_once(order, django_capture_on_commit_callbacks):
    client = signed_in(order.placed_by)
    for url in (LIST_URL, order.get_absolute_url()):
        get(client, url)
        assert get(client, url)[0]["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("orders:cancel", args=[order.pk])).status_code == 302
    order.refresh_from_db()
    assert order.status == "cancelled"
    # The redirect's flash message is shown once, on a freshly rendered page, never stored.
    response, body = get(client, order.get_absolute_url())
    assert "X-Page-Cache" not in response
    assert "订单已取消" in body or "The order is cancelled." in body
    response, body = get(client, order.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert "订单已取消" not in body and "The order is cancelled." not in body
    assert status_label("cancelled") in get(client, LIST_URL)[1]


def unread_badge(body: str) -> str | None:
    match = re.search(r'<span class="badge rounded-pill bg-danger"[^>]*>(\d+)</span>', body)
    return match and match.group(1)


def test_a_new_message_and_reading_them_change_the_header_at_once(order, django_capture_on_commit_callbacks):
    user = order.placed_by
    client = signed_in(user)
    before = unread_badge(get(client, LIST_URL)[1])
    assert get(client, LIST_URL)[0]["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=user, title="缓存测试消息")
    unread = user.notifications.unread().count()
    assert str(unread) != before
    assert unread_badge(get(client, LIST_URL)[1]) == str(unread)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("notifications:read_all")).status_code == 302
    get(client, reverse("notifications:list"))  # shows the flash message, if any
    assert unread_badge(get(client, LIST_URL)[1]) is None


def test_no_one_is_served_another_users_page(order):
    enterprise = order.placed_by
    institution = organisation_user(order.institution)
    assert "我申请的订单" in get(signed_in(enterprise), LIST_URL)[1]
    response, body = get(signed_in(institution), LIST_URL)
    assert response["X-Page-Cache"] == "miss"
    assert "收到的订单" in body and '<h1 class="h3 mb-3">我申请的订单' not in body
    # Another session of the same user shares the copy: it is theirs.
    assert get(signed_in(enterprise), LIST_URL)[0]["X-Page-Cache"] == "hit"


def test_the_language_switch_is_not_served_the_other_language(order):
    client = signed_in(order.placed_by)
    get(client, LIST_URL)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response, body = get(client, LIST_URL)
    assert response["X-Page-Cache"] == "miss"
    assert "Awaiting acceptance" in body and "待受理" not in body


def test_staff_pages_are_rendered_every_time(order):
    client = signed_in(HubAdminFactory())
    for _ in range(2):
        response = client.get(order.get_absolute_url())
        assert response.status_code == 200
        assert "X-Page-Cache" not in response


def test_a_rolled_back_write_keeps_the_versions(django_capture_on_commit_callbacks):
    scope = org_scope(987654)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        invalidate_scopes([scope])
        raise RuntimeError
    assert cache.get(scope) is None
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        invalidate_scopes([scope])
    assert cache.get(scope) is not None
