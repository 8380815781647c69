"""Peer position (never from fewer than 5 peers), forecasting backtest, Excel import."""

import io
import math
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from supervision import selectors
from supervision.forecasting import backtest, forecast
from supervision.models import MonthlyReport, ReportTotals
from tests.factories import HubAdminFactory, OrganisationFactory, certified_enterprise, make_window_admin

from .helpers import certified_org, make_report, months_back

PERIOD = months_back(0)


# Peers -----------------------------------------------------------------------------------


def peers(count, district="xingqing", industry="C"):
    for n in range(count):
        make_report(OrganisationFactory(), PERIOD, district=district, industry=industry, revenue=Decimal(100 + n * 10))


@pytest.mark.django_db
def test_no_peer_statistics_from_four_peers(monkeypatch):
    own = make_report(OrganisationFactory(), PERIOD, revenue=Decimal("150"))
    peers(4)
    calls = []
    monkeypatch.setattr(selectors, "quartiles", lambda values: calls.append(values))
    assert selectors.peer_position(own, "district") is None
    assert selectors.peer_position(own, "industry") is None
    assert calls == []


@pytest.mark.django_db
def test_peer_statistics_from_five_peers_give_quartiles_only():
    own = make_report(OrganisationFactory(), PERIOD, revenue=Decimal("150"))
    peers(5)  # 100, 110, 120, 130, 140
    count, figures = selectors.peer_position(own, "district")
    assert count == 5
    revenue = next(f for f in figures if f.field == "revenue")
    assert (revenue.q1, revenue.median, revenue.q3) == (105.0, 120.0, 135.0)
    assert str(revenue.position) == "Above the upper quartile" or "上四分位" in str(revenue.position)


def test_quartiles_refuse_fewer_than_five_values():
    with pytest.raises(ValueError):
        selectors.quartiles([1, 2, 3, 4])


@pytest.mark.django_db
def test_history_page_never_shows_a_peers_figures(client):
    user = certified_enterprise()
    make_report(user.organisation, PERIOD, revenue=Decimal("150"))
    peers(3, industry="I")
    make_report(OrganisationFactory(), PERIOD, district="xingqing", industry="I", revenue=Decimal("777.77"))
    make_report(OrganisationFactory(), PERIOD, district="xingqing", industry="I", revenue=Decimal("888.88"))
    client.force_login(user)
    page = client.get(reverse("supervision:history")).content.decode()
    assert 'data-testid="peers-district"' in page  # 5 peers in the district
    assert 'data-testid="peers-industry"' not in page  # none in industry C
    # The lowest and highest peers (and the others but the median) never show through.
    for figure in ("777.77", "888.88", "100.00", "110.00"):
        assert figure not in page


# Forecasting -------------------------------------------------------------------------------


def synthetic(months=36):
    """Trend plus a yearly cycle, no noise: a seasonal method must predict it closely."""
    return [1000 + 8 * t + 120 * math.sin(2 * math.pi * t / 12) for t in range(months)]


def test_backtest_on_a_known_series_is_within_2_percent():
    series = synthetic()
    result = forecast(series)
    assert result.method == "holt_winters"
    assert result.mape is not None and result.mape < 2.0
    truth = [1000 + 8 * t + 120 * math.sin(2 * math.pi * t / 12) for t in range(36, 39)]
    for value, expected, low, high in zip(result.values, truth, result.lower, result.upper, strict=True):
        assert abs(value - expected) / expected < 0.02
        assert low <= value <= high


def test_seasonal_naive_is_exact_on_a_pure_seasonal_series():
    series = [100 + 30 * math.sin(2 * math.pi * t / 12) for t in range(24)]
    assert backtest(series, "seasonal_naive") < 1e-9


def test_short_history_falls_back_to_simpler_methods():
    result = forecast([100.0, 110.0, 105.0, 108.0, 111.0, 109.0, 112.0])
    assert result.method == "naive"
    assert len(result.values) == 3
    assert forecast([]) is None


