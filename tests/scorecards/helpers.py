"""Crafted order histories for the scorecard tests: built with the real actions, then
their clocks moved back (time passing), as the timers' tests do."""

from datetime import timedelta

from django.utils import timezone

from orders.models import Order, OrderEvent, OrderLog
from tests.factories import certified_enterprise, certified_institution, order_in_state, published_service


def institution_and_service(*window_slugs):
    institution = certified_institution("yinchuan", *window_slugs)
    return institution, published_service(institution, *(("yinchuan", *window_slugs) if window_slugs else ()))


def place(service, state, enterprise=None, **kwargs):
    return order_in_state(state, service=service, enterprise=enterprise or certified_enterprise(), **kwargs)


def set_clock(order, *, placed_at=None, **event_times):
    """Move the order's timeline: placed_at, and the time of the last log row of each
    event named (accepted=..., finished=...)."""
    if placed_at is not None:
        Order.objects.filter(pk=order.pk).update(created_at=placed_at)
        OrderLog.objects.filter(order=order, event=OrderEvent.PLACED).update(created_at=placed_at)
    for event, when in event_times.items():
        row = OrderLog.objects.filter(order=order, event=event).order_by("-created_at", "-pk").first()
        assert row is not None, f"{order} has no {event} row"
        OrderLog.objects.filter(pk=row.pk).update(created_at=when)


def days_ago(days, hours=0):
    return timezone.now() - timedelta(days=days, hours=hours)
