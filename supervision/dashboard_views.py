"""监管看板: staff-only pages under /supervision/dashboard/, in the admin's look.

Every view takes the same filters (month, district, industry, window) and every
table has an 导出 link: the same view with ?export=<table key> answers the
table as .xlsx, built from the same Table object the page shows.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.admin import site as admin_site
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import District
from certification.choices import Industry
from smeportal.db_router import replica_reads
from smeportal.excel import xlsx_response
from smeportal.forms import valid_filters
from smeportal.pagination import CappedPaginator
from windows.models import Window, WindowKind
from windows.permissions import administered_window_ids

from . import charts, dashboard, policy_figures, voucher_figures
from .forecasting import forecast as make_forecast
from .forms import DashboardFilterForm, ImportForm, WarningFilterForm
from .imports import TEMPLATE_HEADERS, template_rows
from .imports import import_reports as run_import
from .models import MonthlyReport, add_months
from .permissions import coverage_for, supervisor_required, warnings_visible_to
from .reporting import current_period
from .warnings import evaluate as run_evaluate
from .warnings import latest_due_period

NAV = [
    ("supervision:dashboard", "Overview"),
    ("supervision:economy", "Operating figures"),
    ("supervision:survey", "Business conditions"),
    ("supervision:activity", "Orders and services"),
    ("supervision:warnings", "Early warnings"),
    ("supervision:forecast", "Forecasts"),
    ("supervision:vouchers", "Service vouchers"),
    ("supervision:policies", "Policy reach"),
]


def _nav():
    labels = {
        "Overview": _("Overview"),
        "Operating figures": _("Operating figures"),
        "Business conditions": _("Business conditions"),
        "Orders and services": _("Orders and services"),
        "Early warnings": _("Early warnings"),
        "Forecasts": _("Forecasts"),
        "Service vouchers": _("Service vouchers"),
        "Policy reach": _("Policy reach"),
    }
    return [(reverse(name), labels[label]) for name, label in NAV]


def _periods(include_current=False):
    latest = current_period()
    if include_current:
        latest = add_months(latest, 1)
    return [add_months(latest, -n) for n in range(36)]


def _windows_for(user):
    window_ids = administered_window_ids(user)
    queryset = Window.objects.all()
    return list(queryset if window_ids is None else queryset.filter(pk__in=window_ids))


def _districts_for(user, windows) -> list[str] | None:
    """The districts a user may filter by: None (all) for the hub administrators and
    for industry windows (whose members are anywhere), else their regional windows'."""
    if administered_window_ids(user) is None or any(w.kind != WindowKind.REGIONAL for w in windows):
        return None
    return [w.district for w in windows]


def _filters(request, form_class=DashboardFilterForm, include_current=False):
    """The filters of the request; the period defaults to last month (the month being
    reported), or to this month for the activity figures (include_current)."""
    windows = _windows_for(request.user)
    periods = _periods(include_current)
    options = {"periods": periods, "windows": windows, "districts": _districts_for(request.user, windows)}
    form = form_class(request.GET or None, **options)
    data = valid_filters(form)
    window = None
    if data.get("window"):
        window = next((w for w in windows if w.pk == data["window"]), None)
        if window is None:
            raise PermissionDenied
    filters = dashboard.Filters(
        period=data.get("period") or periods[0],
        district=data.get("district") or "",
        industry=data.get("industry") or "",
        window=window,
    )
    if not form.is_bound:
        form = form_class(initial={"period": f"{filters.period:%Y-%m}"}, **options)
    return form, filters, coverage_for(request.user, window), data


WARNINGS_PER_PAGE = 50


def _page(request, template, title, form, tables, **extra):
    wanted = request.GET.get("export")
    if wanted:
        for table in tables:
            if table.key == wanted:
                return xlsx_response(f"{table.key}-{timezone.localdate():%Y%m%d}.xlsx", table.headers, table.rows)
        raise Http404
    query = urlencode([(k, v) for k, v in request.GET.items() if k not in ("export", "page") and v])
    context = {
        **admin_site.each_context(request),
        "title": title,
        "form": form,
        "tables": tables,
        "nav": _nav(),
        "query": query,
        **extra,
    }
    return render(request, template, context)


