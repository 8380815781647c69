"""Reads behind the 监管看板: each function returns a Table (headers, rows, chart) so the
page and its Excel export show the same numbers. Query counts do not grow with rows."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import District, Organisation, OrganisationKind
from certification.choices import ApplicationStatus, Industry, Scale
from certification.models import CertificationApplication
from complaints.models import Complaint, ComplaintResult
from demands.models import Demand
from orders.models import Order, Party
from reviews.models import Review
from windows.models import Window

from . import charts
from .choices import Difficulty, Funding, Labour, OrdersTrend
from .models import MonthlyReport, ReportTotals, add_months, due_date
from .permissions import Coverage
from .reporting import FIGURE_LABELS, FIGURES


@dataclass
class Table:
    key: str
    title: str
    headers: list
    rows: list = field(default_factory=list)
    chart: str | None = None
    note: str = ""


@dataclass
class Filters:
    period: datetime.date
    district: str = ""
    industry: str = ""
    window: Window | None = None


def _pct(part, whole) -> float | None:
    if not whole:
        return None
    return round(100 * float(part) / float(whole), 1)


def _yoy(now, before) -> float | None:
    if before is None or now is None or not before:
        return None
    return round(100 * (float(now) - float(before)) / abs(float(before)), 1)


def _money(value) -> float:
    return round(float(value or 0), 2)


def _label(choices, key) -> str:
    return str(dict(choices).get(key, key or _("Not given")))


def _narrowed(queryset, filters: Filters, period=None):
    """Reports or their totals, of one period if given, and of the filter's district and industry."""
    if period is not None:
        queryset = queryset.filter(period=period)
    if filters.district:
        queryset = queryset.filter(district=filters.district)
    if filters.industry:
        queryset = queryset.filter(industry=filters.industry)
    return queryset


def _reports(coverage: Coverage, filters: Filters, period=None):
    return _narrowed(MonthlyReport.objects.filter(coverage.q()), filters, period)


SUMS = {name: Sum(name) for name in FIGURES}


def _summed_reports(coverage: Coverage, filters: Filters, period=None):
    """The reports to sum, and the measures that sum them: for the hub, which covers every
    enterprise, the per-group ReportTotals (a few hundred rows a month instead of 100,000
    reports); for a window, which covers only its members, the reports themselves."""
    if not coverage.everything:
        measures = {"n": Count("pk"), "late": Count("pk", filter=Q(is_late=True)), **SUMS}
        return _reports(coverage, filters, period), measures
    return _narrowed(ReportTotals.objects.all(), filters, period), {"n": Sum("reports"), "late": Sum("late"), **SUMS}


def _certified(coverage: Coverage, filters: Filters):
    queryset = CertificationApplication.objects.filter(
        status=ApplicationStatus.APPROVED, kind=OrganisationKind.ENTERPRISE
    ).filter(coverage.q())
    if filters.district:
        queryset = queryset.filter(district=filters.district)
    if filters.industry:
        queryset = queryset.filter(industry=filters.industry)
    return queryset


# Overview -------------------------------------------------------------------------


def enterprises_by_district(coverage: Coverage, filters: Filters) -> Table:
    registered = Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE).filter(
        coverage.q(organisation_field="id")
    )
    if filters.district:
        registered = registered.filter(district=filters.district)
    reg = dict(registered.values_list("district").annotate(n=Count("pk")).values_list("district", "n"))
    cert = dict(
        _certified(coverage, filters).values_list("district").annotate(n=Count("pk")).values_list("district", "n")
    )
    keys = [k for k, _label in District.choices if k in reg or k in cert] + ([""] if "" in reg or "" in cert else [])
    rows = [[_label(District.choices, k), reg.get(k, 0), cert.get(k, 0)] for k in keys]
    rows.append([_("Total"), sum(reg.values()), sum(cert.values())])
    table = Table(
        "enterprises_district",
        _("Enterprises by district"),
        [_("district"), _("Registered"), _("Certified")],
        rows,
    )
    table.chart = charts.bar_chart(
        table.title,
        [r[0] for r in rows[:-1]],
        [(_("Registered"), [r[1] for r in rows[:-1]]), (_("Certified"), [r[2] for r in rows[:-1]])],
    )
    return table


