from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certification.permissions import certification_required
from smeportal.errors import ActionRefused
from smeportal.forms import valid_filters
from smeportal.pagecache import cached_for_anonymous
from smeportal.pagination import CappedPaginator, query_without_page
from smeportal.uploads import serve_private_file

from .actions import service_delist, service_save, service_start_revision, service_submit
from .forms import InstitutionSearchForm, ServiceForm, ServiceSearchForm
from .institution_sections import render_institution_sections
from .models import EDITABLE_STATUSES, Service, ServiceStatus, composite_formula_text
from .permissions import get_image_for_user, get_own_service
from .selectors import (
    InstitutionFilters,
    ServiceFilters,
    attach_service_counts,
    category_tree,
    institution_for_public,
    my_services,
    other_services_of,
    public_services,
    search_institutions,
    search_services,
    service_for_public,
)
from .selectors import (
    own_service_preview as _own_service_with_card_data,
)

PAGE_SIZE = 20


@cached_for_anonymous("services")
def service_list(request):
    """【服务需求】 → 【找服务】: public, filterable, bookmarkable."""
    form = ServiceSearchForm(request.GET or None)
    filters = ServiceFilters.from_form(valid_filters(form))
    page = CappedPaginator(search_services(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "services/list.html",
        {"form": form, "page": page, "query": query_without_page(request), "categories": category_tree()},
    )


def service_detail(request, pk):
    service = service_for_public(pk)
    if service is None:
        successor = _successor(pk)
        if successor is not None:
            return redirect(successor)
        if request.user.is_authenticated and request.user.organisation_id:
            # The institution previews its own unlisted service.
            own = _own_service_with_card_data(pk, request.user.organisation_id)
            if own is not None:
                return render(request, "services/detail.html", {"service": own, "preview": True, "others": []})
        raise Http404
    return render(request, "services/detail.html", {"service": service, "others": other_services_of(service)})


def _successor(pk):
    """The listed version that replaced a superseded one (old links keep working)."""
    service = Service.objects.filter(pk=pk, status=ServiceStatus.SUPERSEDED).first()
    while service is not None:
        newer = service.revisions.order_by("-pk").first()
        if newer is None:
            return None
        if newer.status == ServiceStatus.LISTED:
            return public_services().filter(pk=newer.pk).first()
        service = newer if newer.status == ServiceStatus.SUPERSEDED else None
    return None


def service_image(request, pk):
    return serve_private_file(get_image_for_user(request.user, pk).file)


@cached_for_anonymous("institutions")
def institution_list(request):
    """【服务需求】 → 【找机构】."""
    form = InstitutionSearchForm(request.GET or None)
    filters = InstitutionFilters.from_form(valid_filters(form))
    page = CappedPaginator(search_institutions(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    attach_service_counts(page.object_list)
    return render(
        request,
        "services/institutions.html",
        {"form": form, "page": page, "query": query_without_page(request), "formula": composite_formula_text()},
    )


def institution_detail(request, pk):
    """【机构名称】: the approved profile and the listed services, nothing private."""
    institution = institution_for_public(pk)
    if institution is None:
        raise Http404
    services = CappedPaginator(search_services(ServiceFilters(institution=institution.pk)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    profile = institution.approved_profiles[0] if institution.approved_profiles else None
    return render(
        request,
        "services/institution_detail.html",
        {
            "institution": institution,
            "profile": profile,
            "page": services,
            "query": "",
            "sections": render_institution_sections(request, institution),
        },
    )


# 服务管理 (institutions) ---------------------------------------------------------


def _institution_only(user):
    if user.organisation is None or not user.organisation.is_institution:
        raise Http404


@login_required
def manage(request):
    """我的服务: every service of the institution with its state and what can be done."""
    _institution_only(request.user)
    services = Paginator(my_services(request.user.organisation), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "services/manage.html", {"page": services, "query": ""})


@certification_required
def create(request):
    """发布服务."""
    _institution_only(request.user)
    return _edit(request, Service(institution=request.user.organisation))


@login_required
def edit(request, pk):
    service = get_own_service(request.user, pk)
    if service.status == ServiceStatus.LISTED:
        try:
            revision = service_start_revision(service=service, actor=request.user)
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
            return redirect("services:manage")
        return redirect("services:edit", pk=revision.pk)
    if service.status not in EDITABLE_STATUSES:
        messages.info(request, _("This service is pending review and cannot be changed now."))
        return redirect("services:manage")
    return _edit(request, service)


def _edit(request, service):
    form = ServiceForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        instance=service,
        institution=request.user.organisation,
    )
    if request.method == "POST" and form.is_valid():
        try:
            service = service_save(
                service=form.save(commit=False),
                actor=request.user,
                windows=list(form.cleaned_data["windows"]),
                new_images=form.cleaned_data.get("new_images") or [],
                removed_image_ids=[image.pk for image in form.cleaned_data.get("remove_images") or []],
            )
            if "submit" in request.POST:
                service_submit(service=service, actor=request.user)
                messages.success(request, _("Submitted for review. You will be notified of the result."))
                return redirect("services:manage")
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
            for field, message in refusal.field_errors.items():
                if field in form.fields:
                    form.add_error(field, message)
        else:
            messages.success(request, _("Saved. You can come back and finish it later."))
            return redirect("services:edit", pk=service.pk)
    elif request.method == "POST":
        messages.error(request, _("Please correct the marked fields; nothing was saved yet."))
    return render(request, "services/edit.html", {"form": form, "service": service})


@login_required
@require_POST
def submit(request, pk):
    service = get_own_service(request.user, pk)
    try:
        service_submit(service=service, actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Submitted for review. You will be notified of the result."))
    return redirect("services:manage")


@login_required
@require_POST
def delist(request, pk):
    service = get_own_service(request.user, pk)
    try:
        service_delist(service=service, actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("“%(title)s” is delisted.") % {"title": service.title})
    return redirect("services:manage")
