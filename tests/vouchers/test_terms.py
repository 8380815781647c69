"""A programme's terms: a share of the price, the unused part back to the budget, related
institutions excluded, and the eligibility lists as administrators tick them in admin."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from certification.models import CertificationApplication
from certification.selectors import approved_application
from orders.actions import order_update
from orders.models import Order
from smeportal.errors import ActionRefused
from tests.factories import (
    HubAdminFactory,
    certified_enterprise,
    certified_institution,
    order_in_state,
    published_service,
    window,
)
from tests.once import with_token
from vouchers.actions import voucher_apply
from vouchers.admin import eligible_enterprises
from vouchers.models import VoucherProgramme, VoucherStatus
from vouchers.selectors import programmes_open_to, usable_vouchers

from .helpers import programme

pytestmark = pytest.mark.django_db

FIXED = {"price_mode": "fixed", "price_unit": "time"}


def _voucher(user=None, **fields):
    user = user or certified_enterprise()
    return user, voucher_apply(programme=programme(**fields), actor=user)


# A share of the price --------------------------------------------------------------


@pytest.mark.parametrize(("price", "pays"), [("6000", "3000"), ("12000", "5000"), ("0.03", "0.02")])
def test_a_share_voucher_pays_its_share_of_the_total_up_to_its_face_value(price, pays):
    user, voucher = _voucher(share_percent=50)
    order = order_in_state("submitted", enterprise=user, voucher=voucher, price=Decimal(price), **FIXED)
    assert order.voucher_amount == Decimal(pays)
    assert order.to_pay == Decimal(price) - Decimal(pays)


def test_a_share_voucher_is_not_offered_on_a_negotiated_price_and_is_refused_there():
    user, voucher = _voucher(share_percent=50)
    service = published_service(certified_institution("yinchuan"), price_mode="negotiable", price=None)
    assert usable_vouchers(user.organisation, service.category, negotiated=True) == []
    assert usable_vouchers(user.organisation, service.category, negotiated=False) == [voucher]
    with pytest.raises(ActionRefused, match="价格面议"):
        order_in_state("submitted", enterprise=user, service=service, voucher=voucher)
    assert not Order.objects.exists()
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.AVAILABLE


def test_changing_the_quantity_changes_what_the_voucher_pays():
    user, voucher = _voucher(share_percent=50)
    order = order_in_state("submitted", enterprise=user, voucher=voucher, price=Decimal("2000"), **FIXED)
    assert order.voucher_amount == Decimal("1000")
    order = order_update(order=order, actor=user, quantity=3, requirements="")
    order.refresh_from_db()
    assert (order.voucher_amount, order.to_pay) == (Decimal("3000"), Decimal("3000"))
    order = order_update(order=order, actor=user, quantity=10, requirements="")
    order.refresh_from_db()
    assert order.voucher_amount == Decimal("5000")  # the face value caps it


def test_redeeming_for_less_than_the_face_value_gives_the_rest_back_to_the_budget():
    user, voucher = _voucher(share_percent=50)
    scheme = voucher.programme
    order_in_state("checked", enterprise=user, voucher=voucher, price=Decimal("3000"), **FIXED)
    voucher.refresh_from_db()
    scheme.refresh_from_db()
    assert voucher.status == VoucherStatus.REDEEMED and voucher.used_amount == Decimal("1500")
    assert scheme.reserved == Decimal("1500")
    # The cap counts what the enterprise used, so it may apply again.
    assert voucher_apply(programme=scheme, actor=user)
    scheme.refresh_from_db()
    assert scheme.reserved == Decimal("6500")


def test_the_voucher_page_shows_the_terms_and_what_was_used(client):
    user, voucher = _voucher(share_percent=50)
    order_in_state("checked", enterprise=user, voucher=voucher, price=Decimal("3000"), **FIXED)
    client.force_login(user)
    page = client.get(reverse("vouchers:mine")).content.decode()
    assert "按价格的 50% 抵扣，最高 ¥5000.00" in page
    assert "已用 ¥1500.00" in page


# Related institutions ---------------------------------------------------------------


def _related_pair(field):
    """An enterprise certified with the institution's `field`, and the institution."""
    institution = certified_institution("yinchuan")
    theirs = approved_application(institution.organisation)
    if field == "credit_code":
        user = certified_enterprise()
        ours = approved_application(user.organisation)
        # Another code with the institution's 主体标识码 (characters 9–17).
        CertificationApplication.objects.filter(pk=ours.pk).update(
            credit_code=ours.credit_code[:8] + theirs.credit_code[8:17] + ours.credit_code[17]
        )
    else:
        user = certified_enterprise(**{field: getattr(theirs, field)})
    return user, institution


