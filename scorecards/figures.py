"""The figures of an institution's scorecard (服务机构信用档案), computed from the logs.

Everything is read from what the workflows recorded: the order timeline (OrderLog),
the demand an order came from (its expected completion), bids, complaints and
reviews. Nothing here writes; scorecards.actions stores the result.

Each period's figures cover the orders *placed* in it (so a share's numerator and
denominator are the same orders), the complaints on those orders, and the reviews
and bids *made* in it. "recent" is the last 12 months, "all_time" everything.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, ComplaintResult, ComplaintStatus
from demands.models import Bid, BidStatus, Demand
from orders.models import Order, OrderEvent, OrderLog, Party
from reviews.models import Review
from services.models import COMPOSITE_WEIGHTS

RECENT_DAYS = 365
DECIDED_EVENTS = {OrderEvent.ACCEPTED, OrderEvent.DECLINED, OrderEvent.EXPIRED}
CHECKED_EVENTS = {OrderEvent.CHECKED, OrderEvent.AUTO_CHECKED}
DIMENSIONS = ("score", "quality", "attitude", "speed")


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    definition: str
    kind: str  # "count", "share" (0–1, shown as %), "hours", "average", "rate"
    count_key: str = ""  # the figure's sample size, shown next to it


FIGURES = [
    Figure("orders", _("Orders received"), _("Orders placed with the institution, in every state."), "count"),
    Figure(
        "median_accept_hours",
        _("Median time to accept"),
        _(
            "Half of the accepted orders were accepted (受理) within this many hours of being placed. "
            "Orders from won bids start in service and are not counted."
        ),
        "hours",
        "accepted",
    ),
    Figure(
        "accepted_share",
        _("Accepted"),
        _("Of the orders the institution had to answer (accepted, declined or left to expire), the share accepted."),
        "share",
        "decided",
    ),
    Figure("declined_share", _("Declined"), _("Of the same orders, the share declined."), "share", "decided"),
    Figure(
        "expired_share",
        _("Expired unanswered"),
        _("Of the same orders, the share that expired because the institution did not answer in time."),
        "share",
        "decided",
    ),
    Figure(
        "on_time_share",
        _("Completed on time"),
        _(
            "Of the orders confirmed completed, the share confirmed by the expected completion date: the demand's "
            "expected completion for orders from won bids, otherwise %(days)s days after acceptance."
        ),
        "share",
        "finished",
    ),
    Figure(
        "first_try_share",
        _("Accepted as done at the first try"),
        _(
            "Of the orders accepted as done (验收), by the enterprise or automatically, "
            "the share never rejected at a check."
        ),
        "share",
        "checked",
    ),
    Figure(
        "complaints_per_100",
        _("Complaints per 100 orders"),
        _("Complaints filed on the orders, per 100 orders."),
        "rate",
        "complaints",
    ),
    Figure(
        "upheld_share",
        _("Complaints upheld"),
        _("Of the complaints closed by the window, the share ruled upheld (投诉成立)."),
        "share",
        "complaints_closed",
    ),
    Figure(
        "repeat_customer_share",
        _("Repeat customers"),
        _("Of the enterprises that ordered, the share that placed two orders or more."),
        "share",
        "enterprises",
    ),
    Figure(
        "review_score_avg",
        _("Overall score"),
        _("Average overall score (1–5) of the visible reviews by enterprises."),
        "average",
        "review_score_count",
    ),
    Figure(
        "review_quality_avg",
        _("Service quality"),
        _("Average of that dimension (1–5)."),
        "average",
        "review_quality_count",
    ),
    Figure(
        "review_attitude_avg",
        _("Service attitude"),
        _("Average of that dimension (1–5)."),
        "average",
        "review_attitude_count",
    ),
    Figure(
        "review_speed_avg", _("Response speed"), _("Average of that dimension (1–5)."), "average", "review_speed_count"
    ),
    Figure(
        "bids_won_share",
        _("Bids won"),
        _("Of the bids submitted on demands (withdrawn ones left out), the share that won."),
        "share",
        "bids_submitted",
    ),
]


def figure_definitions():
    """The figures with their definitions filled in, for the pages."""
    days = {"days": settings.SCORECARD_SERVICE_DAYS}
    return [Figure(f.key, f.label, str(f.definition) % days, f.kind, f.count_key) for f in FIGURES]


def _ratio(numerator, denominator, places=4):
    if not denominator:
        return None
    return float(Decimal(numerator / denominator).quantize(Decimal(10) ** -places, rounding=ROUND_HALF_UP))


def _end_of_day(day):
    """The expected completion date is a day: the deadline is the end of it, local time."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


@dataclass
class _OrderHistory:
    enterprise_id: int
    created_at: datetime
    events: list  # (event, time), oldest first
    expected_finish: object = None  # a date, for orders from won bids


def _histories(institution) -> dict[int, _OrderHistory]:
    histories = {
        pk: _OrderHistory(enterprise_id, created_at, [])
        for pk, enterprise_id, created_at in Order.objects.filter(institution=institution)
        .order_by()
        .values_list("pk", "enterprise_id", "created_at")
    }
    logs = (
        OrderLog.objects.filter(order__institution=institution)
        .order_by("created_at", "pk")
        .values_list("order_id", "event", "created_at")
    )
    for order_id, event, created_at in logs:
        histories[order_id].events.append((event, created_at))
    for order_id, expected in (
        Demand.objects.filter(order__institution=institution).order_by().values_list("order_id", "expected_finish")
    ):
        histories[order_id].expected_finish = expected
    return histories


