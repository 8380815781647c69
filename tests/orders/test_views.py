"""The order pages: access, 【我要申请】, the lists and their tabs, the buttons per state, forms, downloads."""

import datetime
from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders.models import Order, OrderAttachment, OrderEvent, OrderLog, OrderStatus
from tests.factories import (
    PDF_BYTES,
    EnterpriseUserFactory,
    HubAdminFactory,
    StaffUserFactory,
    certified_enterprise,
    certified_institution,
    institution_with,
    make_window_admin,
    order_document,
    order_in_state,
    pdf_upload,
    published_service,
    window,
    with_cancel_request,
)
from tests.once import with_token

pytestmark = pytest.mark.django_db

S = OrderStatus
LOGIN = reverse("account_login")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


class Links(HTMLParser):
    """The links (href, text) and form buttons (form action, button text) of a page."""

    def __init__(self, html):
        super().__init__()
        self.links, self.buttons = [], []
        self._link = self._form = self._button = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self._link = [attrs["href"], ""]
        elif tag == "form":
            self._form = attrs.get("action", "")
        elif tag == "button":
            self._button = [self._form, ""]

    def handle_data(self, data):
        for current in (self._link, self._button):
            if current is not None:
                current[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            self.links.append((self._link[0], self._link[1].strip()))
            self._link = None
        elif tag == "button" and self._button is not None:
            self.buttons.append((self._button[0], self._button[1].strip()))
            self._button = None
        elif tag == "form":
            self._form = None


def page(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def world():
    institution = certified_institution("yinchuan")
    service = published_service(institution, title="企业信息化咨询")
    return {
        "institution": institution,
        "enterprise": certified_enterprise(),
        "service": service,
        "other_enterprise": certified_enterprise(),
        "other_institution": certified_institution("yinchuan"),
        "window_admin": make_window_admin("yinchuan"),
        "other_window_admin": make_window_admin("xingqing"),
        "staff": StaffUserFactory(),
        "hub_admin": HubAdminFactory(),
    }


def order_of(world, state, **kwargs):
    base = "in_service" if state.startswith("cr_") else state
    order = order_in_state(
        base,
        enterprise=world["enterprise"],
        institution=world["institution"],
        service=world["service"],
        attachments=[order_document("需求说明.pdf")],
        **kwargs,
    )
    if state == "cr_enterprise":
        with_cancel_request(order, world["enterprise"])
    elif state == "cr_institution":
        with_cancel_request(order, world["institution"])
    return Order.objects.get(pk=order.pk)


def order_urls(order):
    attachment = order.attachments.first()
    return {
        "detail": reverse("orders:detail", args=[order.pk]),
        "update": reverse("orders:update", args=[order.pk]),
        "cancel": reverse("orders:cancel", args=[order.pk]),
        "delete": reverse("orders:delete", args=[order.pk]),
        "accept": reverse("orders:accept", args=[order.pk]),
        "decline": reverse("orders:decline", args=[order.pk]),
        "finish": reverse("orders:finish", args=[order.pk]),
        "check": reverse("orders:check", args=[order.pk]),
        "request_cancel": reverse("orders:request_cancel", args=[order.pk]),
        "answer_cancel": reverse("orders:answer_cancel", args=[order.pk]),
        "attachment": reverse("orders:attachment", args=[attachment.pk]),
    }


POST_ONLY = {"accept", "answer_cancel"}


# Access ----------------------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_login_on_every_order_page(client, world):
    order = order_of(world, "submitted")
    urls = [
        reverse("orders:list"),
        *(reverse("orders:tab", args=[tab]) for tab in ("in_service", "completed", "checked", "to_review")),
        reverse("orders:place", args=[world["service"].pk]),
        *order_urls(order).values(),
    ]
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, (method, url)
            assert response.url.startswith(f"{LOGIN}?next="), (method, url, response.url)
    order.refresh_from_db()
    assert order.status == S.SUBMITTED
    assert order.logs.count() == 1


@pytest.mark.parametrize("stranger", ["other_enterprise", "other_institution", "other_window_admin", "staff"])
def test_other_organisations_get_404_on_every_page_of_the_order(client, world, stranger):
    orders = {state: order_of(world, state) for state in ("submitted", "in_service", "completed", "cancelled")}
    client.force_login(world[stranger])
    for order in orders.values():
        for name, url in order_urls(order).items():
            if name not in POST_ONLY:
                assert client.get(url).status_code == 404, (name, url)
            data = {"reason": "想要取消", "completed": "yes", "passed": "yes", "answer": "agree", "quantity": 9}
            assert client.post(url, data).status_code == 404, (name, url)
    for state, order in orders.items():
        order.refresh_from_db()
        assert (order.status, order.quantity, order.hidden_by_enterprise) == (state, 1, False)
        assert not order.logs.exclude(actor__in=[world["enterprise"], world["institution"]]).exists()


@pytest.mark.parametrize(
    ("who", "names"),
    [
        ("institution", ["update", "cancel", "delete", "finish", "check"]),
        ("enterprise", ["decline"]),
    ],
)
def test_the_other_party_gets_404_on_the_pages_that_are_not_its_own(client, world, who, names):
    order = order_of(world, "submitted")
    client.force_login(world[who])
    for name in names:
        url = order_urls(order)[name]
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"reason": "x", "completed": "yes", "passed": "yes", "quantity": 9}).status_code == 404
    order.refresh_from_db()
    assert (order.status, order.quantity) == (S.SUBMITTED, 1)


