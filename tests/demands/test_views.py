"""The demand pages: 发布需求, 我发布的需求 and its buttons, 需求大厅, 投标, the confirmations, query counts."""

from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from demands.models import Bid, BidStatus, Demand, DemandStatus
from orders.models import Order, OrderStatus
from tests.demands.helpers import (
    INSTITUTION_PRICE,
    bid_of,
    future,
    make_demand,
    make_world,
    publish_form_data,
)
from tests.factories import (
    NEUTRAL_CATEGORY,
    EnterpriseUserFactory,
    bidder,
    category,
    certified_enterprise,
    demand_in_state,
    pass_bid_deadline,
    pdf_upload,
    place_bid,
    set_award_publicity,
)
from tests.once import with_token

pytestmark = pytest.mark.django_db

S = DemandStatus
LOGIN = reverse("account_login")
PUBLISH = reverse("demands:publish")
MINE = reverse("demands:mine")
HALL = reverse("demands:hall")
MY_BIDS = reverse("demands:my_bids")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def world():
    return make_world()


class Links(HTMLParser):
    """The links of a page: href → text."""

    def __init__(self, content):
        super().__init__()
        self.links, self._href, self._text = {}, None, ""
        self.feed(content)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href, self._text = dict(attrs).get("href"), ""

    def handle_data(self, data):
        if self._href is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links[self._href] = self._text.strip()
            self._href = None


def page(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# 发布需求 ---------------------------------------------------------------------------------------------


def form_data(**overrides):
    # A fresh token as a freshly shown 【发布需求】 form has (【修改】 ignores it).
    return with_token(publish_form_data(**overrides))


def test_the_publish_form_has_the_manuals_fields(client, world):
    client.force_login(world["owner"])
    response = client.get(PUBLISH)
    content = page(response)
    for name in (
        "title",
        "category",
        "window",
        "budget_mode",
        "budget_min",
        "budget_max",
        "description",
        "bid_deadline",
        "expected_finish",
        "contact_name",
        "contact_phone",
        "attachments",
    ):
        assert f'name="{name}"' in content, name
    assert 'type="datetime-local"' in content
    assert "提请审核" in content
    for label in ("需求标题", "投标截止时间", "期望完成时间", "面议"):
        assert label in content, label


def test_publishing_through_the_form(client, world):
    client.force_login(world["owner"])
    data = form_data(attachments=[pdf_upload("检测要求.pdf")])

    response = client.post(PUBLISH, data)

    assert response.status_code == 302
    assert response.url == MINE
    demand = Demand.objects.get(title="厂房环境检测服务")
    assert (demand.status, demand.enterprise, demand.created_by) == (
        S.PENDING_REVIEW,
        world["owner"].organisation,
        world["owner"],
    )
    assert (demand.budget_min, demand.budget_max, demand.contact_phone) == (
        Decimal("5000"),
        Decimal("20000"),
        "0951-5550000",
    )
    assert timezone.localtime(demand.bid_deadline).strftime("%Y-%m-%dT%H:%M") == data["bid_deadline"]
    assert list(demand.attachments.values_list("original_name", flat=True)) == ["检测要求.pdf"]
    assert "您的需求已提请审核，请等待管理员审核。" in messages_of(response)
    assert demand.title in page(client.get(MINE))


def test_negotiable_through_the_form_clears_the_amounts(client, world):
    client.force_login(world["owner"])
    response = client.post(PUBLISH, form_data(budget_mode="negotiable", budget_min="300", budget_max="200"))
    assert response.status_code == 302
    demand = Demand.objects.get(title="厂房环境检测服务")
    assert (demand.budget_mode, demand.budget_min, demand.budget_max) == ("negotiable", None, None)


def _past():
    return (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"title": ""}, "此项为必填项。"),
        ({"bid_deadline": "past"}, "投标截止时间必须晚于当前时间。"),
        ({"bid_deadline": "明天下午"}, None),
        (
            {"expected_finish": (timezone.localdate() + timedelta(days=2)).strftime("%Y-%m-%d")},
            "期望完成时间不能早于投标截止时间。",
        ),
        ({"budget_min": "30000", "budget_max": "20000"}, "预算上限不能低于预算下限。"),
        ({"budget_min": "", "budget_max": ""}, "请填写预算范围，或选择面议。"),
        ({"budget_min": "-5"}, "确保该值大于或等于"),
    ],
    ids=[
        "no-title",
        "deadline-past",
        "deadline-garbled",
        "finish-early",
        "budget-upside-down",
        "no-budget",
        "negative",
    ],
)
def test_bad_input_shows_the_chinese_message_keeps_the_input_and_saves_nothing(client, world, overrides, error):
    if overrides.get("bid_deadline") == "past":
        overrides = {"bid_deadline": _past()}
    client.force_login(world["owner"])
    data = form_data(**overrides)
    count = Demand.objects.count()

    response = client.post(PUBLISH, data)

    content = page(response)
    assert Demand.objects.count() == count
    form = response.context["form"]
    assert form.errors
    if error:
        assert error in content
        assert "约束" not in content  # no database constraint's message
    else:
        assert "bid_deadline" in form.errors
        assert all("\u4e00" <= ch <= "\u9fff" or not ch.isalpha() for ch in form.errors["bid_deadline"][0])
    # What was typed is still there.
    assert 'value="刘主任"' in content
    assert "需要对新建厂房进行空气和噪声检测。" in content
    if overrides.get("title") != "":
        assert 'value="厂房环境检测服务"' in content


