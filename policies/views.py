"""政策法规: the public list and page, 适合我的政策, and the feeds."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import OrganisationKind
from smeportal.errors import ActionRefused
from smeportal.forms import valid_filters
from smeportal.pagination import CappedPaginator, query_without_page
from smeportal.uploads import serve_private_file

from .actions import alerts_of, policy_alerts_update, policy_mark_read, policy_set_favourite
from .forms import FavouriteForm, PolicyAlertsForm, PolicyFilterForm
from .matching import Profile, match
from .models import Policy, PolicyAttachment
from .selectors import (
    policies_fitting,
    policy_for_public,
    readings_of,
    related_services,
    saved_policies,
    search_policies,
)

PER_PAGE = 20


def policy_list(request):
    """政策法规: every window's published policies, filtered and searched."""
    form = PolicyFilterForm(request.GET or None)
    page = CappedPaginator(search_policies(valid_filters(form)), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "policies/list.html", {"form": form, "page": page, "query": query_without_page(request)})


def _enterprise(user):
    if user.is_authenticated and user.organisation and user.organisation.kind == OrganisationKind.ENTERPRISE:
        return user.organisation
    return None


def policy_detail(request, pk):
    policy = policy_for_public(pk)
    if policy is None:
        raise Http404
    policy_mark_read(policy=policy, user=request.user)
    enterprise = _enterprise(request.user)
    reader = readings_of(request.user).get(policy.pk) if request.user.is_authenticated else None
    return render(
        request,
        "policies/detail.html",
        {
            "policy": policy,
            "fit": match(policy, Profile.of(enterprise)) if enterprise else None,
            "services": related_services(policy),
            "saved": bool(reader and reader.favourite),
            "can_save": request.user.is_authenticated and request.user.organisation_id is not None,
        },
    )


@login_required
@require_POST
def policy_favourite(request, pk):
    """收藏 / 取消收藏 on the policy page."""
    policy = policy_for_public(pk)
    if policy is None:
        raise Http404
    form = FavouriteForm(request.POST)
    favourite = form.is_valid() and form.cleaned_data["favourite"]
    try:
        policy_set_favourite(policy=policy, user=request.user, favourite=favourite)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Saved to my policies.") if favourite else _("Removed from saved policies."))
    return redirect(policy)


def policy_attachment(request, pk, attachment_pk):
    policy = policy_for_public(pk)
    if policy is None:
        raise Http404
    attachment = get_object_or_404(PolicyAttachment, pk=attachment_pk, policy=policy)
    return serve_private_file(attachment.file, download_name=attachment.original_name, as_attachment=True)


@login_required
def my_policies(request):
    """适合我的政策: ranked with the reasons, saved ones, and the alert settings."""
    enterprise = _enterprise(request.user)
    if enterprise is None:
        raise Http404
    alerts = alerts_of(request.user)
    form = PolicyAlertsForm(
        request.POST or None,
        initial={"new_policy_messages": alerts.new_policy_messages, "weekly_digest": alerts.weekly_digest},
    )
    if request.method == "POST" and form.is_valid():
        policy_alerts_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your policy alerts were saved."))
        return redirect("policies:mine")
    readings = readings_of(request.user)
    matches = [(fit, readings.get(fit.policy.pk)) for fit in policies_fitting(enterprise)]
    return render(
        request,
        "policies/mine.html",
        {"matches": matches, "saved": saved_policies(request.user), "form": form, "organisation": enterprise},
    )


class PolicyRssFeed(Feed):
    title = gettext_lazy("Policies and regulations")
    link = reverse_lazy("policies:list")
    description = gettext_lazy("Policies published by the Yinchuan SME public service window platform.")

    def items(self):
        return search_policies({})[:30]

    def item_title(self, policy: Policy):
        return policy.title

    def item_description(self, policy: Policy):
        return f"{policy.issuing_body} {policy.document_number}".strip()

    def item_link(self, policy: Policy):
        return reverse("policies:detail", args=[policy.pk])

    def item_pubdate(self, policy: Policy):
        return policy.published_at

    def item_categories(self, policy: Policy):
        return [policy.get_category_display()]


class PolicyAtomFeed(PolicyRssFeed):
    feed_type = Atom1Feed
    subtitle = PolicyRssFeed.description
