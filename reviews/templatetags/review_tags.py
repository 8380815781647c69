"""Template helpers for the order pages, which must not import this app (it sits above orders)."""

from django import template

from ..selectors import reviews_of_order

register = template.Library()


@register.inclusion_tag("reviews/_order_reviews.html", takes_context=True)
def order_reviews(context, order):
    """The reviews of an order for its detail page (one query); hidden text only for its author and staff."""
    request = context.get("request")
    user = getattr(request, "user", None)
    organisation_id = getattr(user, "organisation_id", None)
    reviews = reviews_of_order(order)
    return {
        "reviews": reviews,
        "order": order,
        "viewer_organisation_id": organisation_id,
        "viewer_is_staff": bool(user and user.is_staff),
    }


@register.simple_tag
def stars(score) -> str:
    if not score:
        return ""
    score = int(score)
    return "★" * score + "☆" * (5 - score)
