"""Orders in Django admin: scope of window administrators, filters, search, 取消订单, Excel export."""

import datetime
from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from notifications.models import Notification
from orders.actions import order_delete
from orders.models import Order, OrderEvent, OrderStatus
from tests.factories import (
    HubAdminFactory,
    certified_enterprise,
    institution_with,
    make_window_admin,
    order_in_state,
    published_service,
    window,
    with_cancel_request,
)

pytestmark = pytest.mark.django_db

S = OrderStatus
CHANGELIST = reverse("admin:orders_order_changelist")
HEADERS = [
    "订单编号",
    "状态",
    "服务名称",
    "企业",
    "服务机构",
    "窗口",
    "订购数量",
    "价格（元）",
    "计价单位",
    "下单时间",
    "受理时间",
    "完成时间",
    "验收时间",
]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def change_url(order):
    return reverse("admin:orders_order_change", args=[order.pk])


def transition_url(order, name="force_cancel"):
    return reverse("admin:orders_order_transition", args=[order.pk, name])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def numbers_listed(response):
    assert response.status_code == 200
    return {order.number for order in response.context["cl"].result_list}


@pytest.fixture
def book():
    """Orders of two institutions and two enterprises, through 银川, 兴庆区 and 金凤区, on several dates."""
    consult = institution_with("yinchuan", "xingqing", name="宁夏智联咨询中心")
    finance = institution_with("yinchuan", "jinfeng", name="银川金算盘财税服务所")
    consult_service = published_service(consult, title="企业信息化咨询")
    finance_service = published_service(finance, title="代理记账服务")
    alpha = certified_enterprise(name="宁夏阿尔法科技有限公司")
    beta = certified_enterprise(name="银川贝塔商贸有限公司")

    def order(key, state, enterprise, service, slug, day):
        made = order_in_state(state, enterprise=enterprise, service=service, window_slug=slug)
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
        Order.objects.filter(pk=made.pk).update(created_at=moment)
        return key, Order.objects.get(pk=made.pk)

    orders = dict(
        [
            order("a_xq", "submitted", alpha, consult_service, "xingqing", datetime.date(2026, 1, 5)),
            order("a_yc", "in_service", alpha, consult_service, "yinchuan", datetime.date(2026, 2, 10)),
            order("b_jf", "completed", beta, finance_service, "jinfeng", datetime.date(2026, 3, 15)),
            order("b_yc", "checked", beta, finance_service, "yinchuan", datetime.date(2026, 3, 20)),
            order("b_xq", "cancelled", beta, consult_service, "xingqing", datetime.date(2026, 4, 1)),
        ]
    )
    return {"orders": orders, "consult": consult, "finance": finance, "alpha": alpha, "beta": beta}


def numbers(book, *keys):
    return {book["orders"][key].number for key in keys}


ALL = ["a_xq", "a_yc", "b_jf", "b_yc", "b_xq"]


# Scope ------------------------------------------------------------------------------------------------


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
def test_a_window_admin_sees_only_the_orders_of_its_windows(client, book, windows, expected):
    client.force_login(make_window_admin(*windows))
    assert numbers_listed(client.get(CHANGELIST)) == numbers(book, *expected)


def test_the_hub_admin_sees_every_order(client, book):
    client.force_login(HubAdminFactory())
    response = client.get(CHANGELIST)
    assert numbers_listed(response) == numbers(book, *ALL)
    content = response.content.decode()
    for label in ("待受理", "服务中", "已完成", "已验收", "已取消"):
        assert label in content


def test_a_window_admin_cannot_open_or_cancel_an_order_of_another_window(client, book):
    order = book["orders"]["b_jf"]
    client.force_login(make_window_admin("xingqing"))
    assert client.get(change_url(order)).status_code == 302  # admin's "does not exist" redirect
    assert client.get(transition_url(order)).status_code == 404
    assert client.post(transition_url(order), {"reason": "越权取消"}).status_code == 404
    order.refresh_from_db()
    assert order.status == S.COMPLETED


def test_the_window_filter_does_not_widen_a_window_admins_scope(client, book):
    client.force_login(make_window_admin("xingqing"))
    response = client.get(CHANGELIST, {"window__id__exact": window("jinfeng").pk})
    assert numbers_listed(response) == set()


def test_an_order_the_enterprise_deleted_stays_in_admin(client, book):
    order = book["orders"]["b_xq"]
    order_delete(order=order, actor=book["beta"])
    client.force_login(make_window_admin("xingqing"))
    assert order.number in numbers_listed(client.get(CHANGELIST))
    assert client.get(change_url(order)).status_code == 200


