"""Demands in Django admin: the review queue scoped by window, 审核通过 / 驳回 / 废标, bulk actions, Excel export."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from demands.models import BidStatus, Demand, DemandEvent, DemandStatus
from notifications.models import Notification
from tests.demands.helpers import active_users, last_notification_pk, notifications_after, recipients, users_counter
from tests.factories import (
    HubAdminFactory,
    certified_enterprise,
    demand_in_state,
    make_window_admin,
    pass_bid_deadline,
    window,
)

pytestmark = pytest.mark.django_db

S = DemandStatus
CHANGELIST = reverse("admin:demands_demand_changelist")
HEADERS = [
    "需求标题",
    "状态",
    "企业",
    "窗口",
    "服务类别",
    "预算",
    "投标截止时间",
    "投标数",
    "发布时间",
    "审核通过时间",
    "关闭时间",
]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def change_url(demand):
    return reverse("admin:demands_demand_change", args=[demand.pk])


def transition_url(demand, name):
    return reverse("admin:demands_demand_transition", args=[demand.pk, name])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def titles_listed(response):
    assert response.status_code == 200
    return {demand.title for demand in response.context["cl"].result_list}


@pytest.fixture
def book():
    """Demands of two enterprises through 银川, 兴庆区 and 金凤区, in assorted states."""
    alpha = certified_enterprise(name="宁夏阿尔法科技有限公司")
    beta = certified_enterprise(name="银川贝塔商贸有限公司")
    demands = {
        "a_yc": demand_in_state("pending_review", enterprise=alpha, title="银川待审核需求"),
        "a_xq": demand_in_state("pending_review", enterprise=alpha, window_slug="xingqing", title="兴庆待审核需求"),
        "b_yc": demand_in_state("bidding", enterprise=beta, bids=2, title="银川投标中需求"),
        "b_jf": demand_in_state(
            "bidding", enterprise=beta, window_slug="jinfeng", budget_mode="negotiable", title="金凤投标中需求"
        ),
        "b_xq": demand_in_state("awarded", enterprise=beta, window_slug="xingqing", title="兴庆已中标需求"),
    }
    return {"demands": demands, "alpha": alpha, "beta": beta}


def titles(book, *keys):
    return {book["demands"][key].title for key in keys}


ALL = ["a_yc", "a_xq", "b_yc", "b_jf", "b_xq"]


# Scope ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("windows", "expected"),
    [
        (["yinchuan"], ["a_yc", "b_yc"]),
        (["xingqing"], ["a_xq", "b_xq"]),
        (["jinfeng"], ["b_jf"]),
        (["xingqing", "jinfeng"], ["a_xq", "b_xq", "b_jf"]),
        (["goji"], []),
    ],
)
def test_a_window_admin_sees_only_the_demands_of_its_windows(client, book, windows, expected):
    client.force_login(make_window_admin(*windows))
    assert titles_listed(client.get(CHANGELIST)) == titles(book, *expected)


def test_the_hub_admin_sees_every_demand(client, book):
    client.force_login(HubAdminFactory())
    response = client.get(CHANGELIST)
    assert titles_listed(response) == titles(book, *ALL)
    content = response.content.decode()
    for label in ("待审核", "投标中", "已中标"):
        assert label in content


@pytest.mark.parametrize("name", ["approve", "return", "void"])
def test_a_window_admin_cannot_open_or_act_on_another_windows_demand(client, book, name):
    demand = book["demands"]["a_xq" if name != "void" else "b_jf"]
    before = Demand.objects.filter(pk=demand.pk).values().get()
    client.force_login(make_window_admin("yinchuan"))
    assert client.get(change_url(demand)).status_code == 302  # admin's "does not exist" redirect
    assert client.get(transition_url(demand, name)).status_code == 404
    assert client.post(transition_url(demand, name), {"reason": "越权操作"}).status_code == 404
    assert Demand.objects.filter(pk=demand.pk).values().get() == before


def test_the_window_filter_does_not_widen_a_window_admins_scope(client, book):
    client.force_login(make_window_admin("xingqing"))
    assert titles_listed(client.get(CHANGELIST, {"window__id__exact": window("jinfeng").pk})) == set()


def test_demands_cannot_be_added_or_deleted_in_admin(client, book):
    client.force_login(HubAdminFactory())
    assert client.get(reverse("admin:demands_demand_add")).status_code == 403
    demand = book["demands"]["a_yc"]
    assert client.post(reverse("admin:demands_demand_delete", args=[demand.pk]), {"post": "yes"}).status_code == 403
    assert Demand.objects.filter(pk=demand.pk).exists()


@pytest.mark.parametrize("admin", ["window", "hub"])
def test_the_staff_see_the_contact_the_bids_and_the_log(client, book, admin):
    demand = book["demands"]["b_yc"]
    client.force_login(make_window_admin("yinchuan") if admin == "window" else HubAdminFactory())
    response = client.get(change_url(demand))
    content = response.content.decode()
    assert "13900000000" in content
    for bid in demand.bids.select_related("institution"):
        assert bid.institution.name in content
    inlines = {fs.formset.model.__name__: len(fs.formset.forms) for fs in response.context["inline_admin_formsets"]}
    assert inlines == {"Bid": 2, "DemandLog": 2}  # submitted, approved


# 审核通过 / 驳回 / 废标 buttons ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "buttons"),
    [("a_yc", ["审核通过", "驳回"]), ("b_yc", ["废标"]), ("b_xq", [])],
)
def test_the_buttons_offered_in_each_state(client, book, key, buttons):
    demand = book["demands"][key]
    client.force_login(HubAdminFactory())
    response = client.get(change_url(demand))
    assert response.status_code == 200
    assert [str(b["label"]) for b in response.context["transition_buttons"]] == buttons
    for button in response.context["transition_buttons"]:
        assert f'href="{button["url"]}"' in response.content.decode()


@pytest.mark.parametrize("admin", ["window", "hub"])
def test_approve_opens_the_demand_for_bids_and_tells_the_enterprise(client, book, admin):
    demand = book["demands"]["a_yc"]
    actor = make_window_admin("yinchuan") if admin == "window" else HubAdminFactory()
    client.force_login(actor)
    assert client.get(transition_url(demand, "approve")).status_code == 200  # the confirmation
    assert Demand.objects.get(pk=demand.pk).status == S.PENDING_REVIEW
    mark = last_notification_pk()

    response = client.post(transition_url(demand, "approve"))

    assert response.status_code == 302 and response.url == change_url(demand)
    demand.refresh_from_db()
    assert demand.status == S.BIDDING and demand.approved_at is not None
    log = demand.logs.order_by("-pk").first()
    assert (log.actor, log.event, log.from_status, log.to_status) == (
        actor,
        DemandEvent.APPROVED,
        S.PENDING_REVIEW,
        S.BIDDING,
    )
    assert recipients(notifications_after(mark)) == users_counter(active_users(book["alpha"].organisation))


def test_approve_past_the_deadline_is_refused_with_the_message(client, book):
    demand = pass_bid_deadline(book["demands"]["a_yc"])
    client.force_login(HubAdminFactory())
    response = client.post(transition_url(demand, "approve"))
    assert response.status_code == 302
    assert any("截止" in message for message in messages_of(response))
    demand.refresh_from_db()
    assert demand.status == S.PENDING_REVIEW


def test_return_needs_a_reason_and_tells_the_enterprise_why(client, book):
    demand = book["demands"]["a_yc"]
    admin = make_window_admin("yinchuan")
    client.force_login(admin)
    page = client.get(transition_url(demand, "return"))
    assert 'name="reason"' in page.content.decode()

    response = client.post(transition_url(demand, "return"), {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["此项为必填项。"]
    assert Demand.objects.get(pk=demand.pk).status == S.PENDING_REVIEW

    mark = last_notification_pk()
    response = client.post(transition_url(demand, "return"), {"reason": "预算范围过宽，请细化。"})
    assert response.status_code == 302
    demand.refresh_from_db()
    assert (demand.status, demand.review_reason) == (S.RETURNED, "预算范围过宽，请细化。")
    log = demand.logs.order_by("-pk").first()
    assert (log.actor, log.event, log.reason) == (admin, DemandEvent.RETURNED, "预算范围过宽，请细化。")
    notes = notifications_after(mark)
    assert recipients(notes) == users_counter(active_users(book["alpha"].organisation))
    assert all(n.body == "预算范围过宽，请细化。" for n in notes)


def test_void_by_an_administrator_voids_the_bids_and_tells_everyone(client, book):
    demand = book["demands"]["b_yc"]
    admin = make_window_admin("yinchuan")
    client.force_login(admin)
    bidders = [bid.institution for bid in demand.bids.select_related("institution")]
    mark = last_notification_pk()

    response = client.post(transition_url(demand, "void"), {"reason": "需求内容违反平台规则。"})

    assert response.status_code == 302
    demand.refresh_from_db()
    assert (demand.status, demand.close_reason) == (S.VOIDED, "需求内容违反平台规则。")
    assert set(demand.bids.values_list("status", flat=True)) == {BidStatus.VOID}
    log = demand.logs.order_by("-pk").first()
    assert (log.actor, log.event, log.from_status, log.to_status) == (admin, DemandEvent.VOIDED, S.BIDDING, S.VOIDED)
    expected = users_counter(active_users(book["beta"].organisation), *(active_users(b) for b in bidders))
    assert recipients(notifications_after(mark)) == expected


def test_transitions_of_the_wrong_state_are_refused_with_a_message(client, book):
    demand = book["demands"]["b_xq"]
    before = Demand.objects.filter(pk=demand.pk).values().get()
    client.force_login(HubAdminFactory())
    for name, data in (("approve", {}), ("return", {"reason": "x"}), ("void", {"reason": "x"})):
        response = client.post(transition_url(demand, name), data)
        assert response.status_code == 302
        assert messages_of(response)
    assert Demand.objects.filter(pk=demand.pk).values().get() == before


def test_bulk_approve_approves_the_pending_ones_only(client, book):
    client.force_login(HubAdminFactory())
    selected = [book["demands"][key].pk for key in ("a_yc", "a_xq", "b_xq")]
    response = client.post(CHANGELIST, {"action": "transition_approve", "_selected_action": selected, "index": "0"})
    assert response.status_code == 302
    assert dict(Demand.objects.filter(pk__in=selected).values_list("title", "status")) == {
        "银川待审核需求": S.BIDDING,
        "兴庆待审核需求": S.BIDDING,
        "兴庆已中标需求": S.AWARDED,
    }


def test_bulk_return_asks_for_a_reason(client, book):
    client.force_login(make_window_admin("yinchuan", "xingqing"))
    selected = [book["demands"][key].pk for key in ("a_yc", "a_xq")]
    data = {"action": "transition_return", "_selected_action": selected, "index": "0"}
    response = client.post(CHANGELIST, {**data, "apply": "1", "reason": ""})
    assert response.status_code == 200
    assert not Demand.objects.filter(pk__in=selected, status=S.RETURNED).exists()
    response = client.post(CHANGELIST, {**data, "apply": "1", "reason": "请补充需求说明。"})
    assert response.status_code == 302
    assert set(Demand.objects.filter(pk__in=selected).values_list("status", flat=True)) == {S.RETURNED}


def test_a_window_admins_bulk_action_leaves_other_windows_alone(client, book):
    client.force_login(make_window_admin("yinchuan"))
    selected = [book["demands"][key].pk for key in ("a_yc", "a_xq")]
    client.post(CHANGELIST, {"action": "transition_approve", "_selected_action": selected, "index": "0"})
    assert Demand.objects.get(pk=book["demands"]["a_yc"].pk).status == S.BIDDING
    assert Demand.objects.get(pk=book["demands"]["a_xq"].pk).status == S.PENDING_REVIEW


# Export to Excel ------------------------------------------------------------------------------------------


def export(client, url=CHANGELIST, selected=()):
    data = {"action": "export_xlsx", "select_across": "0", "index": "0"}
    if selected:
        data["_selected_action"] = [demand.pk for demand in selected]
    return client.post(url, data)


def workbook_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADERS
    return rows[1:]


def test_export_the_selected_demands(client, book):
    client.force_login(HubAdminFactory())
    demand = book["demands"]["b_yc"]
    Demand.objects.filter(pk=demand.pk).update(
        bid_deadline=timezone.make_aware(datetime.datetime(2030, 5, 6, 17, 30)),
        budget_min=Decimal("5000"),
        budget_max=Decimal("20000"),
    )
    rows = workbook_rows(export(client, selected=[demand, book["demands"]["b_jf"]]))
    by_title = {row[0]: row for row in rows}
    assert set(by_title) == titles(book, "b_yc", "b_jf")
    row = by_title["银川投标中需求"]
    assert row[1:8] == [
        "投标中",
        "银川贝塔商贸有限公司",
        window("yinchuan").name,
        demand.category.name,
        "5000 – 20000 元",
        datetime.datetime(2030, 5, 6, 17, 30),  # local time
        2,
    ]
    assert by_title["金凤投标中需求"][5] == "面议"
    assert row[8] is not None and row[9] is not None and row[10] is None


def test_a_window_admins_export_holds_only_its_demands(client, book):
    client.force_login(make_window_admin("yinchuan"))
    # 'Select all N' ticks the page's rows and sets select_across.
    data = {
        "action": "export_xlsx",
        "select_across": "1",
        "index": "0",
        "_selected_action": [book["demands"]["a_yc"].pk],
    }
    everything = workbook_rows(client.post(CHANGELIST, data))
    assert {row[0] for row in everything} == titles(book, "a_yc", "b_yc")
    ticked = workbook_rows(export(client, selected=[book["demands"]["a_yc"], book["demands"]["b_jf"]]))
    assert [row[0] for row in ticked] == ["银川待审核需求"]


def test_the_notification_links_of_reviewers_open_the_admin_page(client, book):
    admin = make_window_admin("jinfeng")
    mark = last_notification_pk()
    demand = demand_in_state("pending_review", enterprise=book["alpha"], window_slug="jinfeng")
    note = Notification.objects.filter(pk__gt=mark, recipient=admin).get()
    client.force_login(admin)
    assert note.url == change_url(demand)
    assert client.get(note.url).status_code == 200
