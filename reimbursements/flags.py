"""Collusion signals (串通预警) on an order paid with a voucher.

Public money must not flow between two faces of one business: an enterprise and an
institution that share a legal representative, a contact phone, a registered address
or a company e-mail domain, or an enterprise that spends every voucher at one
institution. A signal does not refuse anything; it marks the 兑付申请 for review and
an administrator may pay it only with a note.
"""

import re

from django.conf import settings

from accounts.models import User
from certification.selectors import approved_application
from orders.models import Order, OrderStatus

from .models import CollusionFlag

# Free mail providers: sharing one says nothing about who owns the two businesses.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "qq.com",
        "163.com",
        "126.com",
        "sina.com",
        "sina.cn",
        "sohu.com",
        "foxmail.com",
        "gmail.com",
        "outlook.com",
        "hotmail.com",
        "yeah.net",
        "139.com",
        "189.cn",
        "aliyun.com",
        "icloud.com",
        "example.com",
    }
)


def _normalised(text: str) -> str:
    return re.sub(r"\s+", "", text or "").lower()


def _same(ours: str, theirs: str) -> bool:
    """Equal once spaces and case are ignored, and not empty."""
    return bool(_normalised(ours)) and _normalised(ours) == _normalised(theirs)


def _phones(organisation, application) -> set[str]:
    numbers = {organisation.mobile}
    if application is not None:
        numbers |= {application.mobile, application.landline}
    return {re.sub(r"\D", "", n) for n in numbers if n and len(re.sub(r"\D", "", n)) >= 7}


def _mail_domains(organisation, application) -> set[str]:
    addresses = {organisation.email}
    if application is not None:
        addresses.add(application.email)
    addresses |= set(User.objects.filter(organisation=organisation).values_list("email", flat=True))
    domains = {a.rsplit("@", 1)[1].lower() for a in addresses if a and "@" in a}
    return domains - PUBLIC_MAIL_DOMAINS


def collusion_flags(order: Order) -> list[str]:
    """The signals that fit this order, as CollusionFlag codes (empty: nothing to see)."""
    enterprise, institution = order.enterprise, order.institution
    ours, theirs = approved_application(enterprise), approved_application(institution)
    flags = []
    if ours is not None and theirs is not None and _same(ours.legal_representative, theirs.legal_representative):
        flags.append(CollusionFlag.LEGAL_REPRESENTATIVE)
    if _phones(enterprise, ours) & _phones(institution, theirs):
        flags.append(CollusionFlag.PHONE)
    if ours is not None and theirs is not None and _same(ours.registered_address, theirs.registered_address):
        flags.append(CollusionFlag.ADDRESS)
    if _mail_domains(enterprise, ours) & _mail_domains(institution, theirs):
        flags.append(CollusionFlag.EMAIL_DOMAIN)
    if _all_vouchers_to_one_institution(order):
        flags.append(CollusionFlag.SINGLE_INSTITUTION)
    return [str(flag) for flag in flags]


def _all_vouchers_to_one_institution(order: Order) -> bool:
    """The enterprise's accepted voucher orders (this one included) all went to this
    institution, and there are enough of them to mean something."""
    paid = Order.objects.filter(enterprise_id=order.enterprise_id, voucher__isnull=False, status=OrderStatus.CHECKED)
    institutions = set(paid.values_list("institution_id", flat=True))
    return institutions == {order.institution_id} and paid.count() >= settings.VOUCHER_SINGLE_INSTITUTION_MIN_ORDERS
