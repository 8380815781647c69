"""One submission of a form makes one object (smeportal/idempotency.py), for each of the
forms that create: 我要申请, 发布需求, 投标, 投诉, 评论 and 追加评论."""

import io
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from demands.models import Bid, Demand
from orders.actions import order_place as real_order_place
from orders.models import Order
from reviews.models import Review
from smeportal.errors import ActionRefused
from smeportal.idempotency import FIELD, TOKEN_LIFETIME, new_token
from smeportal.models import SubmissionToken
from tests.demands.helpers import publish_form_data
from tests.factories import (
    HubAdminFactory,
    bidder,
    certified_enterprise,
    certified_institution,
    demand_in_state,
    order_in_state,
    published_service,
    window,
)
from tests.reviews.helpers import review_by

ALREADY = "该表单已提交，显示的是第一次提交的结果。"
TOKEN_REFUSED = "表单已过期或不是从本站页面提交的，请核对填写的内容后重新提交。"


@dataclass
class SubmittedForm:
    """A form that creates, shown to `user` at `url`; `data` fills it in (without the token)."""

    user: object
    url: str
    data: dict
    bad: dict  # what makes the form invalid
    kept: str  # typed text the page keeps after an error
    made: Callable[[], int]  # how many objects the form has made
    result: Callable[[], str]  # where the first submission leads


def order_form():
    service = published_service(certified_institution("yinchuan"))
    orders = Order.objects.filter(service=service)
    return SubmittedForm(
        user=certified_enterprise(),
        url=reverse("orders:place", args=[service.pk]),
        data={"window": window("yinchuan").pk, "quantity": "2", "requirements": "请在周末上门服务。"},
        bad={"quantity": "0"},
        kept="请在周末上门服务。",
        made=orders.count,
        result=lambda: orders.get().get_absolute_url(),
    )


def demand_form():
    user = certified_enterprise()
    return SubmittedForm(
        user=user,
        url=reverse("demands:publish"),
        data=publish_form_data(),
        bad={"budget_min": "30000"},  # above the maximum
        kept="需要对新建厂房进行空气和噪声检测。",
        made=Demand.objects.filter(created_by=user).count,
        result=lambda: reverse("demands:mine"),
    )


def bid_form():
    demand = demand_in_state("bidding")
    user = bidder()
    return SubmittedForm(
        user=user,
        url=reverse("demands:bid", args=[demand.pk]),
        data={"price": "15000", "proposal": "两名工程师驻场检测。", "duration_days": "9"},
        bad={"duration_days": "0"},
        kept="两名工程师驻场检测。",
        made=Bid.objects.filter(demand=demand, institution=user.organisation).count,
        result=lambda: reverse("demands:my_bids"),
    )


def complaint_form():
    order = order_in_state("in_service")
    complaints = Complaint.objects.filter(order=order)
    return SubmittedForm(
        user=order.placed_by,
        url=reverse("complaints:create", args=[order.pk]),
        data={"complaint_type": "quality", "reason": "检测报告结论与现场不符。"},
        bad={"complaint_type": ""},
        kept="检测报告结论与现场不符。",
        made=complaints.count,
        result=lambda: complaints.get().get_absolute_url(),
    )


def review_form():
    order = order_in_state("checked")
    reviews = Review.objects.filter(order=order)
    return SubmittedForm(
        user=order.placed_by,
        url=reverse("reviews:create", args=[order.pk]),
        data={"score": "4", "quality": "5", "attitude": "4", "speed": "3", "content": "服务专业，报告及时。"},
        bad={"score": ""},
        kept="服务专业，报告及时。",
        made=reviews.count,
        result=lambda: reviews.get().get_absolute_url(),
    )


def follow_up_form():
    review = review_by(order_in_state("checked"))
    followed_up = Review.objects.filter(pk=review.pk, followup_at__isnull=False)
    return SubmittedForm(
        user=review.order.placed_by,
        url=reverse("reviews:follow_up", args=[review.pk]),
        data={"content": "后续回访也很及时。"},
        bad={"content": "后续回访也很及时。" + "长" * 2000},  # too long, kept as typed
        kept="后续回访也很及时。",
        made=followed_up.count,
        result=review.get_absolute_url,
    )


FORMS = [order_form, demand_form, bid_form, complaint_form, review_form, follow_up_form]
IDS = ["order", "demand", "bid", "complaint", "review", "follow-up"]


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def token_on(response) -> str:
    assert response.status_code == 200, response.status_code
    found = re.findall(rf'name="{FIELD}" value="([^"]+)"', response.content.decode())
    assert len(found) == 1, found
    return found[0]


@pytest.fixture
def client_of():
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("make", FORMS, ids=IDS)
def test_a_second_identical_post_makes_nothing_and_answers_with_the_first_result(client_of, make):
    form = make()
    client = client_of(form.user)
    data = {**form.data, FIELD: token_on(client.get(form.url))}

    first = client.post(form.url, data)
    assert first.status_code == 302 and first.url == form.result()
    assert ALREADY not in messages_of(first)
    assert form.made() == 1
    client.get(first.url)  # the browser follows the redirect and its message is shown

    second = client.post(form.url, data)
    assert second.status_code == 302 and second.url == first.url
    assert messages_of(second) == [ALREADY]
    assert form.made() == 1
    assert SubmissionToken.objects.filter(user=form.user).count() == 1


@pytest.mark.parametrize("make", FORMS, ids=IDS)
def test_a_validation_error_keeps_the_token_and_the_input(client_of, make):
    form = make()
    client = client_of(form.user)
    token = token_on(client.get(form.url))

    response = client.post(form.url, {**form.data, **form.bad, FIELD: token})
    assert token_on(response) == token
    assert form.kept in response.content.decode()
    assert form.made() == 0 and not SubmissionToken.objects.exists()

    # Corrected, the same form goes through once.
    response = client.post(form.url, {**form.data, FIELD: token})
    assert response.status_code == 302 and form.made() == 1


