"""Reads for the enterprise's own pages: history, prefill, peer position."""

import statistics
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import EarlyWarning, MonthlyReport, ReportingPeriod
from .reporting import FIGURE_LABELS, FIGURES

MIN_PEERS = 5  # never describe a group of fewer peers: single firms would show through


def report_history(organisation):
    return MonthlyReport.objects.filter(organisation=organisation).order_by("period")


def prefill_source(organisation, period):
    """The report to pre-fill the form with: this month's (a correction) or the last one before."""
    own = MonthlyReport.objects.filter(organisation=organisation, period=period).first()
    if own is not None:
        return own, True
    return MonthlyReport.objects.filter(organisation=organisation, period__lt=period).order_by("-period").first(), False


def locked_periods(periods) -> set:
    return set(
        ReportingPeriod.objects.filter(period__in=list(periods), is_locked=True).values_list("period", flat=True)
    )


@dataclass
class PeerFigure:
    field: str
    label: str
    value: object
    q1: float
    median: float
    q3: float
    position: str


POSITIONS = {
    "low": _("Below the lower quartile"),
    "lower_mid": _("Between the lower quartile and the median"),
    "upper_mid": _("Between the median and the upper quartile"),
    "high": _("Above the upper quartile"),
}


def quartiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < MIN_PEERS:
        raise ValueError("fewer than MIN_PEERS values")
    # "exclusive" interpolates between neighbours: a quartile is not one firm's figure.
    q1, median, q3 = statistics.quantiles(values, n=4, method="exclusive")
    return q1, median, q3


def _position(value: float, q1: float, median: float, q3: float) -> str:
    if value < q1:
        return POSITIONS["low"]
    if value < median:
        return POSITIONS["lower_mid"]
    if value <= q3:
        return POSITIONS["upper_mid"]
    return POSITIONS["high"]


def peer_position(report: MonthlyReport, group: str) -> tuple[int, list[PeerFigure]] | None:
    """The report against the other reports of its month in the same district or industry.

    Only quartiles and the median leave this function; None when fewer than
    MIN_PEERS peers reported (or the group is unknown).
    """
    key = getattr(report, group)
    if not key:
        return None
    peers = MonthlyReport.objects.filter(period=report.period, **{group: key}).exclude(pk=report.pk)
    rows = list(peers.values_list(*FIGURES))
    if len(rows) < MIN_PEERS:
        return None
    figures = []
    for index, name in enumerate(FIGURES):
        values = [float(row[index]) for row in rows]
        q1, median, q3 = quartiles(values)
        own = float(getattr(report, name))
        figures.append(
            PeerFigure(name, FIGURE_LABELS[name], getattr(report, name), q1, median, q3, _position(own, q1, median, q3))
        )
    return len(rows), figures


def warnings_for_enterprise(organisation):
    """The warnings an enterprise may see: those of rules shown to the enterprise, never internal ones."""
    return (
        EarlyWarning.objects.filter(organisation=organisation, rule__visible_to_enterprise=True)
        .select_related("rule")
        .order_by("-period", "-pk")
    )
