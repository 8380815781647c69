"""Thin views over demands.actions and demands.selectors."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certification.permissions import certification_required
from smeportal import idempotency
from smeportal.errors import ActionRefused, show_refusal
from smeportal.forms import valid_filters
from smeportal.pagecache import cached_for_anonymous
from smeportal.pagination import CappedPaginator, query_without_page
from smeportal.uploads import serve_private_document

from . import actions, selectors
from .forms import (
    AnswerForm,
    BidForm,
    BidSubmitForm,
    ClarificationForm,
    DemandForm,
    DemandPublishForm,
    HallSearchForm,
    ObjectionForm,
    QuestionForm,
    ReasonForm,
    bid_status_form,
    demand_status_form,
)
from .models import Bid, BidStatus, DemandQuestion, DemandStatus
from .permissions import (
    bids_unsealed,
    can_see_contact,
    get_bid_attachment_for_user,
    get_demand_attachment_for_user,
    get_demand_for_user,
    get_objection_attachment_for_user,
    get_own_bid,
    get_own_demand,
    is_owner,
    may_ask,
    may_bid,
    may_object,
)

PAGE_SIZE = 20


def _enterprise_only(request):
    organisation = request.user.organisation
    if organisation is None or organisation.is_institution:
        raise Http404


def _institution_only(request):
    organisation = request.user.organisation
    if organisation is None or not organisation.is_institution:
        raise Http404


# Public: 需求大厅 and a demand's page ------------------------------------------------


# A demand leaves the hall when its deadline passes, with no write: keep copies short.
@cached_for_anonymous("hall", seconds=60)
def hall(request):
    """需求大厅: demands open for bids, filterable, bookmarkable."""
    form = HallSearchForm(request.GET or None)
    filters = selectors.HallFilters.from_form(valid_filters(form))
    page = CappedPaginator(selectors.search_hall(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.attach_bid_counts(page.object_list)
    return render(request, "demands/hall.html", {"form": form, "page": page, "query": query_without_page(request)})


def detail(request, pk):
    demand = get_demand_for_user(request.user, pk, queryset=selectors.demands_with_page_data())
    return _render_detail(request, demand)


def _render_detail(request, demand, *, question_form=None, answer_form=None, answering=None, clarification_form=None):
    """The demand's page; a refused 答疑 form comes back bound, with what the user typed."""
    organisation = request.user.organisation if request.user.is_authenticated else None
    own_bid = selectors.own_live_bid(demand, organisation) if organisation and organisation.is_institution else None
    owner = is_owner(request.user, demand)
    is_open = demand.is_open_for_bids
    return render(
        request,
        "demands/detail.html",
        {
            "demand": demand,
            "is_owner": owner,
            "show_contact": can_see_contact(request.user, demand),
            "bid_count": selectors.live_bid_count(demand),
            "own_bid": own_bid,
            "may_bid": is_open and own_bid is None and may_bid(organisation, demand),
            "questions": selectors.questions_of_demand(demand),
            "clarifications": selectors.clarifications_of_demand(demand),
            "question_form": question_form
            or (QuestionForm() if is_open and organisation and organisation.is_institution else None),
            "may_ask": is_open
            and organisation is not None
            and organisation.is_institution
            and may_ask(organisation, demand),
            "answer_form": answer_form,
            "answering": answering,
            "clarification_form": clarification_form or (ClarificationForm() if owner and is_open else None),
            "in_publicity": demand.status == DemandStatus.PUBLICITY,
            "open_objections": selectors.open_objection_count(demand) if demand.status == DemandStatus.PUBLICITY else 0,
            "may_object": may_object(organisation, demand) and demand.publicity_ends_at > timezone.now(),
            "own_objections": selectors.own_objections(organisation, demand),
        },
    )


def attachment(request, pk):
    item = get_demand_attachment_for_user(request.user, pk)
    return serve_private_document(item.file, download_name=item.original_name)


def bid_attachment(request, pk):
    item = get_bid_attachment_for_user(request.user, pk)
    return serve_private_document(item.file, download_name=item.original_name)


def objection_attachment(request, pk):
    item = get_objection_attachment_for_user(request.user, pk)
    return serve_private_document(item.file, download_name=item.original_name)


