"""Concurrent issuing never overspends the budget (PostgreSQL: real row locks)."""

from decimal import Decimal

import pytest

from tests.concurrency import race
from tests.factories import HubAdminFactory, certified_enterprise
from vouchers.actions import voucher_apply, voucher_issue
from vouchers.models import Voucher

from .helpers import programme

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("race_db")]


def test_concurrent_issuing_never_overspends_the_budget():
    scheme = programme(budget=Decimal("15000"))
    admin = HubAdminFactory()
    enterprises = [certified_enterprise().organisation for _ in range(6)]
    results = race(*[lambda e=e: voucher_issue(programme=scheme, enterprise=e, actor=admin) for e in enterprises])
    scheme.refresh_from_db()
    assert results.count("ok") == 3
    assert Voucher.objects.count() == 3
    assert scheme.reserved == Decimal("15000") == sum(v.amount for v in Voucher.objects.all())
    assert sorted(Voucher.objects.values_list("number", flat=True)) == [
        f"{scheme.year}{scheme.pk:04d}{n:06d}" for n in (1, 2, 3)
    ]


def test_a_double_click_on_apply_never_passes_the_cap():
    scheme = programme(cap_per_enterprise=Decimal("5000"))
    user = certified_enterprise()
    results = race(*[lambda: voucher_apply(programme=scheme, actor=user)] * 4)
    assert results.count("ok") == 1
    assert Voucher.objects.filter(owner=user.organisation).count() == 1
