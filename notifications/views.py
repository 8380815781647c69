from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .actions import notification_mark_read, notifications_mark_all_read
from .permissions import get_notification_for_user

FILTERS = {"all", "unread", "read"}


@login_required
def notification_list(request):
    status = request.GET.get("status", "all")
    if status not in FILTERS:
        status = "all"
    queryset = request.user.notifications.all()
    if status == "unread":
        queryset = queryset.unread()
    elif status == "read":
        queryset = queryset.read()
    page = Paginator(queryset, 20).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "status": status})


@login_required
def notification_detail(request, pk):
    """Opening a message marks it read, as in any mailbox."""
    notification = get_notification_for_user(request.user, pk)
    notification_mark_read(notification=notification)
    return render(request, "notifications/detail.html", {"notification": notification})


@login_required
@require_POST
def notification_read(request, pk):
    notification = get_notification_for_user(request.user, pk)
    notification_mark_read(notification=notification)
    return _back_to_list(request)


@login_required
@require_POST
def notification_read_all(request):
    count = notifications_mark_all_read(user=request.user)
    messages.success(request, _("%(count)d messages marked as read.") % {"count": count})
    return _back_to_list(request)


def _back_to_list(request):
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("notifications:list")
