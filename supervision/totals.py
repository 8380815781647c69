"""The 监管看板's totals per month, district and industry (ReportTotals), kept from the reports.

Every write of reports calls `report_totals_refresh` with the groups it touched; bulk loads
(the demo, the bench, the migration that introduced the table) call `report_totals_rebuild`.
The totals are recomputed from the reports, not incremented, so a refresh also mends a group
that drifted.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Q, Sum

from .models import MonthlyReport, ReportTotals
from .reporting import FIGURES

GROUP = ("period", "district", "industry")
Group = tuple[datetime.date, str, str]


def _measures() -> dict:
    return {"reports": Count("pk"), "late": Count("pk", filter=Q(is_late=True)), **{f: Sum(f) for f in FIGURES}}


def groups_of(reports: Iterable[MonthlyReport]) -> set[Group]:
    return {(report.period, report.district, report.industry) for report in reports}


def report_totals_refresh(groups: Iterable[Group]) -> None:
    """Recompute the totals of these (period, district, industry) groups from their reports.

    The groups' rows are locked before their reports are summed, so two filings in one group
    at once are summed one after the other: under READ COMMITTED the second filing's sum is
    read after the first has committed, and counts both reports.
    """
    groups = sorted(set(groups))
    if not groups:
        return
    periods = {g[0] for g in groups}
    with transaction.atomic():
        ReportTotals.objects.bulk_create(
            [ReportTotals(period=p, district=d, industry=i) for p, d, i in groups], ignore_conflicts=True
        )
        # One lock statement, in primary-key order, so concurrent refreshes cannot deadlock.
        rows = {
            (row.period, row.district, row.industry): row
            for row in ReportTotals.objects.select_for_update()
            .filter(period__in=periods, district__in={g[1] for g in groups}, industry__in={g[2] for g in groups})
            .order_by("pk")
        }
        # The cross product of the groups' periods, districts and industries: one group for a
        # filing, about the touched months for an import; what is not asked for is ignored.
        sums = {
            (row["period"], row["district"], row["industry"]): row
            for row in MonthlyReport.objects.filter(
                period__in=periods, district__in={g[1] for g in groups}, industry__in={g[2] for g in groups}
            )
            .values(*GROUP)
            .annotate(**_measures())
        }
        changed, emptied = [], []
        for group in groups:
            row, total = rows[group], sums.get(group)
            if total is None:  # its last report was deleted
                emptied.append(row.pk)
                continue
            for name in ("reports", "late", *FIGURES):
                setattr(row, name, total[name] or 0)
            changed.append(row)
        ReportTotals.objects.bulk_update(changed, ["reports", "late", *FIGURES])
        ReportTotals.objects.filter(pk__in=emptied).delete()


def report_totals_rebuild() -> int:
    """Recompute every total from all reports (after a bulk load); returns the number of groups."""
    with transaction.atomic():
        ReportTotals.objects.all().delete()
        totals = ReportTotals.objects.bulk_create(
            (ReportTotals(**row) for row in MonthlyReport.objects.values(*GROUP).annotate(**_measures())),
            batch_size=2000,
        )
    return len(totals)