def _certified_by(coverage, filters, field_name, choices, key, title, header) -> Table:
    counts = dict(
        _certified(coverage, filters).values_list(field_name).annotate(n=Count("pk")).values_list(field_name, "n")
    )
    keys = [k for k, _label in choices if k in counts] + ([""] if "" in counts else [])
    rows = [[_label(choices, k), counts[k]] for k in keys]
    rows.append([_("Total"), sum(counts.values())])
    table = Table(key, title, [header, _("Certified")], rows)
    table.chart = charts.bar_chart(title, [r[0] for r in rows[:-1]], [(_("Certified"), [r[1] for r in rows[:-1]])])
    return table


def enterprises_by_industry(coverage, filters) -> Table:
    return _certified_by(
        coverage,
        filters,
        "industry",
        Industry.choices,
        "enterprises_industry",
        _("Certified enterprises by industry"),
        _("industry"),
    )


def enterprises_by_scale(coverage, filters) -> Table:
    return _certified_by(
        coverage,
        filters,
        "scale",
        Scale.choices,
        "enterprises_scale",
        _("Certified enterprises by scale"),
        _("enterprise scale"),
    )


def reporting_rate(coverage: Coverage, filters: Filters) -> Table:
    """This period's reports against the enterprises certified by the end of the period."""
    period = filters.period
    end = add_months(period, 1)
    expected = dict(
        _certified(coverage, filters)
        .filter(Q(organisation__certified_at__date__lt=end) | Q(organisation__certified_at__isnull=True))
        .values_list("district")
        .annotate(n=Count("pk"))
        .values_list("district", "n")
    )
    reports, measures = _summed_reports(coverage, filters, period)
    filed = {
        row["district"]: row for row in reports.values("district").annotate(n=measures["n"], late=measures["late"])
    }
    keys = [k for k, _label in District.choices if k in expected or k in filed]
    rows = []
    for k in keys:
        n = filed.get(k, {}).get("n", 0)
        rows.append(
            [
                _label(District.choices, k),
                expected.get(k, 0),
                n,
                _pct(n, expected.get(k, 0)),
                filed.get(k, {}).get("late", 0),
            ]
        )
    total_expected = sum(expected.values())
    total_filed = sum(r["n"] for r in filed.values())
    rows.append(
        [
            _("Total"),
            total_expected,
            total_filed,
            _pct(total_filed, total_expected),
            sum(r["late"] for r in filed.values()),
        ]
    )
    table = Table(
        "reporting",
        _("Reporting for %(period)s (due %(due)s)") % {"period": f"{period:%Y-%m}", "due": due_date(period)},
        [_("district"), _("Enterprises due to report"), _("Reports filed"), _("Reporting rate (%)"), _("Late reports")],
        rows,
    )
    table.chart = charts.bar_chart(
        table.title, [r[0] for r in rows[:-1]], [(_("Reporting rate (%)"), [r[3] for r in rows[:-1]])]
    )
    return table


# Economy --------------------------------------------------------------------------


def _totals_by(coverage, filters, group: str) -> dict:
    period = filters.period
    reports, _measures = _summed_reports(coverage, filters)
    rows = reports.filter(period__in=[period, add_months(period, -12)]).values(group, "period").annotate(**SUMS)
    out = defaultdict(dict)
    for row in rows:
        out[row[group]][row["period"]] = row
    return out