# 中标公示: 【提出异议】 --------------------------------------------------------------


@login_required
@idempotency.submits_once
def objection_raise(request, pk):
    """【提出异议】: another live bidder objects to the winner while the publicity runs."""
    demand = get_demand_for_user(request.user, pk, queryset=selectors.demands_with_page_data())
    if not may_object(request.user.organisation, demand):
        raise Http404
    form = ObjectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        raised = idempotency.submit_once(
            request,
            form,
            lambda: actions.demand_objection_raise(
                demand=demand,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                attachments=form.cleaned_data["attachments"],
            ),
            success=_("Your objection is submitted; the window's administrators decide it."),
            success_url=demand.get_absolute_url() + "#publicity",
        )
        if raised:
            return raised
    return render(request, "demands/objection_form.html", {"form": form, "demand": demand})


# 答疑 and 补充说明 ---------------------------------------------------------------


@login_required
@require_POST
@idempotency.submits_once
def question_ask(request, pk):
    """【提问】 on an open demand (certified institutions of its window)."""
    demand = get_demand_for_user(request.user, pk, queryset=selectors.demands_with_page_data())
    form = QuestionForm(request.POST)
    if form.is_valid():
        asked = idempotency.submit_once(
            request,
            form,
            lambda: actions.demand_question_ask(
                demand=demand, actor=request.user, question=form.cleaned_data["question"]
            ),
            success=_("Your question is sent; the answer will appear on this page."),
            success_url=demand.get_absolute_url() + "#qa",
        )
        if asked:
            return asked
    return _render_detail(request, demand, question_form=form)


@login_required
@require_POST
def question_answer(request, pk):
    """【答复】 a question on the enterprise's own demand."""
    question = get_object_or_404(
        DemandQuestion.objects.only("pk", "demand_id"), pk=pk, demand__enterprise_id=request.user.organisation_id
    )
    demand = get_own_demand(request.user, question.demand_id, queryset=selectors.demands_with_page_data())
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            actions.demand_question_answer(question=question, actor=request.user, answer=form.cleaned_data["answer"])
        except ActionRefused as refusal:
            show_refusal(request, form, refusal)
        else:
            messages.success(request, _("Your answer is published; the bidders are told."))
            return redirect(demand.get_absolute_url() + "#qa")
    return _render_detail(request, demand, answer_form=form, answering=question.pk)


@login_required
@require_POST
@idempotency.submits_once
def clarification_publish(request, pk):
    """【补充说明】 on the enterprise's own open demand."""
    demand = get_own_demand(request.user, pk, queryset=selectors.demands_with_page_data())
    form = ClarificationForm(request.POST)
    if form.is_valid():
        published = idempotency.submit_once(
            request,
            form,
            lambda: actions.demand_clarification_publish(
                demand=demand, actor=request.user, text=form.cleaned_data["text"]
            ),
            success=_("The clarification is published; the bidders are told."),
            success_url=demand.get_absolute_url() + "#qa",
        )
        if published:
            return published
    return _render_detail(request, demand, clarification_form=form)


# The enterprise ------------------------------------------------------------------


@certification_required
@idempotency.submits_once
def publish(request):
    """【服务需求】 → 【发布需求】 → 【提请审核】."""
    _enterprise_only(request)
    form = DemandPublishForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        published = idempotency.submit_once(
            request,
            form,
            lambda: actions.demand_publish(
                actor=request.user, fields=form.demand_fields(), attachments=form.cleaned_data["attachments"]
            ),
            success=_("Your demand was submitted for review."),
            success_url="demands:mine",
        )
        if published:
            return published
    return render(request, "demands/form.html", {"form": form, "title": _("Publish a demand")})


