"""帮助中心, 站内搜索, a bad filter value and the admin's 服务订单 list at 1366×768, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_catalogue_journey import catalogue, publish  # noqa: F401  (fixture)
from tests.factories import PASSWORD, HubAdminFactory, order_in_state

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_help_centre_shows_the_administrators_contact(live_server, page):
    page.goto(live_server.url)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="帮助中心").click()
    expect(page.get_by_role("heading", name="帮助中心", exact=True)).to_be_visible()
    contact = page.get_by_test_id("admin-contact")
    expect(contact).to_contain_text("平台管理员联系人")
    expect(contact).to_contain_text("吴艳萍")
    expect(contact).to_contain_text("5699331")
    expect(contact).to_contain_text("工作时间")
    page.get_by_role("link", name=re.compile("^注册")).click()
    expect(page.get_by_role("heading", name="注册", exact=True)).to_be_visible()
    expect(page.get_by_text("【免费注册】").first).to_be_visible()
    footer = page.get_by_test_id("site-info")
    for text in ("主办单位", "联系电话", "地址", "ICP 备案号", "网站标识码"):
        expect(footer).to_contain_text(text)


@pytest.mark.postgres  # the bigram GIN index serves the two-character term
def test_site_search_finds_a_service_by_a_two_character_term(live_server, page, catalogue):  # noqa: F811
    page.goto(live_server.url)
    search = page.get_by_role("search").first
    search.get_by_label("站内搜索").fill("检测")
    search.get_by_role("button", name="搜索").click()
    expect(page.get_by_role("heading", name="站内搜索", exact=True)).to_be_visible()
    services = page.get_by_test_id("group-services")
    expect(services.get_by_role("link", name="枸杞农残检测")).to_be_visible()
    expect(page.get_by_test_id("search-total")).to_have_text("“检测”共找到 1 条结果")
    services.get_by_role("link", name=re.compile("查看全部")).click()
    expect(page).to_have_url(re.compile(r"/services/\?q="))
    expect(page.get_by_test_id("result-count")).to_have_text("共找到 1 项服务")


def test_a_bad_filter_value_keeps_the_other_filters(live_server, page, catalogue):  # noqa: F811
    page.goto(f"{live_server.url}/services/?q=法律&price_min=abc")
    expect(page.get_by_test_id("result-count")).to_have_text("共找到 2 项服务")
    filters = page.get_by_role("form", name="筛选条件")
    price = filters.get_by_label("最低价格")
    expect(price).to_have_attribute("aria-invalid", "true")
    expect(filters.locator(".invalid-feedback").first).to_be_visible()
    expect(filters.get_by_label("关键词")).to_have_value("法律")


def test_the_order_changelist_fits_a_1366_by_768_screen(live_server, page):
    page.set_viewport_size({"width": 1366, "height": 768})
    order = order_in_state("in_service")
    type(order).objects.filter(pk=order.pk).update(
        service_title="企业常年法律顾问及合同审查、劳动用工合规一揽子综合服务套餐（年度）"
    )
    admin = HubAdminFactory()
    page.goto(f"{live_server.url}/accounts/login/?next=/admin/orders/order/")
    page.get_by_label("用户名").fill(admin.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_label("验证码").fill("PASSED")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#result_list")).to_be_visible()
    widths = page.evaluate(
        """() => {
            const table = document.querySelector('#result_list');
            const box = document.querySelector('#changelist-form .results') || table.parentElement;
            return {table: table.getBoundingClientRect().width, box: box.clientWidth,
                    right: table.getBoundingClientRect().right, viewport: window.innerWidth};
        }"""
    )
    assert widths["table"] <= widths["box"] + 1, widths
    assert widths["right"] <= widths["viewport"], widths
    expect(page.locator("#result_list th", has_text="状态")).to_be_in_viewport()
    expect(page.locator("#result_list th", has_text="下单时间")).to_be_in_viewport()
    expect(page.locator("#result_list td span[title]").first).to_have_attribute(
        "title", re.compile("一揽子综合服务套餐")
    )
