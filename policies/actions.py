"""Writes of 政策法规: saving a draft, review by a second administrator, withdrawal,
the messages to the enterprises a policy fits, and what readers do (已读, 收藏)."""

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrganisationKind, User
from notifications.actions import notify
from smeportal.errors import ActionRefused
from smeportal.fsm import lock
from smeportal.search import tsvector_value
from windows.permissions import administered_window_ids

from .models import Policy, PolicyAlertSetting, PolicyLog, PolicyReader, PolicyStatus
from .sanitise import clean_html
from .selectors import policies_fitting, targeted_enterprises


def _check_may_administer(actor, policy: Policy) -> None:
    window_ids = administered_window_ids(actor)
    if not actor.is_staff or (window_ids is not None and policy.window_id not in window_ids):
        raise ActionRefused(_("You do not administer this window."))


def _log(policy, actor, before, reason=""):
    PolicyLog.objects.create(policy=policy, actor=actor, from_status=before, to_status=policy.status, reason=reason)


def _reindex(policy: Policy) -> None:
    Policy.objects.filter(pk=policy.pk).update(
        search_vector=tsvector_value(policy.title, policy.issuing_body, policy.document_number, policy.body)
    )


@transaction.atomic
def policy_save(*, policy: Policy, actor) -> Policy:
    """Save a policy written in admin: a new one is a draft of the actor's; its text is
    sanitised and indexed. A published policy is corrected in place (its log says so)."""
    _check_may_administer(actor, policy)
    policy.body = clean_html(policy.body)
    created = policy.pk is None
    if created:
        policy.created_by = actor
    policy.save()
    _reindex(policy)
    if created:
        PolicyLog.objects.create(policy=policy, actor=actor, from_status="", to_status=policy.status)
    elif policy.status != PolicyStatus.DRAFT:
        _log(policy, actor, policy.status, _("Text corrected."))
    return policy


@transaction.atomic
def policy_submit(*, policy: Policy, actor) -> Policy:
    """提交审核: the draft waits for a second administrator."""
    policy = lock(Policy, policy.pk)
    _check_may_administer(actor, policy)
    if policy.status != PolicyStatus.DRAFT:
        raise ActionRefused(_("Only a draft can be submitted for review."))
    policy.submit()
    policy.save(update_fields=["status"])
    _log(policy, actor, PolicyStatus.DRAFT)
    return policy


@transaction.atomic
def policy_approve(*, policy: Policy, actor) -> Policy:
    """审核通过 → 发布: by an administrator other than the one who drafted it. The
    enterprises it fits are told after the commit (policies.tasks)."""
    policy = lock(Policy, policy.pk)
    _check_may_administer(actor, policy)
    if policy.status != PolicyStatus.PENDING:
        raise ActionRefused(_("Only a policy pending review can be approved."))
    if policy.created_by_id == actor.pk:
        raise ActionRefused(_("A second administrator must review a policy: you drafted this one."))
    policy.publish()
    policy.reviewed_by = actor
    policy.published_at = timezone.now()
    policy.save(update_fields=["status", "reviewed_by", "published_at"])
    _log(policy, actor, PolicyStatus.PENDING)
    from .tasks import tell_fitting_enterprises  # the task module imports this one

    transaction.on_commit(lambda: tell_fitting_enterprises.delay(policy.pk))
    return policy


def policy_tell_fitting_enterprises(*, policy_id: int) -> int:
    """A 站内消息 to each active user of every enterprise the published policy fits
    (unless they opted out), and a reader row marking them notified (the reach
    figures). Users already told are skipped. Returns how many were told now."""
    policy = Policy.objects.public().filter(pk=policy_id).first()
    if policy is None:  # withdrawn before the task ran
        return 0
    now = timezone.now()
    opted_out = PolicyAlertSetting.objects.filter(new_policy_messages=False).values("user_id")
    told_before = PolicyReader.objects.filter(policy=policy, notified_at__isnull=False).values("user_id")
    users = (
        User.objects.filter(organisation__in=targeted_enterprises(policy), is_active=True)
        .exclude(pk__in=opted_out)
        .exclude(pk__in=told_before)
        .select_related("organisation")
        .order_by("pk")
    )
    told = 0
    for user in users:
        with transaction.atomic():
            notify(
                recipient=user,
                title=_("A new policy fits your enterprise: %(title)s") % {"title": policy.title},
                body=_("%(body)s, %(number)s") % {"body": policy.issuing_body, "number": policy.document_number or "—"},
                url=policy.get_absolute_url(),
            )
            PolicyReader.objects.update_or_create(
                policy=policy, user=user, defaults={"organisation": user.organisation, "notified_at": now}
            )
        told += 1
    return told


