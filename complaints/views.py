from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from orders.models import Party
from orders.permissions import get_order_for_user, party_of
from smeportal import idempotency
from smeportal.errors import ActionRefused, show_refusal
from smeportal.forms import valid_filters
from smeportal.pagination import CappedPaginator
from smeportal.uploads import serve_private_document, serve_private_file

from . import actions
from .forms import ComplaintFilterForm, ComplaintForm, ReplyForm, WithdrawForm
from .models import ComplaintStatus
from .permissions import (
    complaint_party,
    get_attachment_for_user,
    get_complaint_for_user,
    get_photo_for_user,
    is_complaint_staff,
    order_open_to_complaint,
)
from .selectors import ComplaintFilters, complaint_detail, complaint_list

PAGE_SIZE = 20


@login_required
@idempotency.submits_once
def create(request, order_pk):
    """【投诉】 on an order: 投诉理由 and 相关照片 → 【投诉】."""
    order = get_order_for_user(request.user, order_pk)
    if party_of(request.user, order) != Party.ENTERPRISE:
        raise Http404
    if not order_open_to_complaint(order):
        messages.error(request, _("This order cannot be complained about now."))
        return redirect(order)
    form = ComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        filed = idempotency.submit_once(
            request,
            form,
            lambda: actions.complaint_file(
                order=order,
                actor=request.user,
                complaint_type=form.cleaned_data["complaint_type"],
                reason=form.cleaned_data["reason"],
                photos=form.cleaned_data["photos"],
            ),
            success=_("Your complaint is filed; the institution and the administrators are told."),
        )
        if filed:
            return filed
    return render(request, "complaints/create.html", {"form": form, "order": order})


@login_required
def complaint_list_view(request):
    """【投诉维权】 → 【我的投诉】 (enterprises) / 受到的投诉 (institutions)."""
    organisation = request.user.organisation
    if organisation is None:
        raise Http404
    party = Party.INSTITUTION if organisation.is_institution else Party.ENTERPRISE
    form = ComplaintFilterForm(request.GET or None)
    data = valid_filters(form)
    filters = ComplaintFilters(
        status=data.get("status") or "",
        result=data.get("result") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        keyword=(data.get("q") or "").strip(),
    )
    queryset = complaint_list(organisation=organisation, party=party, filters=filters)
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    title = _("My complaints") if party == Party.ENTERPRISE else _("Complaints received")
    return render(
        request,
        "complaints/list.html",
        {"form": form, "page": page, "query": query, "party": party, "title": title},
    )


@login_required
def detail(request, pk):
    """The complete complaint: order, reason, photos, reply, handling record, result."""
    complaint = complaint_detail(get_complaint_for_user(request.user, pk))
    return render(
        request,
        "complaints/detail.html",
        {
            "complaint": complaint,
            "order": complaint.order,
            "party": complaint_party(request.user, complaint),
            "is_staff_viewer": is_complaint_staff(request.user, complaint),
        },
    )


@login_required
def reply(request, pk):
    """回复 of the institution."""
    complaint = get_complaint_for_user(request.user, pk)
    if complaint_party(request.user, complaint) != Party.INSTITUTION:
        raise Http404
    if complaint.status != ComplaintStatus.SUBMITTED:
        messages.error(request, _("Only a complaint awaiting handling can be replied to."))
        return redirect(complaint)
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.complaint_reply(
                complaint=complaint,
                actor=request.user,
                reply=form.cleaned_data["reply"],
                attachments=form.cleaned_data["attachments"],
            )
        except ActionRefused as refusal:
            show_refusal(request, form, refusal)
        else:
            messages.success(request, _("Your reply is sent."))
            return redirect(complaint)
    return render(
        request,
        "complaints/confirm.html",
        {"complaint": complaint, "form": form, "title": _("Reply"), "button": _("Reply"), "multipart": True},
    )


@login_required
def withdraw(request, pk):
    """撤销: the enterprise withdraws its complaint."""
    complaint = get_complaint_for_user(request.user, pk)
    if complaint_party(request.user, complaint) != Party.ENTERPRISE:
        raise Http404
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.complaint_withdraw(complaint=complaint, actor=request.user, reason=form.cleaned_data["reason"])
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("The complaint is withdrawn."))
        return redirect(complaint)
    label = pgettext("complaint", "Withdraw")
    return render(
        request,
        "complaints/confirm.html",
        {
            "complaint": complaint,
            "form": form,
            "title": label,
            "button": label,
            "danger": True,
            "intro": _("A withdrawn complaint cannot be reopened; you can file a new one while the order allows it."),
        },
    )


@login_required
def photo(request, pk):
    """A complaint photo: only for the two parties and the window's administrators."""
    item = get_photo_for_user(request.user, pk)
    return serve_private_file(item.file)


@login_required
def attachment(request, pk):
    item = get_attachment_for_user(request.user, pk)
    return serve_private_document(item.file, download_name=item.original_name)
