"""监管看板: staff only, window scoping of every view and export, exports equal the page,
pinned query counts."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from supervision.dashboard import Filters, economy_by
from supervision.permissions import Coverage
from tests.factories import (
    EnterpriseUserFactory,
    HubAdminFactory,
    StaffUserFactory,
    make_window_admin,
    order_in_state,
    window,
)

from .helpers import certified_org, make_report, months_back

pytestmark = pytest.mark.django_db

PERIOD = months_back(0)
VIEWS = ["dashboard", "economy", "survey", "activity", "warnings", "forecast"]
EXPORTS = {
    "dashboard": ["reporting", "enterprises_district", "enterprises_industry", "enterprises_scale"],
    "economy": ["economy_district", "economy_industry"],
    "survey": ["survey_orders", "survey_funding", "survey_labour", "survey_difficulties"],
    "activity": ["activity_window", "activity_month"],
    "warnings": ["warnings"],
    "forecast": ["forecast_revenue", "forecast_employees"],
}
XINGQING_NAME = "兴庆区测试企业甲"
JINFENG_NAME = "金凤区测试企业乙"


@pytest.fixture
def data():
    """One enterprise in 兴庆区 and one in 金凤区 with two years of reports and a warning each."""
    from supervision.warnings import evaluate

    xingqing = certified_org(district="xingqing", industry="C", name=XINGQING_NAME)
    jinfeng = certified_org(district="jinfeng", industry="F", name=JINFENG_NAME)
    for n in range(24):
        make_report(xingqing, months_back(n), revenue=Decimal("111.11") if n else Decimal("11.11"))
        make_report(jinfeng, months_back(n), revenue=Decimal("222.22") if n else Decimal("22.22"))
    evaluate(PERIOD)
    return xingqing, jinfeng


def sheet_rows(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("name", VIEWS)
def test_anonymous_enterprise_and_plain_staff_are_kept_out(client, name):
    url = reverse(f"supervision:{name}")
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    client.force_login(EnterpriseUserFactory())
    assert client.get(url).status_code == 403
    client.force_login(StaffUserFactory())  # staff without windows
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("name", VIEWS)
def test_hub_admin_sees_every_district(client, data, name):
    client.force_login(HubAdminFactory())
    response = client.get(reverse(f"supervision:{name}"))
    assert response.status_code == 200


@pytest.mark.parametrize("name", VIEWS)
def test_window_admin_sees_only_their_windows_in_every_view_and_export(client, data, name):
    client.force_login(make_window_admin("xingqing"))
    url = reverse(f"supervision:{name}")
    page = client.get(url).content.decode()
    assert JINFENG_NAME not in page and "222.22" not in page and "22.22" not in page.replace("222.22", "")
    for key in EXPORTS[name]:
        rows = sheet_rows(client.get(url, {"export": key}))
        flat = " ".join(str(v) for row in rows for v in row)
        assert JINFENG_NAME not in flat
        assert "金凤区" not in flat or key == "activity_window"
        assert "222.22" not in flat


def test_window_admin_cannot_filter_on_a_window_not_theirs(client, data):
    client.force_login(make_window_admin("xingqing"))
    response = client.get(reverse("supervision:economy"), {"window": window("jinfeng").pk})
    # Not a choice of theirs: the filter is refused and the page stays within their windows.
    assert response.context["form"].errors["window"]
    assert JINFENG_NAME not in response.content.decode() and "222.22" not in response.content.decode()


@pytest.mark.parametrize("name", VIEWS)
def test_regional_window_admin_is_offered_only_their_district_and_window(client, name):
    client.force_login(make_window_admin("xingqing"))
    form = client.get(reverse(f"supervision:{name}")).context["form"]
    assert [code for code, _label in form.fields["district"].choices] == ["", "xingqing"]
    assert [pk for pk, _label in form.fields["window"].choices] == ["", window("xingqing").pk]


def test_hub_admin_is_offered_every_district(client):
    client.force_login(HubAdminFactory())
    form = client.get(reverse("supervision:dashboard")).context["form"]
    assert len(form.fields["district"].choices) == 7  # 全部 and the six districts and counties


def test_a_bad_filter_value_is_reported_and_the_other_filters_still_apply(client, data):
    client.force_login(HubAdminFactory())
    response = client.get(reverse("supervision:economy"), {"district": "jinfeng", "industry": "nonsense"})
    assert response.context["form"].errors["industry"]
    table = next(t for t in response.context["tables"] if t.key == "economy_district")
    assert [row[0] for row in table.rows] == ["金凤区", "合计"]


def test_window_admin_sees_their_warnings_only(client, data):
    client.force_login(make_window_admin("xingqing"))
    page = client.get(reverse("supervision:warnings")).content.decode()
    assert XINGQING_NAME in page and JINFENG_NAME not in page


def test_filter_by_district_and_the_export_equals_the_page(client, data):
    client.force_login(HubAdminFactory())
    url = reverse("supervision:economy")
    params = {"period": f"{PERIOD:%Y-%m}", "district": "jinfeng"}
    response = client.get(url, params)
    table = next(t for t in response.context["tables"] if t.key == "economy_district")
    assert [row[0] for row in table.rows] == ["金凤区", "合计"]
    assert table.rows[0][1] == 22.22
    assert table.rows[0][2] == -90.0  # 22.22 against 222.22 a year before
    rows = sheet_rows(client.get(url, {**params, "export": "economy_district"}))
    assert rows[0] == [str(h) for h in table.headers]
    assert rows[1:] == [[None if v is None else v for v in row] for row in table.rows]


def test_every_export_equals_its_table(client, data):
    client.force_login(HubAdminFactory())
    for name in VIEWS:
        url = reverse(f"supervision:{name}")
        response = client.get(url)
        for table in response.context["tables"]:
            rows = sheet_rows(client.get(url, {"export": table.key}))
            assert rows[0] == [str(h) for h in table.headers], table.key
            expected = [[v if isinstance(v, int | float) or v is None else str(v) for v in row] for row in table.rows]
            assert rows[1:] == expected, table.key


def test_reporting_rate_and_late_reports(client, data):
    from supervision.models import MonthlyReport
    from supervision.totals import report_totals_rebuild

    MonthlyReport.objects.filter(organisation=data[1], period=PERIOD).delete()
    MonthlyReport.objects.filter(organisation=data[0], period=PERIOD).update(is_late=True)
    report_totals_rebuild()
    client.force_login(HubAdminFactory())
    response = client.get(reverse("supervision:dashboard"))
    table = next(t for t in response.context["tables"] if t.key == "reporting")
    assert table.rows[-1] == ["合计", 2, 1, 50.0, 1]


def test_economy_totals_and_year_on_year():
    xingqing = certified_org(district="xingqing")
    make_report(xingqing, PERIOD, revenue=Decimal("150"))
    make_report(xingqing, months_back(12), revenue=Decimal("100"))
    table = economy_by(Coverage(everything=True), Filters(period=PERIOD), "district")
    assert table.rows[0][:3] == ["兴庆区", 150.0, 50.0]


def test_activity_counts_orders_per_window(client):
    order_in_state("submitted", window_slug="xingqing")
    order_in_state("submitted", window_slug="jinfeng")
    client.force_login(make_window_admin("xingqing"))
    response = client.get(reverse("supervision:activity"))
    table = next(t for t in response.context["tables"] if t.key == "activity_window")
    assert [row[:2] for row in table.rows] == [[window("xingqing").name, 1]]


# Session, user, windows, one query per table, the admin's permission lookups.
PINNED = {"dashboard": 13, "economy": 9, "survey": 8, "activity": 12, "warnings": 10}


@pytest.mark.parametrize(("name", "queries"), PINNED.items())
def test_query_count_does_not_grow_with_data(client, name, queries, django_assert_num_queries):
    admin = make_window_admin("xingqing")
    client.force_login(admin)
    url = reverse(f"supervision:{name}")
    client.get(url)  # warm caches (content types, sessions)
    for n in range(3):
        org = certified_org(district="xingqing", name=f"企业{n}")
    raise_warning(org)  # an empty list would skip the page's row query
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    for n in range(3, 30):
        org = certified_org(district="xingqing", industry="CFI"[n % 3], name=f"企业{n}")
        for m in range(13):
            make_report(org, months_back(m), revenue=Decimal(10 + m))
    from supervision.warnings import evaluate

    evaluate(PERIOD)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_admin_index_links_to_the_dashboard(client):
    client.force_login(make_window_admin("xingqing"))
    page = client.get("/admin/").content.decode()
    assert "监管看板" in page and reverse("supervision:dashboard") in page


def test_exported_numbers_are_the_numbers_on_the_page(client, data):
    """Each exported cell, formatted as the page formats it, is in that table's HTML."""
    import re

    client.force_login(HubAdminFactory())
    url = reverse("supervision:economy")
    page = client.get(url).content.decode()
    html = re.search(r'data-testid="table-economy_district">(.*?)</table>', page, re.S).group(1)
    cells = [re.sub(r"<.*?>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", html, re.S)]
    exported = [v for row in sheet_rows(client.get(url, {"export": "economy_district"}))[1:] for v in row]
    assert len(exported) == len(cells)
    for value, cell in zip(exported, cells, strict=True):
        if value is None:
            assert cell == "—"
        elif isinstance(value, int | float):
            assert float(cell) == value
        else:
            assert cell == value