def test_the_enterprise_cannot_accept_its_own_order(client, world):
    order = order_of(world, "submitted")
    client.force_login(world["enterprise"])
    response = client.post(order_urls(order)["accept"])
    assert response.status_code == 302
    assert messages_of(response) == ["只有该订单的服务机构可以执行此操作。"]
    order.refresh_from_db()
    assert order.status == S.SUBMITTED


@pytest.mark.parametrize("who", ["enterprise", "institution", "window_admin", "hub_admin"])
def test_the_parties_and_the_windows_staff_see_the_order(client, world, who):
    order = order_of(world, "in_service")
    client.force_login(world[who])
    content = page(client.get(order_urls(order)["detail"]))
    assert order.number in content
    assert "企业信息化咨询" in content
    assert "服务中" in content
    assert "需求说明.pdf" in content
    assert "订单进程" in content and "申请服务" in content and "受理订单" in content


def test_a_deleted_order_is_gone_for_the_enterprise_only(client, world):
    order = order_of(world, "cancelled")
    client.force_login(world["enterprise"])
    assert client.post(order_urls(order)["delete"]).status_code == 302
    assert client.get(order_urls(order)["detail"]).status_code == 404
    assert client.get(order_urls(order)["attachment"]).status_code == 404
    assert order.number not in page(client.get(reverse("orders:list")))

    client.force_login(world["institution"])
    assert client.get(order_urls(order)["detail"]).status_code == 200
    assert order.number in page(client.get(reverse("orders:list")))


# 【我要申请】 on the service page, and the form ------------------------------------------------------


def test_the_service_page_offers_apply_to_enterprises_only(client, world):
    service_url = world["service"].get_absolute_url()
    place_url = reverse("orders:place", args=[world["service"].pk])

    client.force_login(world["enterprise"])
    assert (place_url, "我要申请") in Links(page(client.get(service_url))).links

    client.force_login(world["institution"])
    links = Links(page(client.get(service_url))).links
    assert not [link for link in links if place_url in link[0]]
    assert "我要申请" not in [text for _href, text in links]

    client.logout()
    assert (f"{LOGIN}?next={place_url}", "我要申请") in Links(page(client.get(service_url))).links