@pytest.mark.parametrize("who", ["institution", "window_admin"])
def test_only_enterprises_get_the_publish_form(client, world, who):
    client.force_login(world[who])
    assert client.get(PUBLISH).status_code in (403, 404)
    assert client.post(PUBLISH, form_data()).status_code in (403, 404)
    assert not Demand.objects.exists()


def test_an_uncertified_enterprise_is_told_to_get_certified(client, world):
    client.force_login(EnterpriseUserFactory())
    response = client.get(PUBLISH)
    assert response.status_code == 403
    assert reverse("certification:center") in response.content.decode()


def test_anonymous_users_are_sent_to_the_login(client):
    for url in (PUBLISH, MINE, MY_BIDS):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(LOGIN), url


# 我发布的需求 and its buttons -----------------------------------------------------------------------------

BUTTONS = {
    # state: {url name: label}
    "pending_review": {"update": "修改", "delete": "删除"},
    "returned": {"update": "修改", "delete": "删除"},
    "bidding": {"bids": "选标", "fail": "流标", "void": "废标"},
    "closed": {"bids": "选标", "fail": "流标", "void": "废标"},
    "awarded": {"bids": "投标详情", "order": "订单"},
    "failed": {},
    "voided": {},
}
OWNER_NAMES = ["update", "delete", "bids", "fail", "void"]


def owner_links(content, demand):
    links = Links(content).links
    urls = {name: reverse(f"demands:{name}", args=[demand.pk]) for name in OWNER_NAMES}
    if demand.order_id:
        urls["order"] = reverse("orders:detail", args=[demand.order_id])
    return {name: links[url] for name, url in urls.items() if url in links}


@pytest.mark.parametrize("state", list(BUTTONS))
def test_my_demands_offers_the_buttons_of_the_state(client, world, state):
    demand = make_demand(world, state)
    client.force_login(world["owner"])
    response = client.get(MINE)
    content = page(response)
    assert [d.pk for d in response.context["page"].object_list] == [demand.pk]
    assert owner_links(content, demand) == BUTTONS[state]
    live_bids = {"bidding": 2, "closed": 2, "awarded": 1}.get(state, 0)  # the winner's counts, void ones do not
    assert response.context["page"].object_list[0].bid_count == live_bids


def test_my_demands_shows_state_bid_count_and_deadline(client, world):
    demand = make_demand(world, "bidding")
    third = bidder()
    place_bid(demand, third)  # three live bids
    client.force_login(world["owner"])
    response = client.get(MINE)
    content = page(response)
    assert response.context["page"].object_list[0].bid_count == 3
    assert "投标中" in content
    assert timezone.localtime(demand.bid_deadline).strftime("%Y-%m-%d %H:%M") in content


def test_my_demands_counts_live_bids_only(client, world):
    demand = make_demand(world, "bidding")
    from demands.actions import bid_withdraw

    bid_withdraw(bid=bid_of(demand, world["rival"]), actor=world["rival"])
    client.force_login(world["owner"])
    assert client.get(MINE).context["page"].object_list[0].bid_count == 1


