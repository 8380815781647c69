"""A voucher on an order: held on 我要申请, redeemed at 已验收, released on every other ending."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.actions import order_answer_cancel, order_force_cancel, run_timers
from orders.models import Order
from smeportal.errors import ActionRefused
from tests.complaints.helpers import complaint_in_state
from tests.factories import (
    category,
    certified_enterprise,
    make_window_admin,
    order_in_state,
    organisation_user,
    with_cancel_request,
)
from tests.once import with_token
from vouchers.actions import run_timers as voucher_timers
from vouchers.actions import voucher_apply
from vouchers.models import VoucherLog, VoucherStatus

from .helpers import programme

pytestmark = pytest.mark.django_db


def _voucher(user=None, **fields):
    user = user or certified_enterprise()
    return user, voucher_apply(programme=programme(**fields), actor=user)


def _status(voucher):
    voucher.refresh_from_db()
    return voucher.status


def test_an_order_placed_with_a_voucher_holds_it_and_shows_what_the_enterprise_pays():
    user, voucher = _voucher()
    order = order_in_state(
        "submitted", enterprise=user, voucher=voucher, price_mode="fixed", price=Decimal("8000"), price_unit="time"
    )
    assert order.voucher == voucher
    assert order.voucher_amount == Decimal("5000")
    assert order.to_pay == Decimal("3000")
    assert _status(voucher) == VoucherStatus.HELD
    assert VoucherLog.objects.filter(voucher=voucher, to_status=VoucherStatus.HELD, reason=order.number).exists()


def test_a_voucher_pays_no_more_than_the_order_costs():
    user, voucher = _voucher()
    order = order_in_state(
        "submitted", enterprise=user, voucher=voucher, price_mode="fixed", price=Decimal("1200"), price_unit="time"
    )
    assert (order.voucher_amount, order.to_pay) == (Decimal("1200"), Decimal("0"))


def test_acceptance_redeems_the_voucher():
    user, voucher = _voucher()
    order_in_state("checked", enterprise=user, voucher=voucher)
    assert _status(voucher) == VoucherStatus.REDEEMED


def test_acceptance_by_the_timer_redeems_the_voucher():
    user, voucher = _voucher()
    order = order_in_state("completed", enterprise=user, voucher=voucher)
    run_timers(now=timezone.now() + timedelta(days=365))
    order.refresh_from_db()
    assert order.status == "checked"
    assert _status(voucher) == VoucherStatus.REDEEMED


@pytest.mark.parametrize("ending", ["cancelled", "declined", "expired"])
def test_an_order_that_ends_before_service_releases_the_voucher(ending):
    user, voucher = _voucher()
    order_in_state(ending, enterprise=user, voucher=voucher)
    assert _status(voucher) == VoucherStatus.AVAILABLE


def test_cancelling_by_agreement_releases_the_voucher():
    user, voucher = _voucher()
    order = with_cancel_request(order_in_state("in_service", enterprise=user, voucher=voucher), "enterprise")
    order_answer_cancel(order=order, actor=organisation_user(order.institution), agree=True)
    assert _status(voucher) == VoucherStatus.AVAILABLE


def test_an_administrator_cancelling_releases_the_voucher():
    user, voucher = _voucher()
    order = order_in_state("in_service", enterprise=user, voucher=voucher)
    order_force_cancel(order=order, actor=make_window_admin("yinchuan"), reason="违规。")
    assert _status(voucher) == VoucherStatus.AVAILABLE


def test_an_upheld_complaint_releases_the_voucher_and_a_rejected_one_does_not():
    user, voucher = _voucher()
    order = order_in_state("in_service", enterprise=user, voucher=voucher)
    complaint_in_state("closed", order=order, result="rejected")
    assert _status(voucher) == VoucherStatus.HELD
    other_user, other = _voucher()
    complaint_in_state("closed", order=order_in_state("in_service", enterprise=other_user, voucher=other))
    assert _status(other) == VoucherStatus.AVAILABLE


def test_a_released_voucher_can_pay_for_the_next_order():
    user, voucher = _voucher()
    order_in_state("cancelled", enterprise=user, voucher=voucher)
    assert order_in_state("submitted", enterprise=user, voucher=voucher).voucher == voucher


def test_a_held_voucher_cannot_pay_for_a_second_order_and_nothing_is_made():
    user, voucher = _voucher()
    order_in_state("submitted", enterprise=user, voucher=voucher)
    with pytest.raises(ActionRefused):
        order_in_state("submitted", enterprise=user, voucher=voucher)
    assert Order.objects.count() == 1


def test_another_enterprises_voucher_is_refused():
    _, voucher = _voucher()
    with pytest.raises(ActionRefused):
        order_in_state("submitted", enterprise=certified_enterprise(), voucher=voucher)
    assert _status(voucher) == VoucherStatus.AVAILABLE
    assert not Order.objects.exists()


def test_a_voucher_only_pays_for_its_programmes_categories():
    scheme = programme()
    scheme.eligible_categories.set([category("legal")])
    user = certified_enterprise()
    voucher = voucher_apply(programme=scheme, actor=user)
    with pytest.raises(ActionRefused):
        order_in_state("submitted", enterprise=user, voucher=voucher)  # 检验检测
    assert _status(voucher) == VoucherStatus.AVAILABLE
    order = order_in_state("submitted", enterprise=user, voucher=voucher, category="legal-contract")
    assert order.voucher == voucher  # a subcategory of the programme's 法律服务


def test_an_unused_voucher_expires_and_gives_its_amount_back_to_the_budget():
    user, voucher = _voucher()
    scheme = voucher.programme
    voucher_timers(timezone.now() + timedelta(days=365))
    assert _status(voucher) == VoucherStatus.EXPIRED
    scheme.refresh_from_db()
    assert scheme.reserved == 0
    assert voucher_timers(timezone.now() + timedelta(days=365)) == []


def test_a_held_voucher_does_not_expire_while_its_order_runs():
    user, voucher = _voucher()
    order_in_state("in_service", enterprise=user, voucher=voucher)
    voucher_timers(timezone.now() + timedelta(days=365))
    assert _status(voucher) == VoucherStatus.HELD


def test_the_apply_page_offers_the_voucher_and_the_order_page_shows_the_amounts(client):
    user, voucher = _voucher()
    other_order = order_in_state("submitted", price_mode="fixed", price=Decimal("8000"), price_unit="time")
    service = other_order.service
    client.force_login(user)
    url = reverse("orders:place", args=[service.pk])
    page = client.get(url).content.decode()
    assert voucher.number in page and "不使用服务券" in page
    response = client.post(
        url, with_token(window=str(other_order.window_id), quantity="1", requirements="", voucher=str(voucher.pk))
    )
    order = Order.objects.get(enterprise=user.organisation)
    assert response.status_code == 302
    assert order.voucher == voucher
    detail = client.get(order.get_absolute_url()).content.decode()
    assert "服务券抵扣" in detail and "¥5000.00" in detail and "¥3000.00" in detail
