"""Two years of monthly reports for about a hundred demo enterprises (bulk inserts, a few seconds),
with seasonality, a few declining enterprises and a few missing reports; then the warnings."""

import datetime
import math
import random
from decimal import Decimal

from django.utils import timezone

from accounts.models import District, Organisation, OrganisationKind, User
from certification.choices import ApplicationStatus
from certification.models import CertificationApplication
from certification.validators import org_code_check_character, uscc_check_character

from .models import MonthlyReport, add_months, due_date
from .reporting import current_period
from .totals import report_totals_rebuild
from .warnings import evaluate, latest_due_period

COUNT = 100
MONTHS = 24
MARKER = "银川演示企业001"
DISTRICTS = [d for d, _label in District.choices]
DISTRICT_WEIGHTS = [26, 24, 18, 12, 10, 10]
INDUSTRIES = {
    "C": "制造",
    "F": "商贸",
    "I": "软件",
    "E": "建筑",
    "H": "餐饮",
    "G": "物流",
    "M": "科技",
    "A": "农业",
    "L": "商务服务",
    "O": "家政服务",
}
INDUSTRY_WEIGHTS = [24, 16, 12, 10, 8, 8, 7, 7, 5, 3]
SCALES = {"micro": (20, 80, 8), "small": (100, 600, 40), "medium": (800, 3000, 180)}
SCALE_WEIGHTS = [35, 45, 20]
DIFFICULTIES = ["orders", "costs", "financing", "recruiting", "receivables", "raw_materials", "policy"]


def _uscc(n: int) -> str:
    body = f"{88_000_000 + n:08d}"
    first17 = f"91640100{body}{org_code_check_character(body)}"
    return first17 + uscc_check_character(first17)


def _season(month: int, industry: str) -> float:
    """A yearly swing (peak in autumn) and the Spring Festival dip in February."""
    swing = 0.18 if industry in ("A", "H", "E") else 0.1
    factor = 1 + swing * math.sin(2 * math.pi * (month - 4) / 12)
    if month == 2:
        factor *= 0.8
    return factor


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


def _series(rng, periods, scale, industry, kind):
    """Monthly figures for one enterprise; `kind` is normal, declining, shrinking or tax_drop."""
    low, high, staff = SCALES[scale]
    base = rng.uniform(low, high)
    growth = rng.uniform(-0.02, 0.12) / 12
    employees = max(3, int(staff * rng.uniform(0.5, 1.6)))
    margin = rng.uniform(0.03, 0.12)
    tax_rate = rng.uniform(0.04, 0.08)
    export_share = rng.choice([0, 0, 0, 0.05, 0.15, 0.3]) if industry in ("C", "F", "A") else 0
    rows = []
    last = len(periods) - 1
    for index, period in enumerate(periods):
        trend = (1 + growth) ** index
        decline = 1.0
        if kind == "declining" and index > last - 12:
            decline = 1 - 0.045 * (index - (last - 12))  # about -50% over the last year
        revenue = base * trend * _season(period.month, industry) * decline * rng.uniform(0.95, 1.05)
        staff_now = employees
        if kind == "shrinking" and index > last - 3:
            staff_now = int(employees * 0.7)
        tax = revenue * tax_rate * (0.35 if kind == "tax_drop" and index > last - 3 else 1)
        profit = revenue * margin * rng.uniform(0.6, 1.3) - (
            base * 0.08 if kind == "declining" and decline < 0.8 else 0
        )
        rows.append(
            {
                "revenue": _money(revenue),
                "profit": _money(profit),
                "tax": _money(tax),
                "exports": _money(revenue * export_share),
                "employees": max(1, staff_now + rng.randint(-1, 1)),
                "orders_trend": "down" if decline < 0.9 else rng.choice(["up", "flat", "flat", "down"]),
                "funding": "tight" if decline < 0.8 else rng.choice(["easy", "normal", "normal", "tight"]),
                "labour": rng.choice(["ample", "normal", "normal", "short"]),
                "difficulties": rng.sample(DIFFICULTIES, rng.randint(0, 2)) + (["orders"] if decline < 0.9 else []),
            }
        )
    return rows


def _submitted_at(rng, period, tz):
    due = due_date(period)
    late = rng.random() < 0.08
    day = (
        due + datetime.timedelta(days=rng.randint(1, 12)) if late else due - datetime.timedelta(days=rng.randint(0, 8))
    )
    return datetime.datetime(day.year, day.month, day.day, 10, 0, tzinfo=tz), late