def test_my_demands_lists_only_the_enterprises_own_and_filters_by_state(client, world):
    pending = make_demand(world, "pending_review")
    bidding = make_demand(world, "bidding")
    make_demand(world | {"owner": world["other_enterprise"]}, "pending_review")
    client.force_login(world["owner"])
    listed = [d.pk for d in client.get(MINE).context["page"].object_list]
    assert sorted(listed) == sorted([pending.pk, bidding.pk])
    assert [d.pk for d in client.get(MINE, {"status": "bidding"}).context["page"].object_list] == [bidding.pk]


def test_my_demands_and_my_bids_are_for_their_side_only(client, world):
    client.force_login(world["institution"])
    assert client.get(MINE).status_code == 404
    client.force_login(world["owner"])
    assert client.get(MY_BIDS).status_code == 404


# Modify, delete, 流标, 废标, 选为中标单位 through the pages ----------------------------------------------------


def test_modify_through_the_form_resubmits_a_returned_demand(client, world):
    demand = make_demand(world, "returned")
    client.force_login(world["owner"])
    content = page(client.get(reverse("demands:update", args=[demand.pk])))
    assert "预算说明不清楚。" in content  # the reason for return
    assert f'value="{demand.title}"' in content

    response = client.post(
        reverse("demands:update", args=[demand.pk]),
        form_data(title="修改后的需求", remove_attachments=[demand.attachments.get().pk]),
    )

    assert response.status_code == 302 and response.url == MINE
    demand.refresh_from_db()
    assert (demand.status, demand.title, demand.review_reason) == (S.PENDING_REVIEW, "修改后的需求", "")
    assert not demand.attachments.exists()


def test_modify_with_bad_input_keeps_the_demand(client, world):
    demand = make_demand(world, "pending_review")
    before = Demand.objects.filter(pk=demand.pk).values().get()
    client.force_login(world["owner"])
    response = client.post(reverse("demands:update", args=[demand.pk]), form_data(bid_deadline=_past()))
    assert "投标截止时间必须晚于当前时间。" in page(response)
    assert Demand.objects.filter(pk=demand.pk).values().get() == before


@pytest.mark.parametrize("name", ["update", "delete"])
def test_modify_and_delete_of_an_approved_demand_are_refused_with_the_manuals_reason(client, world, name):
    demand = make_demand(world, "bidding")
    before = Demand.objects.filter(pk=demand.pk).values().get()
    client.force_login(world["owner"])
    url = reverse(f"demands:{name}", args=[demand.pk])
    response = client.post(url, form_data())
    assert response.status_code == 302 and response.url == MINE
    assert "审核通过以后的需求是不能被修改/删除的。" in messages_of(response)
    assert Demand.objects.filter(pk=demand.pk).values().get() == before


def test_delete_through_its_confirmation_page(client, world):
    demand = make_demand(world, "pending_review")
    client.force_login(world["owner"])
    url = reverse("demands:delete", args=[demand.pk])
    assert "删除" in page(client.get(url))
    assert Demand.objects.filter(pk=demand.pk).exists()  # a GET deletes nothing
    response = client.post(url)
    assert response.status_code == 302 and response.url == MINE
    assert not Demand.objects.filter(pk=demand.pk).exists()
    assert "需求已删除。" in messages_of(response)


@pytest.mark.parametrize(("name", "target"), [("fail", S.FAILED), ("void", S.VOIDED)])
def test_fail_and_void_need_a_reason(client, world, name, target):
    demand = make_demand(world, "bidding")
    client.force_login(world["owner"])
    url = reverse(f"demands:{name}", args=[demand.pk])
    content = page(client.get(url))
    assert 'name="reason"' in content

    response = client.post(url, {"reason": ""})
    assert response.context["form"].errors["reason"] == ["此项为必填项。"]
    demand.refresh_from_db()
    assert demand.status == S.BIDDING

    response = client.post(url, {"reason": "报价均超出预算。"})
    assert response.status_code == 302 and response.url == MINE
    demand.refresh_from_db()
    assert (demand.status, demand.close_reason) == (target, "报价均超出预算。")
    assert set(demand.bids.values_list("status", flat=True)) == {BidStatus.VOID}


