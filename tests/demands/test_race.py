"""Concurrent clicks on the same demand (PostgreSQL: real row locks, real transactions)."""

from decimal import Decimal

import pytest

from demands.actions import bid_submit, demand_award
from demands.models import Bid, BidStatus, Demand, DemandEvent, DemandLog, DemandStatus
from orders.models import Order
from tests.concurrency import one_won, race
from tests.factories import bidder, certified_enterprise, demand_in_state, pass_bid_deadline, place_bid

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("race_db")]

ROUNDS = 10


def test_two_awards_of_different_bids_at_once_make_one_winner_and_one_order():
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
