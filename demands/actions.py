"""Every write to demands and bids: one function per user intent.

Each action locks the demand row first (bids are changed under their demand's
lock), checks who acts, the state and the deadline, moves the state through the
model's transition, writes the log and notifies whom it concerns. Two
【选为中标单位】 clicks at once run one after the other; the second finds the
demand awarded and is refused, and a partial unique index backs this up.

中标公示 (award publicity): in a window with award_publicity on, 【选为中标单位】 only
names the winner and opens a period of DEMAND_AWARD_PUBLICITY_WORKING_DAYS working
days; other live bidders may object; the timer makes the order when the period is
over and no objection is open. An objection and the timer both lock the demand row,
so whichever comes first decides: an objection after the end is refused, and the
timer never awards while an objection is open.
"""

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import OrganisationKind
from notifications.actions import notify
from smeportal.errors import ActionRefused
from smeportal.fsm import lock, run_transition
from smeportal.search import tsvector_value
from smeportal.workdays import add_working_days
from windows.selectors import reviewers_for_windows

from .models import (
    Bid,
    BidAttachment,
    BidStatus,
    BudgetMode,
    Demand,
    DemandAttachment,
    DemandClarification,
    DemandEvent,
    DemandLog,
    DemandObjection,
    DemandObjectionAttachment,
    DemandQuestion,
    DemandStatus,
    ObjectionStatus,
)
from .permissions import is_demand_staff, is_owner, may_ask, may_bid, may_object

MAX_ATTACHMENTS = 10
DEMAND_FIELDS = [
    "title",
    "category",
    "window",
    "budget_mode",
    "budget_min",
    "budget_max",
    "description",
    "bid_deadline",
    "expected_finish",
    "contact_name",
    "contact_phone",
]
# Marked for makemessages (a bare string is not extracted); translated where it is used: _(NOT_EDITABLE).
NOT_EDITABLE = gettext_noop("Approved demands cannot be modified or deleted.")


def _log(demand, actor, event, before=None, after=None, reason=""):
    DemandLog.objects.create(
        demand=demand,
        actor=actor,
        event=event,
        from_status=demand.status if before is None else before,
        to_status=demand.status if after is None else after,
        reason=reason,
    )


def _notify_organisation(organisation, title, body="", url=""):
    for user in organisation.users.filter(is_active=True):
        notify(recipient=user, title=title, body=body, url=url)


def _require_reason(reason):
    if not (reason or "").strip():
        raise ActionRefused(_("Please give a reason."), field_errors={"reason": _("Please give a reason.")})


def _require_owner(actor, demand):
    if not is_owner(actor, demand):
        raise ActionRefused(_("Only the enterprise that published the demand can do this."))


def _check_demand_fields(fields: dict, *, now) -> None:
    """The rules a demand's content must meet, whatever form sent it."""
    errors = {}
    if fields.get("bid_deadline") is None or fields["bid_deadline"] <= now:
        errors["bid_deadline"] = _("The bid deadline must be in the future.")
    finish = fields.get("expected_finish")
    if finish is not None and fields.get("bid_deadline") and finish < timezone.localdate(fields["bid_deadline"]):
        errors["expected_finish"] = _("The expected completion cannot be before the bid deadline.")
    if fields.get("budget_mode") == BudgetMode.RANGE:
        low, high = fields.get("budget_min"), fields.get("budget_max")
        for name, amount in (("budget_min", low), ("budget_max", high)):
            if amount is not None and amount < 0:
                # Django's own message (translated by Django): the form's MinValueValidator says the same.
                errors[name] = _("Ensure this value is greater than or equal to %(limit_value)s.") % {"limit_value": 0}
        if low is None and high is None:
            errors["budget_min"] = _("Give a budget range, or choose negotiable.")
        elif low is not None and high is not None and low > high:
            errors["budget_max"] = _("The upper end of the budget must not be below the lower end.")
    if fields.get("window") is not None and not fields["window"].is_active:
        errors["window"] = _("This window is closed.")
    if errors:
        raise ActionRefused(_("Please correct the marked fields."), field_errors=errors)