def test_two_years_of_history_can_use_holt_winters():
    result = forecast(synthetic(24))
    assert "holt_winters" in result.candidates
    assert result.mape < 5


@pytest.mark.django_db
def test_forecast_page_states_method_and_error(client):
    for org_index in range(3):
        org = certified_org()
        for n, value in enumerate(reversed(synthetic(24))):
            make_report(org, months_back(n), revenue=Decimal(str(round(value + org_index, 2))))
    client.force_login(HubAdminFactory())
    response = client.get(reverse("supervision:forecast"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Holt-Winters" in page and "MAPE" in page and "<svg" in page


# Import -------------------------------------------------------------------------------------

HEADERS = [
    "统一社会信用代码",
    "年份",
    "月份",
    "营业收入",
    "利润总额",
    "纳税总额",
    "出口额",
    "从业人数",
    "订单",
    "资金",
    "用工",
    "主要困难",
]


def workbook(rows) -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("history.xlsx", out.getvalue())


@pytest.fixture
def enterprise(db):
    return certified_enterprise()


@pytest.mark.django_db
def test_import_with_a_bad_row_imports_nothing_and_reports_the_row(client, enterprise):
    code = enterprise.organisation.certification_applications.get().credit_code
    upload = workbook(
        [
            [code, 2024, 1, 100, 5, 3, 0, 20, "持平", "正常", "正常", "成本上升"],
            [code, 2024, 2, -5, 5, 3, 0, 20, "持平", "正常", "正常", ""],
            ["NOSUCHCODE", 2024, 3, 100, 5, 3, 0, 20, "增加", "宽松", "充足", ""],
        ]
    )
    client.force_login(HubAdminFactory())
    response = client.post(reverse("supervision:import"), {"file": upload})
    assert response.status_code == 200
    errors = dict(response.context["result"].errors)
    assert set(errors) == {3, 4}
    assert "NOSUCHCODE" in errors[4]
    assert not MonthlyReport.objects.exists()


@pytest.mark.django_db
def test_import_of_good_rows(client, enterprise):
    code = enterprise.organisation.certification_applications.get().credit_code
    upload = workbook(
        [
            [code, 2024, 1, 100, -5, 3, 0, 20, "持平", "正常", "正常", "成本上升、融资困难"],
            [code, 2024, 2, 120.5, 6, 3, 0, 21, "增加", "紧张", "短缺", ""],
        ]
    )
    client.force_login(HubAdminFactory())
    response = client.post(reverse("supervision:import"), {"file": upload})
    assert response.status_code == 302
    reports = list(MonthlyReport.objects.order_by("period"))
    assert [r.revenue for r in reports] == [Decimal("100.00"), Decimal("120.50")]
    assert reports[0].profit == Decimal("-5.00")
    assert reports[0].difficulties == ["costs", "financing"]
    assert reports[1].funding == "tight" and all(r.imported for r in reports)
    # The hub dashboard's totals took the imported months in.
    assert sorted(ReportTotals.objects.values_list("period", "reports", "revenue")) == [
        (reports[0].period, 1, Decimal("100.00")),
        (reports[1].period, 1, Decimal("120.50")),
    ]


@pytest.mark.django_db
def test_import_template_downloads_and_window_admins_cannot_import(client):
    client.force_login(HubAdminFactory())
    response = client.get(reverse("supervision:import_template"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:8] == HEADERS[:8]
    client.force_login(make_window_admin("xingqing"))
    assert client.get(reverse("supervision:import")).status_code == 403


@pytest.mark.django_db
def test_import_refuses_a_file_that_is_not_xlsx(client):
    client.force_login(HubAdminFactory())
    response = client.post(
        reverse("supervision:import"), {"file": SimpleUploadedFile("history.xlsx", b"not a workbook")}
    )
    assert response.status_code == 200 and response.context["form"].errors["file"]
