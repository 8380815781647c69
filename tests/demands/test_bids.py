"""Bids: every (state, action, actor) triple of the bid machine, the bid rules, and 选为中标单位."""

from decimal import Decimal

import pytest
from django.urls import reverse

from demands.actions import bid_submit, bid_update, bid_withdraw, demand_award, demand_fail
from demands.models import Bid, BidAttachment, BidStatus, Demand, DemandEvent, DemandStatus
from notifications.models import Notification
from orders.models import Order, OrderEvent, OrderStatus
from smeportal.errors import ActionRefused
from tests.demands.helpers import (
    DEMAND_STATES,
    INSTITUTION_PRICE,
    RIVAL_PRICE,
    active_users,
    bid_of,
    last_notification_pk,
    make_demand,
    make_world,
    notifications_after,
    recipients,
    snapshot,
    users_counter,
)
from tests.factories import (
    InstitutionUserFactory,
    bidder,
    certified_institution,
    order_document,
    pass_bid_deadline,
    set_award_publicity,
    window,
)
from windows.actions import membership_apply
from windows.models import MembershipStatus, WindowMembership

pytestmark = pytest.mark.django_db

B = BidStatus
S = DemandStatus


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def world():
    return make_world()


def submit(demand, actor, price="8888", **fields):
    values = {"proposal": "一名注册会计师，十天完成。", "duration_days": 10, **fields}
    return bid_submit(demand=demand, actor=actor, price=Decimal(price), **values)


# 投标 (bid_submit): demand state × who -------------------------------------------------------------

SUBMITTERS = [
    "fresh",  # certified, active member of the demand's window, no bid yet
    "institution",  # has a live bid from bidding on
    "uncertified",  # an active member whose certification was withdrawn
    "non_member",  # certified, member of no window
    "other_window_member",  # certified, active member of 兴庆区 only
    "pending_member",  # certified, membership of 银川 applied for, not approved
    "owner",
    "other_enterprise",
    "window_admin",
    "hub_admin",
    "anonymous",
]


def make_submitter(world, who):
    if who == "fresh":
        return bidder()
    if who == "uncertified":
        user = bidder()
        type(user.organisation).objects.filter(pk=user.organisation_id).update(is_certified=False)
        user.organisation.refresh_from_db()
        return user
    if who == "non_member":
        return certified_institution()
    if who == "other_window_member":
        return certified_institution("xingqing")
    if who == "pending_member":
        user = certified_institution()
        membership_apply(organisation=user.organisation, windows=[window("yinchuan")], actor=user)
        assert WindowMembership.objects.get(organisation=user.organisation).status != MembershipStatus.ACTIVE
        return user
    return world[who]


SUBMIT_TRIPLES = [(state, who) for state in DEMAND_STATES for who in SUBMITTERS]
SUBMIT_ALLOWED = [("bidding", "fresh")]


@pytest.mark.parametrize(("state", "who"), SUBMIT_TRIPLES, ids=["-".join(t) for t in SUBMIT_TRIPLES])
def test_bid_submit_in_every_state_by_everyone(world, state, who):
    demand = make_demand(world, state)
    actor = make_submitter(world, who)
    if (state, who) not in SUBMIT_ALLOWED:
        before = snapshot(demand)
        with pytest.raises(ActionRefused) as refused:
            submit(demand, actor, attachments=[order_document("投标文件.pdf")])
        assert str(refused.value.message).strip()
        assert snapshot(demand) == before
        return

    mark = last_notification_pk()
    logs = demand.logs.count()
    bid = submit(demand, actor, attachments=[order_document("投标文件.pdf")])

    bid.refresh_from_db()
    assert (bid.demand, bid.institution, bid.submitted_by, bid.status) == (
        demand,
        actor.organisation,
        actor,
        B.SUBMITTED,
    )
    assert (bid.price, bid.duration_days, bid.proposal) == (Decimal("8888"), 10, "一名注册会计师，十天完成。")
    assert list(bid.attachments.values_list("original_name", flat=True)) == ["投标文件.pdf"]
    notes = notifications_after(mark)
    assert recipients(notes) == users_counter(active_users(demand.enterprise))
    for note in notes:
        assert demand.title in note.title
        assert note.url == reverse("demands:bids", args=[demand.pk])
    assert demand.logs.count() == logs  # bids are not demand events
    Demand.objects.get(pk=demand.pk)  # the demand itself is untouched
    assert Demand.objects.get(pk=demand.pk).status == S.BIDDING