@transaction.atomic
def policy_return(*, policy: Policy, actor, reason: str) -> Policy:
    """退回修改: back to a draft, with the reason."""
    policy = lock(Policy, policy.pk)
    _check_may_administer(actor, policy)
    if not (reason or "").strip():
        raise ActionRefused(_("Please give a reason."))
    if policy.status != PolicyStatus.PENDING:
        raise ActionRefused(_("Only a policy pending review can be returned."))
    policy.send_back()
    policy.save(update_fields=["status"])
    _log(policy, actor, PolicyStatus.PENDING, reason.strip())
    notify(
        recipient=policy.created_by,
        title=_("Policy returned for changes: %(title)s") % {"title": policy.title},
        body=reason.strip(),
    )
    return policy


@transaction.atomic
def policy_withdraw(*, policy: Policy, actor, reason: str) -> Policy:
    """撤回: a published policy leaves the public pages; the reason is kept."""
    policy = lock(Policy, policy.pk)
    _check_may_administer(actor, policy)
    if not (reason or "").strip():
        raise ActionRefused(_("Please give a reason."))
    if policy.status != PolicyStatus.PUBLISHED:
        raise ActionRefused(_("Only a published policy can be withdrawn."))
    policy.withdraw()
    policy.withdrawal_reason = reason.strip()
    policy.save(update_fields=["status", "withdrawal_reason"])
    _log(policy, actor, PolicyStatus.PUBLISHED, reason.strip())
    return policy


# Readers ------------------------------------------------------------------------------


def _reader(policy, user) -> PolicyReader | None:
    if not user.is_authenticated or user.organisation_id is None:
        return None
    reader, _created = PolicyReader.objects.get_or_create(
        policy=policy, user=user, defaults={"organisation_id": user.organisation_id}
    )
    return reader


def policy_mark_read(*, policy: Policy, user) -> None:
    """已读: the first time a signed-in organisation user opens the policy."""
    reader = _reader(policy, user)
    if reader is not None and reader.read_at is None:
        PolicyReader.objects.filter(pk=reader.pk, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def policy_set_favourite(*, policy: Policy, user, favourite: bool) -> None:
    """收藏 / 取消收藏."""
    reader = _reader(policy, user)
    if reader is None:
        raise ActionRefused(_("Log in as an organisation user to save policies."))
    PolicyReader.objects.filter(pk=reader.pk).update(favourite=favourite)


def policy_alerts_update(*, user, new_policy_messages: bool, weekly_digest: bool) -> PolicyAlertSetting:
    setting, _created = PolicyAlertSetting.objects.update_or_create(
        user=user, defaults={"new_policy_messages": new_policy_messages, "weekly_digest": weekly_digest}
    )
    return setting


def alerts_of(user) -> PolicyAlertSetting:
    """The user's setting, or the defaults (both on) when never changed."""
    return PolicyAlertSetting.objects.filter(user=user).first() or PolicyAlertSetting(user=user)


# The weekly digest (run_timers) ---------------------------------------------------------

DIGEST_EVERY = timezone.timedelta(days=7)


def run_timers(now) -> list[str]:
    """每周政策摘要: once a week, one message to each enterprise user (who did not opt out)
    listing the policies published in that week that fit their enterprise."""
    done = []
    since = now - DIGEST_EVERY
    if not Policy.objects.public().filter(published_at__gte=since).exists():
        return done
    not_due = PolicyAlertSetting.objects.filter(Q(weekly_digest=False) | Q(last_digest_at__gt=since))
    users = (
        User.objects.filter(is_active=True, organisation__kind=OrganisationKind.ENTERPRISE)
        .exclude(pk__in=not_due.values("user_id"))
        .select_related("organisation")
    )
    settings = {s.user_id: s for s in PolicyAlertSetting.objects.filter(user__in=users)}
    for user in users:
        setting = settings.get(user.pk) or PolicyAlertSetting(user=user)
        new = [
            m.policy
            for m in policies_fitting(user.organisation)
            if m.policy.published_at and m.policy.published_at >= (setting.last_digest_at or since)
        ]
        with transaction.atomic():
            if new:
                notify(
                    recipient=user,
                    title=_("This week's policies for your enterprise: %(count)d") % {"count": len(new)},
                    body="\n".join(f"· {p.title}（{p.issuing_body}）" for p in new),
                    url=reverse("policies:mine"),
                )
                done.append(f"policy digest to {user.username}: {len(new)}")
            setting.last_digest_at = now
            setting.save()
    return done
