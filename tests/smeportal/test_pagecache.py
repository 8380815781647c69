"""The anonymous page cache (smeportal/pagecache.py): hits, and never stale after a write."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.actions import organisation_set_rating
from services.actions import service_delist
from tests.factories import (
    HubAdminFactory,
    InstitutionUserFactory,
    institution_with,
    published_service,
)
from tests.smeportal.conftest import get_page as get

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]

LIST_URL = reverse("services:list")
INSTITUTIONS_URL = reverse("services:institutions")
HALL_URL = reverse("demands:hall")
HOME_URL = reverse("home")


@pytest.fixture
def listed():
    hub = HubAdminFactory()
    user = institution_with("xingqing", name="兴庆缓存测试服务所", district="xingqing", domains=["legal"])
    service = published_service(user, "xingqing", approver=hub, title="缓存测试法律顾问", category="legal-counsel")
    return {"hub": hub, "user": user, "service": service}


def _per_request_values_removed(body: str) -> str:
    body = re.sub(r'nonce="[^"]+"', 'nonce=""', body)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


@pytest.mark.parametrize("url", [LIST_URL, INSTITUTIONS_URL, HALL_URL, HOME_URL, f"{LIST_URL}?q=法律&sort=price"])
def test_an_anonymous_visitor_is_served_the_stored_page(client, listed, url, django_assert_max_num_queries):
    first, first_body = get(client, url)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_max_num_queries(2):  # the version and the page: no query of the page's own
        second, second_body = get(Client(), url)
    assert second["X-Page-Cache"] == "hit"
    assert _per_request_values_removed(second_body) == _per_request_values_removed(first_body)
    # Any nonce in the page is this request's own, named by its own header.
    nonces = set(re.findall(r'nonce="([^"]+)"', second_body))
    assert nonces.isdisjoint(re.findall(r'nonce="([^"]+)"', first_body)) or not nonces
    assert all(f"'nonce-{n}'" in second["Content-Security-Policy"] for n in nonces)


def test_the_language_form_of_a_stored_page_carries_a_working_csrf_token(listed):
    get(Client(), LIST_URL)
    client = Client(enforce_csrf_checks=True)
    response, body = get(client, LIST_URL)
    assert response["X-Page-Cache"] == "hit"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    switched = client.post(reverse("set_language"), {"language": "en", "next": LIST_URL, "csrfmiddlewaretoken": token})
    assert switched.status_code == 302


def test_a_newly_approved_listing_shows_at_once(client, listed):
    assert "新上架的检测服务" not in get(client, LIST_URL)[1]
    assert get(client, LIST_URL)[0]["X-Page-Cache"] == "hit"

    published_service(listed["user"], "xingqing", approver=listed["hub"], title="新上架的检测服务")

    response, body = get(client, LIST_URL)
    assert "新上架的检测服务" in body
    assert "新上架的检测服务" in get(client, HOME_URL)[1]


def test_a_service_taken_down_leaves_at_once(client, listed):
    assert "缓存测试法律顾问" in get(client, LIST_URL)[1]
    assert "缓存测试法律顾问" in get(client, LIST_URL)[1]

    service_delist(service=listed["service"], actor=listed["hub"], reason="内容不实")

    assert "缓存测试法律顾问" not in get(client, LIST_URL)[1]


def test_a_changed_rating_shows_at_once(client, listed):
    organisation = listed["user"].organisation
    assert "暂无评价" in get(client, LIST_URL)[1]
    assert "暂无评价" in get(client, INSTITUTIONS_URL)[1]

    # What the reviews app's recount stores after a review is posted or hidden.
    organisation_set_rating(organisation=organisation, average="4.50", count=2)

    assert "★ 4.5" in get(client, LIST_URL)[1]
    assert "★ 4.5" in get(client, INSTITUTIONS_URL)[1]


def test_the_language_switched_shows_the_page_in_that_language(client, listed):
    assert "找服务" in get(client, LIST_URL)[1]
    client.post(reverse("set_language"), {"language": "en", "next": LIST_URL})
    response, body = get(client, LIST_URL)
    assert "Find services" in body and '<h1 class="h3 mb-3">找服务' not in body
    client.post(reverse("set_language"), {"language": "zh-hans", "next": LIST_URL})
    assert '<h1 class="h3 mb-3">找服务' in get(client, LIST_URL)[1]


def test_a_signed_in_user_is_never_served_a_stored_page(client, listed):
    get(Client(), LIST_URL)
    user = InstitutionUserFactory()
    client.force_login(user)
    response, _ = get(client, LIST_URL)
    assert "X-Page-Cache" not in response
    assert response.context is not None


def test_a_pending_message_is_not_hidden_by_a_stored_page(client, listed):
    get(Client(), HOME_URL)
    client.force_login(InstitutionUserFactory())
    client.post(reverse("account_logout"))
    response, body = get(client, HOME_URL)
    assert "X-Page-Cache" not in response
    assert "alert" in body  # the signed-out message


def test_care_mode_and_the_standard_page_are_stored_apart(client, listed):
    assert 'class="care-mode"' not in get(client, LIST_URL)[1]
    client.post(reverse("care_mode"), {"enable": "1", "next": LIST_URL})
    assert 'class="care-mode"' in get(client, LIST_URL)[1]
    assert 'class="care-mode"' not in get(Client(), LIST_URL)[1]


def test_new_site_information_shows_at_once(client, listed, django_capture_on_commit_callbacks):
    from portal.actions import site_settings_save
    from portal.models import SiteSettings

    get(client, HOME_URL)
    site = SiteSettings.objects.get(pk=1)
    site.organiser = "银川市工业和信息化局（缓存测试）"
    with django_capture_on_commit_callbacks(execute=True):
        site_settings_save(settings=site)
    assert "银川市工业和信息化局（缓存测试）" in get(client, HOME_URL)[1]
