"""中标公示 and 异议 (issue 18): the publicity period, objections by the other bidders,
the window administrators' decision, the timer that makes the order, and windows without it."""

from datetime import datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from demands.actions import (
    bid_withdraw,
    demand_award,
    demand_objection_raise,
    demand_objection_reject,
    demand_objection_uphold,
    demand_publicity_end_due,
    run_timers,
)
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
from orders.models import Order, OrderStatus
from smeportal.errors import ActionRefused
from smeportal.workdays import add_working_days
from tests.demands.helpers import (
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
    order_document,
    pass_bid_deadline,
    pdf_upload,
    place_bid,
    set_award_publicity,
)
from tests.once import with_token

pytestmark = pytest.mark.django_db

S, B, OS = DemandStatus, BidStatus, ObjectionStatus
REASON = "中标单位的资质证书已过期，不符合需求要求。"
DECISION = "经核实，中标单位资质证书在有效期内。"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def world():
    world = make_world()
    world["stranger"] = bidder()  # may bid in the window, but did not bid on this demand
    return world


def publicity_snapshot(demand):
    return snapshot(demand), list(DemandObjection.objects.filter(demand_id=demand.pk).values())


def object_as(world, demand, who="rival", reason=REASON, **kwargs):
    return demand_objection_raise(demand=demand, actor=world[who], reason=reason, **kwargs)


def end_of(demand):
    return Demand.objects.get(pk=demand.pk).publicity_ends_at


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# Working days ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-12-07 10:00", "2026-12-10 10:00"),  # Monday → Thursday
        ("2026-12-04 16:30", "2026-12-09 16:30"),  # Friday → Wednesday, the weekend skipped
        ("2026-12-05 09:00", "2026-12-09 09:00"),  # Saturday → Wednesday
        ("2026-12-06 23:59", "2026-12-09 23:59"),  # Sunday → Wednesday
    ],
)
def test_three_working_days_skip_saturdays_and_sundays(start, end):
    def local(text):
        return timezone.make_aware(datetime.strptime(text, "%Y-%m-%d %H:%M"))

    assert add_working_days(local(start), 3) == local(end)


# Opening the publicity ---------------------------------------------------------------------------


def test_choosing_the_winner_opens_the_publicity_and_makes_no_order(world, settings):
    settings.DEMAND_AWARD_PUBLICITY_WORKING_DAYS = 3
    demand = make_demand(world, "closed")
    chosen, other = bid_of(demand, world["institution"]), bid_of(demand, world["rival"])
    mark = last_notification_pk()
    before = timezone.now()

    demand_award(demand=demand, bid=chosen, actor=world["owner"])

    demand.refresh_from_db()
    assert (demand.status, demand.winning_bid, demand.order) == (S.PUBLICITY, chosen, None)
    assert add_working_days(before, 3) <= demand.publicity_ends_at <= add_working_days(timezone.now(), 3)
    # Nothing is final yet: no bid won or lost, no order.
    assert set(Bid.objects.filter(demand=demand).values_list("status", flat=True)) == {B.SUBMITTED}
    assert not Order.objects.filter(enterprise=world["owner"].organisation).exists()
    log = demand.logs.order_by("-pk").first()
    assert (log.event, log.actor, log.from_status, log.to_status, log.reason) == (
        DemandEvent.PUBLICITY_OPENED,
        world["owner"],
        S.BIDDING,
        S.PUBLICITY,
        world["institution"].organisation.name,
    )
    notes = notifications_after(mark)
    assert recipients(notes) == users_counter(
        active_users(world["institution"].organisation), active_users(world["rival"].organisation)
    )
    end = timezone.localtime(demand.publicity_ends_at).strftime("%Y-%m-%d %H:%M")
    for note in notes:
        assert note.url == demand.get_absolute_url() and end in note.body
    other.refresh_from_db()
    assert other.closed_at is None  # the rival's bid stays live: it may object, and be chosen if the award falls