# 修改 / 撤回 (bid_update, bid_withdraw): bid state × who -----------------------------------------------

BID_STATES = [
    "submitted",  # demand open
    "submitted_after_deadline",
    "withdrawn",
    "won",
    "lost",
    "void_failed",
    "void_voided",
]
BID_ACTORS = ["institution", "colleague", "rival", "owner", "window_admin", "hub_admin", "anonymous"]
BID_ACTIONS = ["bid_update", "bid_withdraw"]
BID_ALLOWED = {("submitted", action, actor) for action in BID_ACTIONS for actor in ("institution", "colleague")}
BID_TRIPLES = [(state, action, actor) for state in BID_STATES for action in BID_ACTIONS for actor in BID_ACTORS]


def make_bid(world, state):
    """The institution's bid in `state` (the rival bid too)."""
    demand_state = {
        "submitted": "bidding",
        "submitted_after_deadline": "closed",
        "withdrawn": "bidding",
        "won": "awarded",
        "lost": "awarded",
        "void_failed": "failed",
        "void_voided": "voided",
    }[state]
    demand = make_demand(world, demand_state)
    if state == "withdrawn":
        bid_withdraw(bid=bid_of(demand, world["institution"]), actor=world["institution"])
    if state == "lost":
        return bid_of(demand, world["rival"])  # the institution won
    return bid_of(demand, world["institution"])


def bid_actor(world, bid, who):
    if who == "colleague":
        return bid.institution.users.exclude(pk=world["institution"].pk).filter(is_active=True).first()
    if who == "institution":  # the bidding organisation's user (the rival's for the lost bid)
        return world["rival"] if bid.institution_id == world["rival"].organisation_id else world["institution"]
    if who == "rival":
        return world["institution"] if bid.institution_id == world["rival"].organisation_id else world["rival"]
    return world[who]


def run_bid_action(action, bid, actor):
    if action == "bid_update":
        return bid_update(
            bid=bid,
            actor=actor,
            price=Decimal("9999.50"),
            proposal="调整后的方案：增加一名审计助理。",
            duration_days=12,
            new_attachments=[order_document("补充方案.pdf")],
        )
    return bid_withdraw(bid=bid, actor=actor)


@pytest.mark.parametrize(("state", "action", "who"), BID_TRIPLES, ids=["-".join(t) for t in BID_TRIPLES])
def test_bid_update_and_withdraw_in_every_state_by_everyone(world, state, action, who):
    bid = make_bid(world, state)
    if who == "colleague" and bid.institution_id != world["institution"].organisation_id:
        InstitutionUserFactory(organisation=bid.institution)
    actor = bid_actor(world, bid, who)
    demand = bid.demand
    if (state, action, who) not in BID_ALLOWED:
        before = snapshot(demand)
        attachments = list(BidAttachment.objects.values_list("pk", flat=True))
        with pytest.raises(ActionRefused) as refused:
            run_bid_action(action, bid, actor)
        assert str(refused.value.message).strip()
        assert snapshot(demand) == before
        assert list(BidAttachment.objects.values_list("pk", flat=True)) == attachments
        return

    before = snapshot(demand)
    run_bid_action(action, bid, actor)
    bid.refresh_from_db()
    after = snapshot(demand)
    assert after[0] == before[0] and after[1] == before[1]  # the demand and its log are untouched
    assert after[5] == before[5]  # nobody is told
    if action == "bid_update":
        assert (bid.status, bid.price, bid.proposal, bid.duration_days) == (
            B.SUBMITTED,
            Decimal("9999.50"),
            "调整后的方案：增加一名审计助理。",
            12,
        )
        assert list(bid.attachments.values_list("original_name", flat=True)) == ["补充方案.pdf"]
    else:
        assert bid.status == B.WITHDRAWN
        assert bid.closed_at is not None
        assert bid.price == Decimal(INSTITUTION_PRICE)
    rival = bid_of(demand, world["rival"])
    assert (rival.status, rival.price) == (B.SUBMITTED, Decimal(RIVAL_PRICE))


# The bid rules -----------------------------------------------------------------------------------


def test_one_live_bid_per_institution_per_demand(world):
    demand = make_demand(world, "bidding")
    before = snapshot(demand)
    with pytest.raises(ActionRefused):
        submit(demand, world["institution"])
    with pytest.raises(ActionRefused):  # a colleague of the same institution neither
        submit(demand, InstitutionUserFactory(organisation=world["institution"].organisation))
    assert snapshot(demand) == before