def test_orders_cannot_be_added_or_deleted_in_admin(client, book):
    client.force_login(HubAdminFactory())
    assert client.get(reverse("admin:orders_order_add")).status_code == 403
    order = book["orders"]["b_xq"]
    assert client.post(reverse("admin:orders_order_delete", args=[order.pk]), {"post": "yes"}).status_code == 403
    assert Order.objects.filter(pk=order.pk).exists()


# Filters and search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status__exact": "in_service"}, ["a_yc"]),
        ({"status__exact": "cancelled"}, ["b_xq"]),
        ({"window": "xingqing"}, ["a_xq", "b_xq"]),
        ({"institution": "finance"}, ["b_jf", "b_yc"]),
        (
            {"created_at__gte": "2026-03-01 00:00:00+08:00", "created_at__lt": "2026-04-01 00:00:00+08:00"},
            ["b_jf", "b_yc"],
        ),
        ({"created_at__year": "2026", "created_at__month": "1"}, ["a_xq"]),
        ({"q": "number:b_yc"}, ["b_yc"]),
        ({"q": "阿尔法"}, ["a_xq", "a_yc"]),
        ({"q": "金算盘"}, ["b_jf", "b_yc"]),
        ({"q": "代理记账"}, ["b_jf", "b_yc"]),
    ],
)
def test_filters_and_search(client, book, params, expected):
    if "window" in params:
        params = {"window__id__exact": window(params["window"]).pk}
    if "institution" in params:
        params = {"institution__id__exact": book[params["institution"]].organisation.pk}
    if params.get("q", "").startswith("number:"):
        params = {"q": book["orders"][params["q"].split(":")[1]].number}
    client.force_login(HubAdminFactory())
    assert numbers_listed(client.get(CHANGELIST, params)) == numbers(book, *expected)


def test_no_filter_lists_every_institution_they_are_found_by_search(client, book):
    """Thousands of institutions would make a filter of links; search finds them instead."""
    client.force_login(HubAdminFactory())
    response = client.get(CHANGELIST)
    assert not [
        spec for spec in response.context["cl"].filter_specs if getattr(spec, "field_path", "") == "institution"
    ]
    assert "institution__name" in response.context["cl"].search_fields


def test_a_window_admin_finds_only_their_windows_orders_by_institution_name(client, book):
    client.force_login(make_window_admin("jinfeng"))
    assert numbers_listed(client.get(CHANGELIST, {"q": "阿尔法"})) == set()
    assert numbers_listed(client.get(CHANGELIST, {"q": "金算盘"})) == numbers(book, "b_jf")


def test_long_titles_are_cut_short_with_the_full_text_on_hover_and_the_state_shows(client, book):
    order = book["orders"]["a_xq"]
    type(order).objects.filter(pk=order.pk).update(service_title="企业常年法律顾问及合同审查一揽子综合服务套餐")
    client.force_login(HubAdminFactory())
    content = client.get(CHANGELIST).content.decode()
    assert 'title="企业常年法律顾问及合同审查一揽子综合服务套餐"' in content
    headers = [str(h["text"]) for h in client.get(CHANGELIST).context["result_headers"]]
    assert "状态" in headers and "下单时间" in headers
    assert len(headers) <= 7  # the checkbox, number, service, two parties, state, time


# 取消订单 (force cancel) ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["a_xq", "a_yc", "b_jf"])
def test_open_orders_offer_the_cancel_button(client, book, key):
    order = book["orders"][key]
    client.force_login(HubAdminFactory())
    response = client.get(change_url(order))
    assert response.status_code == 200
    assert [str(b["label"]) for b in response.context["transition_buttons"]] == ["取消订单"]
    assert f'href="{transition_url(order)}"' in response.content.decode()


@pytest.mark.parametrize("key", ["b_yc", "b_xq"])
def test_closed_orders_offer_no_cancel_button(client, book, key):
    client.force_login(HubAdminFactory())
    response = client.get(change_url(book["orders"][key]))
    assert response.status_code == 200
    assert response.context["transition_buttons"] == []


@pytest.mark.parametrize("admin", ["window", "hub"])
def test_cancel_with_a_reason_cancels_and_tells_both_sides(client, book, admin):
    order = book["orders"]["a_yc"]
    with_cancel_request(order, "institution")
    actor = make_window_admin("yinchuan") if admin == "window" else HubAdminFactory()
    client.force_login(actor)
    page = client.get(transition_url(order))
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    mark = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    response = client.post(transition_url(order), {"reason": "双方纠纷，经核实由平台取消。"})

    assert response.status_code == 302
    assert response.url == change_url(order)
    order.refresh_from_db()
    assert order.status == S.CANCELLED
    assert (order.cancel_requested_by, order.closed_at is not None) == ("", True)
    log = order.logs.order_by("-pk").first()
    assert (log.actor, log.event, log.from_status, log.to_status, log.reason) == (
        actor,
        OrderEvent.FORCE_CANCELLED,
        S.IN_SERVICE,
        S.CANCELLED,
        "双方纠纷，经核实由平台取消。",
    )
    notes = Notification.objects.filter(pk__gt=mark)
    assert {n.recipient for n in notes} == {book["alpha"], book["consult"]}
    for note in notes:
        assert note.title == f"订单 {order.number} 已被管理员取消"
        assert note.body == "原因：双方纠纷，经核实由平台取消。"
        assert note.url == order.get_absolute_url()