def test_the_demand_page_shows_the_winner_the_price_and_the_end_to_everyone(client, world):
    demand = make_demand(world, "publicity")
    end = timezone.localtime(demand.publicity_ends_at).strftime("%Y-%m-%d %H:%M")
    for who in ("anonymous", "other_enterprise", "stranger", "rival", "institution", "owner"):
        client.logout()
        if who != "anonymous":
            client.force_login(world[who])
        response = client.get(demand.get_absolute_url())
        assert response.status_code == 200
        content = response.content.decode()
        assert "中标公示" in content and "公示期" in content
        assert world["institution"].organisation.name in content
        assert "13579 元" in content and end in content
        # The contact waits for the final award.
        assert response.context["show_contact"] is (who == "owner")
        offered = reverse("demands:objection_raise", args=[demand.pk]) in content
        assert offered is (who == "rival"), who


def test_the_award_page_says_publicity_and_leads_to_the_demand(client, world):
    demand = make_demand(world, "closed")
    bid = bid_of(demand, world["rival"])
    client.force_login(world["owner"])
    url = reverse("demands:award", args=[demand.pk, bid.pk])
    assert "公示" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert response.url == demand.get_absolute_url() + "#publicity"
    demand.refresh_from_db()
    assert demand.status == S.PUBLICITY and demand.winning_bid == bid
    end = timezone.localtime(demand.publicity_ends_at).strftime("%Y-%m-%d %H:%M")
    assert any(end in message for message in messages_of(response))


# 提出异议: who may, when ----------------------------------------------------------------------------


def test_another_live_bidder_objects_and_everyone_concerned_is_told(world):
    demand = make_demand(world, "publicity")
    mark = last_notification_pk()

    objection = object_as(world, demand, attachments=[order_document("证据.pdf")])

    assert (objection.status, objection.objector, objection.bid) == (
        OS.OPEN,
        world["rival"].organisation,
        bid_of(demand, world["institution"]),
    )
    assert objection.reason == REASON and objection.raised_by == world["rival"]
    assert list(objection.attachments.values_list("original_name", flat=True)) == ["证据.pdf"]
    log = demand.logs.order_by("-pk").first()
    assert (log.event, log.actor, log.reason, log.from_status, log.to_status) == (
        DemandEvent.OBJECTED,
        world["rival"],
        REASON,
        S.PUBLICITY,
        S.PUBLICITY,
    )
    assert Demand.objects.get(pk=demand.pk).status == S.PUBLICITY
    notes = notifications_after(mark)
    # The enterprise, the winner, the objector, and the administrator of the demand's window.
    assert recipients(notes) == users_counter(
        active_users(world["owner"].organisation),
        active_users(world["institution"].organisation),
        active_users(world["rival"].organisation),
        [world["window_admin"]],
    )
    admin_note = next(n for n in notes if n.recipient == world["window_admin"])
    assert admin_note.url == reverse("admin:demands_demandobjection_change", args=[objection.pk])


@pytest.mark.parametrize(
    "who", ["institution", "owner", "stranger", "other_enterprise", "window_admin", "hub_admin", "anonymous"]
)
def test_only_the_other_live_bidders_may_object(world, who):
    demand = make_demand(world, "publicity")
    before = publicity_snapshot(demand)
    with pytest.raises(ActionRefused) as refused:
        object_as(world, demand, who)
    assert str(refused.value.message).strip()
    assert publicity_snapshot(demand) == before


def test_a_bidder_that_withdrew_may_not_object(world):
    demand = make_demand(world, "bidding")
    quitter = bidder()
    bid_withdraw(bid=place_bid(demand, quitter), actor=quitter)
    pass_bid_deadline(demand)
    demand_award(demand=demand, bid=bid_of(demand, world["institution"]), actor=world["owner"])
    before = publicity_snapshot(demand)
    with pytest.raises(ActionRefused):
        demand_objection_raise(demand=demand, actor=quitter, reason=REASON)
    assert publicity_snapshot(demand) == before


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_an_objection_needs_a_reason(world, reason):
    demand = make_demand(world, "publicity")
    before = publicity_snapshot(demand)
    with pytest.raises(ActionRefused) as refused:
        object_as(world, demand, reason=reason)
    assert "reason" in refused.value.field_errors
    assert publicity_snapshot(demand) == before