def test_the_place_form_has_the_manuals_fields(client, world):
    client.force_login(world["enterprise"])
    response = client.get(reverse("orders:place", args=[world["service"].pk]))
    content = page(response)
    form = response.context["form"]
    assert [field.name for field in form.visible_fields()] == ["window", "quantity", "requirements", "attachments"]
    assert [str(field.label) for field in form.visible_fields()] == ["窗口", "订购数量", "要求", "附件"]
    for label in ("订购数量", "要求", "附件", "窗口", "我要申请"):
        assert label in content
    assert form.fields["window"].choices == [(window("yinchuan").pk, window("yinchuan").name)]


def test_placing_an_order_through_the_form(client, world):
    client.force_login(world["enterprise"])
    response = client.post(
        reverse("orders:place", args=[world["service"].pk]),
        {
            "window": window("yinchuan").pk,
            "quantity": 4,
            "requirements": "请安排两名顾问。",
            "attachments": [pdf_upload("公司简介.pdf"), pdf_upload("需求清单.pdf")],
        }
        | with_token(),
    )
    order = Order.objects.get()
    assert response.status_code == 302
    assert response.url == order.get_absolute_url()
    assert messages_of(response) == [f"订单 {order.number} 已提交，等待服务机构受理。"]
    assert (order.status, order.quantity, order.requirements, order.enterprise) == (
        S.SUBMITTED,
        4,
        "请安排两名顾问。",
        world["enterprise"].organisation,
    )
    assert sorted(order.attachments.values_list("original_name", flat=True)) == ["公司简介.pdf", "需求清单.pdf"]


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"quantity": "0"}, "quantity", "确保该值大于或等于1。"),
        (
            {"attachments": [SimpleUploadedFile("报价单.pdf", b"<html><script>alert(1)</script></html>")]},
            "attachments",
            "报价单.pdf：不支持此类文件。",
        ),
        ({"window": "999999"}, "window", "选择一个有效的选项。"),
    ],
    ids=["quantity-0", "html-named-pdf", "unknown-window"],
)
def test_bad_input_keeps_what_was_typed_shows_the_error_and_saves_nothing(client, world, data, field, error):
    client.force_login(world["enterprise"])
    values = {"window": window("yinchuan").pk, "quantity": "3", "requirements": "需要提供上门服务，周末也可以。"}
    values.update(data)
    response = client.post(reverse("orders:place", args=[world["service"].pk]), with_token(values))

    content = page(response)
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert error in " ".join(form.errors[field])
    assert error in content
    assert "需要提供上门服务，周末也可以。" in content  # kept
    assert f'value="{values["quantity"]}"' in content
    if field != "window":
        assert f'<option value="{window("yinchuan").pk}" selected>' in content
    assert not Order.objects.exists()
    assert not OrderAttachment.objects.exists()


def test_an_institution_cannot_apply(client, world):
    client.force_login(world["other_institution"])
    response = client.post(
        reverse("orders:place", args=[world["service"].pk]), with_token(window=window("yinchuan").pk, quantity=1)
    )
    assert response.status_code == 302
    assert messages_of(response) == ["只有企业用户可以申请服务。"]
    assert not Order.objects.exists()


def test_an_uncertified_enterprise_is_told_to_get_certified(client, world):
    client.force_login(EnterpriseUserFactory())
    response = client.post(
        reverse("orders:place", args=[world["service"].pk]), with_token(window=window("yinchuan").pk, quantity=1)
    )
    assert response.status_code == 403
    assert not Order.objects.exists()


# The lists --------------------------------------------------------------------------------------------


def listed_numbers(response):
    assert response.status_code == 200
    return {order.number for order in response.context["page"].object_list}