@pytest.mark.parametrize("reason", ["", "   "])
def test_cancel_without_a_reason_is_refused(client, book, reason):
    order = book["orders"]["a_xq"]
    client.force_login(HubAdminFactory())
    logs = order.logs.count()
    notes = Notification.objects.count()

    response = client.post(transition_url(order), {"reason": reason})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["此项为必填项。"]
    order.refresh_from_db()
    assert order.status == S.SUBMITTED
    assert order.logs.count() == logs
    assert Notification.objects.count() == notes


def test_cancelling_a_closed_order_is_refused_with_the_message(client, book):
    order = book["orders"]["b_yc"]
    client.force_login(HubAdminFactory())
    response = client.post(transition_url(order), {"reason": "重复操作"})
    assert response.status_code == 302
    assert "该订单已不能取消。" in messages_of(response)
    order.refresh_from_db()
    assert order.status == S.CHECKED


def test_bulk_cancel_asks_for_a_reason_then_cancels_the_open_ones(client, book):
    client.force_login(HubAdminFactory())
    selected = [book["orders"][key].pk for key in ("a_xq", "a_yc", "b_yc")]
    data = {"action": "transition_force_cancel", "_selected_action": selected}

    response = client.post(CHANGELIST, {**data, "apply": "1", "reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["此项为必填项。"]
    assert not Order.objects.filter(pk__in=selected, status=S.CANCELLED).exists()

    response = client.post(CHANGELIST, {**data, "apply": "1", "reason": "违规订单"})
    assert response.status_code == 302
    assert dict(Order.objects.filter(pk__in=selected).values_list("number", "status")) == {
        book["orders"]["a_xq"].number: S.CANCELLED,
        book["orders"]["a_yc"].number: S.CANCELLED,
        book["orders"]["b_yc"].number: S.CHECKED,
    }


# Export to Excel ----------------------------------------------------------------------------------------


def export(client, url=CHANGELIST, selected=()):
    """Post the change list's action form as the browser does: the action, its button's index, the ticked rows."""
    data = {"action": "export_xlsx", "select_across": "0", "index": "0"}
    if selected:
        data["_selected_action"] = [order.pk for order in selected]
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


def test_export_the_selected_orders(client, book):
    client.force_login(HubAdminFactory())
    selected = [book["orders"]["a_yc"], book["orders"]["b_jf"]]

    rows = workbook_rows(export(client, selected=selected))
    assert sorted(row[0] for row in rows) == sorted(o.number for o in selected)
    by_number = {row[0]: row for row in rows}
    row = by_number[book["orders"]["a_yc"].number]
    assert row[1:7] == [
        "服务中",
        "企业信息化咨询",
        "宁夏阿尔法科技有限公司",
        "宁夏智联咨询中心",
        window("yinchuan").name,
        1,
    ]
    assert row[9] == datetime.datetime(2026, 2, 10, 9, 0)  # local time
    assert row[10] is not None and row[11] is None


def test_export_with_nothing_selected_exports_the_whole_filtered_list(client, book):
    client.force_login(HubAdminFactory())

    everything = workbook_rows(export(client))
    assert {row[0] for row in everything} == numbers(book, *ALL)
    assert len(everything) == len(ALL)

    filtered = workbook_rows(export(client, f"{CHANGELIST}?window__id__exact={window('xingqing').pk}"))
    assert {row[0] for row in filtered} == numbers(book, "a_xq", "b_xq")
    searched = workbook_rows(export(client, f"{CHANGELIST}?q=金算盘"))
    assert {row[0] for row in searched} == numbers(book, "b_jf", "b_yc")


def test_a_window_admins_export_holds_only_its_orders(client, book):
    client.force_login(make_window_admin("yinchuan"))
    # Ticking another window's order by hand does not export it.
    mine, foreign = book["orders"]["a_yc"], book["orders"]["b_jf"]
    assert [row[0] for row in workbook_rows(export(client, selected=[mine, foreign]))] == [mine.number]


def test_a_window_admins_export_of_the_whole_list_holds_only_its_orders(client, book):
    client.force_login(make_window_admin("yinchuan"))
    rows = workbook_rows(export(client))
    assert {row[0] for row in rows} == numbers(book, "a_yc", "b_yc")
