"""Collusion signals on a voucher order: each one alone, and the ones that are not signals."""

import pytest
from django.test import override_settings

from accounts.models import User
from certification.models import CertificationApplication
from certification.selectors import approved_application
from reimbursements.flags import collusion_flags
from tests.factories import certified_enterprise, certified_institution

from .helpers import related_voucher_order, voucher_order

pytestmark = pytest.mark.django_db


def test_unrelated_parties_raise_nothing():
    assert collusion_flags(voucher_order()) == []


@pytest.mark.parametrize(
    "field, flag",
    [
        ("legal_representative", "legal_representative"),
        ("mobile", "phone"),
        ("registered_address", "address"),
    ],
)
def test_each_shared_identity_is_flagged(field, flag):
    assert collusion_flags(related_voucher_order(field)) == [flag]


def test_spaces_do_not_hide_a_shared_legal_representative_and_a_shared_entity_code_is_flagged():
    order = related_voucher_order("legal_representative", value=" 王 建国0 ")
    institution_application = approved_application(order.institution)
    institution_application.legal_representative = "王建国0"
    institution_application.save(update_fields=["legal_representative"])
    assert collusion_flags(order) == ["legal_representative"]
    # Two credit codes with one 主体标识码 (characters 9–17) are one legal entity.
    ours = approved_application(order.enterprise)
    CertificationApplication.objects.filter(pk=ours.pk).update(
        credit_code=ours.credit_code[:8] + institution_application.credit_code[8:17] + ours.credit_code[17]
    )
    assert collusion_flags(order) == ["credit_code", "legal_representative"]


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
    enterprise = certified_enterprise()
    institution = certified_institution("yinchuan")
    first = voucher_order(enterprise=enterprise, institution=institution)
    assert collusion_flags(first) == []  # one order says nothing
    second = voucher_order(enterprise=enterprise, institution=institution)
    assert collusion_flags(second) == ["single_institution"]
    voucher_order(enterprise=enterprise)  # a third order elsewhere clears it
    assert collusion_flags(second) == []
