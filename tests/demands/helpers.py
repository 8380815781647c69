"""Shared pieces of the demand tests: the cast, demands in every state, snapshots."""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from demands.actions import demand_award, demand_fail, demand_publish, demand_void
from demands.models import Bid, Demand, DemandAttachment, DemandLog
from notifications.models import Notification
from orders.models import Order
from tests.factories import (
    NEUTRAL_CATEGORY,
    EnterpriseUserFactory,
    HubAdminFactory,
    InstitutionUserFactory,
    award_to_order,
    bidder,
    category,
    certified_enterprise,
    demand_fields,
    demand_in_state,
    make_window_admin,
    order_document,
    pass_bid_deadline,
    place_bid,
    window,
)

# "bidding" is open (deadline ahead); "closed" is bidding with the deadline passed;
# "publicity": the institution's bid chosen, in 中标公示 (the window runs it).
DEMAND_STATES = ["pending_review", "returned", "bidding", "closed", "publicity", "awarded", "failed", "voided"]
STATUS_OF = {"closed": "bidding"}

INSTITUTION_PRICE = "13579"
RIVAL_PRICE = "24680"


def make_world():
    """The owner enterprise (with an active and a former colleague), strangers, staff and two bidders."""
    owner = certified_enterprise()
    EnterpriseUserFactory(organisation=owner.organisation)
    EnterpriseUserFactory(organisation=owner.organisation, is_active=False)
    institution = bidder()
    InstitutionUserFactory(organisation=institution.organisation)  # a colleague, told too
    return {
        "owner": owner,
        "other_enterprise": certified_enterprise(),
        "window_admin": make_window_admin("yinchuan"),
        "other_window_admin": make_window_admin("xingqing"),
        "hub_admin": HubAdminFactory(),
        "institution": institution,
        "rival": bidder(),
        "anonymous": AnonymousUser(),
    }


def make_demand(world, state, *, attachments=True, **fields):
    """A demand of world["owner"] in `state`, with (from bidding on) a bid of the institution and one of the rival.

    awarded: the institution's bid won (through 中标公示 and its timer where the window runs it).
    The demand has one attachment (需求说明.pdf).
    """
    owner = world["owner"]
    status = STATUS_OF.get(state, state)
    if status in ("pending_review", "returned"):
        demand = demand_in_state(status, enterprise=owner, **fields)
    else:
        demand = demand_in_state("bidding", enterprise=owner, **fields)
        place_bid(demand, world["institution"], price=INSTITUTION_PRICE)
        place_bid(demand, world["rival"], price=RIVAL_PRICE, proposal="两名会计师，十五天完成。", duration_days=15)
        if state in ("closed", "publicity", "awarded"):
            pass_bid_deadline(demand)
        if state == "publicity":
            demand_award(demand=demand, bid=bid_of(demand, world["institution"]), actor=owner)
        elif state == "awarded":
            award_to_order(demand, bid_of(demand, world["institution"]), owner)
        elif state == "failed":
            demand_fail(demand=demand, actor=owner, reason="没有合适的投标。")
        elif state == "voided":
            demand_void(demand=demand, actor=owner, reason="需求取消。")
    if attachments:
        DemandAttachment.objects.create(demand=demand, file=order_document(), original_name="需求说明.pdf")
    demand = Demand.objects.get(pk=demand.pk)
    assert demand.status == status
    return demand


def bid_of(demand, user):
    return Bid.objects.filter(demand=demand, institution=user.organisation).order_by("-pk").first()


def publish(actor, **overrides):
    return demand_publish(actor=actor, fields=demand_fields(**overrides))


def future(**delta):
    return timezone.now() + timedelta(**delta)


def snapshot(demand):
    """Everything an action on the demand could change."""
    return (
        list(Demand.objects.filter(pk=demand.pk).values()),
        list(DemandLog.objects.filter(demand_id=demand.pk).values()),
        list(Bid.objects.filter(demand_id=demand.pk).order_by("pk").values()),
        sorted(DemandAttachment.objects.filter(demand_id=demand.pk).values_list("pk", "original_name")),
        Order.objects.count(),
        Notification.objects.count(),
    )


def last_notification_pk():
    last = Notification.objects.order_by("-pk").first()
    return last.pk if last else 0


def notifications_after(mark):
    return list(Notification.objects.filter(pk__gt=mark).select_related("recipient").order_by("pk"))


def active_users(organisation):
    return list(organisation.users.filter(is_active=True))


def recipients(notes):
    return Counter(n.recipient.pk for n in notes)


def users_counter(*groups):
    counter = Counter()
    for users in groups:
        counter.update(u.pk for u in users)
    return counter


def money(value):
    return Decimal(value)


def publish_form_data(**overrides) -> dict:
    """What an enterprise types into 【发布需求】 (a None override leaves the field out)."""
    now = timezone.localtime()
    data = {
        "title": "厂房环境检测服务",
        "category": category(NEUTRAL_CATEGORY).pk,
        "window": window("yinchuan").pk,
        "budget_mode": "range",
        "budget_min": "5000",
        "budget_max": "20000",
        "description": "需要对新建厂房进行空气和噪声检测。",
        "bid_deadline": (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        "expected_finish": (now + timedelta(days=30)).strftime("%Y-%m-%d"),
        "contact_name": "刘主任",
        "contact_phone": "0951-5550000",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