@pytest.fixture
def many(world):
    """Orders of the enterprise in every state, at different dates, with two institutions; one of a stranger."""
    finance = institution_with("yinchuan", name="宁夏金算盘财税服务中心")
    finance_service = published_service(finance, title="代理记账服务")
    orders = {}
    for state in ("submitted", "in_service", "completed", "checked", "cancelled", "declined", "expired"):
        orders[state] = order_of(world, state)
    orders["finance"] = order_in_state(
        "in_service", enterprise=world["enterprise"], institution=finance, service=finance_service
    )
    orders["stranger"] = order_in_state(
        "in_service", enterprise=world["other_enterprise"], institution=world["institution"], service=world["service"]
    )
    dates = {
        "submitted": datetime.date(2026, 3, 1),
        "in_service": datetime.date(2026, 3, 10),
        "completed": datetime.date(2026, 4, 5),
        "checked": datetime.date(2026, 5, 20),
        "cancelled": datetime.date(2026, 6, 1),
        "declined": datetime.date(2026, 6, 15),
        "expired": datetime.date(2026, 7, 1),
        "finance": datetime.date(2026, 7, 2),
        "stranger": datetime.date(2026, 3, 10),
    }
    for key, day in dates.items():
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 30)))
        Order.objects.filter(pk=orders[key].pk).update(created_at=moment)
    return {key: Order.objects.get(pk=order.pk) for key, order in orders.items()}


def numbers(many, *keys):
    return {many[key].number for key in keys}


MINE = ["submitted", "in_service", "completed", "checked", "cancelled", "declined", "expired", "finance"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, MINE),
        ({"status": "in_service"}, ["in_service", "finance"]),
        ({"status": "declined"}, ["declined"]),
        ({"date_from": "2026-04-01", "date_to": "2026-06-01"}, ["completed", "checked", "cancelled"]),
        ({"date_from": "2026-06-15"}, ["declined", "expired", "finance"]),
        ({"date_to": "2026-03-10"}, ["submitted", "in_service"]),
        ({"q": "代理记账"}, ["finance"]),
        ({"q": "金算盘"}, ["finance"]),
        ({"q": "信息化"}, ["submitted", "in_service", "completed", "checked", "cancelled", "declined", "expired"]),
        ({"status": "in_service", "q": "信息化"}, ["in_service"]),
    ],
)
def test_my_orders_filter_by_status_date_and_keyword(client, world, many, params, expected):
    client.force_login(world["enterprise"])
    response = client.get(reverse("orders:list"), params)
    assert listed_numbers(response) == numbers(many, *expected)
    content = page(response)
    assert "我申请的订单" in content
    for key in expected:
        assert many[key].number in content


def test_my_orders_finds_an_order_by_its_number(client, world, many):
    client.force_login(world["enterprise"])
    assert listed_numbers(client.get(reverse("orders:list"), {"q": many["checked"].number})) == numbers(many, "checked")
    # A stranger's order is not found even by its number.
    assert listed_numbers(client.get(reverse("orders:list"), {"q": many["stranger"].number})) == set()


def test_a_bad_date_shows_an_error_and_keeps_the_list(client, world, many):
    client.force_login(world["enterprise"])
    response = client.get(reverse("orders:list"), {"date_from": "2026-13-45", "q": "信息化"})
    assert response.status_code == 200
    assert "date_from" in response.context["form"].errors
    assert 'value="信息化"' in page(response)


@pytest.mark.parametrize(
    ("tab", "title", "expected"),
    [
        ("in_service", "服务中的订单", ["in_service", "finance"]),
        ("completed", "已完成的订单", ["completed"]),
        ("checked", "已验收的订单", ["checked"]),
        ("to_review", "待评价的订单", ["checked"]),
    ],
)
def test_the_enterprise_tabs(client, world, many, tab, title, expected):
    client.force_login(world["enterprise"])
    url = reverse("orders:tab", args=[tab])
    response = client.get(url)
    assert listed_numbers(response) == numbers(many, *expected)
    content = page(response)
    assert title in content
    assert (url, title) in Links(content).links  # the 用户中心 menu entry


@pytest.mark.parametrize(
    ("tab", "title", "expected"),
    [
        ("all", "收到的订单", ["stranger", *MINE[:-1]]),
        ("submitted", "待受理的订单", ["submitted"]),
        ("in_service", "服务中的订单", ["in_service", "stranger"]),
        ("completed", "已完成的订单", ["completed"]),
        ("checked", "已验收的订单", ["checked"]),
        ("to_review", "待评价的订单", ["checked"]),
    ],
)
def test_the_institution_tabs(client, world, many, tab, title, expected):
    client.force_login(world["institution"])
    url = reverse("orders:list") if tab == "all" else reverse("orders:tab", args=[tab])
    response = client.get(url)
    assert listed_numbers(response) == numbers(many, *expected)
    content = page(response)
    assert title in content
    assert (url, title) in Links(content).links


