"""Every write to a service order: one function per user intent.

Each locks the order row, checks who acts and the state, moves the state
through the model's transition, writes the timeline row and notifies the other
side (e-mails go after the commit). A double click, a replayed form or two
people acting at once find the state already moved and are refused.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.actions import notify
from services.models import PriceMode
from smeportal import metrics
from smeportal.errors import ActionRefused
from smeportal.fsm import lock, run_transition
from smeportal.pagecache import invalidate_scopes, org_scope
from vouchers.actions import voucher_hold, voucher_pays, voucher_redeem, voucher_release

from .models import (
    TERMINAL_STATUSES,
    Order,
    OrderAttachment,
    OrderEvent,
    OrderLog,
    OrderNumberCounter,
    OrderStatus,
    Party,
)
from .permissions import is_order_staff, party_of

MAX_ATTACHMENTS = 10
CANCEL_REQUEST_FIELDS = ["cancel_requested_by", "cancel_request_reason", "cancel_requested_at"]


def _log(order, actor, event, before=None, after=None, reason=""):
    """A timeline row; `before`/`after` default to the current state (an event without a transition)."""
    OrderLog.objects.create(
        order=order,
        actor=actor,
        event=event,
        from_status=order.status if before is None else before,
        to_status=order.status if after is None else after,
        reason=reason,
    )
    if order.voucher_id is not None and before != after:
        _voucher_follows(order, actor)


def _voucher_follows(order, actor):
    """服务券: a voucher follows its order. Every transition writes its log row here, so
    no way an order can end (cancelled, declined, expired, cancelled by agreement or
    by an administrator, accepted by hand or by the timer) can forget the voucher."""
    if order.status == OrderStatus.CHECKED:
        voucher_redeem(voucher_id=order.voucher_id, used=order.voucher_amount, actor=actor, reason=order.number)
    elif order.status in TERMINAL_STATUSES:
        voucher_release(voucher_id=order.voucher_id, actor=actor, reason=order.number)


def _notify_side(order, party, title, body=""):
    organisation_id = order.enterprise_id if party == Party.ENTERPRISE else order.institution_id
    for user in User.objects.filter(organisation_id=organisation_id, is_active=True):
        notify(recipient=user, title=title, body=body, url=order.get_absolute_url())


def _other(party):
    return Party.INSTITUTION if party == Party.ENTERPRISE else Party.ENTERPRISE


def _require_party(actor, order, party):
    if party_of(actor, order) != party:
        if party == Party.ENTERPRISE:
            raise ActionRefused(_("Only the enterprise that placed the order can do this."))
        raise ActionRefused(_("Only the service institution of the order can do this."))


def _require_reason(reason):
    if not (reason or "").strip():
        raise ActionRefused(_("Please give a reason."), field_errors={"reason": _("Please give a reason.")})


def _next_number() -> str:
    """YC + date + four digits, e.g. YC202611260001; the day's counter row is locked."""
    today = timezone.localdate()
    counter, _created = OrderNumberCounter.objects.select_for_update().get_or_create(day=today)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"YC{today:%Y%m%d}{counter.last:04d}"


def _add_attachments(order, actor, uploads):
    if order.attachments.count() + len(uploads) > MAX_ATTACHMENTS:
        raise ActionRefused(
            _("An order has at most %(count)d attachments.") % {"count": MAX_ATTACHMENTS},
            field_errors={"attachments": _("Too many attachments.")},
        )
    for upload in uploads:
        OrderAttachment.objects.create(
            order=order,
            file=upload,
            original_name=getattr(upload, "original_name", upload.name)[:120],
            uploaded_by=actor,
        )


# Placing and changing an order (the enterprise) ---------------------------------