def economy_by(coverage: Coverage, filters: Filters, group: str) -> Table:
    """Totals of the five figures this month and their year-on-year change, by district or industry."""
    period, last_year = filters.period, add_months(filters.period, -12)
    data = _totals_by(coverage, filters, group)
    choices = District.choices if group == "district" else Industry.choices
    headers = [_("district") if group == "district" else _("industry")]
    for name in FIGURES:
        headers += [str(FIGURE_LABELS[name]), _("%(figure)s YoY (%%)") % {"figure": FIGURE_LABELS[name]}]
    keys = [k for k, _label in choices if k in data]
    rows, totals_now, totals_before = [], defaultdict(Decimal), defaultdict(Decimal)
    for k in keys:
        now, before = data[k].get(period, {}), data[k].get(last_year)
        row = [_label(choices, k)]
        for name in FIGURES:
            value = now.get(name)
            row += [_money(value) if name != "employees" else int(value or 0), _yoy(value, before and before.get(name))]
            totals_now[name] += Decimal(value or 0)
            if before:
                totals_before[name] += Decimal(before.get(name) or 0)
        rows.append(row)
    total = [_("Total")]
    for name in FIGURES:
        value = totals_now[name]
        total += [_money(value) if name != "employees" else int(value), _yoy(value, totals_before.get(name))]
    rows.append(total)
    title = (
        _("Operating figures by district, %(period)s (10,000 yuan)")
        if group == "district"
        else _("Operating figures by industry, %(period)s (10,000 yuan)")
    ) % {"period": f"{period:%Y-%m}"}
    table = Table(f"economy_{group}", title, headers, rows)
    labels = [r[0] for r in rows[:-1]]
    table.chart = charts.bar_chart(
        _("Operating revenue: %(period)s against a year before") % {"period": f"{period:%Y-%m}"},
        labels,
        [
            (f"{period:%Y-%m}", [r[1] for r in rows[:-1]]),
            (
                f"{last_year:%Y-%m}",
                [_money(data[k].get(last_year, {}).get("revenue")) if data[k].get(last_year) else None for k in keys],
            ),
        ],
    )
    return table


def monthly_totals(coverage: Coverage, filters: Filters, months: int = 24) -> dict[datetime.date, dict]:
    """The five figures summed per month over the `months` up to the filter's period."""
    start = add_months(filters.period, -(months - 1))
    reports, measures = _summed_reports(coverage, filters)
    rows = (
        reports.filter(period__gte=start, period__lte=filters.period)
        .values("period")
        .annotate(**SUMS, n=measures["n"])
        .order_by("period")
    )
    return {row["period"]: row for row in rows}


# Questionnaire ----------------------------------------------------------------------


def survey_tables(coverage: Coverage, filters: Filters) -> list[Table]:
    rows = list(
        _reports(coverage, filters, filters.period).values_list("orders_trend", "funding", "labour", "difficulties")
    )
    total = len(rows)
    tables = []
    for index, (key, title, choices) in enumerate(
        [
            ("survey_orders", _("orders"), OrdersTrend.choices),
            ("survey_funding", _("funding"), Funding.choices),
            ("survey_labour", _("labour"), Labour.choices),
        ]
    ):
        counts = Counter(row[index] for row in rows)
        body = [[str(label), counts.get(code, 0), _pct(counts.get(code, 0), total)] for code, label in choices]
        table = Table(key, title, [_("Answer"), _("Enterprises"), _("Share (%)")], body)
        table.chart = charts.bar_chart(title, [r[0] for r in body], [(_("Share (%)"), [r[2] for r in body])])
        tables.append(table)
    counts = Counter(code for row in rows for code in (row[3] or []))
    body = [[str(label), counts.get(code, 0), _pct(counts.get(code, 0), total)] for code, label in Difficulty.choices]
    table = Table("survey_difficulties", _("Main difficulties"), [_("Answer"), _("Enterprises"), _("Share (%)")], body)
    table.chart = charts.bar_chart(table.title, [r[0] for r in body], [(_("Share (%)"), [r[2] for r in body])])
    tables.append(table)
    return tables


# Activity (orders, demands, complaints, reviews) --------------------------------------
# Each figure comes from a small selector that returns {(window_id, month): row}.


def _month_range(filters: Filters, months: int = 12) -> tuple[datetime.datetime, datetime.datetime]:
    start = add_months(filters.period, -(months - 1))
    end = add_months(filters.period, 1)
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime(start.year, start.month, 1, tzinfo=tz),
        datetime.datetime(end.year, end.month, 1, tzinfo=tz),
    )


def _per_window_month(queryset, window_field: str, date_field: str, **aggregates) -> dict:
    rows = (
        queryset.annotate(month=TruncMonth(date_field)).values(window_field, "month").annotate(**aggregates).order_by()
    )
    out = {}
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, datetime.datetime) else month
        out[(row[window_field], month.replace(day=1))] = row
    return out