def test_an_objection_after_the_period_ended_is_refused_even_before_the_timer_ran(world):
    demand = make_demand(world, "publicity")
    Demand.objects.filter(pk=demand.pk).update(publicity_ends_at=timezone.now() - timedelta(seconds=1))
    before = publicity_snapshot(demand)
    with pytest.raises(ActionRefused) as refused:
        object_as(world, demand)
    end = timezone.localtime(end_of(demand)).strftime("%Y-%m-%d %H:%M")
    assert end in str(refused.value.message)
    assert publicity_snapshot(demand) == before


@pytest.mark.parametrize("state", ["bidding", "closed", "awarded", "failed", "voided"])
def test_no_objection_outside_the_publicity(world, state):
    demand = make_demand(world, state)
    before = publicity_snapshot(demand)
    with pytest.raises(ActionRefused):
        object_as(world, demand)
    assert publicity_snapshot(demand) == before


def test_one_objection_per_bidder_against_one_award(world):
    demand = make_demand(world, "publicity")
    object_as(world, demand)
    before = publicity_snapshot(demand)
    colleague = InstitutionUserFactory(organisation=world["rival"].organisation)
    with pytest.raises(ActionRefused):
        demand_objection_raise(demand=demand, actor=colleague, reason="再次提出")
    assert publicity_snapshot(demand) == before


# 提出异议 through the page ---------------------------------------------------------------------------


def test_the_objection_page_raises_one_objection_per_submission(client, world):
    demand = make_demand(world, "publicity")
    url = reverse("demands:objection_raise", args=[demand.pk])
    client.force_login(world["rival"])
    assert "提出异议" in client.get(url).content.decode()

    missing = client.post(url, with_token(reason=""))
    assert missing.status_code == 200
    assert missing.context["form"].errors["reason"] == ["此项为必填项。"]
    assert not DemandObjection.objects.exists()

    data = with_token(reason=REASON, attachments=pdf_upload("证据.pdf"))
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == demand.get_absolute_url() + "#publicity"
    data["attachments"] = pdf_upload("证据.pdf")
    again = client.post(url, data)  # the same form sent twice
    assert again.status_code == 302
    objection = DemandObjection.objects.get()
    assert objection.reason == REASON and objection.attachments.count() == 1
    shown = client.get(demand.get_absolute_url()).content.decode()
    assert REASON in shown and "待处理" in shown  # the objector sees its own, with the outcome to come


def test_an_objection_after_the_end_through_the_page_keeps_the_input_and_says_why(client, world):
    demand = make_demand(world, "publicity")
    Demand.objects.filter(pk=demand.pk).update(publicity_ends_at=timezone.now() - timedelta(minutes=1))
    client.force_login(world["rival"])
    response = client.post(reverse("demands:objection_raise", args=[demand.pk]), with_token(reason=REASON))
    assert response.status_code == 200
    content = response.content.decode()
    assert REASON in content
    assert timezone.localtime(end_of(demand)).strftime("%Y-%m-%d %H:%M") in content
    assert not DemandObjection.objects.exists()


@pytest.mark.parametrize("who", ["institution", "owner", "stranger", "other_enterprise"])
def test_the_objection_page_is_404_for_anyone_who_may_not_object(client, world, who):
    demand = make_demand(world, "publicity")
    client.force_login(world[who])
    url = reverse("demands:objection_raise", args=[demand.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, with_token(reason=REASON)).status_code == 404
    assert not DemandObjection.objects.exists()


def test_the_objection_page_asks_anonymous_visitors_to_log_in(client, world):
    demand = make_demand(world, "publicity")
    response = client.get(reverse("demands:objection_raise", args=[demand.pk]))
    assert response.status_code == 302 and reverse("account_login") in response.url


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("rival", 200),
        ("window_admin", 200),
        ("hub_admin", 200),
        ("other_window_admin", 404),
        ("owner", 404),
        ("institution", 404),
        ("stranger", 404),
        ("anonymous", 404),
    ],
)
def test_objection_files_are_for_the_objector_and_the_windows_staff(client, world, who, status):
    demand = make_demand(world, "publicity")
    objection = object_as(world, demand, attachments=[order_document("证据.pdf")])
    if who != "anonymous":
        client.force_login(world[who])
    url = reverse("demands:objection_attachment", args=[objection.attachments.get().pk])
    assert client.get(url).status_code == status