@supervisor_required
@replica_reads  # aggregates only; a replica a second behind is fine
def overview(request):
    form, filters, coverage, _data = _filters(request)
    tables = [
        dashboard.reporting_rate(coverage, filters),
        dashboard.enterprises_by_district(coverage, filters),
        dashboard.enterprises_by_industry(coverage, filters),
        dashboard.enterprises_by_scale(coverage, filters),
    ]
    return _page(request, "supervision/dashboard.html", _("Supervision dashboard"), form, tables)


@supervisor_required
@replica_reads  # aggregates only; a replica a second behind is fine
def economy(request):
    form, filters, coverage, _data = _filters(request)
    tables = [dashboard.economy_by(coverage, filters, "district"), dashboard.economy_by(coverage, filters, "industry")]
    return _page(request, "supervision/dashboard.html", _("Operating figures"), form, tables)


@supervisor_required
@replica_reads  # aggregates only; a replica a second behind is fine
def survey(request):
    form, filters, coverage, _data = _filters(request)
    return _page(
        request,
        "supervision/dashboard.html",
        _("Business conditions"),
        form,
        dashboard.survey_tables(coverage, filters),
    )


@supervisor_required
@replica_reads  # aggregates only; a replica a second behind is fine
def activity(request):
    form, filters, coverage, _data = _filters(request, include_current=True)
    return _page(
        request,
        "supervision/dashboard.html",
        _("Orders and services"),
        form,
        dashboard.activity_tables(coverage, filters),
        note=_("Per window of the order; the district and industry filters do not apply here."),
    )


@supervisor_required
@replica_reads  # aggregates only; a replica a second behind is fine
def vouchers(request):
    form, filters, coverage, _data = _filters(request, include_current=True)
    return _page(
        request,
        "supervision/dashboard.html",
        _("Service vouchers"),
        form,
        voucher_figures.voucher_tables(coverage, filters),
        note=_("Amounts of the programmes of the windows you administer; the industry filter does not apply here."),
    )


@supervisor_required
@replica_reads
def policies(request):
    form, filters, coverage, _data = _filters(request, include_current=True)
    return _page(
        request,
        "supervision/dashboard.html",
        _("Policy reach"),
        form,
        policy_figures.policy_tables(coverage, filters),
        note=_("The policies of the windows you administer; the month and industry filters do not apply here."),
    )


WARNING_HEADERS = [
    "reporting month",
    "organisation",
    "level",
    "indicator",
    "value",
    "baseline",
    "change (%)",
    "threshold",
    "warning rule",
    "status",
]


@supervisor_required
def warning_list(request):
    form, filters, coverage, data = _filters(request, WarningFilterForm)
    queryset = warnings_visible_to(request.user).filter(coverage.q()).select_related("organisation", "rule")
    if data.get("period"):
        queryset = queryset.filter(period=filters.period)
    if filters.district:
        queryset = queryset.filter(district=filters.district)
    if filters.industry:
        queryset = queryset.filter(industry=filters.industry)
    if data.get("level"):
        queryset = queryset.filter(level=data["level"])
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    queryset = queryset.order_by("-period", "-pk")
    # The page shows WARNINGS_PER_PAGE at a time; 导出 takes every warning the filters match.
    if request.GET.get("export"):
        page, warnings = None, list(queryset)
    else:
        page = CappedPaginator(queryset, WARNINGS_PER_PAGE).get_page(request.GET.get("page"))
        warnings = list(page.object_list)
    table = dashboard.Table(
        "warnings",
        _("Early warnings"),
        [
            _("reporting month"),
            _("organisation"),
            _("level"),
            _("indicator"),
            _("value"),
            _("baseline"),
            _("change (%)"),
            _("threshold"),
            _("warning rule"),
            _("status"),
            _("explanation"),
        ],
        [
            [
                f"{w.period:%Y-%m}",
                w.organisation.name,
                w.get_level_display(),
                w.get_indicator_display(),
                None if w.value is None else float(w.value),
                None if w.baseline is None else float(w.baseline),
                None if w.change is None else float(w.change),
                float(w.threshold),
                w.rule.name,
                w.get_status_display(),
                w.explanation,
            ]
            for w in warnings
        ],
    )
    return _page(
        request,
        "supervision/warnings.html",
        _("Early warnings"),
        form,
        [table],
        warnings=warnings,
        page=page,
        latest_due=latest_due_period(timezone.now()),
    )