def order_counts(coverage: Coverage, filters: Filters) -> dict:
    start, end = _month_range(filters)
    queryset = Order.objects.filter(coverage.window_q("window_id"), created_at__gte=start, created_at__lt=end)
    return _per_window_month(queryset, "window_id", "created_at", n=Count("pk"))


def demand_counts(coverage: Coverage, filters: Filters) -> dict:
    """Demands published, by the month they were published in."""
    start, end = _month_range(filters)
    queryset = Demand.objects.filter(coverage.window_q("window_id"), created_at__gte=start, created_at__lt=end)
    return _per_window_month(queryset, "window_id", "created_at", n=Count("pk"))


def complaint_counts(coverage: Coverage, filters: Filters) -> dict:
    """Complaints filed, and of those closed with a result, how many were upheld."""
    start, end = _month_range(filters)
    queryset = Complaint.objects.filter(
        coverage.window_q("order__window_id"), created_at__gte=start, created_at__lt=end
    )
    return _per_window_month(
        queryset,
        "order__window_id",
        "created_at",
        n=Count("pk"),
        closed=Count("pk", filter=Q(result__in=[ComplaintResult.UPHELD, ComplaintResult.REJECTED])),
        upheld=Count("pk", filter=Q(result=ComplaintResult.UPHELD)),
    )


def review_scores(coverage: Coverage, filters: Filters) -> dict:
    """Satisfaction: the enterprises' reviews of institutions (not the reverse), hidden ones left out."""
    start, end = _month_range(filters)
    queryset = Review.objects.filter(
        coverage.window_q("order__window_id"),
        author_side=Party.ENTERPRISE,
        hidden=False,
        created_at__gte=start,
        created_at__lt=end,
    )
    return _per_window_month(queryset, "order__window_id", "created_at", n=Count("pk"), avg=Avg("score"))


def activity_tables(coverage: Coverage, filters: Filters) -> list[Table]:
    sources = {
        "orders": order_counts(coverage, filters),
        "demands": demand_counts(coverage, filters),
        "complaints": complaint_counts(coverage, filters),
        "reviews": review_scores(coverage, filters),
    }
    windows = Window.objects.all() if coverage.everything else Window.objects.filter(pk__in=coverage.window_ids)
    if filters.window is not None:
        windows = windows.filter(pk=filters.window.pk)
    windows = list(windows)
    wanted = {w.pk for w in windows}
    months = [add_months(filters.period, -n) for n in range(11, -1, -1)]
    headers = [
        _("Number of orders"),
        _("Demands"),
        _("Number of complaints"),
        _("Upheld share (%)"),
        _("number of reviews"),
        _("Average score"),
    ]
    getters = [
        ("orders", "n"),
        ("demands", "n"),
        ("complaints", "n"),
        ("complaints", "upheld_share"),
        ("reviews", "n"),
        ("reviews", "avg"),
    ]

    def combine(keys) -> list:
        values = []
        for source, name in getters:
            rows = [sources[source].get(k) for k in keys]
            rows = [r for r in rows if r]
            if name == "upheld_share":
                closed = sum(r["closed"] for r in rows)
                values.append(_pct(sum(r["upheld"] for r in rows), closed))
            elif name == "avg":
                n = sum(r["n"] for r in rows)
                values.append(round(sum(float(r["avg"] or 0) * r["n"] for r in rows) / n, 2) if n else None)
            else:
                values.append(sum(r[name] for r in rows))
        return values

    per_window = Table(
        "activity_window",
        _("Per window, %(start)s to %(end)s") % {"start": f"{months[0]:%Y-%m}", "end": f"{months[-1]:%Y-%m}"},
        [_("window"), *headers],
        [[w.name, *combine([(w.pk, m) for m in months])] for w in windows],
    )
    per_month = Table(
        "activity_month",
        _("Per month"),
        [_("Month"), *headers],
        [[f"{m:%Y-%m}", *combine([(pk, m) for pk in wanted])] for m in months],
    )
    per_month.chart = charts.line_chart(
        per_month.title,
        [r[0] for r in per_month.rows],
        [(str(h), [r[i + 1] for r in per_month.rows]) for i, h in enumerate(headers) if getters[i][1] == "n"],
    )
    return [per_window, per_month]
