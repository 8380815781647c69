"""A programme in use: demo_enterprise paid part of an order with its voucher, the order
was accepted, demo_institution asked for reimbursement and the hub approved it (so the
兑付材料 PDF exists). 我的服务券 then shows a 已使用 voucher and the cap leaves room to 申领 again."""

from django.core.files.base import ContentFile

from accounts.models import User
from orders.actions import order_accept, order_check, order_finish, order_place
from services.models import PriceMode, Service
from vouchers.models import Voucher, VoucherStatus
from windows.models import Window

from .actions import reimbursement_approve, reimbursement_submit
from .models import Reimbursement

# A one-page PDF as an invoice scan would be (the demo has no real invoice).
DEMO_INVOICE = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def load(stdout):
    if Reimbursement.objects.exists():
        return []
    enterprise = User.objects.get(username="demo_enterprise")
    institution = User.objects.get(username="demo_institution")
    voucher = Voucher.objects.filter(owner=enterprise.organisation, status=VoucherStatus.AVAILABLE).first()
    service = (
        Service.objects.filter(institution=institution.organisation, status="listed", price_mode=PriceMode.FIXED)
        .order_by("pk")
        .first()
    )
    if voucher is None or service is None:
        return []
    order = order_place(
        service=service,
        actor=enterprise,
        window=Window.objects.get(slug="yinchuan"),
        quantity=1,
        requirements="使用服务券支付部分费用。",
        voucher=voucher,
    )
    order_accept(order=order, actor=institution)
    order_finish(order=order, actor=enterprise, completed=True)
    order_check(order=order, actor=enterprise)
    invoice = ContentFile(DEMO_INVOICE, name="demo-invoice.pdf")
    invoice.original_name = "增值税发票.pdf"
    claim = reimbursement_submit(order=order, actor=institution, invoice_number="64000261", invoice=invoice)
    reimbursement_approve(reimbursement=claim, actor=User.objects.get(username="admin"))
    return []