def test_after_withdrawing_the_institution_may_bid_again(world):
    demand = make_demand(world, "bidding")
    first = bid_of(demand, world["institution"])
    bid_withdraw(bid=first, actor=world["institution"])

    second = submit(demand, world["institution"], price="11000")

    first.refresh_from_db()
    assert first.status == B.WITHDRAWN
    assert second.status == B.SUBMITTED and second.pk != first.pk
    assert Bid.objects.filter(demand=demand, institution=world["institution"].organisation).count() == 2
    with pytest.raises(ActionRefused):
        submit(demand, world["institution"])


def test_a_withdrawn_bid_cannot_be_withdrawn_or_modified_again(world):
    demand = make_demand(world, "bidding")
    bid = bid_of(demand, world["institution"])
    bid_withdraw(bid=bid, actor=world["institution"])
    before = snapshot(demand)
    for action in BID_ACTIONS:
        with pytest.raises(ActionRefused):
            run_bid_action(action, bid, world["institution"])
    assert snapshot(demand) == before


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"price": "-1"}, "price"),
        ({"duration_days": 0}, "duration_days"),
        ({"duration_days": -3}, "duration_days"),
    ],
)
@pytest.mark.parametrize("how", ["submit", "update"])
def test_bad_prices_and_durations_are_refused(world, fields, field, how):
    demand = make_demand(world, "bidding")
    values = {"price": "100", "duration_days": 5, **fields}
    fresh = bidder()
    before = snapshot(demand)
    with pytest.raises(ActionRefused) as refused:
        if how == "submit":
            submit(demand, fresh, **values)
        else:
            bid_update(
                bid=bid_of(demand, world["institution"]),
                actor=world["institution"],
                price=Decimal(values["price"]),
                proposal="方案",
                duration_days=values["duration_days"],
            )
    assert field in refused.value.field_errors
    assert snapshot(demand) == before


def test_a_price_of_zero_is_a_valid_bid(world):
    demand = make_demand(world, "bidding")
    assert submit(demand, bidder(), price="0").price == Decimal("0")


def test_a_membership_ended_after_bidding_stops_new_bids_of_that_institution(world):
    demand = make_demand(world, "bidding")
    fresh = bidder()
    WindowMembership.objects.filter(organisation=fresh.organisation).update(status=MembershipStatus.WITHDRAWN)
    with pytest.raises(ActionRefused):
        submit(demand, fresh)
    assert not Bid.objects.filter(institution=fresh.organisation).exists()


def test_bid_update_removes_only_the_bids_own_attachments(world):
    demand = make_demand(world, "bidding")
    mine = submit(demand, fresh := bidder(), attachments=[order_document("方案一.pdf")])
    theirs = submit(demand, bidder(), attachments=[order_document("方案二.pdf")])
    own, foreign = mine.attachments.get(), theirs.attachments.get()
    bid_update(
        bid=mine,
        actor=fresh,
        price=Decimal("1"),
        proposal="x",
        duration_days=1,
        removed_attachment_ids=[own.pk, foreign.pk],
    )
    assert not mine.attachments.exists()
    assert theirs.attachments.filter(pk=foreign.pk).exists()


# 选为中标单位 -------------------------------------------------------------------------------------


