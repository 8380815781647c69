from decimal import Decimal

from django.core.files.base import ContentFile

from reimbursements.actions import reimbursement_submit
from tests.factories import PDF_BYTES, certified_enterprise, order_in_state, organisation_user
from tests.vouchers.helpers import programme
from vouchers.actions import voucher_apply

# The certification factory gives every organisation the same legal representative,
# address and phone; an enterprise made here shares none of them with its institution.
UNRELATED = {
    "legal_representative": "李明",
    "registered_address": "宁夏银川市金凤区北京中路99号",
    "mobile": "13800000099",
}


def voucher_order(state="checked", *, enterprise=None, institution=None, slug="yinchuan", **enterprise_fields):
    """An order of 6,000 yuan paid with a 5,000 voucher, moved through the real actions."""
    enterprise = enterprise or certified_enterprise(**{**UNRELATED, **enterprise_fields})
    voucher = voucher_apply(programme=programme(slug), actor=enterprise)
    extra = {"institution": institution} if institution else {}
    return order_in_state(
        state,
        enterprise=enterprise,
        voucher=voucher,
        price_mode="fixed",
        price=Decimal("6000"),
        price_unit="time",
        **extra,
    )


def invoice(name="发票.pdf", data=PDF_BYTES):
    upload = ContentFile(data, name="0123456789abcdef.pdf")
    upload.original_name = name
    return upload


def submitted(order=None, **kwargs):
    order = order or voucher_order(**kwargs)
    return reimbursement_submit(
        order=order, actor=organisation_user(order.institution), invoice_number="NX20260001", invoice=invoice()
    )
