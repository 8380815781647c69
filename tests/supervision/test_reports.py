"""企业运行数据填报: validation, large-change confirmation, lateness, corrections, locking, pages."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from smeportal.errors import ActionRefused
from supervision.actions import period_lock, report_file
from supervision.models import MonthlyReport, ReportCorrection, due_date
from supervision.reporting import is_late
from tests.factories import EnterpriseUserFactory, HubAdminFactory, certified_enterprise, certified_institution

from .helpers import ANSWERS, FIGURES, form_data, make_report, months_back

pytestmark = pytest.mark.django_db

URL = reverse("supervision:file")


def values(**overrides):
    return {**FIGURES, **ANSWERS, "other_notes": "", **overrides}


@pytest.fixture
def enterprise():
    return certified_enterprise(district="xingqing", industry="C", scale="small")


def test_enterprise_files_a_report_with_district_industry_and_scale_of_its_certification(enterprise):
    report = report_file(organisation=enterprise.organisation, actor=enterprise, period=months_back(0), values=values())
    assert (report.district, report.industry, report.scale) == ("xingqing", "C", "small")
    assert report.revenue == Decimal("100.00") and report.submitted_by == enterprise


@pytest.mark.parametrize(
    ("field", "value"),
    [("revenue", Decimal("-1")), ("tax", Decimal("-0.01")), ("exports", Decimal("150")), ("employees", 200_000)],
)
def test_impossible_values_are_refused_with_a_message(enterprise, field, value):
    with pytest.raises(ActionRefused) as refusal:
        report_file(
            organisation=enterprise.organisation,
            actor=enterprise,
            period=months_back(0),
            values=values(**{field: value}),
        )
    assert field in refusal.value.field_errors
    assert not MonthlyReport.objects.exists()


def test_negative_profit_is_accepted(enterprise):
    report = report_file(
        organisation=enterprise.organisation,
        actor=enterprise,
        period=months_back(0),
        values=values(profit=Decimal("-35.50")),
    )
    assert report.profit == Decimal("-35.50")


def test_large_change_from_last_month_needs_confirmation_and_a_note(enterprise):
    make_report(enterprise.organisation, months_back(1))
    with pytest.raises(ActionRefused) as refusal:
        report_file(
            organisation=enterprise.organisation,
            actor=enterprise,
            period=months_back(0),
            values=values(revenue=Decimal("151")),
        )
    assert "change_note" in refusal.value.field_errors
    with pytest.raises(ActionRefused):
        report_file(
            organisation=enterprise.organisation,
            actor=enterprise,
            period=months_back(0),
            values=values(revenue=Decimal("151")),
            confirmed=True,
        )
    report = report_file(
        organisation=enterprise.organisation,
        actor=enterprise,
        period=months_back(0),
        values=values(revenue=Decimal("151")),
        confirmed=True,
        change_note="新签大额合同",
    )
    assert report.anomaly_note == "新签大额合同"
    assert [(f["field"], f["against"]) for f in report.anomaly_flags] == [("revenue", "last_month")]


def test_change_of_exactly_half_is_not_flagged(enterprise):
    make_report(enterprise.organisation, months_back(1))
    report = report_file(
        organisation=enterprise.organisation,
        actor=enterprise,
        period=months_back(0),
        values=values(revenue=Decimal("150")),
    )
    assert report.anomaly_flags == []


def test_large_change_against_the_same_month_last_year_is_flagged(enterprise):
    make_report(enterprise.organisation, months_back(12), employees=20)
    with pytest.raises(ActionRefused):
        report_file(organisation=enterprise.organisation, actor=enterprise, period=months_back(0), values=values())


@pytest.mark.parametrize(
    ("submitted", "late"),
    [(datetime.datetime(2026, 4, 10, 23, 59), False), (datetime.datetime(2026, 4, 11, 0, 1), True)],
)
def test_a_report_is_late_after_the_10th_of_the_next_month(submitted, late):
    aware = timezone.make_aware(submitted)
    assert due_date(datetime.date(2026, 3, 1)) == datetime.date(2026, 4, 10)
    assert is_late(datetime.date(2026, 3, 1), aware) is late


def test_a_late_report_is_accepted_and_marked_late(enterprise):
    report = report_file(organisation=enterprise.organisation, actor=enterprise, period=months_back(3), values=values())
    assert report.is_late


def test_correction_is_logged_with_old_and_new_values(enterprise):
    report = report_file(organisation=enterprise.organisation, actor=enterprise, period=months_back(0), values=values())
    report_file(
        organisation=enterprise.organisation,
        actor=enterprise,
        period=months_back(0),
        values=values(tax=Decimal("7.00"), funding="tight"),
    )
    report.refresh_from_db()
    assert report.tax == Decimal("7.00")
    correction = ReportCorrection.objects.get(report=report)
    assert correction.changes == {"tax": ["6.00", "7.00"], "funding": ["normal", "tight"]}
    assert correction.actor == enterprise
    assert MonthlyReport.objects.count() == 1


def test_locked_period_cannot_be_corrected(enterprise):
    report_file(organisation=enterprise.organisation, actor=enterprise, period=months_back(0), values=values())
    period_lock(period=months_back(0), actor=HubAdminFactory())
    with pytest.raises(ActionRefused):
        report_file(
            organisation=enterprise.organisation,
            actor=enterprise,
            period=months_back(0),
            values=values(tax=Decimal("1")),
        )
    assert MonthlyReport.objects.get().tax == Decimal("6.00")
    assert not ReportCorrection.objects.exists()


def test_uncertified_enterprise_and_institution_cannot_file():
    for user in (EnterpriseUserFactory(), certified_institution()):
        with pytest.raises(ActionRefused):
            report_file(organisation=user.organisation, actor=user, period=months_back(0), values=values())


def test_periods_outside_the_window_are_refused(enterprise):
    with pytest.raises(ActionRefused):
        report_file(organisation=enterprise.organisation, actor=enterprise, period=months_back(-1), values=values())


# Views --------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    for url in (URL, reverse("supervision:history")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_uncertified_enterprise_gets_the_certification_page(client):
    client.force_login(EnterpriseUserFactory())
    assert client.get(URL).status_code == 403


def test_institution_has_no_report_pages(client):
    client.force_login(certified_institution())
    assert client.get(URL).status_code == 404
    assert client.get(reverse("supervision:history")).status_code == 404


def test_form_prefills_from_the_last_report(client, enterprise):
    make_report(enterprise.organisation, months_back(2), revenue=Decimal("321.45"))
    client.force_login(enterprise)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["form"].initial["revenue"] == Decimal("321.45")
    assert "321.45" in response.content.decode()


def test_large_change_page_asks_for_confirmation_and_keeps_the_input(client, enterprise):
    make_report(enterprise.organisation, months_back(1))
    client.force_login(enterprise)
    response = client.post(URL, form_data(months_back(0), revenue="400"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="large-changes"' in page and 'value="400"' in page
    assert not MonthlyReport.objects.filter(period=months_back(0)).exists()
    response = client.post(
        URL, form_data(months_back(0), revenue="400", confirm_changes="on", change_note="新产品上市")
    )
    assert response.status_code == 302
    assert MonthlyReport.objects.get(period=months_back(0)).anomaly_note == "新产品上市"


def test_impossible_value_is_shown_on_its_field(client, enterprise):
    client.force_login(enterprise)
    response = client.post(URL, form_data(months_back(0), exports="500"))
    assert response.status_code == 200
    assert response.context["form"].errors["exports"]
    assert not MonthlyReport.objects.exists()


def test_history_shows_own_reports_only_with_charts(client, enterprise):
    make_report(enterprise.organisation, months_back(1), revenue=Decimal("123.45"))
    other = certified_enterprise()
    make_report(other.organisation, months_back(1), revenue=Decimal("987.65"))
    client.force_login(enterprise)
    page = client.get(reverse("supervision:history")).content.decode()
    assert "123.45" in page and "987.65" not in page
    assert "<svg" in page and "<script>" not in page


def test_history_query_count_does_not_grow_with_reports(client, enterprise, django_assert_max_num_queries):
    for n in range(12):
        make_report(enterprise.organisation, months_back(n))
    client.force_login(enterprise)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("supervision:history")).status_code == 200


def test_admin_locks_a_month_and_the_enterprise_can_no_longer_correct_it(client, enterprise):
    from supervision.models import ReportingPeriod

    report_file(organisation=enterprise.organisation, actor=enterprise, period=months_back(0), values=values())
    admin = HubAdminFactory()
    client.force_login(admin)
    assert client.get("/admin/supervision/reportingperiod/").status_code == 200
    row = ReportingPeriod.objects.get(period=months_back(0))
    response = client.post("/admin/supervision/reportingperiod/", {"action": "lock", "_selected_action": [row.pk]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.is_locked and row.locked_by == admin
    client.force_login(enterprise)
    page = client.get(reverse("supervision:history")).content.decode()
    assert "已锁定" in page and f"?period={months_back(0):%Y-%m}" not in page
    response = client.post(URL, form_data(months_back(0), tax="1"))
    assert MonthlyReport.objects.get().tax == Decimal("6.00")


def test_a_month_that_cannot_be_filed_is_refused_with_a_message(client, enterprise):
    client.force_login(enterprise)
    response = client.post(URL, form_data(months_back(-1)))
    assert response.status_code == 200
    assert "填报月份" in response.content.decode() and response.context["form"].errors["period"]
    assert not MonthlyReport.objects.exists()
