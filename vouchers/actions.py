"""Writes of 服务券: issuing (by administrators, in bulk, or 申领 by the enterprise).

Every issue locks the programme's row first, so concurrent issuing runs one at a
time per programme and the budget and the per-enterprise cap are checked against
what the previous issue left: the budget can never be overspent.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import OrganisationKind
from certification import relatedness
from certification.selectors import approved_application
from smeportal.errors import ActionRefused
from smeportal.fsm import lock
from windows.permissions import administered_window_ids

from .models import Voucher, VoucherLog, VoucherProgramme, VoucherStatus


def _check_eligible(programme: VoucherProgramme, enterprise) -> None:
    if enterprise.kind != OrganisationKind.ENTERPRISE:
        raise ActionRefused(_("Only enterprises receive service vouchers."))
    if not enterprise.is_certified:
        raise ActionRefused(_("Only certified enterprises receive service vouchers."))
    if not programme.district_eligible(enterprise.district):
        raise ActionRefused(_("This programme is not open to enterprises of your district."))
    application = approved_application(enterprise)
    if not programme.industry_eligible(application.industry if application else ""):
        raise ActionRefused(_("This programme is not open to enterprises of your industry."))
    if not programme.scale_eligible(application.scale if application else ""):
        raise ActionRefused(_("This programme is not open to enterprises of your scale."))
    today = timezone.localdate()
    if today > programme.valid_until:
        raise ActionRefused(_("This programme has ended."))


def _held_by(programme: VoucherProgramme, enterprise) -> Decimal:
    """What the enterprise holds in this programme's vouchers, expired ones not counted."""
    total = (
        programme.vouchers.filter(owner=enterprise)
        .exclude(status=VoucherStatus.EXPIRED)
        .aggregate(total=Sum(Coalesce("used_amount", "amount")))["total"]
    )
    return total or Decimal("0")


def _issue_locked(programme: VoucherProgramme, enterprise, actor) -> Voucher:
    """Issue one voucher; the caller holds the programme's row lock."""
    _check_eligible(programme, enterprise)
    amount = programme.face_value
    if programme.remaining < amount:
        raise ActionRefused(_("The programme's budget is used up."))
    if _held_by(programme, enterprise) + amount > programme.cap_per_enterprise:
        raise ActionRefused(
            _("%(enterprise)s already holds vouchers up to this programme's cap of ¥%(cap)s.")
            % {"enterprise": enterprise, "cap": programme.cap_per_enterprise}
        )
    programme.reserved += amount
    programme.issued_count += 1
    programme.save(update_fields=["reserved", "issued_count"])
    voucher = Voucher.objects.create(
        number=f"{programme.year}{programme.pk:04d}{programme.issued_count:06d}",
        programme=programme,
        owner=enterprise,
        amount=amount,
        expires_on=programme.valid_until,
    )
    _log(voucher, actor, "", voucher.status)
    return voucher


def _check_may_administer(actor, programme: VoucherProgramme) -> None:
    window_ids = administered_window_ids(actor)
    if not actor.is_staff or (window_ids is not None and programme.window_id not in window_ids):
        raise ActionRefused(_("You do not administer this window."))


@transaction.atomic
def voucher_apply(*, programme: VoucherProgramme, actor) -> Voucher:
    """申领: an enterprise user asks an open programme for one voucher."""
    programme = lock(VoucherProgramme, programme.pk)
    if not programme.open_for_applications:
        raise ActionRefused(_("This programme does not take applications."))
    if actor.organisation is None:
        raise ActionRefused(_("Only enterprises receive service vouchers."))
    if timezone.localdate() < programme.valid_from:
        raise ActionRefused(_("This programme has not started yet."))
    return _issue_locked(programme, actor.organisation, actor)


@transaction.atomic
def voucher_issue(*, programme: VoucherProgramme, enterprise, actor) -> Voucher:
    """发放: an administrator of the programme's window issues one voucher to an enterprise."""
    programme = lock(VoucherProgramme, programme.pk)
    _check_may_administer(actor, programme)
    return _issue_locked(programme, enterprise, actor)


def voucher_issue_bulk(*, programme: VoucherProgramme, enterprises, actor) -> tuple[list[Voucher], list[tuple]]:
    """批量发放: one voucher to each enterprise of a filtered list.

    Each enterprise is its own transaction, so one refusal (cap reached, budget
    used up) does not undo the others; returns (issued, [(enterprise, reason), ...]).
    """
    issued, refused = [], []
    for enterprise in enterprises:
        try:
            issued.append(voucher_issue(programme=programme, enterprise=enterprise, actor=actor))
        except ActionRefused as refusal:
            refused.append((enterprise, refusal.message))
    return issued, refused


