"""服务券 issuing: budget, per-enterprise cap, eligibility, window scoping."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.utils import timezone

from smeportal.errors import ActionRefused
from tests.factories import EnterpriseUserFactory, HubAdminFactory, certified_enterprise, make_window_admin
from vouchers.actions import voucher_apply, voucher_issue, voucher_issue_bulk
from vouchers.models import Voucher, VoucherLog, VoucherStatus

from .helpers import programme

pytestmark = pytest.mark.django_db


def test_enterprise_applies_for_a_voucher_and_the_budget_is_reserved():
    scheme = programme()
    user = certified_enterprise()
    voucher = voucher_apply(programme=scheme, actor=user)
    scheme.refresh_from_db()
    assert voucher.owner == user.organisation
    assert voucher.amount == Decimal("5000")
    assert voucher.status == VoucherStatus.AVAILABLE
    assert voucher.expires_on == scheme.valid_until
    assert voucher.number == f"{scheme.year}{scheme.pk:04d}000001"
    assert (scheme.reserved, scheme.issued_count) == (Decimal("5000"), 1)
    assert VoucherLog.objects.filter(voucher=voucher, actor=user, to_status=VoucherStatus.AVAILABLE).count() == 1


def test_the_cap_per_enterprise_refuses_the_voucher_past_it_and_changes_nothing():
    scheme = programme()
    user = certified_enterprise()
    voucher_apply(programme=scheme, actor=user)
    voucher_apply(programme=scheme, actor=user)
    with pytest.raises(ActionRefused, match="10000"):
        voucher_apply(programme=scheme, actor=user)
    scheme.refresh_from_db()
    assert (scheme.reserved, scheme.issued_count) == (Decimal("10000"), 2)
    assert Voucher.objects.count() == 2


def test_expired_vouchers_do_not_count_against_the_cap():
    scheme = programme(cap_per_enterprise=Decimal("5000"))
    user = certified_enterprise()
    first = voucher_apply(programme=scheme, actor=user)
    first.expire()
    first.save(update_fields=["status"])
    assert voucher_apply(programme=scheme, actor=user).status == VoucherStatus.AVAILABLE


def test_the_budget_is_never_overspent():
    scheme = programme(budget=Decimal("8000"))
    voucher_apply(programme=scheme, actor=certified_enterprise())
    with pytest.raises(ActionRefused):
        voucher_apply(programme=scheme, actor=certified_enterprise())
    scheme.refresh_from_db()
    assert scheme.reserved == Decimal("5000")


def test_the_database_refuses_a_reservation_above_the_budget():
    scheme = programme()
    scheme.reserved = scheme.budget + 1
    with pytest.raises(IntegrityError):
        scheme.save(update_fields=["reserved"])


@pytest.mark.parametrize(
    ("make_user", "fields", "message"),
    [
        (EnterpriseUserFactory, {}, "certified"),
        (certified_enterprise, {"open_for_applications": False}, "applications"),
        (certified_enterprise, {"eligible_districts": ["helan"]}, "district"),
        # The factory's enterprise is certified in section I (IT services) as small.
        (certified_enterprise, {"eligible_industries": ["C"]}, "industry"),
        (certified_enterprise, {"eligible_scales": ["micro", "medium"]}, "scale"),
        (
            certified_enterprise,
            {"valid_from": timezone.localdate() + datetime.timedelta(days=3)},
            "not started",
        ),
    ],
)
def test_ineligible_applications_are_refused(make_user, fields, message, settings):
    settings.LANGUAGE_CODE = "en"
    scheme = programme(**fields)
    with pytest.raises(ActionRefused, match=message):
        voucher_apply(programme=scheme, actor=make_user())
    assert not Voucher.objects.exists()


def test_a_district_industry_and_scale_listed_as_eligible_may_apply():
    user = certified_enterprise(industry="C", scale="micro")
    scheme = programme(
        eligible_districts=[user.organisation.district], eligible_industries=["C", "I"], eligible_scales=["micro"]
    )
    assert voucher_apply(programme=scheme, actor=user)


def test_an_institution_cannot_hold_vouchers(settings):
    from tests.factories import certified_institution

    settings.LANGUAGE_CODE = "en"
    with pytest.raises(ActionRefused, match="Only enterprises"):
        voucher_apply(programme=programme(), actor=certified_institution())


def test_a_window_administrator_issues_only_in_their_own_windows():
    enterprise = certified_enterprise().organisation
    own, other = programme("xingqing"), programme("jinfeng")
    admin = make_window_admin("xingqing")
    assert voucher_issue(programme=own, enterprise=enterprise, actor=admin)
    with pytest.raises(ActionRefused):
        voucher_issue(programme=other, enterprise=enterprise, actor=admin)
    other.refresh_from_db()
    assert other.issued_count == 0


def test_an_enterprise_user_cannot_issue():
    user = certified_enterprise()
    with pytest.raises(ActionRefused):
        voucher_issue(programme=programme(), enterprise=user.organisation, actor=user)


def test_bulk_issuing_stops_at_the_budget_and_reports_each_refusal():
    scheme = programme(budget=Decimal("10000"))
    enterprises = [certified_enterprise().organisation for _ in range(3)]
    issued, refused = voucher_issue_bulk(programme=scheme, enterprises=enterprises, actor=HubAdminFactory())
    assert [v.owner for v in issued] == enterprises[:2]
    assert [enterprise for enterprise, _ in refused] == enterprises[2:]
    scheme.refresh_from_db()
    assert scheme.reserved == scheme.budget
