"""Rules of 企业运行数据填报 that forms, actions and the import share: periods, lateness,
impossible values and the large-change flags."""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import MonthlyReport, add_months, due_date, month_start

FIGURES = ["revenue", "profit", "tax", "exports", "employees"]
FIGURE_LABELS = {
    "revenue": gettext_lazy("Operating revenue"),
    "profit": gettext_lazy("Total profit"),
    "tax": gettext_lazy("Total tax paid"),
    "exports": gettext_lazy("Exports"),
    "employees": gettext_lazy("Number of employees"),
}
# A change of more than this share against last month or the same month last year is flagged.
LARGE_CHANGE = Decimal("0.5")
MAX_EMPLOYEES = 100_000
MAX_AMOUNT = Decimal("999999999999.99")
HISTORY_MONTHS = 24  # how far back an enterprise may still file a missing month


def today() -> datetime.date:
    return timezone.localdate()


def current_period(on: datetime.date | None = None) -> datetime.date:
    """The month being reported now: last month (its report is due by the 10th of this one)."""
    return add_months(on or today(), -1)


def fileable_periods(on: datetime.date | None = None) -> list[datetime.date]:
    """Months an enterprise may file, newest first: last month and the two years before it."""
    latest = current_period(on)
    return [add_months(latest, -n) for n in range(HISTORY_MONTHS)]


def is_late(period: datetime.date, submitted_at: datetime.datetime) -> bool:
    return timezone.localdate(submitted_at) > due_date(period)


def impossible_values(values: dict) -> dict[str, str]:
    """Field errors for figures that cannot be true; empty when all are plausible."""
    errors = {}
    for name in ("revenue", "tax", "exports"):
        value = values.get(name)
        if value is not None and value < 0:
            errors[name] = _("This amount cannot be negative.")
        elif value is not None and abs(value) > MAX_AMOUNT:
            errors[name] = _("This amount is too large.")
    profit = values.get("profit")
    if profit is not None and abs(profit) > MAX_AMOUNT:
        errors["profit"] = _("This amount is too large.")
    employees = values.get("employees")
    if employees is not None and (employees < 0 or employees > MAX_EMPLOYEES):
        errors["employees"] = _("The number of employees must be between 0 and %(max)d.") % {"max": MAX_EMPLOYEES}
    revenue, exports = values.get("revenue"), values.get("exports")
    if revenue is not None and exports is not None and "exports" not in errors and exports > revenue:
        errors["exports"] = _("Exports cannot exceed operating revenue.")
    return errors


def baselines(organisation, period: datetime.date) -> dict[str, MonthlyReport | None]:
    """Last month's and the same month last year's reports (one query)."""
    wanted = {add_months(period, -1): "last_month", add_months(period, -12): "last_year"}
    found = {"last_month": None, "last_year": None}
    for report in MonthlyReport.objects.filter(organisation=organisation, period__in=list(wanted)):
        found[wanted[report.period]] = report
    return found


def large_changes(values: dict, base: dict[str, MonthlyReport | None]) -> list[dict]:
    """Figures that moved more than 50% from last month or the same month last year."""
    flags = []
    for name in FIGURES:
        value = values.get(name)
        if value is None:
            continue
        for key, label in (("last_month", _("last month")), ("last_year", _("the same month last year"))):
            report = base.get(key)
            if report is None:
                continue
            old = Decimal(getattr(report, name))
            if old == 0:
                moved = Decimal(value) != 0
                share = None
            else:
                share = (Decimal(value) - old) / abs(old)
                moved = abs(share) > LARGE_CHANGE
            if moved:
                flags.append(
                    {
                        "field": name,
                        "against": key,
                        "old": str(old),
                        "new": str(value),
                        "change": None if share is None else str((share * 100).quantize(Decimal("0.1"))),
                        "text": _("%(figure)s: %(new)s against %(old)s in %(when)s (%(change)s)")
                        % {
                            "figure": FIGURE_LABELS[name],
                            "new": value,
                            "old": old,
                            "when": label,
                            "change": "—" if share is None else f"{share * 100:+.1f}%",
                        },
                    }
                )
    return flags


def period_label(period: datetime.date) -> str:
    return _("%(year)d-%(month)02d") % {"year": period.year, "month": period.month}


def parse_period(value: str) -> datetime.date | None:
    """'2026-03' → 2026-03-01; None when it is not a month."""
    try:
        year, month = (int(part) for part in value.split("-"))
        return datetime.date(year, month, 1)
    except (ValueError, TypeError):
        return None


__all__ = ["month_start"]
