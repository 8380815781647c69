"""Manual 2.3 in a real browser: 【认证中心】 → 【机构信息】 → 【立即认证】 → 【提请审核】,
an administrator approves in admin; then an institution joins a window (manual 备注)."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.factories import PASSWORD, EnterpriseUserFactory, HubAdminFactory, InstitutionUserFactory, make_window_admin

pytestmark = pytest.mark.django_db(transaction=True)


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), "#f5e6c8").save(buffer, "PNG")
    return buffer.getvalue()


def log_in(page, base_url, username, next_path=""):
    page.goto(f"{base_url}/accounts/login/{'?next=' + next_path if next_path else ''}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_label("验证码").fill("PASSED")
    page.get_by_role("button", name="登录").click()


def log_out(page, base_url):
    page.goto(f"{base_url}/")
    page.get_by_role("button", name="退出").click()


def fill_common(page, name, code, district):
    page.get_by_label("统一社会信用代码").fill(code)
    page.get_by_label("法定代表人").fill("马明")
    page.get_by_label("注册资本（万元）").fill("300")
    page.get_by_label("成立日期").fill("2015-06-01")
    page.get_by_label("所属区县").select_option(label=district)
    page.get_by_label("注册地址").fill("银川市兴庆区解放西街 1 号")
    page.get_by_label("经营范围").fill("枸杞制品加工销售")
    page.get_by_label("联系人").fill("马明")
    page.get_by_label("手机号码").fill("13995112233")
    page.get_by_label("营业执照").set_input_files(
        {"name": "营业执照.png", "mimeType": "image/png", "buffer": png_bytes()}
    )


def approve_in_admin(page, base_url, admin_username, application_name):
    log_in(page, base_url, admin_username, "/admin/certification/certificationapplication/")
    page.get_by_role("link", name=application_name).click()
    page.get_by_role("link", name="审核通过").click()
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".messagelist")).to_contain_text("审核通过")


def test_enterprise_certifies_and_an_administrator_approves(live_server, page):
    user = EnterpriseUserFactory(organisation__name="宁夏红枸杞有限公司")
    HubAdminFactory(username="hub")
    log_in(page, live_server.url, user.username)

    # 第一步：登录网站后台后选择“【认证中心】”-》“【机构信息】”-》“【立即认证】”
    menu = page.get_by_role("navigation", name="用户中心菜单")
    expect(menu.get_by_text("认证中心")).to_be_visible()
    menu.get_by_role("link", name="机构信息").click()
    expect(page.get_by_test_id("certification-status")).to_have_text("未认证")
    page.get_by_role("button", name="立即认证").click()

    # 第二步：完善相关的企业信息，提示：红点为必填，黑点为二者选填其一
    expect(page.get_by_text("红点为必填。")).to_be_visible()
    expect(page.get_by_text("黑点为二者选填其一。")).to_be_visible()
    for section in ["基本信息", "工商信息", "联系方式", "资质材料"]:
        expect(page.get_by_role("group", name=section)).to_be_visible()
    expect(page.locator(".field-legal_representative .dot-required")).to_be_visible()
    expect(page.locator(".field-credit_code .dot-either")).to_be_visible()
    expect(page.locator(".field-org_code .dot-either")).to_be_visible()

    # Submitting too early is refused next to the fields, and keeps what was typed.
    page.get_by_label("法定代表人").fill("马明")
    page.get_by_role("button", name="提请审核").click()
    expect(page.locator(".field-industry")).to_contain_text("此项为必填项。")
    expect(page.locator(".field-credit_code")).to_contain_text("二者至少填写其一。")
    expect(page.get_by_label("法定代表人")).to_have_value("马明")

    expect(page.get_by_label("企业名称")).to_have_value("宁夏红枸杞有限公司")
    fill_common(page, "宁夏红枸杞有限公司", "914403001922038216", "兴庆区")
    page.get_by_label("企业类型").select_option(label="有限责任公司")
    page.get_by_label("所属行业").select_option(label="C 制造业")
    page.get_by_label("企业规模").select_option(label="小型")
    page.get_by_label("从业人数").fill("45")
    page.get_by_role("button", name="提请审核").click()
    expect(page.get_by_test_id("certification-status")).to_have_text("待审核")

    log_out(page, live_server.url)
    approve_in_admin(page, live_server.url, "hub", "宁夏红枸杞有限公司")
    log_out(page, live_server.url)

    log_in(page, live_server.url, user.username)
    page.get_by_role("link", name="机构信息").click()
    expect(page.get_by_test_id("certification-status")).to_have_text("已认证")
    expect(page.get_by_text("914403001922038216")).to_be_visible()


def test_institution_certifies_then_joins_a_window(live_server, page):
    user = InstitutionUserFactory(organisation__name="贺兰山法律服务中心")
    HubAdminFactory(username="hub")
    window_admin = make_window_admin("xingqing")
    log_in(page, live_server.url, user.username)
    page.get_by_role("link", name="机构信息").click()
    page.get_by_role("button", name="立即认证").click()
    fill_common(page, "贺兰山法律服务中心", "91330100799655058B", "兴庆区")
    page.get_by_label("机构类型").select_option(label="律师事务所")
    page.get_by_role("group", name="服务领域").get_by_label("法律服务").check()
    page.get_by_label("服务区域").fill("银川市全域")
    page.get_by_label("机构简介").fill("为中小企业提供合同、劳动与知识产权法律服务。")
    page.get_by_role("button", name="提请审核").click()
    expect(page.get_by_test_id("certification-status")).to_have_text("待审核")
    log_out(page, live_server.url)

    approve_in_admin(page, live_server.url, "hub", "贺兰山法律服务中心")
    log_out(page, live_server.url)

    # 备注：select the Yinchuan window (and another), an administrator approves.
    log_in(page, live_server.url, user.username)
    page.get_by_role("link", name="加入窗口").click()
    page.get_by_role("checkbox", name="银川市中小企业公共综合服务窗口平台").check()
    page.get_by_role("checkbox", name="兴庆区中小企业服务窗口").check()
    page.get_by_role("button", name="申请加入").click()
    row = page.get_by_role("row", name=re.compile("兴庆区中小企业服务窗口"))
    expect(row).to_contain_text("已申请")
    log_out(page, live_server.url)

    log_in(page, live_server.url, window_admin.username, "/admin/windows/windowmembership/")
    expect(page.get_by_role("link", name="贺兰山法律服务中心")).to_have_count(1)  # only its own window's row
    page.get_by_role("link", name="贺兰山法律服务中心").click()
    page.get_by_role("link", name="审核通过").click()
    page.get_by_role("button", name="审核通过").click()
    log_out(page, live_server.url)

    log_in(page, live_server.url, user.username)
    page.get_by_role("link", name="加入窗口").click()
    expect(page.get_by_role("row", name=re.compile("兴庆区中小企业服务窗口"))).to_contain_text("已加入")
    expect(page.get_by_role("row", name=re.compile("银川市中小企业公共综合服务窗口平台"))).to_contain_text("已申请")
