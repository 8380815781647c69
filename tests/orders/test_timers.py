"""The order timers of `manage.py run_timers`: expiry, automatic acceptance, unanswered cancellations."""

from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from notifications.models import Notification
from orders.models import Order, OrderEvent, OrderLog, OrderStatus
from services.models import Service
from tests.factories import (
    EnterpriseUserFactory,
    certified_enterprise,
    certified_institution,
    order_in_state,
    published_service,
    with_cancel_request,
)

pytestmark = pytest.mark.django_db

S = OrderStatus


@pytest.fixture(autouse=True)
def _timer_settings(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.ORDER_ACCEPT_DAYS = 3
    settings.ORDER_CHECK_DAYS = 7
    settings.ORDER_CANCEL_ANSWER_DAYS = 2


@pytest.fixture
def parties():
    institution = certified_institution("yinchuan")
    enterprise = certified_enterprise()
    EnterpriseUserFactory(organisation=enterprise.organisation)  # a colleague is told too
    return {"institution": institution, "enterprise": enterprise, "service": published_service(institution)}


def new_order(parties, state, cancel_by=None):
    order = order_in_state(
        state, enterprise=parties["enterprise"], institution=parties["institution"], service=parties["service"]
    )
    if cancel_by:
        with_cancel_request(order, parties[cancel_by])
    return order


def age(order, **fields_days):
    """Move the order's clocks back: age(order, created_at=3.01) = placed 3.01 days ago."""
    now = timezone.now()
    Order.objects.filter(pk=order.pk).update(**{f: now - timedelta(days=d) for f, d in fields_days.items()})


def run_timers() -> str:
    out = StringIO()
    call_command("run_timers", stdout=out)
    return out.getvalue()


def state_of_everything():
    return (
        sorted(Order.objects.values_list("pk", "status", "cancel_requested_by", "closed_at", "checked_at")),
        OrderLog.objects.count(),
        Notification.objects.count(),
        sorted(Service.objects.values_list("pk", "order_count")),
    )


def both_sides(order):
    return {u.pk for u in order.enterprise.users.filter(is_active=True)} | {
        u.pk for u in order.institution.users.filter(is_active=True)
    }


def assert_system_log_and_both_sides_told(order, event, before, after, mark):
    log = order.logs.order_by("-pk").first()
    assert (log.actor, log.event, log.from_status, log.to_status) == (None, event, before, after)
    notes = list(Notification.objects.filter(pk__gt=mark))
    assert {n.recipient_id for n in notes} == both_sides(order)
    assert len(notes) == len(both_sides(order))
    assert all(n.url == order.get_absolute_url() and order.number in n.title for n in notes)


def last_notification_pk():
    last = Notification.objects.order_by("-pk").first()
    return last.pk if last else 0


def test_an_order_not_accepted_in_time_expires(parties):
    due = new_order(parties, "submitted")
    not_due = new_order(parties, "submitted")
    age(due, created_at=3.01)
    age(not_due, created_at=2.99)
    mark = last_notification_pk()

    output = run_timers()

    due.refresh_from_db()
    not_due.refresh_from_db()
    assert (due.status, not_due.status) == (S.EXPIRED, S.SUBMITTED)
    assert due.closed_at is not None
    assert due.number in output
    assert_system_log_and_both_sides_told(due, OrderEvent.EXPIRED, S.SUBMITTED, S.EXPIRED, mark)
    assert list(not_due.logs.values_list("event", flat=True)) == [OrderEvent.PLACED]


def test_a_completed_order_not_checked_in_time_is_accepted_automatically(parties):
    due = new_order(parties, "completed")
    not_due = new_order(parties, "completed")
    age(due, completed_at=7.01)
    age(not_due, completed_at=6.99)
    mark = last_notification_pk()

    run_timers()

    due.refresh_from_db()
    not_due.refresh_from_db()
    assert (due.status, not_due.status) == (S.CHECKED, S.COMPLETED)
    assert due.checked_at is not None
    assert_system_log_and_both_sides_told(due, OrderEvent.AUTO_CHECKED, S.COMPLETED, S.CHECKED, mark)
    assert Service.objects.get(pk=parties["service"].pk).order_count == 1  # 成交量


@pytest.mark.parametrize("asked_by", ["enterprise", "institution"])
def test_an_unanswered_cancellation_is_settled(parties, asked_by):
    due = new_order(parties, "in_service", cancel_by=asked_by)
    not_due = new_order(parties, "in_service", cancel_by=asked_by)
    age(due, cancel_requested_at=2.01)
    age(not_due, cancel_requested_at=1.99)
    mark = last_notification_pk()

    run_timers()

    due.refresh_from_db()
    not_due.refresh_from_db()
    assert (due.status, not_due.status) == (S.CANCELLED, S.IN_SERVICE)
    assert (due.cancel_requested_by, due.cancel_requested_at) == ("", None)
    assert due.closed_at is not None
    assert not_due.cancel_requested_by == asked_by
    assert_system_log_and_both_sides_told(due, OrderEvent.CANCEL_SETTLED, S.IN_SERVICE, S.CANCELLED, mark)


def test_other_states_are_left_alone_however_old(parties):
    orders = [
        new_order(parties, "in_service"),
        new_order(parties, "checked"),
        new_order(parties, "cancelled"),
        new_order(parties, "declined"),
        new_order(parties, "expired"),
    ]
    for order in orders:
        age(order, created_at=400, completed_at=400, cancel_requested_at=400)
    before = state_of_everything()

    run_timers()

    assert state_of_everything() == before


def test_a_second_run_right_after_changes_nothing(parties):
    expiring = new_order(parties, "submitted")
    checking = new_order(parties, "completed")
    settling = new_order(parties, "in_service", cancel_by="enterprise")
    age(expiring, created_at=4)
    age(checking, completed_at=8)
    age(settling, cancel_requested_at=3)
    untouched = new_order(parties, "submitted")

    first = run_timers()
    after_first = state_of_everything()
    second = run_timers()

    assert state_of_everything() == after_first
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses == {
        expiring.pk: S.EXPIRED,
        checking.pk: S.CHECKED,
        settling.pk: S.CANCELLED,
        untouched.pk: S.SUBMITTED,
    }
    assert all(o.number in first for o in (expiring, checking, settling))
    assert not any(o.number in second for o in (expiring, checking, settling, untouched))


def test_paused_orders_are_untouched_until_resumed(parties):
    expiring = new_order(parties, "submitted")
    checking = new_order(parties, "completed")
    settling = new_order(parties, "in_service", cancel_by="institution")
    age(expiring, created_at=30)
    age(checking, completed_at=30)
    age(settling, cancel_requested_at=30)
    Order.objects.update(timers_paused=True)  # an open complaint
    before = state_of_everything()

    run_timers()

    assert state_of_everything() == before

    Order.objects.update(timers_paused=False)  # the complaint is closed
    run_timers()
    assert dict(Order.objects.values_list("pk", "status")) == {
        expiring.pk: S.EXPIRED,
        checking.pk: S.CHECKED,
        settling.pk: S.CANCELLED,
    }


def test_the_deadlines_follow_the_settings(parties, settings):
    settings.ORDER_ACCEPT_DAYS = 10
    settings.ORDER_CHECK_DAYS = 1
    settings.ORDER_CANCEL_ANSWER_DAYS = 5
    submitted = new_order(parties, "submitted")
    completed = new_order(parties, "completed")
    asked = new_order(parties, "in_service", cancel_by="enterprise")
    age(submitted, created_at=4)
    age(completed, completed_at=1.01)
    age(asked, cancel_requested_at=4)

    run_timers()

    assert dict(Order.objects.values_list("pk", "status")) == {
        submitted.pk: S.SUBMITTED,
        completed.pk: S.CHECKED,
        asked.pk: S.IN_SERVICE,
    }


def test_the_clock_moving_on_expires_the_order(parties):
    """The same, driven by the clock instead of by changing the stored times."""
    order = new_order(parties, "submitted")
    completed = new_order(parties, "completed")
    real_now = timezone.now()

    with mock.patch("django.utils.timezone.now", return_value=real_now + timedelta(days=2, hours=23)):
        run_timers()
    assert dict(Order.objects.values_list("pk", "status")) == {order.pk: S.SUBMITTED, completed.pk: S.COMPLETED}

    with mock.patch("django.utils.timezone.now", return_value=real_now + timedelta(days=3, hours=1)):
        run_timers()
    assert dict(Order.objects.values_list("pk", "status")) == {order.pk: S.EXPIRED, completed.pk: S.COMPLETED}

    with mock.patch("django.utils.timezone.now", return_value=real_now + timedelta(days=7, hours=1)):
        run_timers()
    assert dict(Order.objects.values_list("pk", "status")) == {order.pk: S.EXPIRED, completed.pk: S.CHECKED}
    assert [log.actor for log in OrderLog.objects.filter(event__in=["expired", "auto_checked"])] == [None, None]
