from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smeportal.errors import ActionRefused
from smeportal.uploads import serve_private_file

from .actions import application_save_draft, application_start, application_submit
from .choices import EDITABLE_STATUSES
from .forms import CertificationForm
from .models import CertificationApplication
from .permissions import get_certificate_for_user, get_licence_for_user
from .selectors import application_history, approved_application, open_application


def _organisation_of(user):
    if user.organisation is None:
        raise Http404  # staff accounts have nothing to certify
    return user.organisation


@login_required
def center(request):
    """【认证中心】 → 【机构信息】: the certification state, the reviewer's reason, the history."""
    organisation = _organisation_of(request.user)
    return render(
        request,
        "certification/center.html",
        {
            "organisation": organisation,
            "approved": approved_application(organisation),
            "current": open_application(organisation),
            "history": application_history(organisation),
        },
    )


@login_required
@require_POST
def start(request):
    """【立即认证】: open the application in progress, or start one."""
    organisation = _organisation_of(request.user)
    try:
        application = application_start(organisation=organisation, actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("certification:center")
    return redirect("certification:edit", pk=application.pk)


@login_required
def edit(request, pk):
    """The certification form: 【保存】 keeps a draft, 【提请审核】 sends it for review.

    Both save what was typed first (when its format is valid), so a refused
    submission loses nothing, uploaded images included.
    """
    organisation = _organisation_of(request.user)
    application = get_object_or_404(CertificationApplication, pk=pk, organisation=organisation)
    if application.status not in EDITABLE_STATUSES:
        messages.info(
            request,
            _("This application is %(status)s and cannot be changed.") % {"status": application.get_status_display()},
        )
        return redirect("certification:center")
    form = CertificationForm(request.POST or None, request.FILES or None, instance=application)
    if request.method == "POST":
        if form.is_valid():
            try:
                application = application_save_draft(
                    application=form.save(commit=False),
                    actor=request.user,
                    service_domains=form.cleaned_data.get("service_domains"),
                    new_certificates=form.cleaned_data.get("new_certificates") or [],
                    removed_certificate_ids=[c.pk for c in form.cleaned_data.get("remove_certificates") or []],
                )
                if "submit" not in request.POST:
                    messages.success(request, _("Saved. You can come back and finish it later."))
                    return redirect("certification:edit", pk=application.pk)
                application_submit(application=application, actor=request.user)
            except ActionRefused as refusal:
                # What was typed is saved; the form keeps it and shows what is missing.
                messages.error(request, refusal.message)
                for field, message in refusal.field_errors.items():
                    if field in form.fields:
                        form.add_error(field, message)
            else:
                messages.success(request, _("Submitted for review. You will be notified of the result."))
                return redirect("certification:center")
        else:
            messages.error(request, _("Please correct the marked fields; nothing was saved yet."))
    return render(request, "certification/edit.html", {"form": form, "application": application})


@login_required
def licence_file(request, pk):
    application = get_licence_for_user(request.user, pk)
    return serve_private_file(application.licence)


@login_required
def certificate_file(request, pk):
    certificate = get_certificate_for_user(request.user, pk)
    return serve_private_file(certificate.file)