def _add_attachments(model, owner_field, owner, uploads, existing_count):
    if existing_count + len(uploads) > MAX_ATTACHMENTS:
        raise ActionRefused(
            _("At most %(count)d attachments.") % {"count": MAX_ATTACHMENTS},
            field_errors={"attachments": _("Too many attachments.")},
        )
    for upload in uploads:
        model.objects.create(
            **{owner_field: owner}, file=upload, original_name=getattr(upload, "original_name", upload.name)[:120]
        )


def search_texts(demand) -> list[str]:
    """What 需求大厅's keyword search looks at in a demand."""
    category = demand.category
    parent = category.parent.name if category.parent_id else ""
    return [demand.title, demand.description, category.name, parent, demand.enterprise.name]


def demand_reindex(*, demand: Demand) -> None:
    """Refresh the keyword index of a demand (PostgreSQL only; SQLite searches by substring)."""
    if connection.vendor == "postgresql":
        Demand.objects.filter(pk=demand.pk).update(search_vector=tsvector_value(*search_texts(demand)))


def _notify_reviewers(demand):
    for reviewer in reviewers_for_windows([demand.window_id]):
        notify(
            recipient=reviewer,
            title=_("Demand to review: %(title)s") % {"title": demand.title},
            url=reverse("admin:demands_demand_change", args=[demand.pk]),
        )


# The enterprise: 发布需求, 修改, 删除 --------------------------------------------------


@transaction.atomic
def demand_publish(*, actor, fields: dict, attachments=()) -> Demand:
    """【发布需求】 → 【提请审核】: a new demand in 待审核; the reviewers are told."""
    organisation = actor.organisation if actor.is_authenticated else None
    if organisation is None or organisation.kind != OrganisationKind.ENTERPRISE:
        raise ActionRefused(_("Only enterprise users publish demands."))
    if not organisation.is_certified:
        raise ActionRefused(_("Publishing demands needs an approved certification."))
    _check_demand_fields(fields, now=timezone.now())
    if fields.get("budget_mode") == BudgetMode.NEGOTIABLE:
        fields = {**fields, "budget_min": None, "budget_max": None}
    demand = Demand.objects.create(
        enterprise=organisation,
        created_by=actor,
        submitted_at=timezone.now(),
        **{name: fields.get(name) for name in DEMAND_FIELDS},
    )
    _add_attachments(DemandAttachment, "demand", demand, list(attachments), 0)
    demand_reindex(demand=demand)
    _log(demand, actor, DemandEvent.SUBMITTED, before="")
    _notify_reviewers(demand)
    return demand


@transaction.atomic
def demand_update(*, demand: Demand, actor, fields: dict, new_attachments=(), removed_attachment_ids=()) -> Demand:
    """【修改】 → 【提请审核】: before approval only; a returned demand goes back to 待审核."""
    demand = lock(Demand, demand.pk)
    _require_owner(actor, demand)
    if not demand.is_editable:
        raise ActionRefused(_(NOT_EDITABLE))
    _check_demand_fields(fields, now=timezone.now())
    if fields.get("budget_mode") == BudgetMode.NEGOTIABLE:
        fields = {**fields, "budget_min": None, "budget_max": None}
    for name in DEMAND_FIELDS:
        setattr(demand, name, fields.get(name))
    demand.attachments.filter(pk__in=list(removed_attachment_ids)).delete()
    _add_attachments(DemandAttachment, "demand", demand, list(new_attachments), demand.attachments.count())
    resubmitted = demand.status == DemandStatus.RETURNED
    if resubmitted:
        before, after = run_transition(demand, "resubmit", _(NOT_EDITABLE))
        demand.review_reason = ""
    demand.submitted_at = timezone.now()
    demand.save()
    demand_reindex(demand=demand)
    if resubmitted:
        _log(demand, actor, DemandEvent.SUBMITTED, before, after)
    else:
        _log(demand, actor, DemandEvent.MODIFIED)
    _notify_reviewers(demand)
    return demand


