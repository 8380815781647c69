from decimal import Decimal

from django.core.files.base import ContentFile

from certification.selectors import approved_application
from reimbursements.actions import reimbursement_submit
from tests.factories import PDF_BYTES, certified_enterprise, certified_institution, order_in_state, organisation_user
from tests.vouchers.helpers import programme
from vouchers.actions import voucher_apply


def voucher_order(
    state="checked", *, enterprise=None, institution=None, slug="yinchuan", programme_fields=None, **enterprise_fields
):
    """An order of 6,000 yuan paid with a 5,000 voucher, moved through the real actions.

    The certification factory gives each organisation its own legal representative,
    address and phone; `enterprise_fields` can make the enterprise share one with the
    institution, whose programme then must not exclude related institutions.
    """
    enterprise = enterprise or certified_enterprise(**enterprise_fields)
    voucher = voucher_apply(programme=programme(slug, **(programme_fields or {})), actor=enterprise)
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


def related_voucher_order(field: str, value=None, state="checked"):
    """A voucher order whose enterprise shares `field` of the institution's certification
    (its value, or `value` when given), under a programme that lets related parties trade."""
    institution = certified_institution("yinchuan")
    shared = getattr(approved_application(institution.organisation), field) if value is None else value
    return voucher_order(
        state,
        institution=institution,
        programme_fields={"exclude_related_institutions": False},
        **{field: shared},
    )