@transaction.atomic
def order_place(
    *, service, actor, window, quantity: int, requirements: str = "", attachments=(), voucher=None
) -> Order:
    """【我要申请】: a new order in 待受理; the institution is told."""
    from services.selectors import public_services, shown_windows  # the catalogue's idea of "public"

    organisation = actor.organisation if actor.is_authenticated else None
    if organisation is None or organisation.kind != Party.ENTERPRISE:
        raise ActionRefused(_("Only enterprise users apply for services."))
    if not organisation.is_certified:
        raise ActionRefused(_("Applying for services needs an approved certification."))
    service = public_services().select_related("institution").filter(pk=service.pk).first()
    if service is None:
        raise ActionRefused(_("This service is not available any more."))
    if window.pk not in {w.pk for w in shown_windows(_with_memberships(service))}:
        raise ActionRefused(_("Choose one of the service's windows."), field_errors={"window": _("Not available.")})
    if quantity is None or quantity < 1:
        raise ActionRefused(_("The quantity must be at least 1."), field_errors={"quantity": _("At least 1.")})
    order = Order.objects.create(
        number=_next_number(),
        enterprise=organisation,
        institution=service.institution,
        service=service,
        window=window,
        placed_by=actor,
        service_title=service.title,
        price_mode=service.price_mode,
        price=service.price,
        price_unit=service.price_unit,
        quantity=quantity,
        requirements=requirements,
    )
    if voucher is not None:
        _pay_with_voucher(order, voucher, actor)
    _add_attachments(order, actor, list(attachments))
    _log(order, actor, OrderEvent.PLACED, before="")
    _notify_side(
        order,
        Party.INSTITUTION,
        _("New order %(number)s: %(title)s") % {"number": order.number, "title": order.service_title},
        _("%(enterprise)s applied for %(quantity)s of your service.")
        % {"enterprise": organisation.name, "quantity": quantity},
    )
    transaction.on_commit(metrics.ORDERS_PLACED.inc)
    return order


def _pay_with_voucher(order, voucher, actor):
    """Hold the enterprise's voucher for the new order: it pays its programme's terms
    (a fixed amount or a share of the total, never more than the total)."""
    category = order.service.category if order.service_id else None
    voucher = voucher_hold(
        voucher=voucher,
        enterprise=order.enterprise,
        institution=order.institution,
        category=category,
        actor=actor,
        reason=order.number,
    )
    order.voucher = voucher
    order.voucher_amount = voucher_pays(voucher, order.total)
    order.save(update_fields=["voucher", "voucher_amount"])


@transaction.atomic
def order_create_for_winning_bid(*, demand, bid, actor) -> Order:
    """The service order behind 【选为中标单位】: already in 服务中, since the
    institution offered the service by bidding; price and scope come from the bid.

    Called by demands.actions.demand_award inside its transaction, with the demand locked;
    that action tells the winner.
    """
    now = timezone.now()
    requirements = "\n\n".join(
        part
        for part in (
            demand.description,
            _("Proposal of the winning bid:") + "\n" + bid.proposal if bid.proposal else "",
        )
        if part
    )
    order = Order.objects.create(
        number=_next_number(),
        enterprise=demand.enterprise,
        institution=bid.institution,
        service=None,
        window=demand.window,
        placed_by=actor,
        status=OrderStatus.IN_SERVICE,
        service_title=demand.title,
        price_mode=PriceMode.FIXED,
        price=bid.price,
        price_unit="",
        quantity=1,
        requirements=requirements,
        accepted_at=now,
    )
    _log(order, actor, OrderEvent.AWARDED, before="", after=OrderStatus.IN_SERVICE)
    # The winner hears of it once, from demands.actions.demand_award ("your bid won").
    return order


def _with_memberships(service):
    from windows.models import MembershipStatus, WindowMembership

    memberships = WindowMembership.objects.filter(organisation=service.institution, status=MembershipStatus.ACTIVE)
    service.institution.active_memberships = list(memberships)
    return service


@transaction.atomic
def order_update(
    *, order: Order, actor, quantity: int, requirements: str, new_attachments=(), removed_attachment_ids=()
) -> Order:
    """【修改】 → 【保存】: while 待受理 only."""
    order = lock(Order, order.pk)
    _require_party(actor, order, Party.ENTERPRISE)
    if order.status != OrderStatus.SUBMITTED:
        raise ActionRefused(_("Only an order awaiting acceptance can be modified."))
    if quantity is None or quantity < 1:
        raise ActionRefused(_("The quantity must be at least 1."), field_errors={"quantity": _("At least 1.")})
    order.quantity = quantity
    order.requirements = requirements
    if order.voucher_id is not None:  # a new quantity is a new total, so the voucher pays anew
        order.voucher_amount = voucher_pays(order.voucher, order.total)
    order.save(update_fields=["quantity", "requirements", "voucher_amount", "updated_at"])
    order.attachments.filter(pk__in=list(removed_attachment_ids)).delete()
    _add_attachments(order, actor, list(new_attachments))
    _log(order, actor, OrderEvent.UPDATED)
    _notify_side(order, Party.INSTITUTION, _("Order %(number)s was modified") % {"number": order.number})
    return order


@transaction.atomic
def order_cancel(*, order: Order, actor) -> Order:
    """【取消订单】: the enterprise withdraws an order not yet accepted."""
    order = lock(Order, order.pk)
    _require_party(actor, order, Party.ENTERPRISE)
    before, after = run_transition(order, "cancel", _("Only an order awaiting acceptance can be cancelled."))
    order.closed_at = timezone.now()
    order.save(update_fields=["status", "closed_at", "updated_at"])
    _log(order, actor, OrderEvent.CANCELLED, before, after)
    _notify_side(order, Party.INSTITUTION, _("Order %(number)s was cancelled") % {"number": order.number})
    return order


