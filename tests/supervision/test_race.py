"""Concurrent filing (PostgreSQL: real row locks, real transactions)."""

from decimal import Decimal

import pytest

from supervision.actions import period_lock, report_file
from supervision.models import MonthlyReport, ReportCorrection, ReportTotals
from tests.concurrency import race
from tests.factories import HubAdminFactory, certified_enterprise

from .helpers import ANSWERS, FIGURES, months_back

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("race_db")]


def test_double_submit_files_one_report():
    user = certified_enterprise()
    values = {**FIGURES, **ANSWERS, "other_notes": ""}

    def submit():
        report_file(organisation=user.organisation, actor=user, period=months_back(0), values=values)

    results = race(submit, submit)
    assert MonthlyReport.objects.count() == 1
    assert "ok" in results
    # The second either corrected nothing (same values) or was refused: never a second row.
    assert not ReportCorrection.objects.exists()


def test_correction_racing_the_lock_never_lands_after_it():
    user = certified_enterprise()
    values = {**FIGURES, **ANSWERS, "other_notes": ""}
    report_file(organisation=user.organisation, actor=user, period=months_back(0), values=values)
    admin = HubAdminFactory()
    changed = {**values, "tax": Decimal("1.00")}

    results = race(
        lambda: period_lock(period=months_back(0), actor=admin),
        lambda: report_file(organisation=user.organisation, actor=user, period=months_back(0), values=changed),
    )
    assert results[0] == "ok"
    report = MonthlyReport.objects.get()
    corrected = results[1] == "ok"
    assert (report.tax == Decimal("1.00")) is corrected
    assert ReportCorrection.objects.exists() is corrected


def test_two_enterprises_filing_at_once_are_both_in_the_totals():
    earlier, first, second = certified_enterprise(), certified_enterprise(), certified_enterprise()
    values = {**FIGURES, **ANSWERS, "other_notes": ""}

    def filing(user):
        return lambda: report_file(organisation=user.organisation, actor=user, period=months_back(0), values=values)

    filing(earlier)()  # the group's row exists, so the two filings race on updating it
    assert race(filing(first), filing(second)) == ["ok", "ok"]
    # Same district and industry: one group, whose row each filing locks before it sums.
    [totals] = ReportTotals.objects.all()
    assert (totals.reports, totals.revenue) == (3, 3 * FIGURES["revenue"])