def _reports_for(rng, organisation_id, district, industry, scale, periods, kind, skip=(), tz=None):
    out = []
    now = timezone.now()
    for period, values in zip(periods, _series(rng, periods, scale, industry, kind), strict=True):
        if period in skip:
            continue
        submitted_at, late = _submitted_at(rng, period, tz)
        if submitted_at > now:
            submitted_at, late = now, False
        values["difficulties"] = sorted(set(values["difficulties"]))
        out.append(
            MonthlyReport(
                organisation_id=organisation_id,
                period=period,
                district=district,
                industry=industry,
                scale=scale,
                submitted_at=submitted_at,
                is_late=late,
                **values,
            )
        )
    return out


def load(stdout):
    if Organisation.objects.filter(name=MARKER).exists():
        return []
    rng = random.Random(8)  # noqa: S311  (demo figures, not security)
    tz = timezone.get_current_timezone()
    latest = current_period()
    periods = [add_months(latest, -n) for n in range(MONTHS - 1, -1, -1)]
    certified_at = datetime.datetime(periods[0].year - 1, 1, 15, 9, 0, tzinfo=tz)

    plans = []
    for n in range(COUNT):
        district = rng.choices(DISTRICTS, DISTRICT_WEIGHTS)[0]
        industry = rng.choices(list(INDUSTRIES), INDUSTRY_WEIGHTS)[0]
        scale = rng.choices(list(SCALES), SCALE_WEIGHTS)[0]
        district_name = str(dict(District.choices)[district])[:2]
        name = MARKER if n == 0 else f"银川{district_name}{INDUSTRIES[industry]}演示企业{n + 1:03d}"
        plans.append((n, name, district, industry, scale))
    organisations = Organisation.objects.bulk_create(
        Organisation(
            kind=OrganisationKind.ENTERPRISE,
            name=name,
            contact_name="演示联系人",
            mobile=f"1389600{n:04d}",
            district=district,
            is_certified=True,
            certified_at=certified_at,
        )
        for n, name, district, _i, _s in plans
    )
    if not all(o.pk for o in organisations):
        organisations = list(Organisation.objects.filter(name__contains="演示企业").order_by("pk"))
    CertificationApplication.objects.bulk_create(
        CertificationApplication(
            organisation=organisation,
            kind=OrganisationKind.ENTERPRISE,
            status=ApplicationStatus.APPROVED,
            name=name,
            credit_code=_uscc(n),
            legal_representative="演示法人",
            registered_capital=Decimal(rng.choice([50, 100, 200, 500, 1000])),
            established_on=datetime.date(2005 + n % 15, 1 + n % 12, 1 + n % 27),
            enterprise_type="limited",
            district=district,
            industry=industry,
            scale=scale,
            employees=SCALES[scale][2],
            registered_address="宁夏银川市",
            business_scope="演示数据",
            contact_name="演示联系人",
            mobile=f"1389600{n:04d}",
            submitted_at=certified_at,
            decided_at=certified_at,
        )
        for organisation, (n, name, district, industry, scale) in zip(organisations, plans, strict=True)
    )
    reports = []
    for organisation, (n, _name, district, industry, scale) in zip(organisations, plans, strict=True):
        kind = "normal"
        skip = set()
        if n % 17 == 5:
            kind = "declining"
        elif n % 23 == 7:
            kind = "shrinking"
        elif n % 29 == 11:
            kind = "tax_drop"
        if n % 31 == 3:
            skip = {periods[-1], periods[-2], periods[-3]}  # stopped reporting
        elif rng.random() < 0.15:
            skip = {rng.choice(periods[:-3])}  # one month forgotten long ago
        reports += _reports_for(rng, organisation.pk, district, industry, scale, periods, kind, skip, tz)

    demo = User.objects.filter(username="demo_enterprise").select_related("organisation").first()
    if demo is not None and demo.organisation.is_certified and not demo.organisation.monthly_reports.exists():
        # Everything but last month, which is left for the demo user to file.
        reports += _reports_for(rng, demo.organisation_id, "xingqing", "C", "small", periods[:-1], "normal", tz=tz)
    MonthlyReport.objects.bulk_create(reports, batch_size=1000)
    report_totals_rebuild()
    raised = evaluate(latest_due_period(timezone.now()))
    stdout.write(f"Supervision demo: {COUNT} enterprises, {len(reports)} monthly reports, {raised} warnings.")
    return []
