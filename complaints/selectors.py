"""Reads of complaints for 我的投诉 / 受到的投诉 and the detail page, with a fixed number of queries."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from .models import Complaint


@dataclass
class ComplaintFilters:
    status: str = ""
    result: str = ""
    date_from: date | None = None
    date_to: date | None = None
    keyword: str = ""


def complaint_list(*, organisation, party: str, filters: ComplaintFilters):
    """The enterprise's complaints, or those against the institution, newest first."""
    if party == "enterprise":
        queryset = Complaint.objects.for_enterprise(organisation)
    else:
        queryset = Complaint.objects.for_institution(organisation)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.result:
        queryset = queryset.filter(result=filters.result)
    if filters.date_from:
        queryset = queryset.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        queryset = queryset.filter(created_at__date__lte=filters.date_to)
    if filters.keyword:
        term = filters.keyword
        queryset = queryset.filter(
            Q(order__number__icontains=term)
            | Q(order__service_title__icontains=term)
            | Q(order__institution__name__icontains=term)
            | Q(order__enterprise__name__icontains=term)
            | Q(reason__icontains=term)
        )
    return queryset.select_related("order", "order__enterprise", "order__institution").order_by("-created_at", "-pk")


def complaint_detail(complaint):
    """The complaint with its order, photos, reply attachments and the whole handling record."""
    return (
        Complaint.objects.filter(pk=complaint.pk)
        .select_related(
            "order", "order__enterprise", "order__institution", "order__window", "filed_by", "replied_by", "closed_by"
        )
        .prefetch_related("photos", "attachments", "logs__actor")
        .get()
    )


def complaints_of_order(order):
    """Every complaint of an order (the order page shows them with their state)."""
    return list(Complaint.objects.filter(order=order).order_by("-created_at", "-pk"))