def test_the_institution_filters_its_list_by_enterprise_name_and_date(client, world, many):
    client.force_login(world["institution"])
    name = world["other_enterprise"].organisation.name
    assert listed_numbers(client.get(reverse("orders:list"), {"q": name})) == numbers(many, "stranger")
    response = client.get(reverse("orders:list"), {"date_from": "2026-03-10", "date_to": "2026-03-10"})
    assert listed_numbers(response) == numbers(many, "in_service", "stranger")


def test_the_next_page_keeps_the_filters(client, world):
    service = world["service"]
    Order.objects.bulk_create(
        Order(
            number=f"YCPAGE{n:06d}",
            enterprise=world["enterprise"].organisation,
            institution=world["institution"].organisation,
            service=service,
            window=window("yinchuan"),
            service_title=f"R&D 咨询 {n}" if n < 25 else f"其他服务 {n}",
            price_mode=service.price_mode,
            quantity=1,
        )
        for n in range(30)
    )
    client.force_login(world["enterprise"])
    first = client.get(reverse("orders:list"), {"q": "R&D", "status": "submitted"})
    assert len(first.context["page"].object_list) == 20
    next_links = [href for href, _text in Links(page(first)).links if "page=2" in href]
    assert next_links

    second = client.get(reverse("orders:list") + next_links[0])

    assert second.context["form"].cleaned_data["q"] == "R&D"
    assert second.context["form"].cleaned_data["status"] == "submitted"
    assert len(second.context["page"].object_list) == 5
    assert all(o.service_title.startswith("R&D") for o in second.context["page"].object_list)


def test_unknown_tabs_are_404(client, world):
    client.force_login(world["enterprise"])
    assert client.get(reverse("orders:tab", args=["submitted"])).status_code == 404  # an institution tab
    assert client.get(reverse("orders:tab", args=["nonsense"])).status_code == 404


# The buttons of each state -------------------------------------------------------------------------

ENTERPRISE_BUTTONS = {
    "submitted": {("修改", "update"), ("取消订单", "cancel")},
    "in_service": {("服务完成", "finish"), ("申请取消", "request_cancel")},
    "cr_enterprise": {("服务完成", "finish")},
    "cr_institution": {("服务完成", "finish"), ("同意取消", "answer_cancel"), ("不同意取消", "answer_cancel")},
    "completed": {("验收", "check")},
    "checked": set(),
    "cancelled": {("删除", "delete")},
    "declined": {("删除", "delete")},
    "expired": {("删除", "delete")},
}
INSTITUTION_BUTTONS = {
    "submitted": {("受理", "accept"), ("拒绝", "decline")},
    "in_service": {("申请取消", "request_cancel")},
    "cr_enterprise": {("同意取消", "answer_cancel"), ("不同意取消", "answer_cancel")},
    "cr_institution": set(),
    "completed": set(),
    "checked": set(),
    "cancelled": set(),
    "declined": set(),
    "expired": set(),
}


def order_buttons(content, order):
    """(label, url name) of every link or button acting on the order."""
    names = {url: name for name, url in order_urls(order).items() if name not in ("detail", "attachment")}
    found = set()
    parsed = Links(content)
    for href, text in parsed.links + parsed.buttons:
        if href in names:
            found.add((text, names[href]))
    return found


@pytest.mark.parametrize("state", list(ENTERPRISE_BUTTONS))
@pytest.mark.parametrize("who", ["enterprise", "institution", "window_admin"])
def test_the_buttons_offered_in_each_state(client, world, state, who):
    order = order_of(world, state)
    expected = {"enterprise": ENTERPRISE_BUTTONS, "institution": INSTITUTION_BUTTONS}.get(who, {}).get(state, set())
    client.force_login(world[who])
    assert order_buttons(page(client.get(order.get_absolute_url())), order) == expected
    if who != "window_admin":
        # The same buttons on the row of the list.
        assert order_buttons(page(client.get(reverse("orders:list"))), order) == expected