def test_choosing_the_winner_through_the_bid_details_without_publicity(client, world):
    """A window with 中标公示 off (with it on: tests/demands/test_publicity.py)."""
    set_award_publicity(False, "yinchuan")
    demand = make_demand(world, "closed")
    rival_bid = bid_of(demand, world["rival"])
    client.force_login(world["owner"])
    content = page(client.get(reverse("demands:bids", args=[demand.pk])))
    award_url = reverse("demands:award", args=[demand.pk, rival_bid.pk])
    assert Links(content).links[award_url] == "选为中标单位"

    confirm = page(client.get(award_url))
    assert world["rival"].organisation.name in confirm
    assert Demand.objects.get(pk=demand.pk).status == S.BIDDING  # the GET is only the confirmation

    response = client.post(award_url)

    assert response.status_code == 302
    assert response.url == reverse("orders:list")
    demand.refresh_from_db()
    assert demand.status == S.AWARDED and demand.winning_bid == rival_bid
    order = demand.order
    assert (order.status, order.institution, order.price) == (
        OrderStatus.IN_SERVICE,
        world["rival"].organisation,
        rival_bid.price,
    )
    # The order appears in both sides' order lists.
    assert order.number in page(client.get(reverse("orders:list")))
    client.force_login(world["rival"])
    assert order.number in page(client.get(reverse("orders:list")))


def test_choosing_before_the_deadline_through_the_page_is_refused(client, world):
    demand = make_demand(world, "bidding")
    client.force_login(world["owner"])
    response = client.post(reverse("demands:award", args=[demand.pk, bid_of(demand, world["rival"]).pk]))
    assert response.status_code == 302
    assert messages_of(response)
    demand.refresh_from_db()
    assert demand.status == S.BIDDING
    assert not Order.objects.exists()


def test_a_second_award_post_is_refused(client, world):
    demand = make_demand(world, "awarded")
    client.force_login(world["owner"])
    response = client.post(reverse("demands:award", args=[demand.pk, bid_of(demand, world["rival"]).pk]))
    assert response.status_code == 302
    assert messages_of(response)
    assert Order.objects.count() == 1
    assert bid_of(demand, world["rival"]).status == BidStatus.LOST


# 投标 through the pages --------------------------------------------------------------------------------


def test_bidding_through_the_form(client, world):
    demand = make_demand(world, "bidding")
    fresh = bidder()
    client.force_login(fresh)
    detail = page(client.get(demand.get_absolute_url()))
    assert reverse("demands:bid", args=[demand.pk]) in detail
    form = page(client.get(reverse("demands:bid", args=[demand.pk])))
    for name in ("price", "proposal", "duration_days", "attachments"):
        assert f'name="{name}"' in form

    response = client.post(
        reverse("demands:bid", args=[demand.pk]),
        with_token(price="15000", proposal="驻场检测。", duration_days="9", attachments=[pdf_upload("方案.pdf")]),
    )

    assert response.status_code == 302 and response.url == MY_BIDS
    bid = Bid.objects.get(institution=fresh.organisation)
    assert (bid.price, bid.duration_days, bid.status) == (Decimal("15000"), 9, BidStatus.SUBMITTED)
    assert list(bid.attachments.values_list("original_name", flat=True)) == ["方案.pdf"]
    assert "投标成功。" in messages_of(response)
    # Once bid, the page offers the bid itself, not a second one.
    response = client.get(reverse("demands:bid", args=[demand.pk]))
    assert response.status_code == 302 and response.url == reverse("demands:bid_update", args=[bid.pk])


def test_bad_bid_input_keeps_the_input(client, world):
    demand = make_demand(world, "bidding")
    client.force_login(fresh := bidder())
    response = client.post(
        reverse("demands:bid", args=[demand.pk]), with_token(price="-1", proposal="驻场检测。", duration_days="0")
    )
    content = page(response)
    assert set(response.context["form"].errors) == {"price", "duration_days"}
    assert "驻场检测。" in content
    assert not Bid.objects.filter(institution=fresh.organisation).exists()


@pytest.mark.parametrize("state", ["pending_review", "closed", "awarded", "failed", "voided"])
def test_no_bid_form_on_a_demand_not_open(client, world, state):
    demand = make_demand(world, state)
    client.force_login(fresh := bidder())
    data = {"price": "100", "proposal": "方案", "duration_days": "3"}
    response = client.post(reverse("demands:bid", args=[demand.pk]), with_token(data))
    assert response.status_code in (302, 404)
    assert not Bid.objects.filter(institution=fresh.organisation).exists()


