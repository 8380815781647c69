"""Manual chapter 1 (信息采集, 动态监管, 预警预测) in a real browser: an enterprise files its
monthly report and confirms a large change; an administrator filters the 监管看板,
exports a table, works a warning to 已关闭 and opens a forecast."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from supervision.models import EarlyWarning, MonthlyReport
from supervision.warnings import evaluate
from tests.factories import PASSWORD, HubAdminFactory, certified_enterprise
from tests.supervision.helpers import certified_org, make_report, months_back

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


def test_report_dashboard_warning_and_forecast(live_server, page):
    base = live_server.url
    enterprise = certified_enterprise(district="xingqing")
    make_report(enterprise.organisation, months_back(1), revenue=Decimal("100.00"))
    declining = certified_org(district="jinfeng", industry="F", name="金凤区下滑商贸公司")
    for n in range(24):
        make_report(declining, months_back(n), revenue=Decimal("40.00") if n == 0 else Decimal("100.00") + n)
    evaluate(months_back(0))
    HubAdminFactory(username="hub")

    # 企业运行数据填报: pre-filled from last month; a large change needs a confirmation and a note.
    log_in(page, base, enterprise.username, "/accounts/center/")
    page.get_by_role("link", name="企业运行数据填报").click()
    expect(page.get_by_label("营业收入")).to_have_value("100.00")
    page.get_by_label("营业收入").fill("300")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("large-changes")).to_contain_text("营业收入")
    page.get_by_label("我确认以上数据无误").check()
    page.get_by_label("变动说明").fill("新签两笔大额订单")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("report-history")).to_contain_text("300.00")
    report = MonthlyReport.objects.get(organisation=enterprise.organisation, period=months_back(0))
    assert report.anomaly_note == "新签两笔大额订单"
    log_out(page, base)

    # 监管看板 from the admin index; filter by district; export a table.
    log_in(page, base, "hub", "/admin/")
    page.get_by_role("link", name="监管看板").click()
    page.locator(".dashboard-nav").get_by_role("link", name="运行数据").click()
    page.get_by_label("所属区县").select_option(label="金凤区")
    page.get_by_role("button", name="筛选").click()
    table = page.get_by_test_id("table-economy_district")
    expect(table).to_contain_text("金凤区")
    expect(table).not_to_contain_text("兴庆区")
    with page.expect_download() as download_info:
        page.locator("#t-economy_district").get_by_role("link", name="导出").click()
    sheet = load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes())).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[1][0] == "金凤区" and rows[1][1] == 40.0

    # 预警: the explanation, then 待处理 → 已核实 → 已关闭 in admin.
    page.locator(".dashboard-nav").get_by_role("link", name="预警").click()
    warnings = page.get_by_test_id("table-warnings")
    expect(warnings).to_contain_text("营业收入同比下降≥30%")
    expect(warnings).to_contain_text("基期")
    page.get_by_role("row", name="营业收入同比").get_by_role("link", name="处理").click()
    page.get_by_role("link", name="核实").click()
    page.get_by_label("原因").fill("电话核实：主要客户流失")
    page.get_by_role("button", name="核实").click()
    page.get_by_role("link", name="关闭").click()
    page.get_by_label("原因").fill("已协调新客户，列入重点帮扶")
    page.get_by_role("button", name="关闭").click()
    expect(page.locator(".messagelist")).to_contain_text("关闭")
    warning = EarlyWarning.objects.get(organisation=declining, rule__code="revenue_yoy")
    assert warning.status == "closed"
    assert list(warning.logs.values_list("to_status", flat=True)) == ["verified", "closed"]

    # 预测: the chart with the history, the method and its backtest error.
    page.goto(f"{base}/supervision/dashboard/")
    page.locator(".dashboard-nav").get_by_role("link", name="预测").click()
    expect(page.get_by_test_id("forecast-method").first).to_contain_text("回测误差（MAPE）")
    expect(page.locator("svg.chart").first).to_be_visible()
