"""Scorecard runs and the monthly window rankings (服务机构月度排行).

The scorecards themselves are services.InstitutionScorecard (below the apps they
are computed from, so that 找机构 can join them); this app computes them and keeps
the rankings made from them.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ScorecardRun(models.Model):
    """One recompute by the timers: the next run looks at log rows from `started_at` on."""

    started_at = models.DateTimeField(_("started at"), db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    institution_count = models.PositiveIntegerField(_("institutions recomputed"), default=0)

    class Meta:
        verbose_name = _("scorecard run")
        verbose_name_plural = _("scorecard runs")
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M}"


class RankingQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class MonthlyRanking(models.Model):
    """A window's ranking for one month: made by the timers at the start of the next
    month from the scorecards of that day, shown to the public once an administrator
    of the window publishes it."""

    window = models.ForeignKey(
        "windows.Window", verbose_name=_("window"), on_delete=models.PROTECT, related_name="rankings"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month ranked."))
    is_published = models.BooleanField(_("published"), default=False, db_index=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)

    objects = RankingQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly ranking")
        verbose_name_plural = _("monthly rankings")
        ordering = ["-month", "window__sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["window", "month"], name="one_ranking_per_window_month")]

    def __str__(self):
        return f"{self.window} {self.month:%Y-%m}"

    def get_absolute_url(self):
        return reverse("scorecards:ranking", args=[self.pk])


class RankingEntry(models.Model):
    """One institution's place in one category of a ranking, with the score it had."""

    ranking = models.ForeignKey(
        MonthlyRanking, verbose_name=_("monthly ranking"), on_delete=models.CASCADE, related_name="entries"
    )
    category = models.ForeignKey(
        "services.ServiceCategory", verbose_name=_("service category"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    institution = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("service institution"), on_delete=models.PROTECT, related_name="+"
    )
    composite_score = models.DecimalField(_("composite score"), max_digits=5, decimal_places=1)
    order_count = models.PositiveIntegerField(_("orders in the last 12 months"))

    class Meta:
        verbose_name = _("ranking entry")
        verbose_name_plural = _("ranking entries")
        ordering = ["category__sort_order", "category_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["ranking", "category", "position"], name="one_entry_per_place"),
        ]

    def __str__(self):
        return f"{self.ranking} · {self.category} · {self.position}"