@pytest.mark.parametrize("who", ["non_member", "uncertified"])
def test_institutions_that_may_not_bid_are_refused_by_the_page(client, world, who):
    from tests.factories import InstitutionUserFactory, certified_institution

    user = certified_institution() if who == "non_member" else InstitutionUserFactory()
    demand = make_demand(world, "bidding")
    client.force_login(user)
    detail = page(client.get(demand.get_absolute_url()))
    assert reverse("demands:bid", args=[demand.pk]) not in detail
    response = client.post(
        reverse("demands:bid", args=[demand.pk]), with_token(price="1", proposal="x", duration_days="1")
    )
    assert response.status_code in (302, 403)
    assert not Bid.objects.filter(institution=user.organisation).exists()


def test_enterprises_cannot_open_the_bid_form(client, world):
    demand = make_demand(world, "bidding")
    client.force_login(world["other_enterprise"])
    assert client.get(reverse("demands:bid", args=[demand.pk])).status_code == 404


def test_modify_and_withdraw_a_bid_through_the_pages(client, world):
    demand = make_demand(world, "bidding")
    bid = bid_of(demand, world["institution"])
    client.force_login(world["institution"])
    content = page(client.get(MY_BIDS))
    links = Links(content).links
    assert links[reverse("demands:bid_update", args=[bid.pk])] == "修改"
    assert reverse("demands:bid_withdraw", args=[bid.pk]) in content
    assert 'value="13579' in page(client.get(reverse("demands:bid_update", args=[bid.pk])))

    response = client.post(
        reverse("demands:bid_update", args=[bid.pk]), {"price": "12000", "proposal": "新方案", "duration_days": "8"}
    )
    assert response.status_code == 302
    bid.refresh_from_db()
    assert (bid.price, bid.proposal, bid.duration_days) == (Decimal("12000"), "新方案", 8)

    assert client.get(reverse("demands:bid_withdraw", args=[bid.pk])).status_code == 405
    response = client.post(reverse("demands:bid_withdraw", args=[bid.pk]))
    assert response.status_code == 302 and response.url == MY_BIDS
    assert "投标已撤回。" in messages_of(response)
    bid.refresh_from_db()
    assert bid.status == BidStatus.WITHDRAWN
    content = page(client.get(MY_BIDS))
    assert "已撤回" in content
    assert reverse("demands:bid_update", args=[bid.pk]) not in content


def test_a_bid_cannot_be_modified_after_the_deadline_through_the_page(client, world):
    demand = make_demand(world, "bidding")
    bid = bid_of(demand, world["institution"])
    pass_bid_deadline(demand)
    client.force_login(world["institution"])
    assert reverse("demands:bid_update", args=[bid.pk]) not in page(client.get(MY_BIDS))
    response = client.post(
        reverse("demands:bid_update", args=[bid.pk]), {"price": "1", "proposal": "迟到的修改", "duration_days": "1"}
    )
    assert response.status_code == 302 and response.url == MY_BIDS
    assert "该投标已不能修改。" in messages_of(response)
    response = client.post(reverse("demands:bid_withdraw", args=[bid.pk]))
    assert messages_of(response)
    bid.refresh_from_db()
    assert (bid.status, bid.price) == (BidStatus.SUBMITTED, Decimal(INSTITUTION_PRICE))


@pytest.mark.parametrize(
    ("state", "who", "label"),
    [
        ("awarded", "institution", "中标"),
        ("awarded", "rival", "未中标"),
        ("failed", "institution", "已作废"),
        ("bidding", "institution", "已投标"),
    ],
)
def test_my_bids_shows_the_bid_state_in_chinese(client, world, state, who, label):
    demand = make_demand(world, state)
    client.force_login(world[who])
    content = page(client.get(MY_BIDS))
    assert f">{label}<" in content
    if label == "中标":
        assert reverse("orders:detail", args=[demand.order_id]) in content


# 需求大厅 -------------------------------------------------------------------------------------------------


