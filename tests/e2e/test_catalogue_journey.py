"""Manual 2.4.1 (first step) and 2.4.2 in a real browser:
【服务需求】 → 【找服务】 with filters, a result; 【服务需求】 → 【找机构】 with filters,
【机构名称】 → the institution's page with its services."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from services.actions import service_approve, service_save, service_submit
from services.models import Service, ServiceCategory
from tests.factories import PASSWORD, EnterpriseUserFactory, HubAdminFactory, certified_institution, window

pytestmark = pytest.mark.django_db(transaction=True)


def publish(user, title, category_code, windows, summary, price=None, unit=""):
    service = Service(
        institution=user.organisation,
        title=title,
        category=ServiceCategory.objects.get(code=category_code),
        price_mode="fixed" if price else "negotiable",
        price=Decimal(price) if price else None,
        price_unit=unit,
        summary=summary,
        content=summary,
        contact_name="张经理",
        contact_phone="0951-6012345",
    )
    service = service_save(service=service, actor=user, windows=[window(slug) for slug in windows])
    service_submit(service=service, actor=user)
    return service_approve(service=service, actor=HubAdminFactory())


@pytest.fixture
def catalogue():
    law = certified_institution("yinchuan", "xingqing")
    law.organisation.name = "宁夏贺兰山律师事务所"
    law.organisation.save(update_fields=["name"])
    lab = certified_institution("yinchuan", "goji")
    lab.organisation.name = "银川枸杞检测中心"
    lab.organisation.save(update_fields=["name"])
    publish(
        law,
        "企业常年法律顾问",
        "legal-counsel",
        ["yinchuan", "xingqing"],
        "为中小企业提供法律咨询与合同审查。",
        "6000",
        "year",
    )
    publish(law, "劳动争议调解代理", "legal-labour", ["xingqing"], "劳动合同与用工纠纷的法律服务。")
    publish(
        lab,
        "枸杞农残检测",
        "technology_quality-testing",
        ["goji"],
        "枸杞干果农药残留检测，出具检测报告。",
        "800",
        "time",
    )
    return {"law": law, "lab": lab}


def test_find_services_with_filters_then_a_result(live_server, page, catalogue):
    user = EnterpriseUserFactory()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_label("验证码").fill("PASSED")
    page.get_by_role("button", name="登录").click()

    # 第一步：点击【服务需求】-》【找服务】，根据筛选条件，找到想要的服务
    menu = page.get_by_role("navigation", name="用户中心菜单")
    expect(menu.get_by_text("服务需求")).to_be_visible()
    menu.get_by_role("link", name="找服务").click()
    expect(page.get_by_role("heading", name="找服务", exact=True)).to_be_visible()
    expect(page.get_by_test_id("result-count")).to_have_text("共找到 3 项服务")

    filters = page.get_by_role("form", name="筛选条件")
    filters.get_by_label("服务类别").select_option(label="法律服务")
    filters.get_by_label("关键词").fill("法律")
    filters.get_by_role("button", name="搜索").click()
    expect(page.get_by_test_id("result-count")).to_have_text("共找到 2 项服务")
    expect(page).to_have_url(re.compile(r"category=legal"))  # the search is in the URL

    page.get_by_role("link", name="价格").click()
    expect(page).to_have_url(re.compile(r"sort=price"))
    expect(page.locator(".service-card h3").first).to_have_text("企业常年法律顾问")

    page.get_by_role("link", name="企业常年法律顾问").click()
    expect(page.get_by_role("heading", name="企业常年法律顾问")).to_be_visible()
    expect(page.get_by_text("6000 元/年").first).to_be_visible()
    expect(page.get_by_role("link", name="宁夏贺兰山律师事务所").first).to_be_visible()


def test_find_institutions_then_the_institution_page(live_server, page, catalogue):
    page.goto(live_server.url)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="找机构").click()
    expect(page.get_by_test_id("result-count")).to_have_text("共找到 2 家机构")

    # 第一步：通过筛选条件，查找服务机构
    filters = page.get_by_role("form", name="筛选条件")
    filters.get_by_label("窗口").select_option(label="枸杞产业集群窗口")
    filters.get_by_role("button", name="搜索").click()
    expect(page.get_by_test_id("result-count")).to_have_text("共找到 1 家机构")

    # 第二步：点击【机构名称】链接，查看机构的详细信息，包括该机构发布的产品服务
    page.get_by_role("link", name="银川枸杞检测中心").click()
    expect(page.get_by_role("heading", name=re.compile("银川枸杞检测中心"))).to_be_visible()
    expect(page.get_by_role("link", name="枸杞农残检测")).to_be_visible()
    expect(page.get_by_text(catalogue["lab"].organisation.mobile)).to_have_count(0)
