from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from certification.permissions import certification_required
from services.selectors import service_for_public, shown_windows
from smeportal import idempotency
from smeportal.errors import ActionRefused, show_refusal
from smeportal.forms import valid_filters
from smeportal.pagecache import cached_per_user
from smeportal.pagination import CappedPaginator
from smeportal.uploads import serve_private_document
from vouchers.selectors import usable_vouchers
from windows.models import Window

from . import actions
from .forms import CheckForm, FinishForm, OrderFilterForm, OrderPlaceForm, OrderUpdateForm, ReasonForm
from .models import OrderStatus, Party
from .permissions import get_attachment_for_user, get_order_for_user, party_of
from .selectors import ENTERPRISE_TABS, INSTITUTION_TABS, OrderFilters, order_detail, order_list

PAGE_SIZE = 20
TAB_TITLES = {
    ("enterprise", "all"): gettext_lazy("My orders"),
    ("enterprise", "in_service"): gettext_lazy("Orders in service"),
    ("enterprise", "completed"): gettext_lazy("Completed orders"),
    ("enterprise", "checked"): gettext_lazy("Accepted orders"),
    ("enterprise", "to_review"): gettext_lazy("Orders to review"),
    ("institution", "all"): gettext_lazy("Orders received"),
    ("institution", "submitted"): gettext_lazy("Orders awaiting acceptance"),
    ("institution", "in_service"): gettext_lazy("Orders in service"),
    ("institution", "completed"): gettext_lazy("Completed orders"),
    ("institution", "checked"): gettext_lazy("Accepted orders"),
    ("institution", "to_review"): gettext_lazy("Orders to review"),
}


def _party(user) -> str:
    organisation = user.organisation
    if organisation is None:
        raise Http404
    return Party.INSTITUTION if organisation.is_institution else Party.ENTERPRISE


@certification_required
@idempotency.submits_once
def place(request, service_pk):
    """【我要申请】 on a listed service: 订购数量, 要求, 附件 → 【我要申请】."""
    service = service_for_public(service_pk)
    if service is None:
        raise Http404
    if _party(request.user) != Party.ENTERPRISE:
        messages.error(request, _("Only enterprise users apply for services."))
        return redirect(service)
    windows = shown_windows(service)
    vouchers = usable_vouchers(request.user.organisation, service.category, negotiated=service.price is None)
    form = OrderPlaceForm(request.POST or None, request.FILES or None, windows=windows, vouchers=vouchers)
    if request.method == "POST" and form.is_valid():
        placed = idempotency.submit_once(
            request,
            form,
            lambda: actions.order_place(
                service=service,
                actor=request.user,
                window=Window.objects.get(pk=form.cleaned_data["window"]),
                quantity=form.cleaned_data["quantity"],
                requirements=form.cleaned_data["requirements"],
                attachments=form.cleaned_data["attachments"],
                voucher=next((v for v in vouchers if str(v.pk) == form.cleaned_data.get("voucher")), None),
            ),
            success=lambda order: (
                _("Order %(number)s placed; the institution will accept it soon.") % {"number": order.number}
            ),
        )
        if placed:
            return placed
    return render(request, "orders/place.html", {"form": form, "service": service})


@login_required
@cached_per_user("orders")
def order_list_view(request, tab="all"):
    """订单管理: the manual's lists for the enterprise, and their mirror for institutions."""
    party = _party(request.user)
    tabs = ENTERPRISE_TABS if party == Party.ENTERPRISE else INSTITUTION_TABS
    if tab not in tabs:
        raise Http404
    form = OrderFilterForm(request.GET or None)
    data = valid_filters(form)
    filters = OrderFilters(
        status=data.get("status") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        keyword=(data.get("q") or "").strip(),
    )
    queryset = order_list(organisation=request.user.organisation, party=party, tab=tab, filters=filters)
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    return render(
        request,
        "orders/list.html",
        {"form": form, "page": page, "query": query, "tab": tab, "party": party, "title": TAB_TITLES[(party, tab)]},
    )


@login_required
@cached_per_user("order")
def detail(request, pk):
    order = get_order_for_user(request.user, pk)
    party = party_of(request.user, order)
    return render(request, "orders/detail.html", {"order": order_detail(order, party), "party": party})


@login_required
def attachment(request, pk):
    item = get_attachment_for_user(request.user, pk)
    return serve_private_document(item.file, download_name=item.original_name)


