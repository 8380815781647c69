"""Manual 2.4.6 (投诉), 2.6.1 (我的投诉), 2.4.7 (评论 / 追加评论) and 2.7 (我的评价 / 对方的评价) in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from complaints.models import Complaint
from reviews.models import Review
from tests.factories import (
    PASSWORD,
    HubAdminFactory,
    certified_enterprise,
    certified_institution,
    order_in_state,
    png_bytes,
    published_service,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_label("验证码").fill("PASSED")
    page.get_by_role("button", name="登录").click()


def log_out(page, base_url):
    page.goto(f"{base_url}/")
    page.get_by_role("button", name="退出").click()


def menu(page):
    return page.get_by_role("navigation", name="用户中心菜单")


@pytest.fixture
def setting():
    institution = certified_institution("yinchuan")
    service = published_service(institution, title="食品安全检验检测")
    enterprise = certified_enterprise()
    orders = {
        state: order_in_state(state, enterprise=enterprise, institution=institution, service=service)
        for state in ("in_service", "completed", "checked")
    }
    return {"institution": institution, "enterprise": enterprise, "orders": orders}


PHOTO = {"name": "现场照片.png", "mimeType": "image/png", "buffer": png_bytes()}


def test_complaints_in_the_three_cases_then_the_full_record(live_server, page, setting):
    base = live_server.url
    log_in(page, base, setting["enterprise"].username)

    # 2.4.6 第一步 (1)(2)(3): 【服务中的订单】, 【已完成的订单】, 【已验收的订单】 → 【投诉】
    for tab, state in (("服务中的订单", "in_service"), ("已完成的订单", "completed"), ("已验收的订单", "checked")):
        order = setting["orders"][state]
        menu(page).get_by_role("link", name=tab).click()
        page.get_by_label("关键词").fill(order.number)
        page.get_by_role("button", name="筛选").click()
        page.get_by_role("row", name=re.compile(order.number)).get_by_role("link", name="投诉", exact=True).click()
        # 第二步：输入投诉理由，上传相关照片，点击【投诉】
        page.get_by_label("投诉类型").select_option(label="服务质量差")
        page.get_by_label("投诉理由").fill(f"{tab}：检测报告与样品不符。")
        page.get_by_label("相关照片").set_input_files(PHOTO)
        page.get_by_role("button", name="投诉", exact=True).click()
        expect(page.get_by_test_id("complaint-status")).to_have_text("待处理")
        expect(page.get_by_role("img", name="照片 1")).to_be_visible()
    assert Complaint.objects.count() == 3
    assert all(c.photos.count() == 1 for c in Complaint.objects.all())
    complaint = Complaint.objects.get(order=setting["orders"]["completed"])
    log_out(page, base)

    # The institution replies from 【投诉维权】 → 受到的投诉.
    log_in(page, base, setting["institution"].username)
    menu(page).get_by_role("link", name="受到的投诉").click()
    page.get_by_role("row", name=re.compile(complaint.number)).get_by_role("link", name="回复").click()
    page.get_by_label("回复").fill("已安排复检，三日内出具新报告。")
    page.get_by_role("button", name="回复").click()
    expect(page.get_by_test_id("complaint-status")).to_have_text("机构已回复")
    log_out(page, base)

    # An administrator of the window 受理 and closes it with a result.
    admin = HubAdminFactory()
    log_in(page, base, admin.username)
    page.goto(f"{base}/admin/complaints/complaint/")
    expect(page.get_by_role("link", name=complaint.number)).to_be_visible()
    page.get_by_role("link", name=complaint.number).click()
    page.get_by_role("link", name="受理").click()
    page.get_by_role("button", name="受理").click()
    page.get_by_role("link", name="办结：投诉成立").click()
    page.get_by_label("原因").fill("复检证实原报告有误，责令机构免费复检并致歉。")
    page.get_by_role("button", name="办结：投诉成立").click()
    expect(page.get_by_text("复检证实原报告有误").first).to_be_visible()
    page.goto(f"{base}/")
    page.get_by_role("button", name="退出").click()

    # 2.6.1 【投诉维权】 → 【我的投诉】，查看完整的投诉信息
    log_in(page, base, setting["enterprise"].username)
    expect(menu(page).get_by_text("投诉维权")).to_be_visible()
    menu(page).get_by_role("link", name="我的投诉").click()
    page.get_by_role("row", name=re.compile(complaint.number)).get_by_role("link", name="查看").click()
    expect(page.get_by_test_id("complaint-status")).to_have_text("已办结")
    expect(page.get_by_test_id("complaint-reason")).to_contain_text("检测报告与样品不符")
    expect(page.get_by_test_id("complaint-reply")).to_have_text("已安排复检，三日内出具新报告。")
    expect(page.get_by_test_id("complaint-result")).to_contain_text("投诉成立")
    expect(page.get_by_test_id("complaint-result")).to_contain_text("责令机构免费复检并致歉")
    record = page.get_by_role("region", name="处理记录")
    for step in ("提交了投诉", "回复了投诉", "受理了投诉", "办结了投诉"):
        expect(record.get_by_text(step)).to_be_visible()
    expect(page.get_by_role("img", name="照片 1")).to_be_visible()


def test_reviews_and_follow_ups_on_both_sides(live_server, page, setting):
    base = live_server.url
    order = setting["orders"]["checked"]
    log_in(page, base, setting["enterprise"].username)

    # 2.4.7 【订单管理】 → 【待评价的订单】 → 【评论】，输入评分和评价内容，点击【发表评论】
    menu(page).get_by_role("link", name="待评价的订单").click()
    page.get_by_label("关键词").fill(order.number)
    page.get_by_role("button", name="筛选").click()
    page.get_by_role("row", name=re.compile(order.number)).get_by_role("link", name="评论", exact=True).click()
    for group, value in (
        ("评分", "★★★★☆ 4"),
        ("服务质量", "★★★★★ 5"),
        ("服务态度", "★★★★☆ 4"),
        ("响应速度", "★★★☆☆ 3"),
    ):
        page.get_by_role("group", name=group, exact=True).get_by_label(value).check()
    page.get_by_label("评价内容").fill("检测专业，报告清晰。")
    page.get_by_role("button", name="发表评论").click()
    expect(page.get_by_test_id("review-content")).to_have_text("检测专业，报告清晰。")

    # 【追加评论】 from the same list.
    menu(page).get_by_role("link", name="待评价的订单").click()
    page.get_by_role("row", name=re.compile(order.number)).get_by_role("link", name="追加评论").click()
    page.get_by_label("追加评论").fill("后续咨询也很耐心。")
    page.get_by_role("button", name="发表评论").click()
    expect(page.get_by_test_id("review-followup")).to_contain_text("后续咨询也很耐心。")
    menu(page).get_by_role("link", name="待评价的订单").click()
    expect(page.get_by_role("row", name=re.compile(order.number))).to_have_count(0)
    log_out(page, base)

    # The institution reviews the enterprise from 订单管理 → 待评价的订单 (listed once: issue 13).
    log_in(page, base, setting["institution"].username)
    expect(menu(page).get_by_role("link", name="待评价的订单")).to_have_count(1)
    menu(page).get_by_role("link", name="待评价的订单").click()
    page.get_by_role("row", name=re.compile(order.number)).get_by_role("link", name="评论", exact=True).click()
    page.get_by_role("group", name="评分", exact=True).get_by_label("★★★★★ 5").check()
    page.get_by_label("评价内容").fill("企业配合积极，付款及时。")
    page.get_by_role("button", name="发表评论").click()
    expect(page.get_by_test_id("review-content")).to_have_text("企业配合积极，付款及时。")

    # 2.7.1 and 2.7.2 for the institution.
    expect(menu(page).get_by_text("评价管理")).to_be_visible()
    menu(page).get_by_role("link", name="我的评价").click()
    page.get_by_role("row", name=re.compile(order.number)).get_by_role("link", name="评价详情").click()
    expect(page.get_by_test_id("review-content")).to_have_text("企业配合积极，付款及时。")
    menu(page).get_by_role("link", name="对方的评价").click()
    page.get_by_role("row", name=re.compile(order.number)).get_by_role("link", name="评价详情").click()
    expect(page.get_by_test_id("review-content")).to_have_text("检测专业，报告清晰。")
    expect(page.get_by_test_id("review-followup")).to_contain_text("后续咨询也很耐心。")
    log_out(page, base)

    # 2.7.1 【评价管理】 → 【我的评价】 → 【评价详情】; 2.7.2 【对方的评价】 → 【评价详情】 for the enterprise.
    log_in(page, base, setting["enterprise"].username)
    menu(page).get_by_role("link", name="我的评价").click()
    page.get_by_role("row", name=re.compile(order.number)).get_by_role("link", name="评价详情").click()
    expect(page.get_by_test_id("review-score")).to_have_text("4")
    expect(page.get_by_test_id("review-followup")).to_contain_text("后续咨询也很耐心。")
    menu(page).get_by_role("link", name="对方的评价").click()
    page.get_by_role("row", name=re.compile(order.number)).get_by_role("link", name="评价详情").click()
    expect(page.get_by_test_id("review-content")).to_have_text("企业配合积极，付款及时。")
    assert Review.objects.count() == 2

    # The institution's public page shows the score and the review.
    page.goto(f"{base}/services/institutions/{order.institution_id}/")
    expect(page.get_by_text("检测专业，报告清晰。")).to_be_visible()
    expect(page.get_by_text("★ 4.0").first).to_be_visible()
