"""Reads of reviews for 我的评价, 对方的评价, the order page and the institution's public page."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from .models import Review


@dataclass
class ReviewFilters:
    score: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    keyword: str = ""


def _filtered(queryset, filters: ReviewFilters):
    if filters.score:
        queryset = queryset.filter(score=filters.score)
    if filters.date_from:
        queryset = queryset.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        queryset = queryset.filter(created_at__date__lte=filters.date_to)
    if filters.keyword:
        term = filters.keyword
        queryset = queryset.filter(
            Q(order__number__icontains=term)
            | Q(order__service_title__icontains=term)
            | Q(subject__name__icontains=term)
            | Q(author_organisation__name__icontains=term)
            | Q(content__icontains=term)
        )
    return queryset.select_related("order", "subject", "author_organisation").order_by("-created_at", "-pk")


def reviews_written(*, organisation, filters: ReviewFilters):
    """【我的评价】: the reviews the organisation wrote (hidden ones too: the author is told why)."""
    return _filtered(Review.objects.by(organisation), filters)


def reviews_received(*, organisation, filters: ReviewFilters):
    """【对方的评价】: the reviews written about the organisation."""
    return _filtered(Review.objects.about(organisation), filters)


def public_reviews(organisation, limit: int = 10):
    """The newest visible reviews of an institution, for its public page."""
    return list(
        Review.objects.about(organisation)
        .visible()
        .select_related("order", "author_organisation")
        .order_by("-created_at", "-pk")[:limit]
    )


def public_review_list(organisation):
    return (
        Review.objects.about(organisation)
        .visible()
        .select_related("order", "author_organisation")
        .order_by("-created_at", "-pk")
    )


def reviews_of_order(order):
    return list(
        Review.objects.filter(order=order).select_related("author_organisation", "subject").order_by("created_at")
    )


def review_detail(review):
    return (
        Review.objects.filter(pk=review.pk)
        .select_related(
            "order", "order__enterprise", "order__institution", "order__window", "author_organisation", "subject"
        )
        .get()
    )