@login_required
def update(request, pk):
    """【修改】 → 【保存】."""
    order = get_order_for_user(request.user, pk)
    if party_of(request.user, order) != Party.ENTERPRISE:
        raise Http404
    if order.status != OrderStatus.SUBMITTED:
        messages.error(request, _("Only an order awaiting acceptance can be modified."))
        return redirect(order)
    initial = {"quantity": order.quantity, "requirements": order.requirements}
    form = OrderUpdateForm(request.POST or None, request.FILES or None, initial=initial, order=order)
    if request.method == "POST" and form.is_valid():
        try:
            actions.order_update(
                order=order,
                actor=request.user,
                quantity=form.cleaned_data["quantity"],
                requirements=form.cleaned_data["requirements"],
                new_attachments=form.cleaned_data["attachments"],
                removed_attachment_ids=[int(pk) for pk in form.cleaned_data.get("remove_attachments") or []],
            )
        except ActionRefused as refusal:
            show_refusal(request, form, refusal)
        else:
            messages.success(request, _("Saved."))
            return redirect(order)
    return render(request, "orders/update.html", {"form": form, "order": order})


def _confirm(
    request, pk, *, run, title, button, success, form_class=None, party=None, danger=False, intro="", done_url=None
):
    """A confirmation page (with a form where the action needs one) and its POST."""
    order = get_order_for_user(request.user, pk)
    if party is not None and party_of(request.user, order) != party:
        raise Http404
    form = form_class(request.POST or None) if form_class else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            run(order, form.cleaned_data if form else {})
        except ActionRefused as refusal:
            if form is None:
                messages.error(request, refusal.message)
                return redirect(order)
            show_refusal(request, form, refusal)
        else:
            messages.success(request, success)
            return redirect(done_url or order)
    return render(
        request,
        "orders/confirm.html",
        {"order": order, "form": form, "title": title, "button": button, "danger": danger, "intro": intro},
    )


@login_required
def cancel(request, pk):
    return _confirm(
        request,
        pk,
        party=Party.ENTERPRISE,
        run=lambda order, data: actions.order_cancel(order=order, actor=request.user),
        title=_("Cancel order"),
        button=_("Cancel order"),
        success=_("The order is cancelled."),
        danger=True,
        intro=_("The institution will be told. A cancelled order cannot be restored."),
    )


@login_required
def delete(request, pk):
    return _confirm(
        request,
        pk,
        party=Party.ENTERPRISE,
        run=lambda order, data: actions.order_delete(order=order, actor=request.user),
        title=_("Delete"),
        button=_("Delete"),
        success=_("The order is deleted from your lists."),
        danger=True,
        done_url="orders:list",  # the order itself is no longer shown to the enterprise
        intro=_("The order disappears from your lists; the institution and the administrators keep it."),
    )


@login_required
@require_POST
def accept(request, pk):
    order = get_order_for_user(request.user, pk)
    try:
        actions.order_accept(order=order, actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Order accepted; it is now in service."))
    return redirect(order)


@login_required
def decline(request, pk):
    return _confirm(
        request,
        pk,
        party=Party.INSTITUTION,
        form_class=ReasonForm,
        run=lambda order, data: actions.order_decline(order=order, actor=request.user, reason=data["reason"]),
        title=_("Decline the order"),
        button=pgettext("order", "Decline"),
        success=_("The order is declined."),
        danger=True,
    )


@login_required
def finish(request, pk):
    """【服务中的订单】 → 【服务完成】: 完成与否 → 【保存】."""
    return _confirm(
        request,
        pk,
        party=Party.ENTERPRISE,
        form_class=FinishForm,
        run=lambda order, data: actions.order_finish(
            order=order, actor=request.user, completed=data["completed"], reason=data.get("reason", "")
        ),
        title=_("Service completed"),
        button=_("Save"),
        success=_("Saved."),
    )


@login_required
def check(request, pk):
    """验收: 验收合格 or 验收不合格 (reason)."""

    def run(order, data):
        if data["passed"]:
            return actions.order_check(order=order, actor=request.user)
        return actions.order_reject_check(order=order, actor=request.user, reason=data["reason"])

    return _confirm(
        request,
        pk,
        party=Party.ENTERPRISE,
        form_class=CheckForm,
        run=run,
        title=_("Acceptance"),
        button=_("Save"),
        success=_("Saved."),
    )


@login_required
def request_cancel(request, pk):
    return _confirm(
        request,
        pk,
        form_class=ReasonForm,
        run=lambda order, data: actions.order_request_cancel(order=order, actor=request.user, reason=data["reason"]),
        title=_("Ask to cancel"),
        button=_("Ask to cancel"),
        success=_("The other side has been asked to agree to the cancellation."),
        intro=_("The order is cancelled when the other side agrees, or if it does not answer in time."),
    )


@login_required
@require_POST
def answer_cancel(request, pk):
    order = get_order_for_user(request.user, pk)
    agree = request.POST.get("answer") == "agree"
    try:
        actions.order_answer_cancel(order=order, actor=request.user, agree=agree)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The order is cancelled.") if agree else _("The order goes on."))
    return redirect(reverse("orders:detail", args=[order.pk]))
