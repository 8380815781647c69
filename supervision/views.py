"""企业运行数据填报 (the enterprise's pages). The 监管看板 views are in dashboard_views.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from certification.permissions import certification_required
from smeportal.errors import ActionRefused

from . import actions, charts
from .forms import ReportForm
from .reporting import FIGURE_LABELS, FIGURES, baselines, fileable_periods, large_changes, parse_period, period_label
from .selectors import locked_periods, peer_position, prefill_source, report_history, warnings_for_enterprise

PREFILL_FIELDS = [*FIGURES, "orders_trend", "funding", "labour", "difficulties", "other_notes"]


def _enterprise(request):
    organisation = request.user.organisation
    if organisation is None or organisation.is_institution:
        raise Http404
    return organisation


@certification_required
def report_file(request):
    """The month's report: pre-filled from the last one; large changes need a confirmation and a note."""
    organisation = _enterprise(request)
    locked = locked_periods(fileable_periods())
    periods = [p for p in fileable_periods() if p not in locked]
    if not periods:
        messages.info(request, _("No reporting month is open."))
        return redirect("supervision:history")
    requested = parse_period(request.POST.get("period") or request.GET.get("period") or "")
    period = requested if requested in periods else periods[0]
    source, is_correction = prefill_source(organisation, period)
    initial = {"period": f"{period:%Y-%m}"}
    if source is not None:
        initial.update({name: getattr(source, name) for name in PREFILL_FIELDS})
    form = ReportForm(request.POST or None, initial=initial, periods=periods)
    flags = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        period = data["period"]
        values = {name: data.get(name) for name in PREFILL_FIELDS}
        flags = large_changes(values, baselines(organisation, period))
        try:
            report = actions.report_file(
                organisation=organisation,
                actor=request.user,
                period=period,
                values=values,
                change_note=data.get("change_note") or "",
                confirmed=bool(data.get("confirm_changes")),
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
            for name, message in refusal.field_errors.items():
                if name in form.fields:
                    form.add_error(name, message)
        else:
            if report.is_late:
                messages.warning(
                    request,
                    _("The report for %(period)s was saved; it is late (due on %(due)s).")
                    % {"period": period_label(report.period), "due": report.due_date},
                )
            else:
                messages.success(request, _("The report for %(period)s was saved.") % {"period": period_label(period)})
            return redirect(reverse("supervision:history"))
    return render(
        request,
        "supervision/report_form.html",
        {
            "form": form,
            "flags": flags,
            "is_correction": is_correction,
            "period": period,
            "prefilled_from": None if is_correction else source,
        },
    )


@login_required
def history(request):
    """The enterprise's own reports as a table and charts, and its position among its peers."""
    organisation = _enterprise(request)
    reports = list(report_history(organisation).prefetch_related("corrections"))
    labels = [f"{r.period:%Y-%m}" for r in reports]
    chart_money = charts.line_chart(
        _("Operating revenue, profit and tax (10,000 yuan)"),
        labels,
        [(str(FIGURE_LABELS[name]), [getattr(r, name) for r in reports]) for name in ("revenue", "profit", "tax")],
    )
    chart_people = charts.bar_chart(
        _("Number of employees"), labels, [(str(FIGURE_LABELS["employees"]), [r.employees for r in reports])]
    )
    latest = reports[-1] if reports else None
    peers = {}
    if latest is not None:
        peers = {
            "district": peer_position(latest, "district"),
            "industry": peer_position(latest, "industry"),
        }
    locked = locked_periods([r.period for r in reports])
    return render(
        request,
        "supervision/history.html",
        {
            "reports": reports[::-1],
            "chart_money": chart_money if reports else None,
            "chart_people": chart_people if reports else None,
            "latest": latest,
            "peers": peers,
            "locked": locked,
            "warnings": list(warnings_for_enterprise(organisation)[:20]),
        },
    )
