"""The demo data: `make run` shows a dashboard, warnings and forecasts on first start."""

import time
from io import StringIO

import pytest
from django.core.management import call_command

from supervision.models import EarlyWarning, MonthlyReport


@pytest.mark.django_db
def test_load_demo_makes_two_years_for_about_a_hundred_enterprises_quickly():
    started = time.monotonic()
    call_command("load_demo", stdout=StringIO())
    elapsed = time.monotonic() - started
    assert MonthlyReport.objects.values("organisation").distinct().count() >= 100
    assert MonthlyReport.objects.values("period").distinct().count() == 24
    assert MonthlyReport.objects.filter(is_late=True).exists()
    levels = set(EarlyWarning.objects.values_list("rule__code", flat=True))
    assert {"revenue_yoy", "missed_reports"} <= levels
    assert elapsed < 60
    count = MonthlyReport.objects.count()
    call_command("load_demo", stdout=StringIO())
    assert MonthlyReport.objects.count() == count
