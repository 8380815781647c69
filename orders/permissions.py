from django.http import Http404
from django.shortcuts import get_object_or_404

from windows.permissions import administered_window_ids

from .models import Order, OrderAttachment, Party


def party_of(user, order) -> str | None:
    """Which side of the order the user acts for, or None."""
    if user.organisation_id is None:
        return None
    if user.organisation_id == order.enterprise_id:
        return Party.ENTERPRISE
    if user.organisation_id == order.institution_id:
        return Party.INSTITUTION
    return None


def is_order_staff(user, order) -> bool:
    """Hub administrators, and window administrators of the order's window."""
    if not (user.is_active and user.is_staff):
        return False
    window_ids = administered_window_ids(user)
    return window_ids is None or order.window_id in window_ids


def get_order_for_user(user, pk: int) -> Order:
    """An order of the user's organisation (either side) or of its windows (staff); else 404.

    An order the enterprise deleted stays visible to the institution and staff only.
    """
    order = get_object_or_404(Order.objects.select_related("enterprise", "institution", "window", "service"), pk=pk)
    party = party_of(user, order)
    if party == Party.ENTERPRISE and order.hidden_by_enterprise:
        raise Http404
    if party is None and not is_order_staff(user, order):
        raise Http404
    return order


def get_attachment_for_user(user, pk: int) -> OrderAttachment:
    attachment = get_object_or_404(OrderAttachment.objects.select_related("order"), pk=pk)
    get_order_for_user(user, attachment.order_id)
    return attachment
