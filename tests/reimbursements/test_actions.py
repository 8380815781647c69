"""兑付: every state of a claim and who may move it."""

import io
from decimal import Decimal

import pypdf
import pytest

from notifications.models import Notification
from reimbursements.actions import (
    reimbursement_approve,
    reimbursement_mark_paid,
    reimbursement_return,
    reimbursement_submit,
)
from reimbursements.models import Reimbursement, ReimbursementStatus
from reviews.actions import review_post
from smeportal.errors import ActionRefused
from tests.factories import HubAdminFactory, make_window_admin, order_in_state, organisation_user

from .helpers import invoice, related_voucher_order, submitted, voucher_order

pytestmark = pytest.mark.django_db


def test_institution_asks_after_acceptance():
    order = voucher_order()
    claim = submitted(order)
    assert claim.status == ReimbursementStatus.SUBMITTED
    assert (claim.amount, claim.window.slug) == (Decimal("5000"), "yinchuan")
    assert claim.institution_id == order.institution_id
    assert claim.invoice_name == "发票.pdf" and claim.invoice.read().startswith(b"%PDF")
    assert claim.flags == []
    assert [(log.from_status, log.to_status) for log in claim.logs.all()] == [("", "submitted")]


@pytest.mark.parametrize("state", ["in_service", "completed"])
def test_refused_before_acceptance(state):
    order = voucher_order(state)
    with pytest.raises(ActionRefused):
        reimbursement_submit(
            order=order, actor=organisation_user(order.institution), invoice_number="1", invoice=invoice()
        )
    assert not Reimbursement.objects.exists()


def test_refused_for_others_and_orders_without_voucher():
    order = voucher_order()
    for actor in (order.placed_by, organisation_user(voucher_order().institution)):
        with pytest.raises(ActionRefused):
            reimbursement_submit(order=order, actor=actor, invoice_number="1", invoice=invoice())
    plain = order_in_state("checked")
    with pytest.raises(ActionRefused):
        reimbursement_submit(
            order=plain, actor=organisation_user(plain.institution), invoice_number="1", invoice=invoice()
        )
    assert not Reimbursement.objects.exists()


def test_one_claim_per_order():
    claim = submitted()
    with pytest.raises(ActionRefused):
        submitted(claim.order)
    assert Reimbursement.objects.count() == 1


def test_return_then_resubmit_in_place():
    claim = submitted()
    admin = HubAdminFactory()
    with pytest.raises(ActionRefused):
        reimbursement_return(reimbursement=claim, actor=admin, reason="  ")
    claim = reimbursement_return(reimbursement=claim, actor=admin, reason="发票抬头不符")
    assert claim.status == ReimbursementStatus.RETURNED and claim.return_reason == "发票抬头不符"
    institution_user = organisation_user(claim.institution)
    assert Notification.objects.filter(recipient=institution_user, title__contains=claim.order.number).exists()
    again = reimbursement_submit(
        order=claim.order, actor=institution_user, invoice_number="NX20260002", invoice=invoice("新发票.pdf")
    )
    assert (again.pk, again.status, again.invoice_number) == (claim.pk, "submitted", "NX20260002")
    assert [log.to_status for log in again.logs.all()] == ["submitted", "returned", "submitted"]


def test_approve_writes_the_pack_with_everything():
    order = voucher_order()
    review_post(order=order, actor=order.placed_by, score=5, content="服务券用得放心。", quality=5, attitude=5, speed=5)
    claim = submitted(order)
    claim = reimbursement_approve(reimbursement=claim, actor=HubAdminFactory())
    assert claim.status == ReimbursementStatus.APPROVED and claim.decided_by is not None
    pdf = pypdf.PdfReader(io.BytesIO(claim.pack.read()))
    text = "".join(page.extract_text() for page in pdf.pages)
    for expected in (
        "兑付材料",
        order.number,
        order.voucher.number,
        "NX20260001",
        order.enterprise.name,
        order.institution.name,
        "服务券用得放心",
        "5000",
    ):
        assert expected in text.replace("\n", ""), expected
    assert "发票.pdf" in pdf.attachments  # the invoice travels inside the pack
    assert pdf.attachments["发票.pdf"][0].startswith(b"%PDF")


def test_pay_and_states_out_of_order():
    claim = submitted()
    admin = HubAdminFactory()
    with pytest.raises(ActionRefused):
        reimbursement_mark_paid(reimbursement=claim, actor=admin)
    claim = reimbursement_approve(reimbursement=claim, actor=admin)
    with pytest.raises(ActionRefused):
        reimbursement_approve(reimbursement=claim, actor=admin)
    with pytest.raises(ActionRefused):
        reimbursement_return(reimbursement=claim, actor=admin, reason="晚了")
    claim = reimbursement_mark_paid(reimbursement=claim, actor=admin)
    assert claim.status == ReimbursementStatus.PAID and claim.paid_at is not None


def test_flagged_claim_is_paid_only_with_a_note():
    claim = submitted(related_voucher_order("legal_representative", state="checked"))
    assert claim.flags == ["legal_representative"]
    admin = HubAdminFactory()
    claim = reimbursement_approve(reimbursement=claim, actor=admin)
    with pytest.raises(ActionRefused):
        reimbursement_mark_paid(reimbursement=claim, actor=admin, note=" ")
    claim.refresh_from_db()
    assert claim.status == ReimbursementStatus.APPROVED
    claim = reimbursement_mark_paid(reimbursement=claim, actor=admin, note="已核实：同名不同人")
    assert (claim.status, claim.paid_note) == ("paid", "已核实：同名不同人")


def test_window_scoping():
    claim = submitted(slug="xingqing")
    assert claim.window.slug == "xingqing"
    with pytest.raises(ActionRefused):
        reimbursement_approve(reimbursement=claim, actor=make_window_admin("jinfeng"))
    with pytest.raises(ActionRefused):
        reimbursement_approve(reimbursement=claim, actor=organisation_user(claim.institution))
    claim.refresh_from_db()
    assert claim.status == ReimbursementStatus.SUBMITTED
    assert reimbursement_approve(reimbursement=claim, actor=make_window_admin("xingqing")).status == "approved"