@pytest.fixture
def hall():
    """Open demands of assorted windows, categories and budgets, and some that are not open."""
    enterprise = certified_enterprise(name="宁夏阿尔法科技有限公司")
    reviewer_free = {}

    def open_demand(key, **fields):
        demand = demand_in_state("bidding", enterprise=enterprise, **fields)
        reviewer_free[key] = demand
        return demand

    open_demand("audit", title="年度财务审计服务", bid_deadline=future(days=7))
    open_demand(
        "testing",
        title="厂房环境检测",
        window_slug="xingqing",
        category=category("technology_quality-certification"),
        budget_min=Decimal("30000"),
        budget_max=Decimal("50000"),
        bid_deadline=future(days=20),
        expected_finish=(timezone.now() + timedelta(days=40)).date(),
    )
    open_demand(
        "patent",
        title="专利申请代理",
        category=category("legal-ip_law"),
        budget_mode="negotiable",
        description="需要代理三项发明专利申请，涉及知识产权布局。",
        bid_deadline=future(days=3),
    )
    open_demand("open_top", title="智能工厂改造咨询", budget_min=Decimal("60000"), budget_max=None)
    # Not open: in review, deadline passed, closed.
    hidden = [
        demand_in_state("pending_review", enterprise=enterprise, title="待审核的需求"),
        demand_in_state("returned", enterprise=enterprise, title="已驳回的需求"),
        pass_bid_deadline(demand_in_state("bidding", enterprise=enterprise, title="已截止的需求")),
        demand_in_state("awarded", enterprise=enterprise, title="已中标的需求"),
        demand_in_state("failed", enterprise=enterprise, title="已流标的需求"),
        demand_in_state("voided", enterprise=enterprise, title="已废标的需求"),
    ]
    return {"open": reviewer_free, "hidden": hidden}


def listed(client, params=None):
    response = client.get(HALL, params or {})
    assert response.status_code == 200
    return {d.title for d in response.context["page"].object_list}


def test_the_hall_lists_only_demands_open_for_bids(client, hall):
    assert listed(client) == {d.title for d in hall["open"].values()}
    content = page(client.get(HALL))
    for demand in hall["hidden"]:
        assert demand.title not in content


def titles(hall, *keys):
    return {hall["open"][key].title for key in keys}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "technology_quality"}, ["audit", "testing", "open_top"]),
        ({"category": "technology_quality-certification"}, ["testing"]),
        ({"category": "legal"}, ["patent"]),
        ({"window": "xingqing"}, ["testing"]),
        ({"window": "yinchuan"}, ["audit", "patent", "open_top"]),
        ({"budget_min": "25000"}, ["testing", "open_top"]),
        ({"budget_max": "10000"}, ["audit"]),
        ({"budget_min": "20000", "budget_max": "30000"}, ["audit", "testing"]),
        ({"budget_min": "70000"}, ["open_top"]),
        ("deadline_before:4", ["patent"]),
        ("deadline_before:10", ["patent", "audit", "open_top"]),
        ({"q": "检测"}, ["audit", "testing", "open_top"]),  # a title, or the category 检验检测
        ({"q": "专"}, ["patent"]),  # one character
        ({"q": "知识产权"}, ["patent"]),
        ({"q": "阿尔法"}, ["audit", "testing", "patent", "open_top"]),
        ({"q": "无此关键词"}, []),
        ({"window": "yinchuan", "q": "审计服务"}, ["audit"]),
    ],
)
def test_the_hall_filters(client, hall, params, expected):
    if isinstance(params, str):
        days = int(params.split(":")[1])
        params = {"deadline_before": (timezone.localdate() + timedelta(days=days)).isoformat()}
    assert listed(client, params) == titles(hall, *expected)


def test_the_hall_sorts_by_deadline(client, hall):
    response = client.get(HALL, {"sort": "deadline"})
    order = [d.title for d in response.context["page"].object_list]
    assert order[0] == hall["open"]["patent"].title
    assert order[-1] == hall["open"]["testing"].title


def test_the_hall_sorts_by_budget_with_negotiable_ones_last(client, hall):
    """The same order on SQLite and PostgreSQL (which puts NULLs first in a descending sort)."""
    response = client.get(HALL, {"sort": "budget"})
    order = [d.title for d in response.context["page"].object_list]
    assert order[:2] == [hall["open"]["testing"].title, hall["open"]["audit"].title]
    assert set(order[2:]) == titles(hall, "patent", "open_top")


def test_the_hall_keyword_search_does_not_find_the_contact(client, hall):
    assert listed(client, {"q": "13900000000"}) == set()
    assert listed(client, {"q": "王经理"}) == set()


def test_a_bad_hall_filter_keeps_the_list(client, hall):
    response = client.get(HALL, {"budget_min": "abc"})
    assert response.status_code == 200
    assert "budget_min" in response.context["form"].errors
    assert listed(client, {"budget_min": "abc"}) == {d.title for d in hall["open"].values()}


