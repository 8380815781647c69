"""Concurrent clicks on the same demand (PostgreSQL: real row locks, real transactions)."""

import threading
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection

from demands.actions import bid_submit, demand_award
from demands.models import Bid, BidStatus, Demand, DemandEvent, DemandLog, DemandStatus
from orders.models import Order
from smeportal.errors import ActionRefused
from tests.factories import bidder, certified_enterprise, demand_in_state, pass_bid_deadline, place_bid

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 10


@pytest.fixture(autouse=True)
def reference_data(transactional_db, settings, tmp_path):
    """transaction=True flushes the rows of the data migrations: put them back with the migrations' functions."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    import_module("windows.migrations.0002_create_hub_and_windows").create_windows(apps, None)
    import_module("certification.migrations.0002_service_domains").create_domains(apps, None)
    import_module("services.migrations.0002_categories").create_categories(apps, None)


def race(*calls):
    """Run the calls in threads released together; each result is "ok" or the exception raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            call()
            results[index] = "ok"
        except Exception as exc:  # noqa: BLE001  (reported by the test)
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return results


def one_won(results):
    winners = [i for i, result in enumerate(results) if result == "ok"]
    losers = [result for result in results if result != "ok"]
    assert len(winners) == 1, results
    assert all(isinstance(result, ActionRefused) for result in losers), results
    return winners[0]


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