def test_the_status_is_shown_in_chinese(client, world):
    labels = {
        "submitted": "待受理",
        "in_service": "服务中",
        "completed": "已完成",
        "checked": "已验收",
        "cancelled": "已取消",
        "declined": "已拒绝",
        "expired": "已失效",
    }
    orders = {state: order_of(world, state) for state in labels}
    client.force_login(world["institution"])
    content = page(client.get(reverse("orders:list")))
    for state, label in labels.items():
        assert f'<span class="badge status-{state}">{label}</span>' in content
        detail = page(client.get(orders[state].get_absolute_url()))
        assert label in detail


# The forms of the transitions ------------------------------------------------------------------------


def test_modify_keeps_input_on_error_and_saves(client, world):
    order = order_of(world, "submitted")
    client.force_login(world["enterprise"])
    url = order_urls(order)["update"]
    assert "需求说明.pdf" in page(client.get(url))

    response = client.post(url, {"quantity": "0", "requirements": "改为每周一次。"})
    assert "确保该值大于或等于1。" in page(response)
    assert "改为每周一次。" in page(response)
    order.refresh_from_db()
    assert (order.quantity, order.requirements) == (1, "")

    response = client.post(
        url,
        {
            "quantity": "6",
            "requirements": "改为每周一次。",
            "attachments": [pdf_upload("新增附件.pdf")],
            "remove_attachments": [order.attachments.get().pk],
        },
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.quantity, order.requirements) == (6, "改为每周一次。")
    assert list(order.attachments.values_list("original_name", flat=True)) == ["新增附件.pdf"]
    assert order.logs.filter(event=OrderEvent.UPDATED).count() == 1


def test_modify_of_an_accepted_order_is_refused(client, world):
    order = order_of(world, "in_service")
    client.force_login(world["enterprise"])
    response = client.post(order_urls(order)["update"], {"quantity": "6"})
    assert response.status_code == 302
    assert messages_of(response) == ["只有待受理的订单可以修改。"]
    order.refresh_from_db()
    assert order.quantity == 1