# Using a voucher on an order (the orders app calls these) --------------------------


def _log(voucher, actor, before, after, reason=""):
    VoucherLog.objects.create(voucher=voucher, actor=actor, from_status=before, to_status=after, reason=reason)


# What a refusal names when the institution is related to the enterprise.
RELATED_BY = {
    relatedness.CREDIT_CODE: gettext_lazy("the same legal entity"),
    relatedness.LEGAL_REPRESENTATIVE: gettext_lazy("the same legal representative"),
    relatedness.PHONE: gettext_lazy("the same contact phone"),
    relatedness.ADDRESS: gettext_lazy("the same registered address"),
}


def voucher_hold(*, voucher: Voucher, enterprise, institution, category, actor, reason: str = "") -> Voucher:
    """Hold the voucher for an order being placed (the caller's transaction).

    Only the owner uses it, before it expires, on a service of an eligible category,
    and (if its programme says so) not with an institution related to the enterprise.
    """
    voucher = lock(Voucher, voucher.pk)
    if voucher.owner_id != enterprise.pk:
        raise ActionRefused(_("This voucher is not yours."), field_errors={"voucher": _("Not available.")})
    if voucher.status != VoucherStatus.AVAILABLE or voucher.expires_on < timezone.localdate():
        raise ActionRefused(_("This voucher can no longer be used."), field_errors={"voucher": _("Not available.")})
    if not voucher.programme.category_eligible(category):
        raise ActionRefused(
            _("This voucher cannot pay for services of this category."), field_errors={"voucher": _("Not available.")}
        )
    if voucher.programme.exclude_related_institutions:
        shared = relatedness.shared_identity(enterprise, institution, mail_domains=False)
        if shared:
            raise ActionRefused(
                _("This voucher cannot pay a related institution: your enterprise and %(institution)s share %(what)s.")
                % {"institution": institution, "what": "、".join(str(RELATED_BY[code]) for code in shared)},
                field_errors={"voucher": _("Not available.")},
            )
    voucher.hold()
    voucher.save(update_fields=["status"])
    _log(voucher, actor, VoucherStatus.AVAILABLE, voucher.status, reason)
    return voucher


def voucher_release(*, voucher_id: int, actor, reason: str) -> Voucher | None:
    """The order that held the voucher ended without acceptance: it is available again.
    A voucher no longer held (already redeemed or released) is left alone."""
    voucher = lock(Voucher, voucher_id)
    if voucher.status != VoucherStatus.HELD:
        return None
    voucher.release()
    voucher.save(update_fields=["status"])
    _log(voucher, actor, VoucherStatus.HELD, voucher.status, reason)
    return voucher


def voucher_redeem(*, voucher_id: int, used: Decimal, actor, reason: str) -> Voucher | None:
    """核销: the order that held the voucher reached 已验收, and the voucher paid `used`
    of it. What it did not use goes back to the programme's budget."""
    voucher = lock(Voucher, voucher_id)
    if voucher.status != VoucherStatus.HELD:
        return None
    used = min(used, voucher.amount)
    if used < voucher.amount:
        programme = lock(VoucherProgramme, voucher.programme_id)
        programme.reserved -= voucher.amount - used
        programme.save(update_fields=["reserved"])
    voucher.redeem()
    voucher.used_amount = used
    voucher.save(update_fields=["status", "used_amount"])
    _log(voucher, actor, VoucherStatus.HELD, voucher.status, reason)
    return voucher


def voucher_pays(voucher: Voucher, total: Decimal | None) -> Decimal:
    """What the voucher pays on an order of this total; refused when it cannot pay
    (a share of a negotiated price)."""
    amount = voucher.programme.pays_for(voucher.amount, total)
    if amount is None:
        raise ActionRefused(
            _("This voucher pays a share of the price, and this service's price is negotiated."),
            field_errors={"voucher": _("Not available.")},
        )
    return amount


def run_timers(now) -> list[str]:
    """Vouchers not used by their expiry date expire, and give their amount back to the budget."""
    done = []
    today = timezone.localdate(now)
    for pk in Voucher.objects.filter(status=VoucherStatus.AVAILABLE, expires_on__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            voucher = lock(Voucher, pk)
            if voucher.status != VoucherStatus.AVAILABLE or voucher.expires_on >= today:
                continue
            programme = lock(VoucherProgramme, voucher.programme_id)
            voucher.expire()
            voucher.save(update_fields=["status"])
            programme.reserved -= voucher.amount
            programme.save(update_fields=["reserved"])
            _log(voucher, None, VoucherStatus.AVAILABLE, voucher.status)
            done.append(f"voucher {voucher.number}: expired")
    return done
