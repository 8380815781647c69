"""Concurrent clicks on the same order (PostgreSQL: real row locks, real transactions)."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest

from notifications.models import Notification
from orders.actions import order_accept, order_cancel, order_place
from orders.models import Order, OrderLog, OrderNumberCounter, OrderStatus
from tests.concurrency import one_won, race
from tests.factories import (
    certified_enterprise,
    certified_institution,
    order_in_state,
    published_service,
    window,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("race_db")]

S = OrderStatus
ROUNDS = 20


@pytest.fixture
def parties():
    institution = certified_institution("yinchuan")
    return {
        "institution": institution,
        "enterprise": certified_enterprise(),
        "service": published_service(institution),
    }


def status_changes_after_placing(order):
    logs = list(OrderLog.objects.filter(order=order).order_by("pk"))
    assert logs[0].event == "placed"
    return [log for log in logs[1:] if log.from_status != log.to_status]


def test_accept_and_cancel_at_once_one_wins(parties):
    enterprise, institution = parties["enterprise"], parties["institution"]
    outcomes = set()
    for _ in range(ROUNDS):
        order = order_in_state("submitted", enterprise=enterprise, institution=institution, service=parties["service"])
        notes = Notification.objects.count()

        winner = one_won(
            race(
                lambda order=order: order_accept(order=order, actor=institution),
                lambda order=order: order_cancel(order=order, actor=enterprise),
            )
        )

        order.refresh_from_db()
        expected = [S.IN_SERVICE, S.CANCELLED][winner]
        outcomes.add(expected)
        assert order.status == expected
        changes = status_changes_after_placing(order)
        assert [(c.from_status, c.to_status) for c in changes] == [(S.SUBMITTED, expected)]
        assert OrderLog.objects.filter(order=order).count() == 2
        assert Notification.objects.count() == notes + 1  # only the winner told the other side
        if expected == S.IN_SERVICE:
            assert (order.accepted_at is not None, order.closed_at) == (True, None)
        else:
            assert (order.accepted_at, order.closed_at is not None) == (None, True)
    print(f"outcomes over {ROUNDS} rounds: {sorted(outcomes)}")


def test_a_double_accept_accepts_once(parties):
    institution = parties["institution"]
    for _ in range(ROUNDS // 2):
        order = order_in_state(
            "submitted", enterprise=parties["enterprise"], institution=institution, service=parties["service"]
        )
        notes = Notification.objects.count()

        one_won(
            race(
                lambda order=order: order_accept(order=order, actor=institution),
                lambda order=order: order_accept(order=order, actor=institution),
            )
        )

        order.refresh_from_db()
        assert order.status == S.IN_SERVICE
        assert [(c.from_status, c.to_status) for c in status_changes_after_placing(order)] == [
            (S.SUBMITTED, S.IN_SERVICE)
        ]
        assert Notification.objects.count() == notes + 1


def test_orders_placed_at_once_on_a_new_day_get_different_numbers(parties):
    enterprises = [parties["enterprise"], certified_enterprise(), certified_enterprise()]
    first_day = datetime(2030, 1, 1, 2, 0, tzinfo=UTC)
    for day in range(5):
        # The first orders of a new day: no counter row yet, the threads race to make it.
        with mock.patch("django.utils.timezone.now", return_value=first_day + timedelta(days=day)):
            results = race(
                *(
                    lambda enterprise=enterprise: order_place(
                        service=parties["service"], actor=enterprise, window=window("yinchuan"), quantity=1
                    )
                    for enterprise in enterprises
                )
            )
        assert results == ["ok"] * len(enterprises)
        numbers = set(
            Order.objects.filter(number__startswith=f"YC203001{day + 1:02d}").values_list("number", flat=True)
        )
        assert numbers == {f"YC203001{day + 1:02d}{n:04d}" for n in (1, 2, 3)}
    assert OrderNumberCounter.objects.filter(day__year=2030).count() == 5
