"""Manual 2.1 and 2.2 in a real browser, by the manual's labels."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role, User

pytestmark = pytest.mark.django_db(transaction=True)


def test_enterprise_registers_then_logs_in_with_captcha(live_server, page):
    # 2.1 第一步：打开浏览器输入网址
    page.goto(live_server.url)
    # 第二步：点击链接“【免费注册】”
    page.get_by_role("link", name="免费注册").first.click()
    # 第三步：选择【企业用户注册】-》【点击这里注册】
    page.get_by_role("region", name="企业用户注册").get_by_role("link", name="点击这里注册").click()
    expect(page.get_by_role("heading", name="企业用户注册")).to_be_visible()
    # 第四步：填写注册信息，完成注册
    page.get_by_label("用户名").fill("ningxia_goji")
    page.get_by_label("密码", exact=True).fill("Goji-harvest-2026")
    page.get_by_label("确认密码").fill("Goji-harvest-2026")
    page.get_by_label("企业名称").fill("宁夏红枸杞有限公司")
    page.get_by_label("联系人").fill("马明")
    page.get_by_label("手机号码").fill("13995112233")
    page.get_by_label("验证码").fill("PASSED")
    page.get_by_label("我已阅读并同意").check()
    page.get_by_role("button", name="注册").click()

    expect(page).to_have_url(re.compile(r"/accounts/center/$"))
    expect(page.get_by_role("heading", name="用户中心")).to_be_visible()
    expect(page.get_by_text("宁夏红枸杞有限公司")).to_be_visible()
    user = User.objects.get(username="ningxia_goji")
    assert user.role == Role.ENTERPRISE

    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("link", name="免费注册").first).to_be_visible()

    # 2.2 输入【用户名】、【密码】、【验证码】，然后点击登录
    page.get_by_role("link", name="登录", exact=True).first.click()
    page.get_by_label("用户名").fill("ningxia_goji")
    page.get_by_label("密码").fill("Goji-harvest-2026")
    page.get_by_label("验证码").fill("PASSED")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/accounts/center/$"))
    expect(page.get_by_test_id("current-user")).to_have_text("ningxia_goji")


def test_wrong_captcha_keeps_the_typed_input(live_server, page):
    page.goto(f"{live_server.url}/accounts/register/enterprise/")
    page.get_by_label("用户名").fill("keeps_input")
    page.get_by_label("企业名称").fill("保留输入有限公司")
    page.get_by_label("验证码").fill("WRONG")
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_text("验证码错误，请输入新图片中的字符。")).to_be_visible()
    expect(page.get_by_label("用户名")).to_have_value("keeps_input")
    expect(page.get_by_label("企业名称")).to_have_value("保留输入有限公司")
    assert not User.objects.filter(username="keeps_input").exists()


def test_captcha_picture_can_be_refreshed_without_losing_input(live_server, page):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("someone")
    image = page.locator("img.captcha-image")
    before = image.get_attribute("src")
    page.get_by_role("button", name="换一张").click()
    expect(image).not_to_have_attribute("src", before)
    expect(page.get_by_label("用户名")).to_have_value("someone")
