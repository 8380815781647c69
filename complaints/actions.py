"""Every write to a complaint: one function per user intent (see workflows.md, Complaint).

Each locks the complaint (or, when filing, the order), checks who acts and the
state, moves the state through the model's transition, writes the handling
record and tells the people concerned. While a complaint is open its order's
timers are paused (Order.timers_paused, which orders.actions.run_timers honours).
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actions import organisation_lock, organisation_set_upheld_complaints
from notifications.actions import notify
from orders.actions import order_pause_timers, order_release_voucher
from orders.models import Order, Party
from orders.permissions import party_of
from smeportal.errors import ActionRefused
from smeportal.fsm import lock, run_transition
from windows.selectors import reviewers_for_windows

from .models import (
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    ComplaintLog,
    ComplaintPhoto,
    ComplaintResult,
    ComplaintStatus,
    ComplaintType,
)
from .permissions import is_complaint_staff, order_open_to_complaint

MAX_PHOTOS = 5
MAX_REPLY_ATTACHMENTS = 5


def _log(complaint, actor, event, before, after, reason=""):
    ComplaintLog.objects.create(
        complaint=complaint, actor=actor, event=event, from_status=before, to_status=after, reason=reason
    )


def _notify_organisation(organisation, complaint, title, body=""):
    for user in organisation.users.filter(is_active=True):
        notify(recipient=user, title=title, body=body, url=complaint.get_absolute_url())


def _notify_staff(complaint, title, body=""):
    for user in reviewers_for_windows([complaint.order.window_id]):
        notify(recipient=user, title=title, body=body, url=_admin_url(complaint))


def _admin_url(complaint):
    from django.urls import reverse

    return reverse("admin:complaints_complaint_change", args=[complaint.pk])


def _set_order_paused(order_id: int, paused: bool) -> None:
    order_pause_timers(order_id=order_id, paused=paused)


def _require_text(value, field, message):
    if not (value or "").strip():
        raise ActionRefused(message, field_errors={field: message})


def _lock_complaint(complaint) -> Complaint:
    return Complaint.objects.select_for_update().select_related("order").get(pk=complaint.pk)


@transaction.atomic
def complaint_file(*, order: Order, actor, complaint_type: str, reason: str, photos=()) -> Complaint:
    """【投诉】: the enterprise complains about an order in one of the manual's three cases."""
    order = lock(Order, order.pk)
    if party_of(actor, order) != Party.ENTERPRISE:
        raise ActionRefused(_("Only the enterprise that placed the order can complain about it."))
    if order.timers_paused or Complaint.objects.filter(order=order).open().exists():
        raise ActionRefused(_("This order already has an open complaint."))
    if not order_open_to_complaint(order):
        raise ActionRefused(
            _("Complaints can be made about orders in service, completed, or accepted within the last %(days)d days.")
            % {"days": settings.COMPLAINT_WINDOW_DAYS}
        )
    if complaint_type not in ComplaintType.values:
        raise ActionRefused(
            _("Choose the type of complaint."), field_errors={"complaint_type": _("Choose the type of complaint.")}
        )
    _require_text(reason, "reason", _("Please give the reason for the complaint."))
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise ActionRefused(
            _("At most %(count)d photos.") % {"count": MAX_PHOTOS},
            field_errors={"photos": _("At most %(count)d photos.") % {"count": MAX_PHOTOS}},
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(
                order=order,
                filed_by=actor,
                order_status=order.status,
                complaint_type=complaint_type,
                reason=reason.strip(),
                reply_due_at=now + timedelta(days=settings.COMPLAINT_REPLY_DAYS),
            )
    except IntegrityError as exc:  # the partial unique index: another complaint got in first
        raise ActionRefused(_("This order already has an open complaint.")) from exc
    for photo in photos:
        ComplaintPhoto.objects.create(complaint=complaint, file=photo)
    _set_order_paused(order.pk, True)
    _log(complaint, actor, ComplaintEvent.FILED, "", complaint.status, complaint.reason)
    title = _("Complaint about order %(number)s") % {"number": order.number}
    _notify_organisation(
        order.institution,
        complaint,
        title,
        _("%(enterprise)s complained about the order. Please reply within %(days)d days.")
        % {"enterprise": order.enterprise.name, "days": settings.COMPLAINT_REPLY_DAYS},
    )
    _notify_staff(complaint, title, complaint.get_complaint_type_display())
    return complaint


@transaction.atomic
def complaint_reply(*, complaint: Complaint, actor, reply: str, attachments=()) -> Complaint:
    """回复: the institution answers the complaint (once), with optional attachments."""
    _require_text(reply, "reply", _("Please write the reply."))
    complaint = _lock_complaint(complaint)
    if party_of(actor, complaint.order) != Party.INSTITUTION:
        raise ActionRefused(_("Only the service institution of the order can reply."))
    before, after = run_transition(complaint, "respond", _("Only a complaint awaiting handling can be replied to."))
    attachments = list(attachments)
    if len(attachments) > MAX_REPLY_ATTACHMENTS:
        raise ActionRefused(
            _("At most %(count)d attachments.") % {"count": MAX_REPLY_ATTACHMENTS},
            field_errors={"attachments": _("Too many attachments.")},
        )
    complaint.reply = reply.strip()
    complaint.replied_by = actor
    complaint.replied_at = timezone.now()
    complaint.save(update_fields=["status", "reply", "replied_by", "replied_at", "updated_at"])
    for upload in attachments:
        ComplaintAttachment.objects.create(
            complaint=complaint,
            file=upload,
            original_name=getattr(upload, "original_name", upload.name)[:120],
            uploaded_by=actor,
        )
    _log(complaint, actor, ComplaintEvent.REPLIED, before, after, complaint.reply)
    title = _("The institution replied to your complaint about order %(number)s") % {"number": complaint.order.number}
    _notify_organisation(complaint.order.enterprise, complaint, title, complaint.reply)
    _notify_staff(complaint, title)
    return complaint


def _require_staff(actor, complaint):
    if not is_complaint_staff(actor, complaint):
        raise ActionRefused(_("Only administrators of the order's window can do this."))


@transaction.atomic
def complaint_take_up(*, complaint: Complaint, actor, note: str = "") -> Complaint:
    """受理: an administrator of the order's window starts handling the complaint."""
    complaint = _lock_complaint(complaint)
    _require_staff(actor, complaint)
    before, after = run_transition(
        complaint, "take_up", _("Only a complaint awaiting handling or replied to can be taken up.")
    )
    complaint.taken_up_by = actor
    complaint.taken_up_at = timezone.now()
    complaint.save(update_fields=["status", "taken_up_by", "taken_up_at", "updated_at"])
    _log(complaint, actor, ComplaintEvent.TAKEN_UP, before, after, note)
    title = _("The complaint about order %(number)s is being handled") % {"number": complaint.order.number}
    _notify_organisation(complaint.order.enterprise, complaint, title)
    _notify_organisation(complaint.order.institution, complaint, title)
    return complaint


@transaction.atomic
def complaint_close(*, complaint: Complaint, actor, result: str, handling: str) -> Complaint:
    """处理完毕 / 办结: 投诉成立 or 投诉不成立 with the handling opinion; the order's timers go on."""
    if result not in ComplaintResult.values:
        raise ActionRefused(_("Choose the result."), field_errors={"result": _("Choose the result.")})
    _require_text(handling, "handling", _("Please write the handling opinion."))
    complaint = _lock_complaint(complaint)
    _require_staff(actor, complaint)
    before, after = run_transition(complaint, "close", _("Only a complaint being handled can be closed."))
    complaint.result = result
    complaint.handling = handling.strip()
    complaint.closed_by = actor
    complaint.closed_at = timezone.now()
    complaint.save(update_fields=["status", "result", "handling", "closed_by", "closed_at", "updated_at"])
    _set_order_paused(complaint.order_id, False)
    _log(
        complaint,
        actor,
        ComplaintEvent.CLOSED,
        before,
        after,
        f"{complaint.get_result_display()}：{complaint.handling}",
    )
    if result == ComplaintResult.UPHELD:
        _count_upheld(complaint.order.institution_id)
        # 服务券: an upheld complaint gives the enterprise its held voucher back.
        order_release_voucher(order_id=complaint.order_id, actor=actor, reason=complaint.handling[:500])
    title = _("The complaint about order %(number)s is closed: %(result)s") % {
        "number": complaint.order.number,
        "result": complaint.get_result_display(),
    }
    _notify_organisation(complaint.order.enterprise, complaint, title, complaint.handling)
    _notify_organisation(complaint.order.institution, complaint, title, complaint.handling)
    return complaint


def _count_upheld(institution_id: int) -> None:
    """投诉成立 complaints on the institution's record, counted under its row lock (exact under concurrency)."""
    organisation = organisation_lock(organisation_id=institution_id)
    count = Complaint.objects.filter(
        order__institution_id=institution_id, status=ComplaintStatus.CLOSED, result=ComplaintResult.UPHELD
    ).count()
    organisation_set_upheld_complaints(organisation=organisation, count=count)


@transaction.atomic
def complaint_withdraw(*, complaint: Complaint, actor, reason: str = "") -> Complaint:
    """撤销: the enterprise withdraws its complaint before an administrator takes it up."""
    complaint = _lock_complaint(complaint)
    if party_of(actor, complaint.order) != Party.ENTERPRISE:
        raise ActionRefused(_("Only the enterprise that complained can withdraw the complaint."))
    before, after = run_transition(
        complaint, "withdraw", _("A complaint can only be withdrawn before an administrator takes it up.")
    )
    complaint.withdrawn_at = timezone.now()
    complaint.save(update_fields=["status", "withdrawn_at", "updated_at"])
    _set_order_paused(complaint.order_id, False)
    _log(complaint, actor, ComplaintEvent.WITHDRAWN, before, after, reason)
    title = _("The complaint about order %(number)s was withdrawn") % {"number": complaint.order.number}
    _notify_organisation(complaint.order.institution, complaint, title)
    _notify_staff(complaint, title)
    return complaint


def run_timers(now=None) -> list[str]:
    """Escalate complaints the institution has not replied to within COMPLAINT_REPLY_DAYS (idempotent)."""
    now = now or timezone.now()
    done = []
    due = Complaint.objects.filter(status=ComplaintStatus.SUBMITTED, reply_due_at__lt=now)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            complaint = Complaint.objects.select_for_update().select_related("order").get(pk=pk)
            if complaint.status != ComplaintStatus.SUBMITTED or complaint.reply_due_at >= now:
                continue
            before, after = run_transition(complaint, "escalate", "")
            complaint.escalated = True
            complaint.save(update_fields=["status", "escalated", "updated_at"])
            _log(complaint, None, ComplaintEvent.ESCALATED, before, after)
            title = _("The complaint about order %(number)s was escalated: no reply in time") % {
                "number": complaint.order.number
            }
            _notify_organisation(complaint.order.enterprise, complaint, title)
            _notify_organisation(complaint.order.institution, complaint, title)
            _notify_staff(complaint, title)
            done.append(f"{complaint.number}: escalated")
    return done
