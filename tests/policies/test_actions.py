"""Review before publishing, window scoping, withdrawal, the messages a new policy sends
to the enterprises it fits, and the weekly digest."""

import datetime

import pytest
from django.utils import timezone

from notifications.models import Notification
from policies.actions import (
    policy_alerts_update,
    policy_approve,
    policy_mark_read,
    policy_return,
    policy_set_favourite,
    policy_submit,
    policy_tell_fitting_enterprises,
    policy_withdraw,
    run_timers,
)
from policies.models import Policy, PolicyLog, PolicyReader, PolicyStatus
from policies.selectors import reach
from smeportal.errors import ActionRefused
from tests.factories import HubAdminFactory, certified_enterprise, certified_institution, make_window_admin

from .helpers import draft, published

pytestmark = pytest.mark.django_db

TARGETING = {"target_districts": ["xingqing"], "target_industries": ["C"], "target_scales": ["small"]}


def test_a_draft_is_reviewed_by_a_second_administrator_before_anyone_sees_it():
    policy = draft()
    author = policy.created_by
    assert not Policy.objects.public().exists()
    policy = policy_submit(policy=policy, actor=author)
    with pytest.raises(ActionRefused):
        policy_approve(policy=policy, actor=author)  # not by its author
    policy.refresh_from_db()
    assert policy.status == PolicyStatus.PENDING and not Policy.objects.public().exists()
    reviewer = make_window_admin("xingqing")
    policy = policy_approve(policy=policy, actor=reviewer)
    assert policy.status == PolicyStatus.PUBLISHED and policy.reviewed_by == reviewer and policy.published_at
    assert list(Policy.objects.public()) == [policy]
    assert [(log.from_status, log.to_status) for log in PolicyLog.objects.filter(policy=policy)] == [
        ("", "draft"),
        ("draft", "pending"),
        ("pending", "published"),
    ]


def test_an_administrator_of_another_window_can_do_nothing_with_it():
    policy = draft("xingqing")
    outsider = make_window_admin("jinfeng")
    with pytest.raises(ActionRefused):
        policy_submit(policy=policy, actor=outsider)
    policy_submit(policy=policy, actor=policy.created_by)
    with pytest.raises(ActionRefused):
        policy_approve(policy=policy, actor=outsider)
    policy.refresh_from_db()
    assert policy.status == PolicyStatus.PENDING


def test_returning_needs_a_reason_and_tells_the_author():
    policy = draft()
    author = policy.created_by
    policy = policy_submit(policy=policy, actor=author)
    with pytest.raises(ActionRefused):
        policy_return(policy=policy, actor=HubAdminFactory(), reason=" ")
    policy = policy_return(policy=policy, actor=HubAdminFactory(), reason="文号有误")
    assert policy.status == PolicyStatus.DRAFT
    assert Notification.objects.filter(recipient=author, body="文号有误").exists()


def test_withdrawal_needs_a_reason_and_takes_the_policy_off_the_public_pages():
    policy = published()
    with pytest.raises(ActionRefused):
        policy_withdraw(policy=policy, actor=HubAdminFactory(), reason="")
    assert Policy.objects.public().exists()
    policy = policy_withdraw(policy=policy, actor=HubAdminFactory(), reason="政策已废止")
    assert policy.status == PolicyStatus.WITHDRAWN and policy.withdrawal_reason == "政策已废止"
    assert not Policy.objects.public().exists()


def test_publishing_tells_the_fitting_enterprises_only_and_respects_the_opt_out():
    fits = certified_enterprise(district="xingqing", industry="C", scale="small")
    opted_out = certified_enterprise(district="xingqing", industry="C", scale="small")
    policy_alerts_update(user=opted_out, new_policy_messages=False, weekly_digest=True)
    other = certified_enterprise(district="xingqing", industry="I", scale="small")
    policy = published(**TARGETING)
    told = set(Notification.objects.filter(url=policy.get_absolute_url()).values_list("recipient", flat=True))
    assert told == {fits.pk}
    assert other.pk not in told
    figures = reach(policy)
    assert (figures["targeted"], figures["notified"], figures["opened"]) == (2, 1, 0)
    assert figures["rows"] == [("xingqing", 2, 1, 0)]


def test_opening_and_saving_update_the_reader_and_the_reach():
    reader = certified_enterprise(district="xingqing", industry="C", scale="small")
    policy = published(**TARGETING)
    policy_mark_read(policy=policy, user=reader)
    first = PolicyReader.objects.get(policy=policy, user=reader).read_at
    policy_mark_read(policy=policy, user=reader)  # a second visit keeps the first time
    assert PolicyReader.objects.get(policy=policy, user=reader).read_at == first
    assert reach(policy)["opened"] == 1
    policy_set_favourite(policy=policy, user=reader, favourite=True)
    assert PolicyReader.objects.get(policy=policy, user=reader).favourite
    policy_set_favourite(policy=policy, user=reader, favourite=False)
    assert not PolicyReader.objects.get(policy=policy, user=reader).favourite


def test_the_weekly_digest_lists_the_weeks_fitting_policies_once_and_respects_the_opt_out():
    subscriber = certified_enterprise(district="xingqing", industry="C", scale="small")
    no_digest = certified_enterprise(district="xingqing", industry="C", scale="small")
    policy_alerts_update(user=no_digest, new_policy_messages=True, weekly_digest=False)
    policy = published(**TARGETING)
    now = timezone.now()
    done = run_timers(now)
    digests = Notification.objects.filter(title__contains="1", recipient__in=[subscriber, no_digest])
    digests = [n for n in digests if policy.title in n.body]
    assert [n.recipient for n in digests] == [subscriber]
    assert done == [f"policy digest to {subscriber.username}: 1"]
    assert run_timers(now + datetime.timedelta(hours=1)) == []  # once a week
    # A week on, nothing new fits: no digest.
    assert run_timers(now + datetime.timedelta(days=8)) == []


def test_an_institution_user_can_save_but_is_never_targeted():
    policy = published()
    institution_user = certified_institution()
    policy_set_favourite(policy=policy, user=institution_user, favourite=True)
    assert PolicyReader.objects.filter(policy=policy, favourite=True).count() == 1


def test_the_messages_go_after_the_commit_and_a_repeated_task_tells_nobody_twice(django_capture_on_commit_callbacks):
    reader = certified_enterprise(district="xingqing", industry="C", scale="small")
    policy = draft(**TARGETING)
    policy_submit(policy=policy, actor=policy.created_by)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        policy_approve(policy=policy, actor=HubAdminFactory())
    assert not Notification.objects.filter(
        recipient=reader, url=policy.get_absolute_url()
    ).exists()  # not before the commit
    for callback in callbacks:
        callback()
    assert Notification.objects.filter(recipient=reader, url=policy.get_absolute_url()).count() == 1
    assert policy_tell_fitting_enterprises(policy_id=policy.pk) == 0
    assert Notification.objects.filter(recipient=reader, url=policy.get_absolute_url()).count() == 1
