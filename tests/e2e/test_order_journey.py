"""Manual 2.4.1 (second step), 2.4.3, 2.4.4 and 2.4.5 in a real browser."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from orders.models import Order
from services.actions import service_approve, service_save, service_submit
from services.models import Service, ServiceCategory
from tests.factories import (
    PASSWORD,
    EnterpriseUserFactory,
    HubAdminFactory,
    approved_application,
    certified_institution,
    window,
)

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_label("验证码").fill("PASSED")
    page.get_by_role("button", name="登录").click()


def log_out(page, base_url):
    page.goto(f"{base_url}/")
    page.get_by_role("button", name="退出").click()


@pytest.fixture
def setting():
    institution = certified_institution("yinchuan")
    service = Service(
        institution=institution.organisation,
        title="企业常年法律顾问",
        category=ServiceCategory.objects.get(code="legal-counsel"),
        price_mode="fixed",
        price=Decimal("6000"),
        price_unit="year",
        summary="合同审查与法律咨询。",
        content="合同审查与法律咨询。",
        contact_name="张律师",
        contact_phone="0951-6012345",
    )
    service = service_save(service=service, actor=institution, windows=[window("yinchuan")])
    service_submit(service=service, actor=institution)
    service_approve(service=service, actor=HubAdminFactory())
    enterprise = EnterpriseUserFactory()
    approved_application(enterprise.organisation)
    return {"institution": institution, "enterprise": enterprise, "service": service}


def apply_for(page, quantity, requirements, attachment=None):
    page.get_by_role("link", name="找服务").first.click()
    page.get_by_role("link", name="企业常年法律顾问").click()
    page.get_by_role("link", name="我要申请").click()
    page.get_by_label("订购数量").fill(str(quantity))
    page.get_by_label("要求").fill(requirements)
    if attachment:
        page.get_by_label("附件").set_input_files(attachment)
    page.get_by_role("button", name="我要申请").click()
    expect(page.get_by_test_id("order-status")).to_have_text("待受理")


def test_order_from_application_to_acceptance(live_server, page, setting):
    base = live_server.url
    log_in(page, base, setting["enterprise"].username)

    # 2.4.1 第二步：输入订购数量、要求、上传附件然后点击【我要申请】
    pdf = {"name": "需求说明.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
    apply_for(page, 2, "请在三月底前完成。", pdf)
    expect(page.get_by_role("link", name="需求说明.pdf")).to_be_visible()

    # 2.4.3 【订单管理】-》【我申请的订单】，通过筛选找到要修改的订单，点击【修改】，【保存】
    menu = page.get_by_role("navigation", name="用户中心菜单")
    expect(menu.get_by_text("订单管理")).to_be_visible()
    menu.get_by_role("link", name="我申请的订单").click()
    page.get_by_label("关键词").fill("法律顾问")
    page.get_by_role("button", name="筛选").click()
    page.get_by_role("link", name="修改", exact=True).click()
    page.get_by_label("订购数量").fill("3")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存。")).to_be_visible()
    first = Order.objects.get()
    assert first.quantity == 3

    # 2.4.4 a second order: 【取消订单】 then 【删除】
    apply_for(page, 1, "第二个订单")
    menu = page.get_by_role("navigation", name="用户中心菜单")
    menu.get_by_role("link", name="我申请的订单").click()
    second = Order.objects.exclude(pk=first.pk).get()
    row = page.get_by_role("row", name=re.compile(second.number))
    row.get_by_role("link", name="取消订单").click()
    page.get_by_role("button", name="取消订单").click()
    expect(page.get_by_test_id("order-status")).to_have_text("已取消")
    page.get_by_role("navigation", name="用户中心菜单").get_by_role("link", name="我申请的订单").click()
    page.get_by_role("row", name=re.compile(second.number)).get_by_role("link", name="删除").click()
    page.get_by_role("button", name="删除").click()
    page.get_by_role("navigation", name="用户中心菜单").get_by_role("link", name="我申请的订单").click()
    expect(page.get_by_role("row", name=re.compile(second.number))).to_have_count(0)
    log_out(page, base)

    # The institution 受理s the first order.
    log_in(page, base, setting["institution"].username)
    page.get_by_role("navigation", name="用户中心菜单").get_by_role("link", name="待受理的订单").click()
    page.get_by_role("row", name=re.compile(first.number)).get_by_role("button", name="受理").click()
    expect(page.get_by_test_id("order-status")).to_have_text("服务中")
    log_out(page, base)

    # 2.4.5 【服务中的订单】-》【服务完成】，选择完成与否，点击【保存】
    log_in(page, base, setting["enterprise"].username)
    page.get_by_role("navigation", name="用户中心菜单").get_by_role("link", name="服务中的订单").click()
    page.get_by_role("row", name=re.compile(first.number)).get_by_role("link", name="服务完成").click()
    expect(page.get_by_role("group", name="完成与否")).to_be_visible()
    page.get_by_label("已完成", exact=True).check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("order-status")).to_have_text("已完成")

    # 验收合格
    page.get_by_role("navigation", name="用户中心菜单").get_by_role("link", name="已完成的订单").click()
    page.get_by_role("row", name=re.compile(first.number)).get_by_role("link", name="验收", exact=True).click()
    page.get_by_label("验收合格").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("order-status")).to_have_text("已验收")

    for tab in ["已验收的订单", "待评价的订单"]:
        page.get_by_role("navigation", name="用户中心菜单").get_by_role("link", name=tab).click()
        expect(page.get_by_role("row", name=re.compile(first.number))).to_have_count(1)


# PostgreSQL: on SQLite the live server's threads share the test database's one in-memory
# connection, so two requests at once interleave their transactions.
@pytest.mark.postgres
def test_a_double_click_on_apply_places_one_order(live_server, page, setting):
    log_in(page, live_server.url, setting["enterprise"].username)
    page.goto(f"{live_server.url}{setting['service'].get_absolute_url()}")
    page.get_by_role("link", name="我要申请").click()
    page.get_by_label("订购数量").fill("1")
    # Two clicks in a row, the second before the first answer arrives.
    page.get_by_role("button", name="我要申请").evaluate(
        "button => { button.click(); setTimeout(() => button.click(), 0); }"
    )
    expect(page.get_by_test_id("order-status")).to_have_text("待受理")
    assert Order.objects.count() == 1