@require_POST
@supervisor_required
def evaluate(request):
    period = latest_due_period(timezone.now())
    raised = run_evaluate(period)
    messages.success(
        request, _("Warnings of %(period)s evaluated: %(count)d new.") % {"period": f"{period:%Y-%m}", "count": raised}
    )
    return redirect("supervision:warnings")


@supervisor_required
def forecast(request):
    form, filters, coverage, _data = _filters(request)
    totals = dashboard.monthly_totals(coverage, filters, months=36)
    months = sorted(totals)
    results, tables = [], []
    for name, label in (("revenue", _("Operating revenue")), ("employees", _("Number of employees"))):
        history = [float(totals[m][name] or 0) for m in months]
        result = make_forecast(history) if history else None
        if result is None:
            continue
        future = [add_months(months[-1], n) for n in range(1, len(result.values) + 1)]
        labels = [f"{m:%Y-%m}" for m in months + future]
        padding = [None] * len(history)
        chart = charts.line_chart(
            _("%(figure)s: history and forecast") % {"figure": label},
            labels,
            [
                (_("History"), history + [None] * len(future)),
                (_("Forecast"), [None] * (len(history) - 1) + [history[-1]] + result.values),
            ],
            band=(padding + result.lower, padding + result.upper),
            dashed_from=len(history) - 1,
            integers=name == "employees",
        )
        # Head counts are whole people: 5854, never 5854.0.
        digits = None if name == "employees" else 2
        rows = [[f"{m:%Y-%m}", round(v, digits), None, None] for m, v in zip(months, history, strict=True)]
        rows += [
            [f"{m:%Y-%m}", round(v, digits), round(lo, digits), round(hi, digits)]
            for m, v, lo, hi in zip(future, result.values, result.lower, result.upper, strict=True)
        ]
        table = dashboard.Table(
            f"forecast_{name}",
            _("%(figure)s: history and forecast") % {"figure": label},
            [_("Month"), label, _("Lower bound (95%)"), _("Upper bound (95%)")],
            rows,
            chart=chart,
        )
        tables.append(table)
        results.append({"label": label, "result": result, "table": table})
    # One link per aggregate: the whole region, each district, each industry.
    base = {"period": f"{filters.period:%Y-%m}"}
    aggregates = [(_("Whole region"), urlencode(base))]
    aggregates += [(label, urlencode({**base, "district": key})) for key, label in District.choices]
    aggregates += [(label, urlencode({**base, "industry": key})) for key, label in Industry.choices]
    return _page(
        request, "supervision/forecast.html", _("Forecasts"), form, tables, results=results, aggregates=aggregates
    )


@supervisor_required
def import_template(request):
    return xlsx_response("monthly-reports-template.xlsx", TEMPLATE_HEADERS, template_rows())


@supervisor_required
def import_reports(request):
    """Historical reports from an Excel file: all rows or none, with a per-row error report."""
    if administered_window_ids(request.user) is not None:
        raise PermissionDenied  # hub administrators only: an import writes for any enterprise
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = run_import(form.cleaned_data["file"], actor=request.user)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            if result.errors:
                messages.error(request, _("Nothing was imported: fix the rows below and upload the file again."))
            else:
                messages.success(request, _("%(count)d reports imported.") % {"count": len(result.created)})
                return redirect("admin:supervision_monthlyreport_changelist")
    context = {**admin_site.each_context(request), "title": _("Import monthly reports"), "form": form, "result": result}
    return render(request, "supervision/import.html", context)


__all__ = ["HttpResponse", "MonthlyReport"]