@transaction.atomic
def demand_delete(*, demand: Demand, actor) -> None:
    """【删除】: before approval only; the demand and its files are gone."""
    demand = lock(Demand, demand.pk)
    _require_owner(actor, demand)
    if not demand.is_editable:
        raise ActionRefused(_(NOT_EDITABLE))
    files = [a.file for a in demand.attachments.all()]
    demand.delete()
    transaction.on_commit(lambda: [f.delete(save=False) for f in files])


# The administrators: 审核通过, 驳回, 废标 ----------------------------------------------


def _require_staff(actor, demand):
    if not is_demand_staff(actor, demand):
        raise ActionRefused(_("You may not review this demand."))


@transaction.atomic
def demand_approve(*, demand: Demand, actor) -> Demand:
    """审核通过: the demand opens for bids in 需求大厅."""
    demand = lock(Demand, demand.pk)
    _require_staff(actor, demand)
    if demand.status == DemandStatus.PENDING_REVIEW and demand.deadline_passed:
        raise ActionRefused(_("The bid deadline has passed: return the demand so the enterprise sets a new one."))
    before, after = run_transition(demand, "approve", _("Only demands pending review can be approved."))
    demand.approved_at = timezone.now()
    demand.save(update_fields=["status", "approved_at", "updated_at"])
    _log(demand, actor, DemandEvent.APPROVED, before, after)
    _notify_organisation(
        demand.enterprise,
        _("Your demand was approved: %(title)s") % {"title": demand.title},
        _("It is open for bids until %(deadline)s.")
        % {"deadline": timezone.localtime(demand.bid_deadline).strftime("%Y-%m-%d %H:%M")},
        demand.get_absolute_url(),
    )
    return demand


@transaction.atomic
def demand_return(*, demand: Demand, actor, reason: str) -> Demand:
    """驳回 (reason): back to the enterprise to modify and submit again."""
    _require_reason(reason)
    demand = lock(Demand, demand.pk)
    _require_staff(actor, demand)
    before, after = run_transition(demand, "return_for_changes", _("Only demands pending review can be returned."))
    demand.review_reason = reason
    demand.save(update_fields=["status", "review_reason", "updated_at"])
    _log(demand, actor, DemandEvent.RETURNED, before, after, reason)
    _notify_organisation(
        demand.enterprise,
        _("Your demand was returned: %(title)s") % {"title": demand.title},
        reason,
        reverse("demands:mine"),
    )
    return demand


def _close_bids(demand, *, winner=None, reason=""):
    """On award the other live bids lose; on 流标/废标 every live bid is void. All bidders are told."""
    now = timezone.now()
    for bid in Bid.objects.select_for_update().filter(demand=demand, status=BidStatus.SUBMITTED):
        if winner is not None and bid.pk == winner.pk:
            continue
        if winner is not None:
            bid.lose()
            title = _("Your bid did not win: %(title)s") % {"title": demand.title}
        else:
            bid.make_void()
            title = _("The demand closed without a winner: %(title)s") % {"title": demand.title}
        bid.closed_at = now
        bid.save(update_fields=["status", "closed_at", "updated_at"])
        _notify_organisation(bid.institution, title, reason, reverse("demands:my_bids"))


def _close(demand, actor, transition, event, reason, refused):
    before, after = run_transition(demand, transition, refused)
    demand.close_reason = reason
    demand.closed_at = timezone.now()
    demand.save(update_fields=["status", "close_reason", "closed_at", "updated_at"])
    _log(demand, actor, event, before, after, reason)
    _close_bids(demand, reason=reason)


@transaction.atomic
def demand_void(*, demand: Demand, actor, reason: str) -> Demand:
    """【废标】 (reason): the enterprise, or an administrator for a breach of the rules."""
    _require_reason(reason)
    demand = lock(Demand, demand.pk)
    by_staff = not is_owner(actor, demand)
    if by_staff:
        _require_staff(actor, demand)
    _close(demand, actor, "void", DemandEvent.VOIDED, reason, _("Only a demand open for bids can be voided."))
    if by_staff:
        _notify_organisation(
            demand.enterprise,
            _("Your demand was voided by an administrator: %(title)s") % {"title": demand.title},
            reason,
            demand.get_absolute_url(),
        )
    return demand


