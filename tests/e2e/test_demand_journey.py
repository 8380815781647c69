"""Manual 2.5.1–2.5.5 in a real browser: publish, modify and delete a demand before
approval; an administrator approves; two institutions bid; 【选标】 → 【投标详情】 →
【选为中标单位】 opens 中标公示 on the demand's page; the other bidder 【提出异议】, an
administrator rules 异议不成立 in admin, and when the period ends (the timer) there is
an order on both sides; other demands end in 【流标】 and 【废标】."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from demands.actions import demand_publicity_end_due
from demands.models import Demand
from orders.models import Order
from tests.factories import (
    PASSWORD,
    HubAdminFactory,
    bidder,
    certified_enterprise,
    demand_in_state,
    pass_bid_deadline,
)

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, base_url, username, next_path=""):
    page.goto(f"{base_url}/accounts/login/{'?next=' + next_path if next_path else ''}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_label("验证码").fill("PASSED")
    page.get_by_role("button", name="登录").click()


def log_out(page, base_url):
    page.goto(f"{base_url}/")
    page.get_by_role("button", name="退出").click()


def menu(page):
    return page.get_by_role("navigation", name="用户中心菜单")


def publish(page, title):
    """2.5.1 【服务需求】-》【发布需求】，依次输入需求内容，点击【提请审核】."""
    expect(menu(page).get_by_text("服务需求")).to_be_visible()
    menu(page).get_by_role("link", name="发布需求").click()
    page.get_by_label("需求标题").fill(title)
    page.get_by_label("服务类别").select_option(label="检验检测")
    page.get_by_label("所属窗口").select_option(label="银川市中小企业公共综合服务窗口平台")
    page.get_by_label("预算下限（元）").fill("3000")
    page.get_by_label("预算上限（元）").fill("8000")
    page.get_by_label("需求描述").fill("五个批次枸杞干果的农药残留检测。")
    deadline = timezone.localtime() + timedelta(days=5)
    page.get_by_label("投标截止时间").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("期望完成时间").fill((deadline + timedelta(days=20)).strftime("%Y-%m-%d"))
    page.get_by_label("联系人").fill("马经理")
    page.get_by_label("联系方式").fill("13995110000")
    page.get_by_role("button", name="提请审核").click()
    expect(page.get_by_text("您的需求已提请审核，请等待管理员审核。")).to_be_visible()


def bid(page, base_url, username, title, price):
    log_in(page, base_url, username)
    page.get_by_role("link", name="需求大厅").first.click()
    page.get_by_label("关键词").fill("枸杞")
    page.get_by_role("form", name="筛选条件").get_by_role("button", name="搜索").click()
    page.get_by_role("link", name=title).click()
    expect(page.get_by_test_id("contact")).to_have_count(0)  # the contact is for the winner only
    page.get_by_role("link", name="投标", exact=True).click()
    page.get_by_label("报价（元）").fill(price)
    page.get_by_label("服务方案").fill("CMA 资质实验室检测，五个工作日出具报告。")
    page.get_by_label("预计工期（天）").fill("5")
    page.get_by_role("button", name="投标", exact=True).click()
    expect(page.get_by_text("投标成功。")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(title))).to_contain_text("已投标")
    log_out(page, base_url)


def test_demand_from_publishing_to_the_winning_bid(live_server, page):
    base = live_server.url
    enterprise = certified_enterprise()
    admin = HubAdminFactory()
    first, second = bidder(name="宁夏检测技术有限公司"), bidder(name="银川质检中心")

    log_in(page, base, enterprise.username)
    publish(page, "枸杞干果农残检测")
    publish(page, "临时需求")

    # 2.5.2 【我发布的需求】 → 【修改】 (before approval)
    menu(page).get_by_role("link", name="我发布的需求").click()
    page.get_by_role("row", name=re.compile("枸杞干果农残检测")).get_by_role("link", name="修改").click()
    page.get_by_label("需求标题").fill("枸杞干果农残与重金属检测")
    page.get_by_role("button", name="提请审核").click()
    row = page.get_by_role("row", name=re.compile("枸杞干果农残与重金属检测"))
    expect(row).to_contain_text("待审核")

    # 2.5.3 【删除】 (before approval)
    page.get_by_role("row", name=re.compile("临时需求")).get_by_role("link", name="删除").click()
    page.get_by_role("button", name="删除").click()
    expect(page.get_by_role("row", name=re.compile("临时需求"))).to_have_count(0)
    log_out(page, base)

    # An administrator approves it (审核通过) in the admin.
    log_in(page, base, admin.username, "/admin/demands/demand/")
    page.get_by_role("link", name="枸杞干果农残与重金属检测").click()
    page.get_by_role("link", name="审核通过").click()
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".messagelist")).to_contain_text("审核通过")
    log_out(page, base)

    # After approval the enterprise can no longer modify or delete it.
    log_in(page, base, enterprise.username)
    menu(page).get_by_role("link", name="我发布的需求").click()
    row = page.get_by_role("row", name=re.compile("枸杞干果农残与重金属检测"))
    expect(row).to_contain_text("投标中")
    expect(row.get_by_role("link", name="修改")).to_have_count(0)
    expect(row.get_by_role("link", name="删除")).to_have_count(0)
    log_out(page, base)

    bid(page, base, first.username, "枸杞干果农残与重金属检测", "5200")
    bid(page, base, second.username, "枸杞干果农残与重金属检测", "4800")
    demand = Demand.objects.get(title="枸杞干果农残与重金属检测")

    # Before the deadline the bids are sealed: the enterprise sees how many, not what.
    log_in(page, base, enterprise.username)
    menu(page).get_by_role("link", name="我发布的需求").click()
    page.get_by_role("row", name=re.compile("枸杞干果农残与重金属检测")).get_by_role("link", name="选标").click()
    expect(page.get_by_test_id("sealed")).to_contain_text("目前共 2 家投标")
    expect(page.get_by_test_id("bid")).to_have_count(0)
    log_out(page, base)

    pass_bid_deadline(demand)  # time passes: bidding is over

    # 2.5.4 【我发布的需求】 → 【选标】 → 【投标详情】 → 【选为中标单位】
    log_in(page, base, enterprise.username)
    menu(page).get_by_role("link", name="我发布的需求").click()
    page.get_by_role("row", name=re.compile("枸杞干果农残与重金属检测")).get_by_role("link", name="选标").click()
    expect(page.get_by_role("heading", name="投标详情")).to_be_visible()
    expect(page.get_by_test_id("bid")).to_have_count(2)
    winner_card = page.get_by_test_id("bid").filter(has_text="银川质检中心")
    expect(winner_card).to_contain_text("4800 元")
    expect(winner_card).to_contain_text("已认证")
    winner_card.get_by_role("link", name="选为中标单位").click()
    page.get_by_role("button", name="选为中标单位").click()
    expect(page.get_by_text("银川质检中心 正在中标公示")).to_be_visible()
    publicity = page.get_by_test_id("publicity")
    expect(publicity).to_contain_text("银川质检中心")
    expect(publicity).to_contain_text("4800 元")
    demand.refresh_from_db()
    expect(publicity).to_contain_text(timezone.localtime(demand.publicity_ends_at).strftime("%Y-%m-%d %H:%M"))
    expect(page.get_by_test_id("demand-status")).to_have_text("中标公示")
    assert not Order.objects.filter(enterprise=enterprise.organisation).exists()
    log_out(page, base)

    # The other bidder 【提出异议】 from the demand's page (a reason is required).
    log_in(page, base, first.username)
    menu(page).get_by_role("link", name="我的投标").click()
    page.get_by_role("link", name="枸杞干果农残与重金属检测").click()
    page.get_by_role("link", name="提出异议").click()
    page.get_by_role("button", name="提出异议").click()
    expect(page.get_by_text("此项为必填项。")).to_be_visible()
    page.get_by_label("异议理由").fill("中标单位的检测资质不含重金属项目。")
    page.get_by_role("button", name="提出异议").click()
    expect(page.get_by_test_id("own-objections")).to_contain_text("待处理")
    log_out(page, base)

    # An administrator rules in admin: 异议不成立, with the handling opinion.
    log_in(page, base, admin.username, "/admin/demands/demandobjection/")
    page.get_by_role("link", name=re.compile("枸杞干果")).first.click()
    page.get_by_role("link", name="异议不成立").click()
    page.get_by_label("原因").fill("经核实，中标单位资质包含重金属检测。")
    page.get_by_role("button", name="异议不成立").click()
    expect(page.locator(".messagelist")).to_contain_text("异议不成立")
    log_out(page, base)

    # The period ends: the timer makes the order.
    assert demand_publicity_end_due(now=demand.publicity_ends_at) == [
        f"demand {demand.pk}: award publicity ended, order made"
    ]
    order = Order.objects.get(enterprise=enterprise.organisation)
    log_in(page, base, enterprise.username)
    menu(page).get_by_role("link", name="我申请的订单").click()
    expect(page.get_by_role("row", name=re.compile(order.number))).to_contain_text("服务中")
    menu(page).get_by_role("link", name="我发布的需求").click()
    expect(page.get_by_role("row", name=re.compile("枸杞干果农残与重金属检测"))).to_contain_text("已中标")
    log_out(page, base)

    # The winner sees the order and the contact; the loser sees 未中标.
    log_in(page, base, second.username)
    menu(page).get_by_role("link", name="收到的订单").click()
    expect(page.get_by_role("row", name=re.compile(order.number))).to_contain_text("服务中")
    menu(page).get_by_role("link", name="我的投标").click()
    expect(page.get_by_role("row", name=re.compile("枸杞干果"))).to_contain_text("中标")
    page.get_by_role("link", name="枸杞干果农残与重金属检测").click()
    expect(page.get_by_test_id("contact")).to_contain_text("13995110000")
    log_out(page, base)
    log_in(page, base, first.username)
    menu(page).get_by_role("link", name="我的投标").click()
    expect(page.get_by_role("row", name=re.compile("枸杞干果"))).to_contain_text("未中标")


@pytest.mark.parametrize(("button", "state"), [("流标", "已流标"), ("废标", "已废标")])
def test_no_winner_and_void(live_server, page, button, state):
    """2.5.5 【我发布的需求】 → 【流标】/【废标】 with a reason; the bids become void."""
    demand = demand_in_state("bidding", bids=1, title="品牌策划服务")
    log_in(page, live_server.url, demand.created_by.username)
    menu(page).get_by_role("link", name="我发布的需求").click()
    page.get_by_role("row", name=re.compile("品牌策划服务")).get_by_role("link", name=button).click()
    page.get_by_label("原因").fill("预算调整，暂不采购。")
    page.get_by_role("button", name=re.compile(button)).click()
    expect(page.get_by_role("row", name=re.compile("品牌策划服务"))).to_contain_text(state)
    assert demand.bids.get().status == "void"