@pytest.mark.parametrize("make", FORMS, ids=IDS)
def test_each_showing_of_the_form_has_its_own_token(client_of, make):
    form = make()
    client = client_of(form.user)
    assert token_on(client.get(form.url)) != token_on(client.get(form.url))


def test_after_an_order_a_new_form_makes_a_new_order(client_of):
    form = order_form()
    client = client_of(form.user)
    first_token = token_on(client.get(form.url))
    assert client.post(form.url, {**form.data, FIELD: first_token}).status_code == 302

    second_token = token_on(client.get(form.url))
    assert second_token != first_token
    response = client.post(form.url, {**form.data, FIELD: second_token})
    assert response.status_code == 302 and ALREADY not in messages_of(response)
    assert form.made() == 2  # a second application on purpose is not a duplicate


def _expired_token():
    with mock.patch("django.core.signing.time.time", return_value=time.time() - TOKEN_LIFETIME.total_seconds() - 60):
        return new_token()


@pytest.mark.parametrize(
    "token",
    [None, "", uuid.uuid4().hex, new_token()[:-1] + "x", _expired_token],
    ids=["missing", "empty", "unsigned", "bad-signature", "expired"],
)
@pytest.mark.parametrize("make", [order_form, complaint_form], ids=["order", "complaint"])
def test_a_post_without_a_valid_token_is_refused_and_keeps_the_input(client_of, make, token):
    form = make()
    client = client_of(form.user)
    data = dict(form.data)
    if token is not None:
        data[FIELD] = token() if callable(token) else token

    response = client.post(form.url, data)
    content = response.content.decode()
    assert TOKEN_REFUSED in content
    assert form.kept in content
    assert form.made() == 0 and not SubmissionToken.objects.exists()

    # The page hands out a fresh token: sending the kept input again goes through.
    fresh = token_on(response)
    assert fresh != data.get(FIELD)
    response = client.post(form.url, {**form.data, FIELD: fresh})
    assert response.status_code == 302 and form.made() == 1


def test_another_users_token_neither_replays_nor_blocks(client_of):
    service = published_service(certified_institution("yinchuan"))
    alice, mallory = certified_enterprise(), certified_enterprise()
    url = reverse("orders:place", args=[service.pk])
    data = {"window": window("yinchuan").pk, "quantity": "1"}
    token = token_on(client_of(alice).get(url))

    # Mallory sends Alice's token first: for Mallory it is a fresh one.
    response = client_of(mallory).post(url, {**data, FIELD: token})
    mallorys = Order.objects.get(enterprise=mallory.organisation)
    assert response.status_code == 302 and response.url == mallorys.get_absolute_url()

    response = client_of(alice).post(url, {**data, FIELD: token})
    alices = Order.objects.get(enterprise=alice.organisation)
    assert response.status_code == 302 and response.url == alices.get_absolute_url()
    assert ALREADY not in messages_of(response)
    assert Order.objects.count() == 2


def test_a_refused_action_keeps_nothing_and_the_token_usable(client_of):
    form = order_form()
    client = client_of(form.user)
    token = token_on(client.get(form.url))

    def place_then_refuse(**kwargs):
        real_order_place(**kwargs)  # writes, then is refused: nothing of it may survive
        raise ActionRefused("暂时无法申请。")

    with mock.patch("orders.actions.order_place", side_effect=place_then_refuse):
        response = client.post(form.url, {**form.data, FIELD: token})
    assert token_on(response) == token and "暂时无法申请。" in response.content.decode()
    assert form.made() == 0 and not SubmissionToken.objects.exists()

    response = client.post(form.url, {**form.data, FIELD: token})
    assert response.status_code == 302 and ALREADY not in messages_of(response)
    assert form.made() == 1


def test_run_timers_forgets_submissions_no_token_can_replay():
    enterprise = certified_enterprise()
    now = timezone.now()
    old = SubmissionToken.objects.create(
        user=enterprise, token=uuid.uuid4(), result_url="/old/", created_at=now - TOKEN_LIFETIME - timedelta(minutes=1)
    )
    recent = SubmissionToken.objects.create(
        user=enterprise,
        token=uuid.uuid4(),
        result_url="/recent/",
        created_at=now - TOKEN_LIFETIME + timedelta(minutes=5),
    )

    call_command("run_timers", stdout=(out := io.StringIO()))
    assert "1 form submission tokens purged" in out.getvalue()
    assert list(SubmissionToken.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not SubmissionToken.objects.filter(pk=old.pk).exists()

    call_command("run_timers", stdout=(again := io.StringIO()))
    assert "purged" not in again.getvalue()
    assert SubmissionToken.objects.get().pk == recent.pk


def test_the_admin_lists_submissions_read_only(client_of):
    form = order_form()
    client_of(form.user).post(form.url, {**form.data, FIELD: new_token()})
    client = client_of(HubAdminFactory())
    index = client.get(reverse("admin:index")).content.decode()
    assert "平台" in index and "表单提交记录" in index
    changelist = client.get(reverse("admin:smeportal_submissiontoken_changelist"))
    content = changelist.content.decode()
    assert changelist.status_code == 200 and form.result() in content
    assert reverse("admin:smeportal_submissiontoken_add") not in content
    row = SubmissionToken.objects.get()
    assert client.post(reverse("admin:smeportal_submissiontoken_change", args=[row.pk]), {}).status_code == 403
