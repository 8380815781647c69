"""Reads of demands and bids, each list in a fixed number of queries."""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Count, F, Q
from django.utils import timezone

from smeportal.search import keyword_filter

from .models import (
    Bid,
    BidStatus,
    Demand,
    DemandClarification,
    DemandObjection,
    DemandQuestion,
    DemandStatus,
    ObjectionStatus,
)

HALL_SORTS = {
    "newest": ["-approved_at", "-pk"],
    "deadline": ["bid_deadline", "pk"],
    # NULL (面议, or no upper end) last on both databases; PostgreSQL would put it first.
    "budget": [F("budget_max").desc(nulls_last=True), "-pk"],
}


@dataclass
class HallFilters:
    category: str = ""  # a category code, top level or sub-category
    window: str = ""  # a window slug
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    deadline_before: date | None = None
    keyword: str = ""
    sort: str = "newest"

    @classmethod
    def from_form(cls, data: dict) -> "HallFilters":
        return cls(
            category=data.get("category") or "",
            window=data.get("window") or "",
            budget_min=data.get("budget_min"),
            budget_max=data.get("budget_max"),
            deadline_before=data.get("deadline_before"),
            keyword=(data.get("q") or "").strip(),
            sort=data.get("sort") or "newest",
        )


def open_demands(now=None):
    """Demands in 投标中 whose deadline has not passed: what 需求大厅 lists."""
    return Demand.objects.filter(status=DemandStatus.BIDDING, bid_deadline__gt=now or timezone.now())


def _with_live_bid_count(queryset):
    return queryset.annotate(bid_count=Count("bids", filter=Q(bids__status__in=[BidStatus.SUBMITTED, BidStatus.WON])))


def search_hall(filters: HallFilters):
    queryset = open_demands()
    if filters.category:
        queryset = queryset.filter(Q(category__code=filters.category) | Q(category__parent__code=filters.category))
    if filters.window:
        queryset = queryset.filter(window__slug=filters.window)
    # A budget filter keeps demands whose range overlaps the one asked for (面议 ones drop out).
    if filters.budget_min is not None:
        queryset = queryset.filter(
            Q(budget_max__gte=filters.budget_min) | Q(budget_max__isnull=True, budget_min__isnull=False)
        )
    if filters.budget_max is not None:
        queryset = queryset.filter(
            Q(budget_min__lte=filters.budget_max) | Q(budget_min__isnull=True, budget_max__isnull=False)
        )
    if filters.deadline_before:
        end_of_day = timezone.make_aware(datetime.combine(filters.deadline_before, time.max))
        queryset = queryset.filter(bid_deadline__lte=end_of_day)
    # PostgreSQL: the bigram index (every term length, demands.actions.demand_reindex);
    # SQLite: substring matching on the same texts.
    condition = keyword_filter(
        filters.keyword,
        vector_fields=["search_vector"],
        text_fields=["title", "description", "category__name", "category__parent__name", "enterprise__name"],
    )
    if condition is not None:
        queryset = queryset.filter(condition)
    order = HALL_SORTS.get(filters.sort, HALL_SORTS["newest"])
    # Bid counts come after paging (attach_bid_counts): counting in this query would
    # make the database group every match before it could stop at the page.
    return (
        queryset.select_related("enterprise", "window", "category__parent")
        .defer("description", "contact_name", "contact_phone", "search_vector")
        .order_by(*order)
    )


def attach_bid_counts(demands) -> None:
    """Set `bid_count` (live bids) on a page of demands, in one query."""
    counts = dict(
        Bid.objects.filter(demand__in=[d.pk for d in demands], status__in=[BidStatus.SUBMITTED, BidStatus.WON])
        .values("demand")
        .annotate(n=Count("pk"))
        .values_list("demand", "n")
    )
    for demand in demands:
        demand.bid_count = counts.get(demand.pk, 0)


def newest_open_demands(limit: int = 6, window=None):
    queryset = open_demands()
    if window is not None:
        queryset = queryset.filter(window=window)
    return list(queryset.select_related("window", "category").order_by("-approved_at", "-pk")[:limit])


def my_demands(organisation, status: str = ""):
    """我发布的需求: all of the enterprise's demands with their live bid counts."""
    queryset = Demand.objects.filter(enterprise=organisation)
    if status:
        queryset = queryset.filter(status=status)
    return (
        _with_live_bid_count(queryset)
        .select_related("window", "category", "winning_bid__institution", "order")
        .order_by("-created_at", "-pk")
    )


def bids_of_demand(demand):
    """【投标详情】: every bid with its institution, its certified mark and rating, and files."""
    return list(
        Bid.objects.filter(demand=demand)
        .select_related("institution")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )


def live_bid_count(demand) -> int:
    return demand.bids.filter(status__in=[BidStatus.SUBMITTED, BidStatus.WON]).count()


def own_live_bid(demand, organisation):
    if organisation is None:
        return None
    return (
        Bid.objects.filter(demand=demand, institution=organisation, status__in=[BidStatus.SUBMITTED, BidStatus.WON])
        .prefetch_related("attachments")
        .first()
    )


def my_bids(organisation, status: str = ""):
    """我的投标: the institution's bids, newest first, with their demands."""
    queryset = Bid.objects.filter(institution=organisation)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.select_related("demand__window", "demand__order").order_by("-created_at", "-pk")


def demands_with_page_data():
    """What a demand's page and 投标详情 show with the demand (pass to the permission helpers)."""
    return Demand.objects.select_related(
        "enterprise", "window", "category__parent", "winning_bid__institution", "order"
    ).prefetch_related("attachments")


def questions_of_demand(demand):
    """答疑 on a demand's page, oldest first, without who asked (never fetched for the page)."""
    return list(
        DemandQuestion.objects.filter(demand=demand)
        .only("pk", "demand_id", "question", "answer", "created_at", "answered_at")
        .order_by("created_at", "pk")
    )


def clarifications_of_demand(demand):
    return list(DemandClarification.objects.filter(demand=demand).only("pk", "demand_id", "text", "created_at"))


def own_objections(organisation, demand) -> list[DemandObjection]:
    """The objections the organisation raised on the demand, with their outcome and files."""
    if organisation is None:
        return []
    return list(
        DemandObjection.objects.filter(demand=demand, objector=organisation)
        .prefetch_related("attachments")
        .order_by("pk")
    )


def open_objection_count(demand) -> int:
    """中标公示 on the demand's page says how many objections wait (never who raised them)."""
    return DemandObjection.objects.filter(demand=demand, status=ObjectionStatus.OPEN).count()