@transaction.atomic
def demand_fail(*, demand: Demand, actor, reason: str) -> Demand:
    """【流标】 (reason): no suitable bid; the demand closes without a winner."""
    _require_reason(reason)
    demand = lock(Demand, demand.pk)
    _require_owner(actor, demand)
    _close(demand, actor, "fail", DemandEvent.FAILED, reason, _("Only a demand open for bids can be closed."))
    return demand


@transaction.atomic
def demand_award(*, demand: Demand, bid: Bid, actor) -> Demand:
    """【选为中标单位】: with publicity on, the winner is published (中标公示) and the
    order waits for the period's end; with it off, the bid wins, the others lose and a
    service order in 服务中 begins at once."""
    demand = lock(Demand, demand.pk)
    _require_owner(actor, demand)
    if demand.status != DemandStatus.BIDDING:
        raise ActionRefused(_("Only a demand open for bids can be awarded."))
    if not demand.deadline_passed:
        raise ActionRefused(_("Bids can be chosen after the bid deadline."))
    bid = Bid.objects.select_for_update().select_related("institution").filter(pk=bid.pk, demand=demand).first()
    if bid is None or bid.status != BidStatus.SUBMITTED:
        raise ActionRefused(_("This bid cannot be chosen."))
    if demand.window.award_publicity:
        return _publicity_open(demand, bid, actor)
    before, after = run_transition(demand, "award", _("Only a demand open for bids can be awarded."))
    _award_final(demand, bid, actor, before, after, DemandEvent.AWARDED, actor)
    return demand


def _award_final(demand, bid, actor, before, after, event, order_placed_by):
    """The award takes effect: the bid wins, the others lose, the order begins."""
    from orders.actions import order_create_for_winning_bid

    bid.win()
    bid.closed_at = timezone.now()
    bid.save(update_fields=["status", "closed_at", "updated_at"])
    order = order_create_for_winning_bid(demand=demand, bid=bid, actor=order_placed_by)
    demand.winning_bid = bid
    demand.order = order
    demand.closed_at = bid.closed_at
    demand.save(update_fields=["status", "winning_bid", "order", "closed_at", "updated_at"])
    _log(demand, actor, event, before, after, bid.institution.name)
    _close_bids(demand, winner=bid)
    _notify_organisation(
        bid.institution,
        _("Your bid won: %(title)s") % {"title": demand.title},
        _("Order %(number)s is in service.") % {"number": order.number},
        order.get_absolute_url(),
    )
    return order


def _period_end_text(demand):
    return timezone.localtime(demand.publicity_ends_at).strftime("%Y-%m-%d %H:%M")


def _publicity_open(demand, bid, actor):
    before, after = run_transition(demand, "open_publicity", _("Only a demand open for bids can be awarded."))
    demand.winning_bid = bid
    demand.publicity_ends_at = add_working_days(timezone.now(), settings.DEMAND_AWARD_PUBLICITY_WORKING_DAYS)
    demand.save(update_fields=["status", "winning_bid", "publicity_ends_at", "updated_at"])
    _log(demand, actor, DemandEvent.PUBLICITY_OPENED, before, after, bid.institution.name)
    ends = _period_end_text(demand)
    _notify_organisation(
        bid.institution,
        _("Your bid was chosen, in award publicity: %(title)s") % {"title": demand.title},
        _("The service order is made when the publicity period ends on %(end)s without an open objection.")
        % {"end": ends},
        demand.get_absolute_url(),
    )
    _notify_bidders(
        demand,
        _("Award publicity: %(title)s") % {"title": demand.title},
        _("%(institution)s was chosen. Until %(end)s you may raise an objection on the demand's page.")
        % {"institution": bid.institution.name, "end": ends},
        exclude=bid,
    )
    return demand


def _open_objections(demand):
    return DemandObjection.objects.filter(demand=demand, status=ObjectionStatus.OPEN)


