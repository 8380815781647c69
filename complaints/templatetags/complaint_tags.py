"""Template helpers for the order pages, which must not import this app (it sits above orders)."""

from django import template

from ..permissions import order_open_to_complaint
from ..selectors import complaints_of_order

register = template.Library()


@register.filter
def open_to_complaint(order) -> bool:
    """【投诉】 is offered: the manual's three cases, no complaint open (no query)."""
    return order_open_to_complaint(order)


@register.inclusion_tag("complaints/_order_complaints.html", takes_context=True)
def order_complaints(context, order):
    """The complaints of an order, for its detail page (one query)."""
    return {"complaints": complaints_of_order(order), "order": order, "party": context.get("party")}
