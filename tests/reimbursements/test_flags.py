"""Collusion signals on a voucher order: each one alone, and the ones that are not signals."""

import pytest
from django.test import override_settings

from accounts.models import User
from reimbursements.flags import collusion_flags
from tests.factories import certified_enterprise, certified_institution

from .helpers import UNRELATED, voucher_order

pytestmark = pytest.mark.django_db


def test_unrelated_parties_raise_nothing():
    assert collusion_flags(voucher_order()) == []


@pytest.mark.parametrize(
    "shared, flag",
    [
        ({"legal_representative": " 王建国 "}, "legal_representative"),
        ({"mobile": "13995100001"}, "phone"),
        ({"registered_address": "宁夏银川市兴庆区解放东街1号"}, "address"),
    ],
)
def test_each_shared_identity_is_flagged(shared, flag):
    # The factory's institution: 王建国, 宁夏银川市兴庆区解放东街1号, 13995100001.
    assert collusion_flags(voucher_order(**shared)) == [flag]


def test_company_mail_domain_is_flagged_but_a_free_provider_is_not():
    order = voucher_order()
    User.objects.filter(organisation=order.institution).update(email="sales@xinghe-consult.cn")
    User.objects.filter(organisation=order.enterprise).update(email="boss@qq.com")
    assert collusion_flags(order) == []
    User.objects.filter(organisation=order.institution).update(email="sales@qq.com")
    assert collusion_flags(order) == []
    User.objects.filter(organisation=order.enterprise).update(email="boss@xinghe-consult.cn")
    User.objects.filter(organisation=order.institution).update(email="sales@xinghe-consult.cn")
    assert collusion_flags(order) == ["email_domain"]


@override_settings(VOUCHER_SINGLE_INSTITUTION_MIN_ORDERS=2)
def test_every_voucher_to_one_institution():
    enterprise = certified_enterprise(**UNRELATED)
    institution = certified_institution("yinchuan")
    first = voucher_order(enterprise=enterprise, institution=institution)
    assert collusion_flags(first) == []  # one order says nothing
    second = voucher_order(enterprise=enterprise, institution=institution)
    assert collusion_flags(second) == ["single_institution"]
    voucher_order(enterprise=enterprise)  # a third order elsewhere clears it
    assert collusion_flags(second) == []
