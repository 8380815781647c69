"""Writes of 兑付: the institution's 兑付申请, the window's 通过 / 退回 and 已支付."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.actions import notify
from orders.models import Order, OrderStatus
from smeportal.errors import ActionRefused
from smeportal.fsm import lock, run_transition
from vouchers.models import VoucherStatus
from windows.permissions import administered_window_ids

from .flags import collusion_flags
from .models import Reimbursement, ReimbursementLog, ReimbursementStatus
from .pack import render_pack


def _log(reimbursement, actor, before, after, reason=""):
    ReimbursementLog.objects.create(
        reimbursement=reimbursement, actor=actor, from_status=before, to_status=after, reason=reason
    )


def _notify_institution(reimbursement, title, body=""):
    from django.urls import reverse

    for user in User.objects.filter(organisation_id=reimbursement.institution_id, is_active=True):
        notify(recipient=user, title=title, body=body, url=reverse("reimbursements:list"))


def _check_may_administer(actor, reimbursement) -> None:
    window_ids = administered_window_ids(actor)
    if not actor.is_staff or (window_ids is not None and reimbursement.window_id not in window_ids):
        raise ActionRefused(_("You do not administer this window."))


@transaction.atomic
def reimbursement_submit(*, order: Order, actor, invoice_number: str, invoice: ContentFile) -> Reimbursement:
    """兑付申请: the institution asks to be paid the voucher part of an accepted order.

    A returned request is corrected and sent again in place; any other existing
    request refuses (one order, one claim).
    """
    order = lock(Order, order.pk)
    if actor.organisation_id is None or order.institution_id != actor.organisation_id:
        raise ActionRefused(_("Only the order's institution asks for reimbursement."))
    if order.voucher_id is None:
        raise ActionRefused(_("This order was not paid with a service voucher."))
    if order.status != OrderStatus.CHECKED or order.voucher.status != VoucherStatus.REDEEMED:
        raise ActionRefused(_("Reimbursement can be asked only after the enterprise accepted the service (已验收)."))
    existing = Reimbursement.objects.select_for_update().filter(order=order).first()
    now = timezone.now()
    flags = collusion_flags(order)
    if existing is None:
        reimbursement = Reimbursement(
            order=order,
            voucher_id=order.voucher_id,
            institution_id=order.institution_id,
            window_id=order.voucher.programme.window_id,
            amount=order.voucher_amount,
            status=ReimbursementStatus.SUBMITTED,
        )
        before = ""
    elif existing.status == ReimbursementStatus.RETURNED:
        reimbursement = existing
        before, _after = run_transition(reimbursement, "resubmit", _("This request cannot be sent again."))
    else:
        raise ActionRefused(_("Reimbursement of this order has already been asked for."))
    reimbursement.invoice_number = invoice_number.strip()
    reimbursement.invoice_name = getattr(invoice, "original_name", invoice.name)
    reimbursement.invoice.save(invoice.name, invoice, save=False)
    reimbursement.flags = flags
    reimbursement.submitted_at = now
    reimbursement.save()
    _log(reimbursement, actor, before, reimbursement.status, reimbursement.invoice_number)
    return reimbursement


def _decide(reimbursement, actor, transition, refused, reason=""):
    reimbursement = lock(Reimbursement, reimbursement.pk)
    _check_may_administer(actor, reimbursement)
    before, after = run_transition(reimbursement, transition, refused)
    reimbursement.decided_at = timezone.now()
    reimbursement.decided_by = actor
    return reimbursement, before, after


@transaction.atomic
def reimbursement_approve(*, reimbursement: Reimbursement, actor) -> Reimbursement:
    """通过: the claim is right; the redemption pack is written and kept with it."""
    reimbursement, before, after = _decide(
        reimbursement, actor, "approve", _("Only a request awaiting review can be approved.")
    )
    reimbursement.save()
    reimbursement.pack.save(f"{reimbursement.order.number}.pdf", ContentFile(render_pack(reimbursement)), save=True)
    _log(reimbursement, actor, before, after)
    _notify_institution(
        reimbursement,
        _("Reimbursement of order %(number)s approved") % {"number": reimbursement.order.number},
        _("¥%(amount)s will be paid.") % {"amount": reimbursement.amount},
    )
    return reimbursement


@transaction.atomic
def reimbursement_return(*, reimbursement: Reimbursement, actor, reason: str) -> Reimbursement:
    """退回: something is missing or wrong; the institution corrects it and sends it again."""
    if not reason.strip():
        raise ActionRefused(_("Please give the reason."))
    reimbursement, before, after = _decide(
        reimbursement, actor, "send_back", _("Only a request awaiting review can be returned.")
    )
    reimbursement.return_reason = reason.strip()
    reimbursement.save()
    _log(reimbursement, actor, before, after, reimbursement.return_reason)
    _notify_institution(
        reimbursement,
        _("Reimbursement of order %(number)s returned") % {"number": reimbursement.order.number},
        reimbursement.return_reason,
    )
    return reimbursement


@transaction.atomic
def reimbursement_mark_paid(*, reimbursement: Reimbursement, actor, note: str = "") -> Reimbursement:
    """已支付: the money went out. A flagged claim is paid only with a note saying why."""
    reimbursement = lock(Reimbursement, reimbursement.pk)
    _check_may_administer(actor, reimbursement)
    if reimbursement.flagged and not note.strip():
        raise ActionRefused(_("This request carries collusion signals: say in a note why it is paid."))
    before, after = run_transition(reimbursement, "mark_paid", _("Only an approved request can be marked paid."))
    reimbursement.paid_at = timezone.now()
    reimbursement.paid_note = note.strip()
    reimbursement.save()
    _log(reimbursement, actor, before, after, reimbursement.paid_note)
    _notify_institution(
        reimbursement,
        _("Reimbursement of order %(number)s paid") % {"number": reimbursement.order.number},
        _("¥%(amount)s has been paid.") % {"amount": reimbursement.amount},
    )
    return reimbursement
