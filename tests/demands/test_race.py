"""Concurrent clicks on the same demand (PostgreSQL: real row locks, real transactions)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from demands.actions import bid_submit, demand_award, demand_objection_raise, demand_publicity_end_due
from demands.models import (
    Bid,
    BidStatus,
    Demand,
    DemandEvent,
    DemandLog,
    DemandObjection,
    DemandStatus,
    ObjectionStatus,
)
from orders.models import Order
from smeportal.errors import ActionRefused
from tests.concurrency import one_won, race
from tests.factories import (
    bidder,
    certified_enterprise,
    demand_in_state,
    pass_bid_deadline,
    place_bid,
    set_award_publicity,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("race_db")]

ROUNDS = 10


def test_two_awards_of_different_bids_at_once_make_one_winner_and_one_order():
    set_award_publicity(False)  # the order at once (中标公示's race is below)
    enterprise = certified_enterprise()
    institutions = [bidder(), bidder()]
    winners_seen = set()
    for _ in range(ROUNDS):
        demand = demand_in_state("bidding", enterprise=enterprise)
        bids = [place_bid(demand, institution, price=str(9000 + n)) for n, institution in enumerate(institutions)]
        pass_bid_deadline(demand)
        orders = Order.objects.count()

        winner = one_won(
            race(
                *(lambda bid=bid, demand=demand: demand_award(demand=demand, bid=bid, actor=enterprise) for bid in bids)
            )
        )

        demand.refresh_from_db()
        winners_seen.add(winner)
        assert demand.status == DemandStatus.AWARDED
        assert demand.winning_bid_id == bids[winner].pk
        statuses = dict(Bid.objects.filter(demand=demand).values_list("pk", "status"))
        assert statuses == {bids[winner].pk: BidStatus.WON, bids[1 - winner].pk: BidStatus.LOST}
        assert Order.objects.count() == orders + 1
        order = Order.objects.get(demand=demand)
        assert (order.institution_id, order.price) == (institutions[winner].organisation_id, Decimal(9000 + winner))
        assert DemandLog.objects.filter(demand=demand, event=DemandEvent.AWARDED).count() == 1
    print(f"winners over {ROUNDS} rounds: {sorted(winners_seen)}")


def test_two_bids_of_the_same_institution_at_once_make_one_bid():
    enterprise = certified_enterprise()
    institution = bidder()
    for _ in range(ROUNDS):
        demand = demand_in_state("bidding", enterprise=enterprise)

        def submit(demand=demand):
            bid_submit(
                demand=demand, actor=institution, price=Decimal("5000"), proposal="同一机构的两次点击", duration_days=5
            )

        one_won(race(submit, submit))

        assert Bid.objects.filter(demand=demand).count() == 1
        assert Bid.objects.get(demand=demand).status == BidStatus.SUBMITTED
        assert Demand.objects.get(pk=demand.pk).status == DemandStatus.BIDDING


def test_an_objection_arriving_as_the_publicity_ends_and_the_timer_agree_on_one_outcome():
    """The objection (sent just before the end) and the timer (run at the end) lock the demand row:
    either the objection is in and the timer leaves the order unmade, or the award is final and the
    objection is refused. Never an order with an open objection, never both refused."""
    enterprise = certified_enterprise()
    winner, objector = bidder(), bidder()
    outcomes = set()
    for _ in range(ROUNDS):
        demand = demand_in_state("bidding", enterprise=enterprise)
        bids = [place_bid(demand, institution, price="9000") for institution in (winner, objector)]
        pass_bid_deadline(demand)
        demand = demand_award(demand=demand, bid=bids[0], actor=enterprise)
        # The period ends a moment from now: the objection is in time by the wall clock, the timer runs at the end.
        ends = timezone.now() + timedelta(seconds=30)
        Demand.objects.filter(pk=demand.pk).update(publicity_ends_at=ends)
        ended = []

        results = race(
            lambda demand=demand: demand_objection_raise(demand=demand, actor=objector, reason="报价低于成本。"),
            lambda ends=ends, ended=ended: ended.extend(demand_publicity_end_due(now=ends)),
        )

        demand.refresh_from_db()
        objections = DemandObjection.objects.filter(demand=demand)
        assert results[1] == "ok", results
        if results[0] == "ok":  # the objection came first: the order waits for the decision
            assert ended == []
            assert demand.status == DemandStatus.PUBLICITY and demand.order is None
            assert objections.get().status == ObjectionStatus.OPEN
            outcomes.add("objection first")
        else:  # the timer came first: the award is final and the late objection changed nothing
            assert isinstance(results[0], ActionRefused), results
            assert ended == [f"demand {demand.pk}: award publicity ended, order made"]
            assert demand.status == DemandStatus.AWARDED and demand.order is not None
            assert not objections.exists()
            outcomes.add("timer first")
    print(f"outcomes over {ROUNDS} rounds: {sorted(outcomes)}")