@transaction.atomic
def order_delete(*, order: Order, actor) -> Order:
    """【删除】: hide a cancelled, declined or expired order from the enterprise's lists.

    The order stays for the institution and the administrators.
    """
    order = lock(Order, order.pk)
    _require_party(actor, order, Party.ENTERPRISE)
    if not order.is_terminal:
        raise ActionRefused(_("Only cancelled, declined or expired orders can be deleted."))
    if order.hidden_by_enterprise:
        raise ActionRefused(_("This order is already deleted."))
    order.hidden_by_enterprise = True
    order.save(update_fields=["hidden_by_enterprise", "updated_at"])
    _log(order, actor, OrderEvent.DELETED)
    return order


# The institution ------------------------------------------------------------------


@transaction.atomic
def order_accept(*, order: Order, actor) -> Order:
    """受理: the institution takes the order; it is 服务中."""
    order = lock(Order, order.pk)
    _require_party(actor, order, Party.INSTITUTION)
    before, after = run_transition(order, "accept", _("Only an order awaiting acceptance can be accepted."))
    order.accepted_at = timezone.now()
    order.save(update_fields=["status", "accepted_at", "updated_at"])
    _log(order, actor, OrderEvent.ACCEPTED, before, after)
    _notify_side(order, Party.ENTERPRISE, _("Order %(number)s was accepted") % {"number": order.number})
    return order


@transaction.atomic
def order_decline(*, order: Order, actor, reason: str) -> Order:
    """拒绝 with a reason."""
    _require_reason(reason)
    order = lock(Order, order.pk)
    _require_party(actor, order, Party.INSTITUTION)
    before, after = run_transition(order, "decline", _("Only an order awaiting acceptance can be declined."))
    order.closed_at = timezone.now()
    order.save(update_fields=["status", "closed_at", "updated_at"])
    _log(order, actor, OrderEvent.DECLINED, before, after, reason)
    _notify_side(
        order,
        Party.ENTERPRISE,
        _("Order %(number)s was declined") % {"number": order.number},
        _("Reason: %(reason)s") % {"reason": reason},
    )
    return order


# In service -----------------------------------------------------------------------


@transaction.atomic
def order_finish(*, order: Order, actor, completed: bool, reason: str = "") -> Order:
    """【服务完成】 with 完成与否: 已完成 moves it on; 未完成 (reason) keeps it in service."""
    order = lock(Order, order.pk)
    _require_party(actor, order, Party.ENTERPRISE)
    if not completed:
        _require_reason(reason)
        if order.status != OrderStatus.IN_SERVICE:
            raise ActionRefused(_("Only an order in service can be confirmed."))
        _log(order, actor, OrderEvent.NOT_COMPLETED, order.status, order.status, reason)
        _notify_side(
            order,
            Party.INSTITUTION,
            _("Order %(number)s: the enterprise says the service is not completed") % {"number": order.number},
            _("Reason: %(reason)s") % {"reason": reason},
        )
        return order
    before, after = run_transition(order, "finish", _("Only an order in service can be confirmed."))
    order.completed_at = timezone.now()
    _clear_cancel_request(order)
    order.save(
        update_fields=[
            "status",
            "completed_at",
            *CANCEL_REQUEST_FIELDS,
            "updated_at",
        ]
    )
    _log(order, actor, OrderEvent.FINISHED, before, after, reason)
    _notify_side(order, Party.INSTITUTION, _("Order %(number)s is completed") % {"number": order.number})
    return order


def _clear_cancel_request(order):
    order.cancel_requested_by = ""
    order.cancel_request_reason = ""
    order.cancel_requested_at = None


@transaction.atomic
def order_request_cancel(*, order: Order, actor, reason: str) -> Order:
    """申请取消 while in service, by either side; the other side answers."""
    _require_reason(reason)
    order = lock(Order, order.pk)
    party = party_of(actor, order)
    if party is None:
        raise ActionRefused(_("Only the two parties of the order can ask to cancel it."))
    if order.status != OrderStatus.IN_SERVICE:
        raise ActionRefused(_("Only an order in service can be cancelled by agreement."))
    if order.cancel_requested_by:
        raise ActionRefused(_("A cancellation is already waiting for an answer."))
    order.cancel_requested_by = party
    order.cancel_request_reason = reason
    order.cancel_requested_at = timezone.now()
    order.save(update_fields=[*CANCEL_REQUEST_FIELDS, "updated_at"])
    _log(order, actor, OrderEvent.CANCEL_REQUESTED, order.status, order.status, reason)
    _notify_side(
        order,
        _other(party),
        _("Order %(number)s: the other side asks to cancel") % {"number": order.number},
        _("Reason: %(reason)s") % {"reason": reason},
    )
    return order


