from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.actions import notify
from smeportal.errors import ActionRefused
from smeportal.fsm import lock, run_transition
from smeportal.search import tsvector_value

from .models import Announcement, MembershipStatus, Window, WindowMembership, WindowMembershipLog
from .permissions import administered_window_ids
from .selectors import reviewers_for_windows


def _log(membership, actor, before, after, reason=""):
    WindowMembershipLog.objects.create(
        membership=membership, actor=actor, from_status=before, to_status=after, reason=reason
    )


def _notify_organisation(membership, title, body=""):
    for user in membership.organisation.users.filter(is_active=True):
        notify(recipient=user, title=title, body=body, url=reverse("windows:membership"))


def _check_may_administer(actor, membership):
    window_ids = administered_window_ids(actor)
    if window_ids is not None and membership.window_id not in window_ids:
        raise ActionRefused(_("You do not administer this window."))


def _check_member_user(actor, membership):
    if actor.organisation_id != membership.organisation_id:
        raise ActionRefused(_("This membership belongs to another organisation."))


@transaction.atomic
def membership_apply(*, organisation, windows: list[Window], actor) -> list[WindowMembership]:
    """申请加入: apply to join one or several windows. Needs an approved certification."""
    if not organisation.is_institution:
        raise ActionRefused(_("Only service institutions join windows."))
    if not organisation.is_certified:
        raise ActionRefused(_("Only institutions with an approved certification can apply to join a window."))
    if actor.organisation_id != organisation.pk:
        raise ActionRefused(_("You can only apply for your own institution."))
    applied = []
    for window in windows:
        if not window.is_active:
            raise ActionRefused(_("The window “%(window)s” is not open.") % {"window": window})
        membership, created = WindowMembership.objects.select_for_update().get_or_create(
            window=window, organisation=organisation
        )
        if created:
            _log(membership, actor, "", membership.status)
        else:
            before, after = run_transition(
                membership,
                "reapply",
                _("You have already applied to or joined “%(window)s”.") % {"window": window},
            )
            membership.applied_at = timezone.now()
            membership.reason = ""
            membership.save(update_fields=["status", "applied_at", "reason"])
            _log(membership, actor, before, after)
        applied.append(membership)
        for reviewer in reviewers_for_windows([window.pk]):
            notify(
                recipient=reviewer,
                title=_("%(organisation)s applies to join %(window)s")
                % {"organisation": organisation, "window": window},
                url=reverse("admin:windows_windowmembership_change", args=[membership.pk]),
            )
    return applied


@transaction.atomic
def membership_withdraw(*, membership: WindowMembership, actor) -> WindowMembership:
    """退出 (or cancel an application): the institution leaves the window."""
    membership = lock(WindowMembership, membership.pk)
    _check_member_user(actor, membership)
    before, after = run_transition(membership, "withdraw", _("This membership cannot be withdrawn in its state."))
    membership.save(update_fields=["status"])
    _log(membership, actor, before, after)
    if before == MembershipStatus.APPLIED:
        title = _("%(organisation)s cancelled its application to join %(window)s")
    else:
        title = _("%(organisation)s has left %(window)s")
    for reviewer in reviewers_for_windows([membership.window_id]):
        notify(
            recipient=reviewer,
            title=title % {"organisation": membership.organisation, "window": membership.window},
            url=reverse("admin:windows_windowmembership_change", args=[membership.pk]),
        )
    return membership


@transaction.atomic
def membership_approve(*, membership: WindowMembership, actor) -> WindowMembership:
    membership = lock(WindowMembership, membership.pk)
    _check_may_administer(actor, membership)
    if not membership.organisation.is_certified:
        raise ActionRefused(_("The institution's certification is not approved."))
    before, after = run_transition(membership, "approve", _("Only applications can be approved."))
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "decided_at"])
    _log(membership, actor, before, after)
    _notify_organisation(
        membership, _("You have joined %(window)s") % {"window": membership.window}, _("Your application was approved.")
    )
    return membership


@transaction.atomic
def membership_decline(*, membership: WindowMembership, actor, reason: str) -> WindowMembership:
    if not reason.strip():
        raise ActionRefused(_("Please give a reason."))
    membership = lock(WindowMembership, membership.pk)
    _check_may_administer(actor, membership)
    before, after = run_transition(membership, "decline", _("Only applications can be declined."))
    membership.decided_at = timezone.now()
    membership.reason = reason
    membership.save(update_fields=["status", "decided_at", "reason"])
    _log(membership, actor, before, after, reason)
    _notify_organisation(
        membership,
        _("Your application to join %(window)s was declined") % {"window": membership.window},
        _("Reason: %(reason)s") % {"reason": reason},
    )
    return membership


@transaction.atomic
def membership_suspend(*, membership: WindowMembership, actor, reason: str) -> WindowMembership:
    if not reason.strip():
        raise ActionRefused(_("Please give a reason."))
    membership = lock(WindowMembership, membership.pk)
    _check_may_administer(actor, membership)
    before, after = run_transition(membership, "suspend", _("Only active members can be suspended."))
    membership.reason = reason
    membership.save(update_fields=["status", "reason"])
    _log(membership, actor, before, after, reason)
    _notify_organisation(
        membership,
        _("Your membership of %(window)s is suspended") % {"window": membership.window},
        _("Reason: %(reason)s") % {"reason": reason},
    )
    return membership


@transaction.atomic
def membership_restore(*, membership: WindowMembership, actor) -> WindowMembership:
    membership = lock(WindowMembership, membership.pk)
    _check_may_administer(actor, membership)
    if not membership.organisation.is_certified:
        raise ActionRefused(_("The institution's certification is not approved."))
    before, after = run_transition(membership, "restore", _("Only suspended members can be restored."))
    membership.reason = ""
    membership.save(update_fields=["status", "reason"])
    _log(membership, actor, before, after)
    _notify_organisation(membership, _("Your membership of %(window)s is restored") % {"window": membership.window})
    return membership


@transaction.atomic
def membership_register_imported(*, organisation, window: Window, actor, note: str) -> WindowMembership:
    """An application to join, recorded by an administrator for an organisation
    imported from the provincial platform (manual 备注). Approving it still
    needs the organisation's approved certification."""
    membership, created = WindowMembership.objects.get_or_create(window=window, organisation=organisation)
    if created:
        _log(membership, actor, "", membership.status, note)
    return membership


def announcement_reindex(*, announcement: Announcement) -> None:
    """Refresh the keyword index of a notice (PostgreSQL only; SQLite searches by substring)."""
    if connection.vendor == "postgresql":
        Announcement.objects.filter(pk=announcement.pk).update(
            search_vector=tsvector_value(announcement.title, announcement.body)
        )
