"""Reads of the scorecards app: the institution page's section and the ranking pages."""

from django.conf import settings
from django.db.models import Prefetch

from services.models import InstitutionScorecard, composite_formula_text

from .figures import figure_definitions
from .models import MonthlyRanking, RankingEntry


def scorecard_section(institution) -> dict:
    """The scorecard of the institution page, each figure with its definition, both periods."""
    scorecard = InstitutionScorecard.objects.filter(institution=institution).first()
    rows = []
    if scorecard is not None:
        for figure in figure_definitions():
            rows.append(
                {
                    "figure": figure,
                    "recent": scorecard.recent.get(figure.key),
                    "recent_count": scorecard.recent.get(figure.count_key),
                    "all_time": scorecard.all_time.get(figure.key),
                    "all_time_count": scorecard.all_time.get(figure.count_key),
                }
            )
    return {"scorecard": scorecard, "rows": rows, **formula_context()}


def formula_context() -> dict:
    """What the pages say about 综合评分: its weights and the minimum sample."""
    return {"formula": composite_formula_text(), "min_orders": settings.SCORECARD_MIN_ORDERS}


def published_rankings():
    return MonthlyRanking.objects.published().select_related("window").order_by("-month", "window__sort_order", "pk")


def published_ranking(pk: int) -> MonthlyRanking | None:
    """A published ranking with its entries by category, or None (unpublished ones are not public)."""
    return (
        published_rankings()
        .filter(pk=pk)
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=RankingEntry.objects.select_related("category", "institution"),
                to_attr="ordered_entries",
            )
        )
        .first()
    )


def entries_by_category(ranking: MonthlyRanking) -> list[tuple]:
    """[(category, [entry, ...]), ...] in the categories' order."""
    grouped = {}
    for entry in ranking.ordered_entries:
        grouped.setdefault(entry.category, []).append(entry)
    return list(grouped.items())
