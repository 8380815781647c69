"""The order lists of 订单管理, for each side, with a fixed number of queries."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

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


def order_list(*, organisation, party: str, tab: str, filters: OrderFilters):
    if party == "enterprise":
        queryset = Order.objects.for_enterprise(organisation)
        statuses = ENTERPRISE_TABS.get(tab)
    else:
        queryset = Order.objects.for_institution(organisation)
        statuses = INSTITUTION_TABS.get(tab)
    if statuses:
        queryset = queryset.filter(status__in=statuses)
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


def order_detail(order):
    """The order with its attachments and timeline (and the demand it was won on, if any)."""
    return (
        Order.objects.filter(pk=order.pk)
        .select_related("enterprise", "institution", "window", "service", "placed_by", "demand")
        .prefetch_related("attachments", "logs__actor")
        .get()
    )