@transaction.atomic
def order_answer_cancel(*, order: Order, actor, agree: bool, reason: str = "") -> Order:
    """The other side agrees (→ 已取消) or refuses (the order goes on)."""
    order = lock(Order, order.pk)
    party = party_of(actor, order)
    if not order.cancel_requested_by or order.status != OrderStatus.IN_SERVICE:
        raise ActionRefused(_("No cancellation is waiting for an answer."))
    if party is None or party == order.cancel_requested_by:
        raise ActionRefused(_("Only the other side answers a cancellation request."))
    if agree:
        before, after = run_transition(order, "cancel_by_agreement", _("This order cannot be cancelled now."))
        order.closed_at = timezone.now()
        event = OrderEvent.CANCEL_AGREED
    else:
        before = after = order.status
        event = OrderEvent.CANCEL_REFUSED
    asked_by = order.cancel_requested_by
    _clear_cancel_request(order)
    order.save(
        update_fields=[
            "status",
            "closed_at",
            *CANCEL_REQUEST_FIELDS,
            "updated_at",
        ]
    )
    _log(order, actor, event, before, after, reason)
    title = _("Order %(number)s is cancelled by agreement") if agree else _("Order %(number)s: cancellation refused")
    _notify_side(order, asked_by, title % {"number": order.number}, reason)
    return order


# Completed --------------------------------------------------------------------------


@transaction.atomic
def order_check(*, order: Order, actor) -> Order:
    """验收合格: 已验收; reviews open."""
    order = lock(Order, order.pk)
    _require_party(actor, order, Party.ENTERPRISE)
    before, after = run_transition(order, "pass_check", _("Only a completed order can be accepted."))
    order.checked_at = timezone.now()
    order.save(update_fields=["status", "checked_at", "updated_at"])
    _log(order, actor, OrderEvent.CHECKED, before, after)
    _count_completed_order(order)
    _notify_side(order, Party.INSTITUTION, _("Order %(number)s was accepted as done") % {"number": order.number})
    return order


def _count_completed_order(order):
    """成交量 of the service (the catalogue sorts by it)."""
    from services.actions import service_count_order

    if order.service_id is not None:  # orders won through a demand have no service
        service_count_order(service=order.service)


@transaction.atomic
def order_reject_check(*, order: Order, actor, reason: str) -> Order:
    """验收不合格 (reason): back in service."""
    _require_reason(reason)
    order = lock(Order, order.pk)
    _require_party(actor, order, Party.ENTERPRISE)
    before, after = run_transition(order, "reject_check", _("Only a completed order can be rejected."))
    order.completed_at = None
    order.save(update_fields=["status", "completed_at", "updated_at"])
    _log(order, actor, OrderEvent.CHECK_REJECTED, before, after, reason)
    _notify_side(
        order,
        Party.INSTITUTION,
        _("Order %(number)s: the service was not accepted") % {"number": order.number},
        _("Reason: %(reason)s") % {"reason": reason},
    )
    return order


# Administrators and the system -------------------------------------------------------


@transaction.atomic
def order_force_cancel(*, order: Order, actor, reason: str) -> Order:
    """An administrator of the order's window cancels it (rule breach, dispute)."""
    _require_reason(reason)
    order = lock(Order, order.pk)
    if not is_order_staff(actor, order):
        raise ActionRefused(_("Only administrators of the order's window can do this."))
    before, after = run_transition(order, "force_cancel", _("This order can no longer be cancelled."))
    order.closed_at = timezone.now()
    _clear_cancel_request(order)
    order.save(
        update_fields=[
            "status",
            "closed_at",
            *CANCEL_REQUEST_FIELDS,
            "updated_at",
        ]
    )
    _log(order, actor, OrderEvent.FORCE_CANCELLED, before, after, reason)
    for party in (Party.ENTERPRISE, Party.INSTITUTION):
        _notify_side(
            order,
            party,
            _("Order %(number)s was cancelled by an administrator") % {"number": order.number},
            _("Reason: %(reason)s") % {"reason": reason},
        )
    return order