def _publicity_end(demand, *, actor=None):
    """The period is over and no objection is open: the award takes effect (demand locked)."""
    bid = Bid.objects.select_for_update().select_related("institution").get(pk=demand.winning_bid_id)
    placed_by = (
        DemandLog.objects.filter(demand=demand, event=DemandEvent.PUBLICITY_OPENED).order_by("-pk").first().actor
    )
    before, after = run_transition(demand, "award", "")
    order = _award_final(demand, bid, actor, before, after, DemandEvent.PUBLICITY_ENDED, placed_by)
    _notify_organisation(
        demand.enterprise,
        _("The award publicity ended: %(title)s") % {"title": demand.title},
        _("Order %(number)s with %(institution)s is in service.")
        % {"number": order.number, "institution": bid.institution.name},
        order.get_absolute_url(),
    )


# 异议: other bidders object during the publicity; administrators decide ---------------

OBJECTION_MAX = 2000


@transaction.atomic
def demand_objection_raise(*, demand: Demand, actor, reason: str, attachments=()) -> DemandObjection:
    """【提出异议】: another live bidder objects to the published winner, before the period ends."""
    text = _require_text(reason, "reason", OBJECTION_MAX)
    demand = lock(Demand, demand.pk)
    if demand.status != DemandStatus.PUBLICITY:
        raise ActionRefused(_("Objections can be raised only while the award is in publicity."))
    # Under the demand's lock: the timer cannot end the period between this check and the insert.
    if timezone.now() >= demand.publicity_ends_at:
        raise ActionRefused(
            _("The publicity period ended at %(end)s: objections are no longer accepted.")
            % {"end": _period_end_text(demand)}
        )
    organisation = actor.organisation if actor.is_authenticated else None
    if not may_object(organisation, demand):
        raise ActionRefused(_("Only the other institutions whose bids are still live can object."))
    if DemandObjection.objects.filter(bid_id=demand.winning_bid_id, objector=organisation).exists():
        raise ActionRefused(_("Your organisation has already objected to this award."))
    objection = DemandObjection.objects.create(
        demand=demand, bid_id=demand.winning_bid_id, objector=organisation, raised_by=actor, reason=text
    )
    _add_attachments(DemandObjectionAttachment, "objection", objection, list(attachments), 0)
    _log(demand, actor, DemandEvent.OBJECTED, reason=text)
    winner = Bid.objects.select_related("institution").get(pk=demand.winning_bid_id).institution
    title = _("An objection to the award: %(title)s") % {"title": demand.title}
    body = _("The window's administrators decide it; the order waits until then.")
    for party in (demand.enterprise, winner):
        _notify_organisation(party, title, body, demand.get_absolute_url())
    received = _("Your objection was received: %(title)s") % {"title": demand.title}
    _notify_organisation(organisation, received, body, demand.get_absolute_url())
    for reviewer in reviewers_for_windows([demand.window_id]):
        notify(
            recipient=reviewer,
            title=_("Objection to decide: %(title)s") % {"title": demand.title},
            url=reverse("admin:demands_demandobjection_change", args=[objection.pk]),
        )
    return objection


def _lock_objection_for_decision(objection, actor, decision):
    _require_text(decision, "reason", OBJECTION_MAX)
    demand = lock(Demand, objection.demand_id)  # the demand first, like the objection and the timer
    objection = DemandObjection.objects.select_for_update().select_related("objector").get(pk=objection.pk)
    if not is_demand_staff(actor, demand):
        raise ActionRefused(_("Only the administrators of the demand's window can decide objections."))
    return demand, objection


def _decide(objection, actor, transition, decision):
    run_transition(objection, transition, _("Only an objection pending decision can be decided."))
    objection.decision = decision.strip()
    objection.decided_by = actor
    objection.decided_at = timezone.now()
    objection.save(update_fields=["status", "decision", "decided_by", "decided_at"])


