"""加入窗口: an institution's memberships of the windows (manual 备注)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smeportal.errors import ActionRefused

from .actions import membership_apply, membership_withdraw
from .forms import MembershipApplyForm
from .models import MembershipStatus, WindowMembership
from .selectors import windows_with_membership

APPLICABLE = {None, MembershipStatus.DECLINED, MembershipStatus.WITHDRAWN}
WITHDRAWABLE = {MembershipStatus.APPLIED, MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED}


def _institution_of(user):
    if not user.organisation or not user.organisation.is_institution:
        raise Http404
    return user.organisation


@login_required
def membership_list(request):
    organisation = _institution_of(request.user)
    rows = windows_with_membership(organisation)
    for row in rows:
        status = row["membership"].status if row["membership"] else None
        row["can_apply"] = status in APPLICABLE
        row["can_withdraw"] = status in WITHDRAWABLE
    applicable = [row["window"] for row in rows if row["can_apply"]]
    form = MembershipApplyForm(request.POST if request.method == "POST" else None, applicable_windows=applicable)
    if request.method == "POST" and form.is_valid():
        try:
            memberships = membership_apply(
                organisation=organisation, windows=list(form.cleaned_data["windows"]), actor=request.user
            )
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                _("Applied to join %(count)d window(s); the window administrators will review it.")
                % {"count": len(memberships)},
            )
            return redirect("windows:membership")
    return render(
        request,
        "windows/membership.html",
        {"rows": rows, "form": form, "organisation": organisation},
    )


@login_required
@require_POST
def membership_withdraw_view(request, pk):
    organisation = _institution_of(request.user)
    membership = get_object_or_404(WindowMembership, pk=pk, organisation=organisation)
    try:
        membership_withdraw(membership=membership, actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("You have withdrawn from %(window)s.") % {"window": membership.window})
    return redirect("windows:membership")
