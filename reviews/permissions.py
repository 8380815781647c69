from django.http import Http404
from django.shortcuts import get_object_or_404

from orders.models import OrderStatus
from orders.permissions import is_order_staff, party_of

from .models import Review


def can_review(user, order) -> bool:
    """A party of an 已验收 order (checked only on the order; the action also checks it has not reviewed yet)."""
    return order.status == OrderStatus.CHECKED and party_of(user, order) is not None


def is_review_staff(user, review) -> bool:
    return is_order_staff(user, review.order)


def review_role(user, review) -> str | None:
    """'author', 'subject' or None, for the user's organisation."""
    if user.organisation_id is None:
        return None
    if user.organisation_id == review.author_organisation_id:
        return "author"
    if user.organisation_id == review.subject_id:
        return "subject"
    return None


def get_review_for_user(user, pk: int) -> Review:
    """A review written by or about the user's organisation, or of a window the user administers; else 404."""
    review = get_object_or_404(
        Review.objects.select_related(
            "order", "order__enterprise", "order__institution", "order__window", "author_organisation", "subject"
        ),
        pk=pk,
    )
    if review_role(user, review) is None and not is_review_staff(user, review):
        raise Http404
    return review