@transaction.atomic
def demand_objection_uphold(*, objection: DemandObjection, actor, decision: str) -> DemandObjection:
    """异议成立: the award is annulled, the bid can never be chosen again, the enterprise chooses anew."""
    demand, objection = _lock_objection_for_decision(objection, actor, decision)
    _decide(objection, actor, "uphold", decision)
    bid = Bid.objects.select_for_update().select_related("institution").get(pk=objection.bid_id)
    before, after = run_transition(demand, "annul_award", _("Only a demand in award publicity can be annulled."))
    demand.winning_bid = None
    demand.publicity_ends_at = None
    demand.save(update_fields=["status", "winning_bid", "publicity_ends_at", "updated_at"])
    bid.annul()
    bid.closed_at = timezone.now()
    bid.save(update_fields=["status", "closed_at", "updated_at"])
    _log(demand, actor, DemandEvent.OBJECTION_UPHELD, before, after, objection.decision)
    url = demand.get_absolute_url()
    # The other objections were against the same award, which no longer stands.
    for other in _open_objections(demand).select_related("objector"):
        other.close()
        other.decided_by, other.decided_at = actor, objection.decided_at
        other.save(update_fields=["status", "decided_by", "decided_at"])
        _notify_organisation(
            other.objector, _("The award you objected to was annulled: %(title)s") % {"title": demand.title}, "", url
        )
    _notify_organisation(
        demand.enterprise,
        _("An objection was upheld, the award annulled: %(title)s") % {"title": demand.title},
        objection.decision + "\n" + _("Choose another bid under My demands → Choose a bid."),
        reverse("demands:bids", args=[demand.pk]),
    )
    _notify_organisation(
        bid.institution,
        _("Your award was annulled on an objection: %(title)s") % {"title": demand.title},
        objection.decision,
        url,
    )
    _notify_organisation(
        objection.objector, _("Your objection was upheld: %(title)s") % {"title": demand.title}, objection.decision, url
    )
    return objection


@transaction.atomic
def demand_objection_reject(*, objection: DemandObjection, actor, decision: str) -> DemandObjection:
    """异议不成立: the award stands; if the period is already over and nothing else is open, the order is made now."""
    demand, objection = _lock_objection_for_decision(objection, actor, decision)
    _decide(objection, actor, "reject", decision)
    _log(demand, actor, DemandEvent.OBJECTION_REJECTED, reason=objection.decision)
    url = demand.get_absolute_url()
    winner = Bid.objects.select_related("institution").get(pk=objection.bid_id).institution
    title = _("An objection to the award was rejected: %(title)s") % {"title": demand.title}
    for party in (demand.enterprise, winner):
        _notify_organisation(party, title, objection.decision, url)
    rejected = _("Your objection was rejected: %(title)s") % {"title": demand.title}
    _notify_organisation(objection.objector, rejected, objection.decision, url)
    now = timezone.now()
    if demand.publicity_ends_at <= now and not _open_objections(demand).exists():
        _publicity_end(demand)
    return objection


# Institutions: 投标, 修改, 撤回 -------------------------------------------------------


def _check_bid_fields(price, duration_days):
    errors = {}
    if price is None or price < 0:
        errors["price"] = _("Give a price of 0 or more.")
    if duration_days is None or duration_days < 1:
        errors["duration_days"] = _("At least 1 day.")
    if errors:
        raise ActionRefused(_("Please correct the marked fields."), field_errors=errors)


def _require_open(demand):
    if demand.status != DemandStatus.BIDDING:
        raise ActionRefused(_("This demand is not open for bids."))
    if demand.deadline_passed:
        raise ActionRefused(_("The bid deadline has passed."))


@transaction.atomic
def bid_submit(*, demand: Demand, actor, price, proposal: str, duration_days: int, attachments=()) -> Bid:
    """【投标】: one live bid per institution per demand, until the deadline."""
    demand = lock(Demand, demand.pk)
    organisation = actor.organisation if actor.is_authenticated else None
    _require_open(demand)
    if not may_bid(organisation, demand):
        raise ActionRefused(_("Only certified institutions that are active members of the demand's window can bid."))
    if Bid.objects.filter(demand=demand, institution=organisation, status=BidStatus.SUBMITTED).exists():
        raise ActionRefused(_("You have already bid on this demand: modify your bid instead."))
    _check_bid_fields(price, duration_days)
    bid = Bid.objects.create(
        demand=demand,
        institution=organisation,
        submitted_by=actor,
        price=price,
        proposal=proposal,
        duration_days=duration_days,
    )
    _add_attachments(BidAttachment, "bid", bid, list(attachments), 0)
    _notify_organisation(
        demand.enterprise,
        _("New bid on your demand: %(title)s") % {"title": demand.title},
        url=reverse("demands:bids", args=[demand.pk]),
    )
    return bid


