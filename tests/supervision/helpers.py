"""Helpers of the supervision tests: report rows written directly (no action, no log)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import OrganisationKind
from certification.models import CertificationApplication
from supervision.models import MonthlyReport, add_months
from supervision.reporting import current_period
from supervision.totals import groups_of, report_totals_refresh
from tests.factories import OrganisationFactory

FIGURES = {
    "revenue": Decimal("100.00"),
    "profit": Decimal("10.00"),
    "tax": Decimal("6.00"),
    "exports": Decimal("0.00"),
    "employees": 50,
}
ANSWERS = {"orders_trend": "flat", "funding": "normal", "labour": "normal", "difficulties": []}


def months_back(n: int) -> datetime.date:
    """The reporting month n months before the current one (last month)."""
    return add_months(current_period(), -n)


def make_report(organisation, period, **values) -> MonthlyReport:
    fields = {**FIGURES, **ANSWERS, **values}
    fields.setdefault("district", organisation.district or "xingqing")
    fields.setdefault("industry", "C")
    fields.setdefault("scale", "small")
    report = MonthlyReport.objects.create(
        organisation=organisation, period=period, submitted_at=timezone.now(), **fields
    )
    report_totals_refresh(groups_of([report]))  # as every action that writes reports does
    return report


def certified_org(district="xingqing", industry="C", scale="small", certified_at=None, **org_fields):
    """A certified enterprise made directly: organisation plus an approved application row."""
    organisation = OrganisationFactory(
        district=district,
        is_certified=True,
        certified_at=certified_at or timezone.now() - datetime.timedelta(days=1000),
        **org_fields,
    )
    CertificationApplication.objects.create(
        organisation=organisation,
        kind=OrganisationKind.ENTERPRISE,
        status="approved",
        name=organisation.name,
        district=district,
        industry=industry,
        scale=scale,
    )
    return organisation


def form_data(period, **overrides) -> dict:
    data = {
        "period": f"{period:%Y-%m}",
        "revenue": "100.00",
        "profit": "10.00",
        "tax": "6.00",
        "exports": "0",
        "employees": "50",
        "orders_trend": "flat",
        "funding": "normal",
        "labour": "normal",
        "difficulties": [],
        "other_notes": "",
    }
    data.update(overrides)
    return data
