"""The demand timers of `manage.py run_timers`: 已流标 without bids, a reminder to choose with bids."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from demands.actions import bid_withdraw, run_timers
from demands.models import Bid, BidStatus, Demand, DemandEvent, DemandLog, DemandStatus
from notifications.models import Notification
from tests.demands.helpers import (
    active_users,
    bid_of,
    last_notification_pk,
    make_demand,
    make_world,
    notifications_after,
    recipients,
    users_counter,
)
from tests.factories import pass_bid_deadline

pytestmark = pytest.mark.django_db

S = DemandStatus


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def world():
    return make_world()


def state_of_everything():
    return (
        sorted(Demand.objects.values_list("pk", "status", "reminded_at", "closed_at", "close_reason")),
        sorted(Bid.objects.values_list("pk", "status")),
        DemandLog.objects.count(),
        Notification.objects.count(),
    )


def manage_run_timers() -> str:
    out = StringIO()
    call_command("run_timers", stdout=out)
    return out.getvalue()


def no_bids_past_deadline(world):
    demand = make_demand(world, "bidding")
    for who in ("institution", "rival"):
        bid_withdraw(bid=bid_of(demand, world[who]), actor=world[who])  # withdrawn bids do not count
    return pass_bid_deadline(demand)


def test_a_demand_past_its_deadline_without_bids_fails_and_the_enterprise_is_told(world):
    demand = no_bids_past_deadline(world)
    mark = last_notification_pk()
    now = timezone.now()

    done = run_timers(now)

    assert done == [f"demand {demand.pk}: no bids, closed without a winner"]
    demand.refresh_from_db()
    assert demand.status == S.FAILED
    assert demand.closed_at == now
    assert demand.close_reason.strip()
    log = demand.logs.order_by("-pk").first()
    assert (log.actor, log.event, log.from_status, log.to_status) == (
        None,
        DemandEvent.AUTO_FAILED,
        S.BIDDING,
        S.FAILED,
    )
    notes = notifications_after(mark)
    assert recipients(notes) == users_counter(active_users(demand.enterprise))
    for note in notes:
        assert demand.title in note.title
        assert note.url == demand.get_absolute_url()
    # The withdrawn bids stay withdrawn.
    assert set(demand.bids.values_list("status", flat=True)) == {BidStatus.WITHDRAWN}


def test_a_demand_past_its_deadline_with_bids_is_reminded_once(world):
    demand = make_demand(world, "closed")
    mark = last_notification_pk()
    now = timezone.now()

    assert run_timers(now) == [f"demand {demand.pk}: reminded to choose a bid"]

    demand.refresh_from_db()
    assert (demand.status, demand.reminded_at) == (S.BIDDING, now)
    log = demand.logs.order_by("-pk").first()
    assert (log.actor, log.event, log.from_status, log.to_status) == (None, DemandEvent.REMINDED, S.BIDDING, S.BIDDING)
    notes = notifications_after(mark)
    assert recipients(notes) == users_counter(active_users(demand.enterprise))
    for note in notes:
        assert demand.title in note.title
        assert note.url == reverse("demands:bids", args=[demand.pk])
    assert set(demand.bids.values_list("status", flat=True)) == {BidStatus.SUBMITTED}

    before = state_of_everything()
    assert run_timers(now + timedelta(days=3)) == []
    assert state_of_everything() == before


@pytest.mark.parametrize("state", ["pending_review", "returned", "bidding", "awarded", "failed", "voided"])
def test_other_demands_are_left_alone(world, state):
    demand = make_demand(world, state)
    if state in ("pending_review", "returned", "awarded", "failed", "voided"):
        pass_bid_deadline(demand)  # even with the deadline passed
    before = state_of_everything()
    assert run_timers(timezone.now()) == []
    assert state_of_everything() == before


def test_the_deadline_is_compared_with_now(world):
    demand = make_demand(world, "bidding")
    assert run_timers(demand.bid_deadline - timedelta(seconds=1)) == []
    assert run_timers(demand.bid_deadline) == [f"demand {demand.pk}: reminded to choose a bid"]


def test_the_timers_are_idempotent(world):
    failing = no_bids_past_deadline(world)
    reminded = make_demand(world, "closed")
    now = timezone.now()
    assert sorted(run_timers(now)) == sorted(
        [f"demand {failing.pk}: no bids, closed without a winner", f"demand {reminded.pk}: reminded to choose a bid"]
    )
    before = state_of_everything()
    assert run_timers(now) == []
    assert state_of_everything() == before


def test_after_the_reminder_the_enterprise_still_chooses(world):
    from demands.actions import demand_award

    demand = make_demand(world, "closed")
    run_timers(timezone.now())
    demand_award(demand=demand, bid=bid_of(demand, world["rival"]), actor=world["owner"])
    demand.refresh_from_db()
    assert demand.status == S.PUBLICITY  # 中标公示 runs first; its end is the timer's
    assert run_timers(timezone.now() + timedelta(days=30)) == [f"demand {demand.pk}: award publicity ended, order made"]
    demand.refresh_from_db()
    assert demand.status == S.AWARDED and demand.order is not None
    before = state_of_everything()
    assert run_timers(timezone.now() + timedelta(days=30)) == []
    assert state_of_everything() == before


def test_the_management_command_runs_the_demand_timers(world):
    failing = no_bids_past_deadline(world)
    reminded = make_demand(world, "closed")

    out = manage_run_timers()

    assert f"demand {failing.pk}: no bids, closed without a winner" in out
    assert f"demand {reminded.pk}: reminded to choose a bid" in out
    failing.refresh_from_db()
    reminded.refresh_from_db()
    assert failing.status == S.FAILED
    assert reminded.reminded_at is not None and reminded.status == S.BIDDING

    before = state_of_everything()
    out = manage_run_timers()
    assert "demand " not in out
    assert state_of_everything() == before
