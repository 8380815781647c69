"""Concurrent filing (PostgreSQL: real row locks, real transactions)."""

from decimal import Decimal

import pytest

from supervision.actions import period_lock, report_file
from supervision.models import MonthlyReport, ReportCorrection
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