# The timer ---------------------------------------------------------------------------------------


def test_the_timer_waits_for_the_end_of_the_period(world):
    demand = make_demand(world, "publicity")
    before = publicity_snapshot(demand)
    assert demand_publicity_end_due(now=demand.publicity_ends_at - timedelta(seconds=1)) == []
    assert publicity_snapshot(demand) == before


def test_at_the_end_without_objection_the_timer_makes_the_order(world):
    demand = make_demand(world, "publicity")
    winner, loser = bid_of(demand, world["institution"]), bid_of(demand, world["rival"])
    mark = last_notification_pk()

    assert run_timers(demand.publicity_ends_at) == [f"demand {demand.pk}: award publicity ended, order made"]

    demand.refresh_from_db()
    winner.refresh_from_db()
    loser.refresh_from_db()
    assert demand.status == S.AWARDED and demand.closed_at is not None
    assert (winner.status, loser.status) == (B.WON, B.LOST)
    order = demand.order
    assert (order.status, order.institution, order.price, order.placed_by) == (
        OrderStatus.IN_SERVICE,
        world["institution"].organisation,
        winner.price,
        world["owner"],  # who chose the winner
    )
    log = demand.logs.order_by("-pk").first()
    assert (log.event, log.actor, log.from_status, log.to_status) == (
        DemandEvent.PUBLICITY_ENDED,
        None,
        S.PUBLICITY,
        S.AWARDED,
    )
    assert recipients(notifications_after(mark)) == users_counter(
        active_users(world["institution"].organisation),
        active_users(world["rival"].organisation),
        active_users(world["owner"].organisation),
    )
    # Idempotent: a second run finds nothing.
    before = publicity_snapshot(demand)
    assert run_timers(demand.publicity_ends_at + timedelta(days=1)) == []
    assert publicity_snapshot(demand) == before


def test_the_timer_never_makes_the_order_while_an_objection_is_open(world):
    demand = make_demand(world, "publicity")
    object_as(world, demand)
    before = publicity_snapshot(demand)
    assert run_timers(demand.publicity_ends_at + timedelta(days=30)) == []
    assert publicity_snapshot(demand) == before
    assert Demand.objects.get(pk=demand.pk).order is None


# The administrators' decision ---------------------------------------------------------------------


def test_objection_rejected_before_the_end_the_award_stands_and_the_timer_makes_the_order(world):
    demand = make_demand(world, "publicity")
    objection = object_as(world, demand)
    mark = last_notification_pk()

    demand_objection_reject(objection=objection, actor=world["window_admin"], decision=DECISION)

    objection.refresh_from_db()
    assert (objection.status, objection.decision) == (OS.REJECTED, DECISION)
    assert objection.decided_by == world["window_admin"]
    assert objection.decided_at is not None
    demand.refresh_from_db()
    assert demand.status == S.PUBLICITY and demand.order is None  # the period still runs
    log = demand.logs.order_by("-pk").first()
    assert (log.event, log.actor, log.reason) == (DemandEvent.OBJECTION_REJECTED, world["window_admin"], DECISION)
    assert recipients(notifications_after(mark)) == users_counter(
        active_users(world["owner"].organisation),
        active_users(world["institution"].organisation),
        active_users(world["rival"].organisation),
    )
    assert run_timers(demand.publicity_ends_at) == [f"demand {demand.pk}: award publicity ended, order made"]
    demand.refresh_from_db()
    assert demand.status == S.AWARDED and demand.order.institution == world["institution"].organisation


