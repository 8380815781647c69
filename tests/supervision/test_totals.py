"""ReportTotals, the hub dashboard's per-group sums, always equal the reports they sum."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import District
from supervision.actions import report_file
from supervision.dashboard import Filters, economy_by, monthly_totals, reporting_rate
from supervision.models import MonthlyReport, ReportTotals
from supervision.permissions import Coverage
from supervision.totals import GROUP, _measures, report_totals_rebuild
from tests.factories import HubAdminFactory, certified_enterprise

from .helpers import ANSWERS, FIGURES, certified_org, make_report, months_back

pytestmark = pytest.mark.django_db

FIELDS = ["reports", "late", "revenue", "profit", "tax", "exports", "employees"]
HUB = Coverage(everything=True)
# A window coverage of every district reads the reports themselves, not the totals.
EVERY_DISTRICT = Coverage(everything=False, districts=tuple(District.values))


def totals() -> dict:
    return {
        (row.period, row.district, row.industry): [getattr(row, name) for name in FIELDS]
        for row in ReportTotals.objects.all()
    }


def summed_reports() -> dict:
    return {
        (row["period"], row["district"], row["industry"]): [row[name] for name in FIELDS]
        for row in MonthlyReport.objects.values(*GROUP).annotate(**_measures())
    }


def file(user, revenue, period=None):
    values = {**FIGURES, **ANSWERS, "other_notes": "", "revenue": Decimal(revenue)}
    return report_file(organisation=user.organisation, actor=user, period=period or months_back(0), values=values)


def test_filing_and_correcting_keep_the_totals():
    first, second = certified_enterprise(), certified_enterprise()
    file(first, "100")
    file(second, "50")
    assert totals() == summed_reports()
    [row] = ReportTotals.objects.all()
    assert (row.reports, row.revenue) == (2, Decimal("150.00"))

    file(first, "110")  # a correction
    row.refresh_from_db()
    assert (row.reports, row.revenue) == (2, Decimal("160.00"))
    assert totals() == summed_reports()


def test_the_hub_dashboard_shows_a_correction_at_once(client):
    user = certified_enterprise()
    file(user, "100")
    client.force_login(HubAdminFactory())
    url = reverse("supervision:economy")
    assert client.get(url).context["tables"][0].rows[-1][1] == 100.0
    file(user, "120")
    assert client.get(url).context["tables"][0].rows[-1][1] == 120.0


def test_hub_totals_and_summed_reports_give_the_same_tables():
    for n, (district, industry) in enumerate([("xingqing", "C"), ("xingqing", "F"), ("jinfeng", "C"), ("xixia", "I")]):
        organisation = certified_org(district=district, industry=industry)
        for back in (0, 1, 12):
            make_report(
                organisation,
                months_back(back),
                industry=industry,
                revenue=Decimal(100 + 10 * n + back),
                employees=20 + n,
                is_late=(n + back) % 2 == 0,
            )
    filters = Filters(period=months_back(0))
    assert reporting_rate(HUB, filters).rows == reporting_rate(EVERY_DISTRICT, filters).rows
    for group in ("district", "industry"):
        assert economy_by(HUB, filters, group).rows == economy_by(EVERY_DISTRICT, filters, group).rows
    assert monthly_totals(HUB, filters) == monthly_totals(EVERY_DISTRICT, filters)
    narrowed = Filters(period=months_back(0), district="xingqing", industry="C")
    assert economy_by(HUB, narrowed, "industry").rows == economy_by(EVERY_DISTRICT, narrowed, "industry").rows


def test_an_admin_deleting_a_report_leaves_its_totals(client, admin_user):
    organisation = certified_org()
    kept = make_report(organisation, months_back(1))
    gone = make_report(organisation, months_back(0))
    client.force_login(admin_user)
    response = client.post(reverse("admin:supervision_monthlyreport_delete", args=[gone.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert list(MonthlyReport.objects.all()) == [kept]
    assert totals() == summed_reports()
    assert set(totals()) == {(kept.period, kept.district, kept.industry)}


def test_rebuild_after_a_bulk_load():
    organisation = certified_org()
    MonthlyReport.objects.bulk_create(
        MonthlyReport(
            organisation=organisation,
            period=months_back(back),
            district="xingqing",
            industry="C",
            submitted_at=timezone.now(),
            **FIGURES,
            **ANSWERS,
        )
        for back in range(3)
    )
    assert not ReportTotals.objects.exists()
    assert report_totals_rebuild() == 3
    assert totals() == summed_reports()