def test_service_completed_with_not_completed_requires_a_reason(client, world):
    order = order_of(world, "in_service")
    client.force_login(world["enterprise"])
    url = order_urls(order)["finish"]
    content = page(client.get(url))
    for label in ("服务完成", "完成与否", "已完成", "未完成", "保存"):
        assert label in content

    response = client.post(url, {"completed": "no", "reason": "  "})
    assert response.context["form"].errors == {"reason": ["请告知服务机构哪些尚未完成。"]}
    assert "请告知服务机构哪些尚未完成。" in page(response)
    assert order.logs.count() == 2

    response = client.post(url, {"completed": "no", "reason": "尚未提交最终报告。"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == S.IN_SERVICE
    log = order.logs.last()
    assert (log.event, log.reason) == (OrderEvent.NOT_COMPLETED, "尚未提交最终报告。")

    assert client.post(url, {"completed": "yes"}).status_code == 302
    order.refresh_from_db()
    assert order.status == S.COMPLETED


def test_acceptance_not_passed_requires_a_reason(client, world):
    order = order_of(world, "completed")
    client.force_login(world["enterprise"])
    url = order_urls(order)["check"]
    content = page(client.get(url))
    assert "验收合格" in content and "验收不合格" in content

    response = client.post(url, {"passed": "no", "reason": ""})
    assert response.context["form"].errors == {"reason": ["请告知服务机构验收不合格的原因。"]}
    order.refresh_from_db()
    assert order.status == S.COMPLETED

    assert client.post(url, {"passed": "no", "reason": "报告内容不完整。"}).status_code == 302
    order.refresh_from_db()
    assert order.status == S.IN_SERVICE
    assert order.logs.last().reason == "报告内容不完整。"


def test_acceptance_passed_checks_the_order(client, world):
    order = order_of(world, "completed")
    client.force_login(world["enterprise"])
    response = client.post(order_urls(order)["check"], {"passed": "yes"})
    assert response.status_code == 302
    assert messages_of(response) == ["已保存。"]
    order.refresh_from_db()
    assert order.status == S.CHECKED


def test_decline_requires_a_reason(client, world):
    order = order_of(world, "submitted")
    client.force_login(world["institution"])
    url = order_urls(order)["decline"]
    response = client.post(url, {"reason": ""})
    assert response.context["form"].errors == {"reason": ["此项为必填项。"]}
    order.refresh_from_db()
    assert order.status == S.SUBMITTED

    response = client.post(url, {"reason": "本月排期已满。"})
    assert response.status_code == 302
    assert messages_of(response) == ["订单已拒绝。"]
    order.refresh_from_db()
    assert order.status == S.DECLINED


def test_cancel_and_delete_through_their_confirmation_pages(client, world):
    order = order_of(world, "submitted")
    client.force_login(world["enterprise"])
    urls = order_urls(order)
    assert "服务机构将收到通知。订单取消后不能恢复。" in page(client.get(urls["cancel"]))
    order.refresh_from_db()
    assert order.status == S.SUBMITTED  # the page only asks

    response = client.post(urls["cancel"])
    assert messages_of(response) == ["订单已取消。"]
    order.refresh_from_db()
    assert order.status == S.CANCELLED

    # A second click on the same button is refused and changes nothing.
    response = client.post(urls["cancel"])
    assert response.status_code == 302
    assert messages_of(response)[-1] == "只有待受理的订单可以取消。"
    assert order.logs.filter(event=OrderEvent.CANCELLED).count() == 1

    response = client.post(urls["delete"])
    assert messages_of(response)[-1] == "订单已从您的列表中删除。"
    order.refresh_from_db()
    assert order.hidden_by_enterprise is True


def test_a_cancellation_is_asked_and_answered(client, world):
    order = order_of(world, "in_service")
    client.force_login(world["institution"])
    response = client.post(order_urls(order)["request_cancel"], {"reason": "人员调整，无法继续服务。"})
    assert response.status_code == 302

    client.force_login(world["enterprise"])
    content = page(client.get(order.get_absolute_url()))
    assert "服务机构申请取消订单。" in content and "人员调整，无法继续服务。" in content
    response = client.post(order_urls(order)["answer_cancel"], {"answer": "refuse"})
    assert messages_of(response) == ["订单继续进行。"]
    order.refresh_from_db()
    assert (order.status, order.cancel_requested_by) == (S.IN_SERVICE, "")

    client.force_login(world["institution"])
    client.post(order_urls(order)["request_cancel"], {"reason": "人员调整，无法继续服务。"})
    client.force_login(world["enterprise"])
    response = client.post(order_urls(order)["answer_cancel"], {"answer": "agree"})
    assert messages_of(response)[-1] == "订单已取消。"
    order.refresh_from_db()
    assert order.status == S.CANCELLED


# Attachments ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["enterprise", "institution", "window_admin", "hub_admin"])
def test_attachments_download_to_the_parties_and_the_windows_staff(client, world, who):
    order = order_of(world, "submitted")
    client.force_login(world[who])
    response = client.get(order_urls(order)["attachment"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E9%9C%80%E6%B1%82%E8%AF%B4%E6%98%8E.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("who", ["other_enterprise", "other_institution", "other_window_admin", "staff"])
def test_attachments_are_404_for_everyone_else(client, world, who):
    order = order_of(world, "submitted")
    client.force_login(world[who])
    assert client.get(order_urls(order)["attachment"]).status_code == 404


def test_an_unknown_attachment_is_404(client, world):
    client.force_login(world["enterprise"])
    assert client.get(reverse("orders:attachment", args=[999999])).status_code == 404


# Pinned query counts ------------------------------------------------------------------------------

# Measured with 10 orders (the same on SQLite and PostgreSQL); they must not grow with the rows.
# The detail page also lists the order's complaints and reviews (one query each, issue 7).
PINNED = {"enterprise_list": 6, "institution_list": 6, "detail": 10, "detail_staff": 11}


def bulk_orders(world, count, start):
    """`count` orders of the enterprise with the institution, in assorted states, with two bulk inserts."""
    statuses = [S.SUBMITTED, S.IN_SERVICE, S.COMPLETED, S.CHECKED, S.CANCELLED, S.DECLINED, S.EXPIRED]
    enterprises = [world["enterprise"].organisation]
    service = world["service"]
    rows = Order.objects.bulk_create(
        Order(
            number=f"YCBULK{start + n:06d}",
            enterprise=enterprises[0],
            institution=world["institution"].organisation,
            service=service,
            window=window("yinchuan"),
            placed_by=world["enterprise"],
            status=statuses[n % len(statuses)],
            cancel_requested_by="institution" if n % 5 == 1 else "",
            service_title=f"{service.title}{n}",
            price_mode=service.price_mode,
            quantity=1 + n % 3,
        )
        for n in range(count)
    )
    if not all(row.pk for row in rows):
        rows = list(Order.objects.filter(number__startswith="YCBULK"))
    OrderLog.objects.bulk_create(
        OrderLog(order=row, actor=world["enterprise"], event=OrderEvent.PLACED, to_status=S.SUBMITTED) for row in rows
    )


def queries_of(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    ("name", "who", "url_name"),
    [
        ("enterprise_list", "enterprise", "orders:list"),
        ("institution_list", "institution", "orders:list"),
        ("enterprise_list", "enterprise", "orders:tab:in_service"),
        ("institution_list", "institution", "orders:tab:submitted"),
    ],
)
def test_list_query_counts_are_pinned(client, world, django_assert_max_num_queries, name, who, url_name):
    bulk_orders(world, 10, 0)
    client.force_login(world[who])
    url = reverse(url_name) if url_name.count(":") == 1 else reverse("orders:tab", args=[url_name.split(":")[-1]])
    client.get(url)  # warm the session and the caches
    with django_assert_max_num_queries(PINNED[name]) as few:
        response = client.get(url)
    assert response.context["page"].object_list
    print(f"pinned query count of {name} ({url}): {len(few.captured_queries)}")

    bulk_orders(world, 490, 10)
    assert Order.objects.count() == 500

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 20
    assert listed_numbers(response) <= set(Order.objects.values_list("number", flat=True))


@pytest.mark.parametrize("who", ["enterprise", "institution", "window_admin"])
def test_detail_query_count_is_pinned(client, world, django_assert_max_num_queries, who):
    order = order_of(world, "in_service")
    bulk_orders(world, 9, 0)
    client.force_login(world[who])
    client.get(order.get_absolute_url())
    with django_assert_max_num_queries(PINNED["detail_staff" if who == "window_admin" else "detail"]) as few:
        client.get(order.get_absolute_url())
    print(f"pinned query count of the detail page ({who}): {len(few.captured_queries)}")

    bulk_orders(world, 490, 10)
    # A long timeline written by many people, and more attachments.
    actors = [world["enterprise"], world["institution"], world["window_admin"], world["hub_admin"], None]
    actors += [EnterpriseUserFactory(organisation=world["enterprise"].organisation) for _ in range(5)]
    OrderLog.objects.bulk_create(
        OrderLog(order=order, actor=actors[n % len(actors)], event=OrderEvent.NOT_COMPLETED, reason=f"第{n}次")
        for n in range(60)
    )
    for n in range(8):
        OrderAttachment.objects.create(
            order=order, file=order_document(f"附件{n}.pdf"), original_name=f"附件{n}.pdf", uploaded_by=None
        )
    assert Order.objects.count() == 500

    with django_assert_max_num_queries(len(few.captured_queries)):
        content = page(client.get(order.get_absolute_url()))
    assert "第59次" in content and "附件7.pdf" in content