def test_objection_rejected_after_the_end_makes_the_order_at_once(world):
    demand = make_demand(world, "publicity")
    objection = object_as(world, demand)
    Demand.objects.filter(pk=demand.pk).update(publicity_ends_at=timezone.now() - timedelta(minutes=1))
    assert run_timers(timezone.now()) == []  # the objection holds the order back

    demand_objection_reject(objection=objection, actor=world["hub_admin"], decision=DECISION)

    demand.refresh_from_db()
    assert demand.status == S.AWARDED and demand.order is not None
    assert bid_of(demand, world["institution"]).status == B.WON
    assert [log.event for log in demand.logs.order_by("-pk")[:2]] == [
        DemandEvent.PUBLICITY_ENDED,
        DemandEvent.OBJECTION_REJECTED,
    ]


def test_a_rejection_after_the_end_waits_while_another_objection_is_open(world):
    third = bidder()
    demand = make_demand(world, "bidding")
    place_bid(demand, third, price="30000")
    pass_bid_deadline(demand)
    demand_award(demand=demand, bid=bid_of(demand, world["institution"]), actor=world["owner"])
    first = object_as(world, demand)
    demand_objection_raise(demand=demand, actor=third, reason="报价明显低于成本。")
    Demand.objects.filter(pk=demand.pk).update(publicity_ends_at=timezone.now() - timedelta(minutes=1))

    demand_objection_reject(objection=first, actor=world["window_admin"], decision=DECISION)

    demand.refresh_from_db()
    assert demand.status == S.PUBLICITY and demand.order is None


def test_objection_upheld_annuls_the_award_and_the_enterprise_chooses_again(world):
    third = bidder()
    demand = make_demand(world, "bidding")
    third_bid = place_bid(demand, third, price="30000")
    pass_bid_deadline(demand)
    annulled = bid_of(demand, world["institution"])
    demand_award(demand=demand, bid=annulled, actor=world["owner"])
    objection = object_as(world, demand)
    other = demand_objection_raise(demand=demand, actor=third, reason="报价明显低于成本。")
    mark = last_notification_pk()

    demand_objection_uphold(objection=objection, actor=world["window_admin"], decision="资质证书确已过期。")

    demand.refresh_from_db()
    annulled.refresh_from_db()
    objection.refresh_from_db()
    other.refresh_from_db()
    assert (demand.status, demand.winning_bid, demand.publicity_ends_at, demand.order) == (S.BIDDING, None, None, None)
    assert annulled.status == B.ANNULLED and annulled.closed_at is not None
    assert (objection.status, objection.decision) == (OS.UPHELD, "资质证书确已过期。")
    assert other.status == OS.CLOSED  # it was against the same award
    log = demand.logs.order_by("-pk").first()
    assert (log.event, log.actor, log.from_status, log.to_status, log.reason) == (
        DemandEvent.OBJECTION_UPHELD,
        world["window_admin"],
        S.PUBLICITY,
        S.BIDDING,
        "资质证书确已过期。",
    )
    assert recipients(notifications_after(mark)) == users_counter(
        active_users(world["owner"].organisation),
        active_users(world["institution"].organisation),
        active_users(world["rival"].organisation),
        active_users(third.organisation),
    )

    # The annulled bid can never be chosen again; another one can, with a new publicity.
    with pytest.raises(ActionRefused):
        demand_award(demand=demand, bid=annulled, actor=world["owner"])
    demand_award(demand=demand, bid=third_bid, actor=world["owner"])
    demand.refresh_from_db()
    assert (demand.status, demand.winning_bid) == (S.PUBLICITY, third_bid)
    # The annulled institution no longer has a live bid: it cannot object to the new award.
    with pytest.raises(ActionRefused):
        object_as(world, demand, "institution")
    # The rival objects anew: this is another award.
    assert object_as(world, demand).bid == third_bid
    assert (
        DemandLog.objects.filter(demand=demand, event=DemandEvent.PUBLICITY_OPENED).count() == 2
    )  # both choices logged


