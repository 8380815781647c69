"""The order lists of 订单管理, for each side, with a fixed number of queries."""

from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, Subquery

from .models import Order, OrderStatus

# The manual's lists (tab → statuses; None = all).
ENTERPRISE_TABS = {
    "all": None,
    "in_service": [OrderStatus.IN_SERVICE],
    "completed": [OrderStatus.COMPLETED],
    "checked": [OrderStatus.CHECKED],
    "to_review": [OrderStatus.CHECKED],
}
INSTITUTION_TABS = {
    "all": None,
    "submitted": [OrderStatus.SUBMITTED],
    "in_service": [OrderStatus.IN_SERVICE],
    "completed": [OrderStatus.COMPLETED],
    "checked": [OrderStatus.CHECKED],
    "to_review": [OrderStatus.CHECKED],
}


@dataclass
class OrderFilters:
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None
    keyword: str = ""


def with_review_state(queryset, party: str | None):
    """Annotate my_review_id and my_review_followed_up: the viewer's side's review of each order.

    The reviews app sits above this one, so its model is looked up by name
    rather than imported; the two subqueries run only for the rows shown.
    """
    if party is None:
        return queryset
    review_model = apps.get_model("reviews", "Review")
    mine = review_model.objects.filter(order=OuterRef("pk"), author_side=party)
    return queryset.annotate(
        my_review_id=Subquery(mine.values("pk")[:1]),
        my_review_followed_up=Exists(mine.filter(followup_at__isnull=False)),
    )


def order_list(*, organisation, party: str, tab: str, filters: OrderFilters):
    if party == "enterprise":
        queryset = Order.objects.for_enterprise(organisation)
        statuses = ENTERPRISE_TABS.get(tab)
    else:
        queryset = Order.objects.for_institution(organisation)
        statuses = INSTITUTION_TABS.get(tab)
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    queryset = with_review_state(queryset, party)
    if tab == "to_review":
        # 待评价的订单: not reviewed by my side yet (【评论】), or reviewed without a follow-up (【追加评论】).
        queryset = queryset.filter(Q(my_review_id__isnull=True) | Q(my_review_followed_up=False))
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.date_from:
        queryset = queryset.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        queryset = queryset.filter(created_at__date__lte=filters.date_to)
    if filters.keyword:
        term = filters.keyword
        queryset = queryset.filter(
            Q(number__icontains=term)
            | Q(service_title__icontains=term)
            | Q(institution__name__icontains=term)
            | Q(enterprise__name__icontains=term)
        )
    return queryset.select_related("enterprise", "institution", "window").order_by("-created_at", "-pk")


def order_detail(order, party: str | None = None):
    """The order with its attachments and timeline, the demand it was won on (if any),
    and the viewer's review state when a party looks."""
    return (
        with_review_state(Order.objects.filter(pk=order.pk), party)
        .select_related("enterprise", "institution", "window", "service", "placed_by", "demand", "voucher")
        .prefetch_related("attachments", "logs__actor")
        .get()
    )