@pytest.mark.parametrize(
    ("field", "reason"),
    [
        ("credit_code", "同一法人主体"),
        ("legal_representative", "法定代表人相同"),
        ("mobile", "联系电话相同"),
        ("registered_address", "注册地址相同"),
    ],
)
def test_a_voucher_cannot_pay_a_related_institution_and_nothing_is_made(field, reason):
    user, institution = _related_pair(field)
    _, voucher = _voucher(user)
    with pytest.raises(ActionRefused) as refusal:
        order_in_state("submitted", enterprise=user, institution=institution, voucher=voucher)
    assert reason in refusal.value.message
    assert not Order.objects.exists()
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.AVAILABLE


def test_a_programme_that_does_not_exclude_related_institutions_lets_them_trade():
    user, institution = _related_pair("legal_representative")
    _, voucher = _voucher(user, exclude_related_institutions=False)
    order = order_in_state("submitted", enterprise=user, institution=institution, voucher=voucher)
    assert order.voucher == voucher


def test_refusal_on_the_apply_page_keeps_the_form_and_says_why(client):
    user, institution = _related_pair("registered_address")
    _, voucher = _voucher(user)
    service = published_service(institution, "yinchuan", price=Decimal("800"), **FIXED)
    client.force_login(user)
    url = reverse("orders:place", args=[service.pk])
    response = client.post(
        url,
        with_token(window=window("yinchuan").pk, quantity=2, requirements="需要尽快", voucher=voucher.pk),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "注册地址相同" in page and "需要尽快" in page
    assert not Order.objects.exists()


# Eligibility as administrators tick it ------------------------------------------------


def test_the_open_list_and_the_bulk_issue_follow_industry_and_scale():
    manufacturer = certified_enterprise(industry="C", scale="small").organisation
    software = certified_enterprise(industry="I", scale="small").organisation
    micro = certified_enterprise(industry="C", scale="micro").organisation
    scheme = programme(eligible_industries=["C"], eligible_scales=["small"])
    assert list(eligible_enterprises(scheme)) == [manufacturer]
    assert scheme in programmes_open_to(manufacturer)
    assert scheme not in programmes_open_to(software)
    assert scheme not in programmes_open_to(micro)


def test_administrators_tick_districts_industries_and_scales_in_admin(client):
    client.force_login(HubAdminFactory())
    today = timezone.localdate()
    response = client.post(
        reverse("admin:vouchers_voucherprogramme_add"),
        {
            "window": window("yinchuan").pk,
            "name": "制造业服务券",
            "year": today.year,
            "budget": "100000",
            "face_value": "2000",
            "share_percent": "50",
            "cap_per_enterprise": "6000",
            "valid_from": today.isoformat(),
            "valid_until": today.replace(month=12, day=31).isoformat(),
            "eligible_districts": ["xingqing", "jinfeng"],
            "eligible_industries": ["C"],
            "eligible_scales": ["small", "micro"],
            "exclude_related_institutions": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    scheme = VoucherProgramme.objects.get(name="制造业服务券")
    assert scheme.eligible_districts == ["xingqing", "jinfeng"]
    assert scheme.eligible_industries == ["C"]
    assert scheme.eligible_scales == ["small", "micro"]
    assert scheme.share_percent == 50 and scheme.exclude_related_institutions
    page = client.get(reverse("admin:vouchers_voucherprogramme_change", args=[scheme.pk])).content.decode()
    assert re.search(r'name="eligible_industries" value="C"[^>]*checked', page)
    assert not re.search(r'name="eligible_industries" value="I"[^>]*checked', page)


def test_the_dashboard_counts_what_a_redeemed_voucher_paid(client):
    user, voucher = _voucher(share_percent=50)
    order_in_state("checked", enterprise=user, voucher=voucher, price=Decimal("3000"), **FIXED)
    client.force_login(HubAdminFactory())
    [row] = client.get(reverse("supervision:vouchers")).context["tables"][0].rows
    # Issued (committed), held, redeemed, paid, expired, then what is left of 30,000.
    assert row[4:10] == [1500.0, 0.0, 1500.0, 0.0, 0.0, 28500.0]