def test_forecast_page_links_every_aggregate(client, data):
    client.force_login(HubAdminFactory())
    page = client.get(reverse("supervision:forecast"), {"district": "jinfeng"}).content.decode()
    assert "district=xingqing" in page and "industry=C" in page and "全市" in page


def test_activity_counts_demands_complaints_and_scores_per_window(client):
    """The figures of the other apps, made with their real actions, in the xingqing window only."""
    from tests.complaints.helpers import complaint_in_state
    from tests.factories import demand_in_state
    from tests.reviews.helpers import review_by

    demand_in_state("bidding", window_slug="xingqing")
    handler = make_window_admin("xingqing")
    for result in ("upheld", "rejected"):
        order = order_in_state("completed", window_slug="xingqing")
        complaint_in_state("closed", order=order, admin=handler, result=result)
    checked = order_in_state("checked", window_slug="xingqing")
    review_by(checked, score=4, dims=(4, 4, 4))
    review_by(checked, side="institution", score=1, dims=None)  # the institution's review of the enterprise
    demand_in_state("bidding", window_slug="jinfeng")  # another window: not counted

    client.force_login(make_window_admin("xingqing"))
    response = client.get(reverse("supervision:activity"))
    table = next(t for t in response.context["tables"] if t.key == "activity_window")
    # 订单数, 需求数, 投诉数, 投诉成立占比 (%), 评价数, 平均评分: satisfaction is the enterprises' reviews only.
    assert table.rows == [[window("xingqing").name, 3, 1, 2, 50.0, 1, 4.0]]


def raise_warning(organisation):
    from supervision.models import EarlyWarning, WarningRule

    rule = WarningRule.objects.get(code="revenue_yoy")
    return EarlyWarning.objects.create(
        rule=rule,
        organisation=organisation,
        period=PERIOD,
        level=rule.level,
        indicator=rule.indicator,
        comparison=rule.comparison,
        threshold=rule.threshold,
        explanation="营业收入同比下降。",
        district=organisation.district,
    )


def test_warning_list_pages_and_its_export_takes_every_match(client):
    """50 on a page, with paging; 导出 holds all of them, not just the page."""
    from supervision.dashboard_views import WARNINGS_PER_PAGE

    for _ in range(WARNINGS_PER_PAGE + 3):
        raise_warning(certified_org(district="xingqing"))
    client.force_login(HubAdminFactory())
    url = reverse("supervision:warnings")
    first = client.get(url)
    assert len(first.context["warnings"]) == WARNINGS_PER_PAGE
    assert "page=2" in first.content.decode()
    second = client.get(url, {"page": 2})
    assert len(second.context["warnings"]) == 3
    rows = sheet_rows(client.get(url, {"export": "warnings"}))
    assert len(rows) == 1 + WARNINGS_PER_PAGE + 3
