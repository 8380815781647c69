from django.http import Http404

from orders.models import Order, OrderStatus

from .models import Reimbursement, ReimbursementStatus


def voucher_orders_of(institution):
    """兑付管理: the institution's orders paid with a voucher, with their claim if any."""
    return (
        Order.objects.filter(institution=institution, voucher__isnull=False)
        .select_related("enterprise", "voucher", "reimbursement")
        .order_by("-created_at", "-pk")
    )


def may_ask_reimbursement(order) -> bool:
    """The 兑付申请 button: accepted, and no claim yet or one returned for correction."""
    claim = getattr(order, "reimbursement", None)
    return order.status == OrderStatus.CHECKED and (claim is None or claim.status == ReimbursementStatus.RETURNED)


def get_voucher_order_for_institution(user, order_pk):
    """An order of the user's institution paid with a voucher; anything else is 404."""
    try:
        return voucher_orders_of(user.organisation).get(pk=order_pk)
    except Order.DoesNotExist:
        raise Http404 from None


def get_reimbursement_for_user(user, pk):
    """A claim of the user's institution, or of a window the staff user administers."""
    from windows.permissions import administered_window_ids

    queryset = Reimbursement.objects.select_related("order")
    if user.is_staff:
        window_ids = administered_window_ids(user)
        if window_ids is not None:
            queryset = queryset.filter(window_id__in=window_ids)
    elif user.organisation_id is not None:
        queryset = queryset.filter(institution_id=user.organisation_id)
    else:
        raise Http404
    try:
        return queryset.get(pk=pk)
    except Reimbursement.DoesNotExist:
        raise Http404 from None