def order_release_voucher(*, order_id: int, actor, reason: str) -> None:
    """A complaint on the order was upheld (the complaints app calls this): the voucher
    that was to pay for it is the enterprise's again. A redeemed voucher stays redeemed."""
    voucher_id = Order.objects.filter(pk=order_id).values_list("voucher_id", flat=True).first()
    if voucher_id is not None:
        voucher_release(voucher_id=voucher_id, actor=actor, reason=reason)


def order_pause_timers(*, order_id: int, paused: bool) -> None:
    """Stop the order's deadlines while a complaint on it is open (the complaints app
    calls this); when the pause ends, every deadline runs again in full from then, so
    an order is not accepted or expired automatically the moment a complaint closes."""
    changes = {"timers_paused": paused}
    if not paused:
        changes["timers_resumed_at"] = timezone.now()
    Order.objects.filter(pk=order_id).update(**changes)
    # update() sends no signal: renew both sides' cached order pages ("complaint open").
    sides = Order.objects.filter(pk=order_id).values_list("enterprise_id", "institution_id").first() or ()
    invalidate_scopes(org_scope(organisation_id) for organisation_id in sides)


def _not_resumed_since(deadline):
    return Q(timers_resumed_at__isnull=True) | Q(timers_resumed_at__lt=deadline)


def run_timers(now=None) -> list[str]:
    """The order timers (idempotent; run from cron through `manage.py run_timers`).

    Orders whose complaint is open (timers_paused) are left alone; after a pause
    each deadline counts from the end of the pause if that is later.
    """
    now = now or timezone.now()
    done = []
    active = Order.objects.filter(timers_paused=False)
    accept_deadline = now - timedelta(days=settings.ORDER_ACCEPT_DAYS)
    for pk in active.filter(
        _not_resumed_since(accept_deadline), status=OrderStatus.SUBMITTED, created_at__lt=accept_deadline
    ).values_list("pk", flat=True):
        done += _timer(pk, _expire)
    check_deadline = now - timedelta(days=settings.ORDER_CHECK_DAYS)
    for pk in active.filter(
        _not_resumed_since(check_deadline), status=OrderStatus.COMPLETED, completed_at__lt=check_deadline
    ).values_list("pk", flat=True):
        done += _timer(pk, _auto_check)
    answer_deadline = now - timedelta(days=settings.ORDER_CANCEL_ANSWER_DAYS)
    for pk in active.filter(
        _not_resumed_since(answer_deadline), status=OrderStatus.IN_SERVICE, cancel_requested_at__lt=answer_deadline
    ).values_list("pk", flat=True):
        done += _timer(pk, _settle_cancel)
    return done


def _timer(pk, step) -> list[str]:
    """One timer step in its own transaction, re-checked under the row lock."""
    with transaction.atomic():
        order = lock(Order, pk)
        if order.timers_paused:
            return []
        return step(order)


def _expire(order) -> list[str]:
    if order.status != OrderStatus.SUBMITTED:
        return []
    before, after = run_transition(order, "expire", "")
    order.closed_at = timezone.now()
    order.save(update_fields=["status", "closed_at", "updated_at"])
    _log(order, None, OrderEvent.EXPIRED, before, after)
    for party in (Party.ENTERPRISE, Party.INSTITUTION):
        _notify_side(
            order, party, _("Order %(number)s expired: it was not accepted in time") % {"number": order.number}
        )
    return [f"{order.number}: expired"]


def _auto_check(order) -> list[str]:
    if order.status != OrderStatus.COMPLETED:
        return []
    before, after = run_transition(order, "pass_check", "")
    order.checked_at = timezone.now()
    order.save(update_fields=["status", "checked_at", "updated_at"])
    _log(order, None, OrderEvent.AUTO_CHECKED, before, after)
    _count_completed_order(order)
    for party in (Party.ENTERPRISE, Party.INSTITUTION):
        _notify_side(order, party, _("Order %(number)s was accepted automatically") % {"number": order.number})
    return [f"{order.number}: accepted automatically"]


def _settle_cancel(order) -> list[str]:
    if order.status != OrderStatus.IN_SERVICE or not order.cancel_requested_by:
        return []
    asked_by = order.cancel_requested_by
    before, after = run_transition(order, "cancel_by_agreement", "")
    order.closed_at = timezone.now()
    _clear_cancel_request(order)
    order.save(
        update_fields=[
            "status",
            "closed_at",
            *CANCEL_REQUEST_FIELDS,
            "updated_at",
        ]
    )
    _log(order, None, OrderEvent.CANCEL_SETTLED, before, after)
    for party in (asked_by, _other(asked_by)):
        _notify_side(
            order,
            party,
            _("Order %(number)s is cancelled: the request was not answered in time") % {"number": order.number},
        )
    return [f"{order.number}: cancellation settled"]
