"""Collusion signals (串通预警) on an order paid with a voucher.

Public money must not flow between two faces of one business: an enterprise and an
institution that are one legal entity or share a legal representative, a contact
phone, a registered address or a company e-mail domain, or an enterprise that spends
every voucher at one institution. A signal does not refuse anything; it marks the 兑付申请 for review and
an administrator may pay it only with a note.
"""

from django.conf import settings

from certification.relatedness import shared_identity
from orders.models import Order, OrderStatus

from .models import CollusionFlag


def collusion_flags(order: Order) -> list[str]:
    """The signals that fit this order, as CollusionFlag codes (empty: nothing to see)."""
    # certification.relatedness names what two organisations share with the codes
    # CollusionFlag uses for the same thing.
    flags = [CollusionFlag(code) for code in shared_identity(order.enterprise, order.institution)]
    if _all_vouchers_to_one_institution(order):
        flags.append(CollusionFlag.SINGLE_INSTITUTION)
    return [str(flag) for flag in flags]


def _all_vouchers_to_one_institution(order: Order) -> bool:
    """The enterprise's accepted voucher orders (this one included) all went to this
    institution, and there are enough of them to mean something."""
    paid = Order.objects.filter(enterprise_id=order.enterprise_id, voucher__isnull=False, status=OrderStatus.CHECKED)
    institutions = set(paid.values_list("institution_id", flat=True))
    return institutions == {order.institution_id} and paid.count() >= settings.VOUCHER_SINGLE_INSTITUTION_MIN_ORDERS
