from datetime import timedelta

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from orders.models import OrderStatus, Party
from orders.permissions import is_order_staff, party_of

from .models import Complaint, ComplaintAttachment, ComplaintPhoto


def order_open_to_complaint(order, now=None) -> bool:
    """The manual's three cases: 服务中, 已完成, and 已验收 up to COMPLAINT_WINDOW_DAYS ago.

    Reads only the order's own fields (lists call it per row). An order whose
    complaint is open has its timers paused, which is also what tells it here.
    """
    if order.timers_paused:
        return False
    if order.status in (OrderStatus.IN_SERVICE, OrderStatus.COMPLETED):
        return True
    if order.status == OrderStatus.CHECKED and order.checked_at is not None:
        now = now or timezone.now()
        return order.checked_at >= now - timedelta(days=settings.COMPLAINT_WINDOW_DAYS)
    return False


def can_file_complaint(user, order) -> bool:
    return party_of(user, order) == Party.ENTERPRISE and order_open_to_complaint(order)


def complaint_party(user, complaint) -> str | None:
    return party_of(user, complaint.order)


def is_complaint_staff(user, complaint) -> bool:
    return is_order_staff(user, complaint.order)


def get_complaint_for_user(user, pk: int) -> Complaint:
    """A complaint by or against the user's organisation, or of a window the user administers; else 404."""
    complaint = get_object_or_404(
        Complaint.objects.select_related("order", "order__enterprise", "order__institution", "order__window"), pk=pk
    )
    if complaint_party(user, complaint) is None and not is_complaint_staff(user, complaint):
        raise Http404
    return complaint


def get_photo_for_user(user, pk: int) -> ComplaintPhoto:
    photo = get_object_or_404(ComplaintPhoto.objects.select_related("complaint"), pk=pk)
    get_complaint_for_user(user, photo.complaint_id)
    return photo


def get_attachment_for_user(user, pk: int) -> ComplaintAttachment:
    attachment = get_object_or_404(ComplaintAttachment.objects.select_related("complaint"), pk=pk)
    get_complaint_for_user(user, attachment.complaint_id)
    return attachment