def _first(events, wanted):
    return next((at for event, at in events if event in wanted), None)


def _last(events, wanted):
    return next((at for event, at in reversed(events) if event in wanted), None)


def _order_figures(histories: list[_OrderHistory]) -> dict:
    accept_hours, decided = [], defaultdict(int)
    finished = on_time = checked = first_try = 0
    service_days = timedelta(days=settings.SCORECARD_SERVICE_DAYS)
    for history in histories:
        answer = next(((e, at) for e, at in history.events if e in DECIDED_EVENTS), None)
        if answer is not None:
            decided[answer[0]] += 1
            if answer[0] == OrderEvent.ACCEPTED:
                accept_hours.append((answer[1] - history.created_at).total_seconds() / 3600)
        # The last confirmation counts: after a rejected check the work was redone.
        finished_at = _last(history.events, {OrderEvent.FINISHED})
        if finished_at is not None:
            if history.expected_finish is not None:
                deadline = _end_of_day(history.expected_finish)
            else:
                started = _first(history.events, {OrderEvent.ACCEPTED, OrderEvent.AWARDED})
                deadline = started + service_days if started else None
            finished += 1
            on_time += deadline is not None and finished_at <= deadline
        if _first(history.events, CHECKED_EVENTS) is not None:
            checked += 1
            first_try += _first(history.events, {OrderEvent.CHECK_REJECTED}) is None
    total_decided = sum(decided.values())
    orders_by_enterprise = defaultdict(int)
    for history in histories:
        orders_by_enterprise[history.enterprise_id] += 1
    return {
        "orders": len(histories),
        "accepted": len(accept_hours),
        "median_accept_hours": round(statistics.median(accept_hours), 1) if accept_hours else None,
        "decided": total_decided,
        "accepted_share": _ratio(decided[OrderEvent.ACCEPTED], total_decided),
        "declined_share": _ratio(decided[OrderEvent.DECLINED], total_decided),
        "expired_share": _ratio(decided[OrderEvent.EXPIRED], total_decided),
        "finished": finished,
        "on_time_share": _ratio(on_time, finished),
        "checked": checked,
        "first_try_share": _ratio(first_try, checked),
        "enterprises": len(orders_by_enterprise),
        "repeat_customer_share": _ratio(
            sum(1 for n in orders_by_enterprise.values() if n >= 2), len(orders_by_enterprise)
        ),
    }


def _complaint_figures(complaints, order_count) -> dict:
    closed = [c for c in complaints if c["status"] == ComplaintStatus.CLOSED]
    upheld = sum(1 for c in closed if c["result"] == ComplaintResult.UPHELD)
    return {
        "complaints": len(complaints),
        "complaints_per_100": _ratio(len(complaints) * 100, order_count, places=1),
        "complaints_closed": len(closed),
        "complaints_upheld": upheld,
        "upheld_share": _ratio(upheld, len(closed)),
    }


def _review_figures(reviews) -> dict:
    figures = {}
    for dimension in DIMENSIONS:
        scores = [r[dimension] for r in reviews if r[dimension] is not None]
        figures[f"review_{dimension}_count"] = len(scores)
        figures[f"review_{dimension}_avg"] = _ratio(sum(scores), len(scores), places=2)
    return figures


def _bid_figures(bids) -> dict:
    won = sum(1 for b in bids if b["status"] == BidStatus.WON)
    return {"bids_submitted": len(bids), "bids_won": won, "bids_won_share": _ratio(won, len(bids))}


def composite_score(recent: dict) -> Decimal | None:
    """综合评分 of the last 12 months' figures; None below the minimum sample (样本不足)."""
    if recent["orders"] < settings.SCORECARD_MIN_ORDERS:
        return None
    review = recent["review_score_avg"]
    parts = {
        "accepted_share": recent["accepted_share"],
        "on_time_share": recent["on_time_share"],
        "first_try_share": recent["first_try_share"],
        "review": None if review is None else (review - 1) / 4,
        "no_upheld_complaint": 1 - recent["complaints_upheld"] / recent["orders"],
    }
    weighted = [(COMPOSITE_WEIGHTS[name], value) for name, value in parts.items() if value is not None]
    total_weight = sum(weight for weight, _value in weighted)
    score = 100 * sum(weight * value for weight, value in weighted) / total_weight
    return Decimal(score).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def institution_figures(institution, now) -> dict:
    """{"recent": {...}, "all_time": {...}} for the institution, from its logs."""
    histories = _histories(institution)
    complaints = list(
        Complaint.objects.filter(order__institution=institution).order_by().values("order_id", "status", "result")
    )
    reviews = list(
        Review.objects.visible()
        .filter(subject=institution, author_side=Party.ENTERPRISE)
        .order_by()
        .values("created_at", *DIMENSIONS)
    )
    bids = list(
        Bid.objects.filter(institution=institution)
        .exclude(status=BidStatus.WITHDRAWN)
        .order_by()
        .values("status", "created_at")
    )
    since = now - timedelta(days=RECENT_DAYS)
    periods = {"recent": since, "all_time": None}
    result = {}
    for name, start in periods.items():
        orders = {pk: h for pk, h in histories.items() if start is None or h.created_at >= start}
        figures = _order_figures(list(orders.values()))
        figures.update(_complaint_figures([c for c in complaints if c["order_id"] in orders], len(orders)))
        figures.update(_review_figures([r for r in reviews if start is None or r["created_at"] >= start]))
        figures.update(_bid_figures([b for b in bids if start is None or b["created_at"] >= start]))
        result[name] = figures
    return result