@login_required
def mine(request):
    """【服务需求】 → 【我发布的需求】."""
    _enterprise_only(request)
    form = demand_status_form(request.GET or None)
    status = valid_filters(form).get("status", "")
    page = CappedPaginator(selectors.my_demands(request.user.organisation, status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "demands/mine.html", {"form": form, "page": page, "query": query_without_page(request)})


@login_required
def update(request, pk):
    """【修改】 → 【提请审核】 (only before approval)."""
    demand = get_own_demand(request.user, pk)
    if not demand.is_editable:
        messages.error(request, _(actions.NOT_EDITABLE))
        return redirect("demands:mine")
    form = DemandForm(request.POST or None, request.FILES or None, instance=demand)
    if request.method == "POST" and form.is_valid():
        try:
            actions.demand_update(
                demand=demand,
                actor=request.user,
                fields=form.demand_fields(),
                new_attachments=form.cleaned_data["attachments"],
                removed_attachment_ids=[int(pk) for pk in form.cleaned_data.get("remove_attachments") or []],
            )
        except ActionRefused as refusal:
            show_refusal(request, form, refusal)
        else:
            messages.success(request, _("Your demand was submitted for review."))
            return redirect("demands:mine")
    return render(request, "demands/form.html", {"form": form, "title": _("Modify"), "demand": demand})


def _confirm(request, demand, *, run, title, button, success, form_class=None, danger=False, intro="", done_url=None):
    """A confirmation page (with a reason where the action needs one) and its POST.

    `success` and `done_url` may be functions of what the action returned, for an
    action whose outcome differs (选为中标单位 with or without 中标公示)."""
    form = form_class(request.POST or None) if form_class else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            result = run(form.cleaned_data if form else {})
        except ActionRefused as refusal:
            if form is None:
                messages.error(request, refusal.message)
                return redirect("demands:mine")
            show_refusal(request, form, refusal)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect((done_url(result) if callable(done_url) else done_url) or "demands:mine")
    return render(
        request,
        "demands/confirm.html",
        {"demand": demand, "form": form, "title": title, "button": button, "danger": danger, "intro": intro},
    )


@login_required
def delete(request, pk):
    demand = get_own_demand(request.user, pk)
    return _confirm(
        request,
        demand,
        run=lambda data: actions.demand_delete(demand=demand, actor=request.user),
        title=_("Delete"),
        button=_("Delete"),
        success=_("The demand is deleted."),
        danger=True,
        intro=_("The demand and its attachments are deleted for good."),
    )


@login_required
def fail(request, pk):
    demand = get_own_demand(request.user, pk)
    return _confirm(
        request,
        demand,
        form_class=ReasonForm,
        run=lambda data: actions.demand_fail(demand=demand, actor=request.user, reason=data["reason"]),
        title=_("Declare no winner"),
        button=_("No winner"),
        success=_("The demand closed without a winner; the bidders are told."),
        danger=True,
        intro=_("Use this when no bid suits you. Every bid becomes void."),
    )


@login_required
def void(request, pk):
    demand = get_own_demand(request.user, pk)
    return _confirm(
        request,
        demand,
        form_class=ReasonForm,
        run=lambda data: actions.demand_void(demand=demand, actor=request.user, reason=data["reason"]),
        title=_("Void the demand"),
        button=_("Void"),
        success=_("The demand is voided; the bidders are told."),
        danger=True,
        intro=_("Use this to cancel the demand on purpose. Every bid becomes void."),
    )


@login_required
def bids(request, pk):
    """【选标】 → 【投标详情】: every bid on the enterprise's demand."""
    demand = get_own_demand(request.user, pk, queryset=selectors.demands_with_page_data())
    sealed = not bids_unsealed(demand)
    return render(
        request,
        "demands/bids.html",
        {
            "demand": demand,
            "sealed": sealed,
            "bids": [] if sealed else selectors.bids_of_demand(demand),
            "bid_count": selectors.live_bid_count(demand),
        },
    )


@login_required
def award(request, pk, bid_pk):
    """【选为中标单位】, after a confirmation."""
    demand = get_own_demand(request.user, pk)
    bid = get_object_or_404(Bid.objects.select_related("institution"), pk=bid_pk, demand=demand)
    return _confirm(
        request,
        demand,
        run=lambda data: actions.demand_award(demand=demand, bid=bid, actor=request.user),
        title=_("Choose as the winning institution"),
        button=_("Choose as the winning institution"),
        success=lambda awarded: _award_message(awarded, bid),
        intro=(
            _(
                "%(institution)s is chosen with %(price)s and published for %(days)d working days (award "
                "publicity); other bidders may object. The service order begins when the period ends "
                "without an open objection."
            )
            % {
                "institution": bid.institution.name,
                "price": bid.price_display,
                "days": settings.DEMAND_AWARD_PUBLICITY_WORKING_DAYS,
            }
            if demand.window.award_publicity
            else _("%(institution)s wins with %(price)s. The other bids lose, and a service order in service begins.")
            % {"institution": bid.institution.name, "price": bid.price_display}
        ),
        done_url=lambda awarded: (
            awarded.get_absolute_url() + "#publicity" if awarded.status == DemandStatus.PUBLICITY else "orders:list"
        ),
    )


def _award_message(demand, bid):
    if demand.status == DemandStatus.PUBLICITY:
        return _("%(institution)s is in award publicity until %(end)s.") % {
            "institution": bid.institution.name,
            "end": timezone.localtime(demand.publicity_ends_at).strftime("%Y-%m-%d %H:%M"),
        }
    return _("%(institution)s won; the service order is in service.") % {"institution": bid.institution.name}


# Institutions --------------------------------------------------------------------


@certification_required
@idempotency.submits_once
def bid_create(request, pk):
    """【投标】 on an open demand."""
    _institution_only(request)
    demand = get_demand_for_user(request.user, pk)
    organisation = request.user.organisation
    existing = selectors.own_live_bid(demand, organisation)
    if existing is not None and existing.status == BidStatus.SUBMITTED:
        return redirect("demands:bid_update", existing.pk)
    if not demand.is_open_for_bids:
        messages.error(request, _("This demand is not open for bids."))
        return redirect(demand)
    if not may_bid(organisation, demand):
        messages.error(
            request, _("Only certified institutions that are active members of the demand's window can bid.")
        )
        return redirect(demand)
    form = BidSubmitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        submitted = idempotency.submit_once(
            request,
            form,
            lambda: actions.bid_submit(
                demand=demand,
                actor=request.user,
                price=form.cleaned_data["price"],
                proposal=form.cleaned_data["proposal"],
                duration_days=form.cleaned_data["duration_days"],
                attachments=form.cleaned_data["attachments"],
            ),
            success=_("Your bid is submitted."),
            success_url="demands:my_bids",
        )
        if submitted:
            return submitted
    return render(request, "demands/bid_form.html", {"form": form, "demand": demand, "title": _("Bid")})


@login_required
def bid_update(request, pk):
    bid = get_own_bid(request.user, pk)
    demand = bid.demand
    if bid.status != BidStatus.SUBMITTED or not demand.is_open_for_bids:
        messages.error(request, _("This bid can no longer be modified."))
        return redirect("demands:my_bids")
    initial = {"price": bid.price, "proposal": bid.proposal, "duration_days": bid.duration_days}
    form = BidForm(request.POST or None, request.FILES or None, initial=initial, bid=bid)
    if request.method == "POST" and form.is_valid():
        try:
            actions.bid_update(
                bid=bid,
                actor=request.user,
                price=form.cleaned_data["price"],
                proposal=form.cleaned_data["proposal"],
                duration_days=form.cleaned_data["duration_days"],
                new_attachments=form.cleaned_data["attachments"],
                removed_attachment_ids=[int(pk) for pk in form.cleaned_data.get("remove_attachments") or []],
            )
        except ActionRefused as refusal:
            show_refusal(request, form, refusal)
        else:
            messages.success(request, _("Saved."))
            return redirect("demands:my_bids")
    return render(
        request, "demands/bid_form.html", {"form": form, "demand": demand, "bid": bid, "title": _("Modify the bid")}
    )


@login_required
@require_POST
def bid_withdraw(request, pk):
    bid = get_own_bid(request.user, pk)
    try:
        actions.bid_withdraw(bid=bid, actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Your bid is withdrawn."))
    return redirect("demands:my_bids")


@login_required
def my_bids(request):
    """我的投标."""
    _institution_only(request)
    form = bid_status_form(request.GET or None)
    status = valid_filters(form).get("status", "")
    page = CappedPaginator(selectors.my_bids(request.user.organisation, status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "demands/my_bids.html", {"form": form, "page": page, "query": query_without_page(request)})
