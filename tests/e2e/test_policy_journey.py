"""政策法规 in a real browser (issue 17): a window administrator drafts a policy for 兴庆区's
small manufacturers, a hub administrator approves it, the matching enterprise finds it
under 适合我的政策 with the reasons and a message, a non-matching one does not, the public
list filters and searches it, and the reach figures move when the enterprise opens it."""

import re

import pytest
from playwright.sync_api import expect

from policies.models import Policy
from tests.factories import HubAdminFactory, certified_enterprise, make_window_admin

from .test_order_journey import log_in, log_out

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "兴庆区小型制造业企业技术改造资金扶持"


def test_policy_from_draft_to_the_enterprise_it_fits(live_server, page):
    base = live_server.url
    author = make_window_admin("xingqing")
    reviewer = HubAdminFactory()
    fits = certified_enterprise(district="xingqing", industry="C", scale="small")
    other = certified_enterprise(district="xingqing", industry="I", scale="small")

    # The window administrator drafts the policy in admin and submits it for review.
    log_in(page, base, author.username)
    page.goto(f"{base}/admin/policies/policy/add/")
    page.get_by_label("窗口平台").select_option(label="兴庆区中小企业服务窗口")
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("发文机关").fill("兴庆区工业和信息化局")
    page.get_by_label("文号").fill("兴工信发〔2026〕12号")
    page.get_by_label("政策类别").select_option(label="资金扶持")
    page.get_by_label("内容").fill("<p>按设备投资额的 10% 给予补助。</p><script>alert(1)</script>")
    page.get_by_label("申报截止").fill("2099-12-31")
    page.get_by_role("checkbox", name="兴庆区").check()
    page.get_by_role("checkbox", name="C 制造业").check()
    page.get_by_role("checkbox", name="小型").check()
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_contain_text(TITLE)
    page.get_by_role("link", name="提请审核").click()
    page.locator("input[type=submit][value=提请审核]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    policy = Policy.objects.get()
    assert policy.status == "pending" and "<script" not in policy.body
    log_out(page, base)

    # Nobody sees it before review.
    page.goto(f"{base}/policies/")
    expect(page.get_by_role("link", name=TITLE)).to_have_count(0)

    # A hub administrator approves and publishes it.
    log_in(page, base, reviewer.username)
    page.goto(f"{base}/admin/policies/policy/{policy.pk}/change/")
    page.get_by_role("link", name="审核通过并发布").click()
    page.locator("input[type=submit][value=审核通过并发布]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    page.goto(f"{base}/admin/policies/policy/{policy.pk}/change/")
    reach = page.locator(".field-reach")
    expect(reach).to_contain_text("兴庆区")
    log_out(page, base)

    # The enterprise it fits sees it under 适合我的政策 with the reasons, and has a message.
    log_in(page, base, fits.username)
    page.get_by_role("link", name="消息").first.click()
    expect(page.get_by_text(re.compile("有适合贵企业的新政策"))).to_be_visible()
    page.goto(f"{base}/accounts/center/")
    page.get_by_role("navigation", name="用户中心菜单").get_by_role("link", name="适合我的政策").click()
    item = page.get_by_role("listitem").filter(has_text=TITLE)
    expect(item).to_contain_text("区县")
    expect(item).to_contain_text("未读")
    item.get_by_role("link", name=TITLE).click()
    expect(page.get_by_text("该政策适合贵企业")).to_be_visible()
    page.get_by_role("button", name="收藏").click()
    expect(page.get_by_text("已收藏。")).to_be_visible()
    log_out(page, base)

    # The one it does not fit does not.
    log_in(page, base, other.username)
    page.goto(f"{base}/policies/mine/")
    expect(page.get_by_role("link", name=TITLE)).to_have_count(0)
    log_out(page, base)

    # The public list filters and searches it.
    page.goto(f"{base}/policies/")
    search = page.get_by_role("form", name="筛选")
    page.get_by_label("关键词").fill("技术改造")
    page.get_by_label("政策类别").select_option(label="资金扶持")
    page.get_by_label("仍在申报期").check()
    search.get_by_role("button", name="搜索").click()
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    page.get_by_label("政策类别").select_option(label="税收优惠")
    search.get_by_role("button", name="搜索").click()
    expect(page.get_by_role("link", name=TITLE)).to_have_count(0)

    # 监管看板 → 政策触达: the enterprise that opened it counts.
    log_in(page, base, author.username)
    page.goto(f"{base}/supervision/dashboard/")
    page.get_by_role("navigation", name="监管看板").get_by_role("link", name="政策触达").click()
    row = page.get_by_role("row", name=re.compile(TITLE))
    expect(row).to_contain_text("100.0")  # one enterprise targeted, told, and it opened the policy