def _lock_own_bid(bid, actor):
    lock(Demand, bid.demand_id)  # under the demand's lock, like the award
    bid = Bid.objects.select_for_update().select_related("demand").get(pk=bid.pk)
    if not actor.is_authenticated or actor.organisation_id != bid.institution_id:
        raise ActionRefused(_("Only the institution that bid can do this."))
    return bid


@transaction.atomic
def bid_update(
    *, bid: Bid, actor, price, proposal: str, duration_days: int, new_attachments=(), removed_attachment_ids=()
) -> Bid:
    """Modify a bid until the deadline."""
    bid = _lock_own_bid(bid, actor)
    if bid.status != BidStatus.SUBMITTED:
        raise ActionRefused(_("Only a submitted bid can be modified."))
    _require_open(bid.demand)
    _check_bid_fields(price, duration_days)
    bid.price, bid.proposal, bid.duration_days = price, proposal, duration_days
    bid.save(update_fields=["price", "proposal", "duration_days", "updated_at"])
    bid.attachments.filter(pk__in=list(removed_attachment_ids)).delete()
    _add_attachments(BidAttachment, "bid", bid, list(new_attachments), bid.attachments.count())
    return bid


@transaction.atomic
def bid_withdraw(*, bid: Bid, actor) -> Bid:
    """【撤回】: until the deadline; the institution may bid again later."""
    bid = _lock_own_bid(bid, actor)
    if bid.status == BidStatus.SUBMITTED:
        _require_open(bid.demand)
    run_transition(bid, "withdraw", _("Only a submitted bid can be withdrawn."))
    bid.closed_at = timezone.now()
    bid.save(update_fields=["status", "closed_at", "updated_at"])
    return bid


# 答疑 and 补充说明: public, and the asker's name never shown -----------------------------

QUESTION_MAX = 1000
ANSWER_MAX = 2000
CLARIFICATION_MAX = 2000


def _require_text(text, field, limit):
    text = (text or "").strip()
    if not text:
        raise ActionRefused(_("Please fill in the text."), field_errors={field: _("This field is required.")})
    if len(text) > limit:
        message = _("At most %(count)d characters.") % {"count": limit}
        raise ActionRefused(message, field_errors={field: message})
    return text


def _notify_bidders(demand, title, body="", *, exclude=None):
    """Every institution with a live bid on the demand (each user once)."""
    bids = Bid.objects.filter(demand=demand, status=BidStatus.SUBMITTED).select_related("institution")
    if exclude is not None:
        bids = bids.exclude(pk=exclude.pk)
    for bid in bids:
        _notify_organisation(bid.institution, title, body, demand.get_absolute_url())


@transaction.atomic
def demand_question_ask(*, demand: Demand, actor, question: str) -> DemandQuestion:
    """【提问】: a certified institution of the demand's window asks while bidding is open."""
    text = _require_text(question, "question", QUESTION_MAX)
    demand = lock(Demand, demand.pk)
    organisation = actor.organisation if actor.is_authenticated else None
    if not may_ask(organisation, demand):
        raise ActionRefused(
            _("Only certified institutions that are active members of the demand's window can ask questions.")
        )
    _require_open(demand)
    item = DemandQuestion.objects.create(demand=demand, asked_by=organisation, asked_by_user=actor, question=text)
    _notify_organisation(
        demand.enterprise,
        _("New question on your demand: %(title)s") % {"title": demand.title},
        text,
        demand.get_absolute_url() + "#qa",
    )
    return item