@pytest.mark.parametrize(
    ("params", "bad", "expected"),
    [
        ({"q": "检测", "budget_min": "abc"}, "budget_min", ["audit", "testing", "open_top"]),
        ({"window": "xingqing", "deadline_before": "not-a-date"}, "deadline_before", ["testing"]),
        ({"category": "legal", "window": "atlantis"}, "window", ["patent"]),
    ],
)
def test_a_bad_hall_filter_is_reported_and_the_other_filters_still_apply(client, hall, params, bad, expected):
    response = client.get(HALL, params)
    assert list(response.context["form"].errors) == [bad]
    assert {d.title for d in response.context["page"].object_list} == titles(hall, *expected)


def test_the_hall_counts_live_bids(client, world):
    demand = make_demand(world, "bidding")
    from demands.actions import bid_withdraw

    bid_withdraw(bid=bid_of(demand, world["rival"]), actor=world["rival"])
    response = client.get(HALL)
    assert [d.bid_count for d in response.context["page"].object_list] == [1]


# Pinned query counts --------------------------------------------------------------------------------------

PINNED = {"hall": 6, "hall_institution": 9, "mine": 6, "my_bids": 6, "bids": 8}


def add_rows(world, name, count, start):
    """`count` more rows for the list `name`, each with its own enterprise, window, category or state."""
    slugs = ["yinchuan", "xingqing", "jinfeng"]
    states = ["bidding", "awarded", "failed", "voided", "closed", "pending_review", "returned"]
    for n in range(start, start + count):
        if name.startswith("hall"):
            demand = demand_in_state(
                "bidding",
                window_slug=slugs[n % 3],
                category=category(["legal-ip_law", NEUTRAL_CATEGORY, "information-it"][n % 3]),
                title=f"开放需求{n}",
            )
            place_bid(demand)
        else:
            state = states[n % len(states)]
            if name == "my_bids" and state in ("pending_review", "returned"):
                state = "bidding"
            make_demand(world, state, attachments=False, title=f"需求{n}")


@pytest.mark.parametrize(
    ("name", "who", "url"),
    [
        ("hall", None, HALL),
        ("hall_institution", "institution", HALL),
        ("mine", "owner", MINE),
        ("my_bids", "institution", MY_BIDS),
    ],
)
def test_list_query_counts_are_pinned_and_do_not_grow_with_the_rows(
    client, world, django_assert_num_queries, name, who, url
):
    if who:
        client.force_login(world[who])
    add_rows(world, name, 1, 0)
    client.get(url)  # warm the per-process caches, as on a running server
    with CaptureQueriesContext(connection) as first:
        response = client.get(url)
    assert len(response.context["page"].object_list) == 1
    print(f"{name}: {len(first.captured_queries)} queries")
    assert len(first.captured_queries) == PINNED[name]

    add_rows(world, name, 5, 1)
    with django_assert_num_queries(PINNED[name]):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 6


# Each window's page -----------------------------------------------------------------------------------


def test_a_windows_page_lists_its_open_demands(client, hall):
    content = page(client.get(reverse("windows:detail", args=["xingqing"])))
    assert hall["open"]["testing"].title in content
    for key in ("audit", "patent", "open_top"):
        assert hall["open"][key].title not in content
    for demand in hall["hidden"]:
        assert demand.title not in content
    assert f"{HALL}?window=xingqing" in content


def test_the_home_page_still_answers_with_open_demands(client, hall):
    assert client.get("/").status_code == 200


def test_the_bid_details_query_count_does_not_grow_with_the_bids(client, world, django_assert_num_queries):
    demand = make_demand(world, "closed", attachments=False)
    client.force_login(world["owner"])
    client.get(reverse("demands:bids", args=[demand.pk]))
    with CaptureQueriesContext(connection) as first:
        response = client.get(reverse("demands:bids", args=[demand.pk]))
    assert len(response.context["bids"]) == 2
    print(f"bids: {len(first.captured_queries)} queries")
    assert len(first.captured_queries) == PINNED["bids"]

    Demand.objects.filter(pk=demand.pk).update(bid_deadline=future(days=1))
    for _ in range(4):
        place_bid(demand, attachments=[pdf_upload()])
    pass_bid_deadline(demand)
    with django_assert_num_queries(PINNED["bids"]):
        response = client.get(reverse("demands:bids", args=[demand.pk]))
    assert len(response.context["bids"]) == 6