def test_award_without_publicity_makes_the_bid_win_the_others_lose_and_starts_an_order_in_service(world):
    """A window with 中标公示 off: the order at once (with it on: tests/demands/test_publicity.py)."""
    set_award_publicity(False, "yinchuan")
    demand = make_demand(world, "bidding")
    third = bidder()
    withdrawn = submit(demand, third, price="100")
    bid_withdraw(bid=withdrawn, actor=third)
    pass_bid_deadline(demand)
    chosen, other = bid_of(demand, world["rival"]), bid_of(demand, world["institution"])
    orders = Order.objects.count()
    mark = last_notification_pk()

    demand_award(demand=demand, bid=chosen, actor=world["owner"])

    demand.refresh_from_db()
    chosen.refresh_from_db()
    other.refresh_from_db()
    withdrawn.refresh_from_db()
    assert demand.status == S.AWARDED
    assert (chosen.status, other.status, withdrawn.status) == (B.WON, B.LOST, B.WITHDRAWN)
    assert chosen.closed_at is not None and other.closed_at is not None
    assert demand.winning_bid == chosen
    assert Bid.objects.filter(demand=demand, status=B.WON).count() == 1

    assert Order.objects.count() == orders + 1
    order = demand.order
    assert order is not None
    assert Order.objects.get(demand=demand) == order
    assert (order.status, order.enterprise, order.institution, order.service, order.window) == (
        OrderStatus.IN_SERVICE,
        world["owner"].organisation,
        world["rival"].organisation,
        None,
        demand.window,
    )
    assert order.price == Decimal(RIVAL_PRICE)
    assert order.quantity == 1
    assert order.placed_by == world["owner"]
    assert order.service_title == demand.title
    assert demand.description in order.requirements and chosen.proposal in order.requirements
    assert order.accepted_at is not None
    log = order.logs.get()
    assert (log.event, log.from_status, log.to_status, log.actor) == (
        OrderEvent.AWARDED,
        "",
        OrderStatus.IN_SERVICE,
        world["owner"],
    )
    demand_log = demand.logs.order_by("-pk").first()
    assert (demand_log.event, demand_log.actor, demand_log.reason) == (
        DemandEvent.AWARDED,
        world["owner"],
        world["rival"].organisation.name,
    )

    notes = notifications_after(mark)
    winner = active_users(world["rival"].organisation)
    loser = active_users(world["institution"].organisation)
    # The winner and the loser: the result, once each. The withdrawn bidder: nothing.
    assert recipients(notes) == users_counter(winner, loser)
    for note in notes:
        if note.recipient in loser:
            assert demand.title in note.title
            assert note.url == reverse("demands:my_bids")
        else:
            assert note.url == order.get_absolute_url()
            assert order.number in note.title or order.number in note.body


def test_award_before_the_deadline_is_refused(world):
    demand = make_demand(world, "bidding")
    before = snapshot(demand)
    with pytest.raises(ActionRefused) as refused:
        demand_award(demand=demand, bid=bid_of(demand, world["institution"]), actor=world["owner"])
    assert str(refused.value.message).strip()
    assert snapshot(demand) == before


def test_a_withdrawn_bid_cannot_be_chosen(world):
    demand = make_demand(world, "bidding")
    bid = bid_of(demand, world["institution"])
    bid_withdraw(bid=bid, actor=world["institution"])
    pass_bid_deadline(demand)
    before = snapshot(demand)
    with pytest.raises(ActionRefused):
        demand_award(demand=demand, bid=bid, actor=world["owner"])
    assert snapshot(demand) == before


def test_a_bid_of_another_demand_cannot_be_chosen(world):
    demand = make_demand(world, "closed")
    other = make_demand(world, "closed")
    before = snapshot(demand), snapshot(other)
    with pytest.raises(ActionRefused):
        demand_award(demand=demand, bid=bid_of(other, world["institution"]), actor=world["owner"])
    assert (snapshot(demand), snapshot(other)) == before


def test_a_second_award_is_refused_and_keeps_the_first_winner(world):
    demand = make_demand(world, "awarded")
    before = snapshot(demand)
    for bid in Bid.objects.filter(demand=demand):
        with pytest.raises(ActionRefused):
            demand_award(demand=demand, bid=bid, actor=world["owner"])
    assert snapshot(demand) == before


def test_the_database_refuses_a_second_winning_bid(world):
    """The partial unique index backs the lock up, whatever code writes."""
    from django.db import IntegrityError, transaction

    demand = make_demand(world, "awarded")
    lost = bid_of(demand, world["rival"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Bid.objects.filter(pk=lost.pk).update(status=B.WON)


def test_failing_after_bids_voids_them_and_tells_the_bidders_but_not_the_withdrawn(world):
    demand = make_demand(world, "bidding")
    third = bidder()
    bid_withdraw(bid=submit(demand, third), actor=third)
    mark = last_notification_pk()
    demand_fail(demand=demand, actor=world["owner"], reason="报价均超出预算。")
    statuses = dict(Bid.objects.filter(demand=demand).values_list("institution_id", "status"))
    assert statuses == {
        world["institution"].organisation_id: B.VOID,
        world["rival"].organisation_id: B.VOID,
        third.organisation_id: B.WITHDRAWN,
    }
    told = {n.recipient.organisation_id for n in notifications_after(mark)}
    assert told == {world["institution"].organisation_id, world["rival"].organisation_id}
    assert not Notification.objects.filter(pk__gt=mark, recipient__organisation=third.organisation).exists()