@transaction.atomic
def demand_question_answer(*, question: DemandQuestion, actor, answer: str) -> DemandQuestion:
    """【答复】: the enterprise answers, once, while bidding is open; every bidder is told."""
    text = _require_text(answer, "answer", ANSWER_MAX)
    demand = lock(Demand, question.demand_id)
    _require_owner(actor, demand)
    _require_open(demand)
    question = DemandQuestion.objects.select_for_update().get(pk=question.pk, demand=demand)
    if question.answered_at is not None:
        raise ActionRefused(_("This question is already answered."))
    question.answer = text
    question.answered_by = actor
    question.answered_at = timezone.now()
    question.save(update_fields=["answer", "answered_by", "answered_at"])
    _log(demand, actor, DemandEvent.ANSWERED, reason=text)
    _notify_bidders(demand, _("A question on the demand was answered: %(title)s") % {"title": demand.title}, text)
    return question


@transaction.atomic
def demand_clarification_publish(*, demand: Demand, actor, text: str) -> DemandClarification:
    """【补充说明】: public while bidding is open; the bidders may revise or withdraw their bids."""
    text = _require_text(text, "text", CLARIFICATION_MAX)
    demand = lock(Demand, demand.pk)
    _require_owner(actor, demand)
    _require_open(demand)
    item = DemandClarification.objects.create(demand=demand, text=text, published_by=actor)
    _log(demand, actor, DemandEvent.CLARIFIED, reason=text)
    _notify_bidders(
        demand,
        _("The enterprise published a clarification: %(title)s") % {"title": demand.title},
        _("You may modify or withdraw your bid under My bids until the deadline."),
    )
    return item


# The system -----------------------------------------------------------------------


def run_timers(now) -> list[str]:
    """Past the deadline: with no bid the demand fails (已流标); with bids the
    enterprise is reminded, once, to choose. Award publicity past its end, with no
    open objection, becomes the award. Each demand in its own transaction."""
    return _deadline_timers(now) + demand_publicity_end_due(now=now)


def demand_publicity_end_due(*, now) -> list[str]:
    """中标公示 whose period ended with no open objection: the order is made (idempotent)."""
    done = []
    due = (
        Demand.objects.filter(status=DemandStatus.PUBLICITY, publicity_ends_at__lte=now)
        .exclude(objections__status=ObjectionStatus.OPEN)
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    for pk in list(due):
        with transaction.atomic():
            demand = lock(Demand, pk)
            # Checked again under the lock: an objection or a decision may have come in meanwhile.
            if demand.status != DemandStatus.PUBLICITY or demand.publicity_ends_at > now:
                continue
            if _open_objections(demand).exists():
                continue
            _publicity_end(demand)
            done.append(f"demand {pk}: award publicity ended, order made")
    return done


def _deadline_timers(now) -> list[str]:
    done = []
    due = Demand.objects.filter(status=DemandStatus.BIDDING, bid_deadline__lte=now)
    for pk in due.filter(reminded_at__isnull=True).values_list("pk", flat=True).order_by("pk"):
        with transaction.atomic():
            demand = lock(Demand, pk)
            if demand.status != DemandStatus.BIDDING or demand.reminded_at is not None:
                continue
            if demand.bids.filter(status=BidStatus.SUBMITTED).exists():
                demand.reminded_at = now
                demand.save(update_fields=["reminded_at", "updated_at"])
                _log(demand, None, DemandEvent.REMINDED)
                _notify_organisation(
                    demand.enterprise,
                    _("Bidding has closed: choose a bid for %(title)s") % {"title": demand.title},
                    _("Open My demands and click Choose a bid."),
                    reverse("demands:bids", args=[demand.pk]),
                )
                done.append(f"demand {pk}: reminded to choose a bid")
            else:
                before, after = run_transition(demand, "fail", "")
                demand.close_reason = _("No bids by the deadline.")
                demand.closed_at = now
                demand.save(update_fields=["status", "close_reason", "closed_at", "updated_at"])
                _log(demand, None, DemandEvent.AUTO_FAILED, before, after)
                _notify_organisation(
                    demand.enterprise,
                    _("Your demand closed without bids: %(title)s") % {"title": demand.title},
                    url=demand.get_absolute_url(),
                )
                done.append(f"demand {pk}: no bids, closed without a winner")
    return done