@pytest.mark.parametrize("decide", [demand_objection_uphold, demand_objection_reject])
@pytest.mark.parametrize("who", ["other_window_admin", "owner", "institution", "rival", "anonymous"])
def test_only_the_demands_window_staff_decide_objections(world, decide, who):
    demand = make_demand(world, "publicity")
    objection = object_as(world, demand)
    before = publicity_snapshot(demand)
    with pytest.raises(ActionRefused):
        decide(objection=objection, actor=world[who], decision=DECISION)
    assert publicity_snapshot(demand) == before


@pytest.mark.parametrize("decide", [demand_objection_uphold, demand_objection_reject])
def test_a_decision_needs_a_reason_and_an_open_objection(world, decide):
    demand = make_demand(world, "publicity")
    objection = object_as(world, demand)
    before = publicity_snapshot(demand)
    with pytest.raises(ActionRefused):
        decide(objection=objection, actor=world["window_admin"], decision=" ")
    assert publicity_snapshot(demand) == before

    demand_objection_reject(objection=objection, actor=world["window_admin"], decision=DECISION)
    before = publicity_snapshot(demand)
    with pytest.raises(ActionRefused):
        decide(objection=objection, actor=world["window_admin"], decision=DECISION)
    assert publicity_snapshot(demand) == before


# In admin ------------------------------------------------------------------------------------------


def test_the_window_admin_decides_in_admin_with_the_transition_buttons(client, world):
    demand = make_demand(world, "publicity")
    objection = object_as(world, demand)
    client.force_login(world["window_admin"])
    listed = client.get(reverse("admin:demands_demandobjection_changelist"))
    assert listed.status_code == 200 and objection in listed.context["cl"].result_list
    change = client.get(reverse("admin:demands_demandobjection_change", args=[objection.pk]))
    assert [str(b["label"]) for b in change.context["transition_buttons"]] == ["异议成立", "异议不成立"]
    url = reverse("admin:demands_demandobjection_transition", args=[objection.pk, "reject"])
    assert client.post(url, {"reason": ""}).status_code == 200  # the reason is required
    assert DemandObjection.objects.get().status == OS.OPEN
    response = client.post(url, {"reason": DECISION})
    assert response.status_code == 302
    assert DemandObjection.objects.get().status == OS.REJECTED


def test_another_windows_admin_gets_404_in_admin(client, world):
    demand = make_demand(world, "publicity")
    objection = object_as(world, demand)
    client.force_login(world["other_window_admin"])
    listed = client.get(reverse("admin:demands_demandobjection_changelist"))
    assert listed.status_code == 200 and list(listed.context["cl"].result_list) == []
    assert client.get(reverse("admin:demands_demandobjection_change", args=[objection.pk])).status_code == 302
    url = reverse("admin:demands_demandobjection_transition", args=[objection.pk, "uphold"])
    assert client.post(url, {"reason": "越权操作"}).status_code == 404
    assert DemandObjection.objects.get().status == OS.OPEN


# Windows without publicity -------------------------------------------------------------------------


def test_a_window_with_publicity_off_makes_the_order_at_once(world):
    set_award_publicity(False, "yinchuan")
    demand = make_demand(world, "closed")
    demand_award(demand=demand, bid=bid_of(demand, world["rival"]), actor=world["owner"])
    demand.refresh_from_db()
    assert (demand.status, demand.publicity_ends_at) == (S.AWARDED, None)
    assert demand.order.institution == world["rival"].organisation
    assert demand.logs.order_by("-pk").first().event == DemandEvent.AWARDED
    with pytest.raises(ActionRefused):
        object_as(world, demand, "institution")


def test_only_hub_administrators_switch_publicity_in_admin(client, world):
    from windows.models import Window

    window = Window.objects.get(slug="yinchuan")
    url = reverse("admin:windows_window_change", args=[window.pk])
    client.force_login(world["hub_admin"])
    assert "award_publicity" in client.get(url).context["adminform"].form.fields
    client.force_login(world["window_admin"])
    assert "award_publicity" not in client.get(url).context["adminform"].form.fields
