"""Concurrent filing (PostgreSQL: real row locks, real transactions)."""

import threading
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection

from supervision.actions import period_lock, report_file
from supervision.models import MonthlyReport, ReportCorrection
from tests.factories import HubAdminFactory, certified_enterprise

from .helpers import ANSWERS, FIGURES, months_back

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def reference_data(transactional_db, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    import_module("windows.migrations.0002_create_hub_and_windows").create_windows(apps, None)
    import_module("certification.migrations.0002_service_domains").create_domains(apps, None)
    import_module("supervision.migrations.0002_default_warning_rules").create_rules(apps, None)


def race(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            call()
            results[index] = "ok"
        except Exception as exc:  # noqa: BLE001  (reported by the test)
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


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
