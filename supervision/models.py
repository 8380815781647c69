import datetime

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.models import District
from certification.choices import Industry, Scale

from .choices import Comparison, Funding, Indicator, Labour, Level, OrdersTrend, Scope, WarningStatus

MONEY = {"max_digits": 14, "decimal_places": 2}


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after (or before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def due_date(period: datetime.date) -> datetime.date:
    """A month's report is due on the SUPERVISION_REPORT_DUE_DAY (10th) of the next month."""
    return add_months(period, 1).replace(day=settings.SUPERVISION_REPORT_DUE_DAY)


class ReportingPeriod(models.Model):
    """A reporting month; once locked by the admins its reports can no longer be corrected."""

    period = models.DateField(_("reporting month"), unique=True)
    is_locked = models.BooleanField(_("locked"), default=False)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("locked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["-period"]

    def __str__(self):
        return f"{self.period:%Y-%m}"


class MonthlyReport(models.Model):
    """企业运行数据: one certified enterprise's figures for one month (万元, two decimals).

    District, industry and scale are copied from the certification when the report
    is filed, so statistics of a month stay as they were reported.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="monthly_reports"
    )
    period = models.DateField(_("reporting month"))
    revenue = models.DecimalField(_("operating revenue (10,000 yuan)"), **MONEY, validators=[MinValueValidator(0)])
    profit = models.DecimalField(_("total profit (10,000 yuan)"), **MONEY)
    tax = models.DecimalField(_("total tax paid (10,000 yuan)"), **MONEY, validators=[MinValueValidator(0)])
    exports = models.DecimalField(_("exports (10,000 yuan)"), **MONEY, validators=[MinValueValidator(0)])
    employees = models.PositiveIntegerField(_("number of employees"))
    orders_trend = models.CharField(_("orders"), max_length=10, choices=OrdersTrend.choices)
    funding = models.CharField(_("funding"), max_length=10, choices=Funding.choices)
    labour = models.CharField(_("labour"), max_length=10, choices=Labour.choices)
    difficulties = models.JSONField(_("main difficulties"), default=list, blank=True)
    other_notes = models.TextField(_("other remarks"), blank=True, max_length=500)

    district = models.CharField(_("district"), max_length=20, choices=District.choices, blank=True, db_index=True)
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices, blank=True, db_index=True)
    scale = models.CharField(_("enterprise scale"), max_length=10, choices=Scale.choices, blank=True)

    is_late = models.BooleanField(_("late"), default=False)
    anomaly_flags = models.JSONField(_("large changes"), default=list, blank=True)
    anomaly_note = models.TextField(_("explanation of large changes"), blank=True)
    imported = models.BooleanField(_("imported"), default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("monthly operating report")
        verbose_name_plural = _("monthly operating reports")
        ordering = ["-period", "organisation_id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "period"], name="one_report_per_month")]
        indexes = [models.Index(fields=["period", "district"]), models.Index(fields=["period", "industry"])]

    def __str__(self):
        return f"{self.organisation} {self.period:%Y-%m}"

    @property
    def due_date(self) -> datetime.date:
        return due_date(self.period)

    def get_difficulties_display(self) -> str:
        from .choices import Difficulty

        labels = dict(Difficulty.choices)
        return "、".join(str(labels.get(code, code)) for code in self.difficulties)


class ReportTotals(models.Model):
    """One month's reports summed per district and industry, for the hub's 监管看板.

    The overview, 运行数据 and the forecast read these few hundred rows instead of
    scanning 100,000 reports a month. Kept by `supervision.totals.report_totals_refresh`,
    which every write of reports calls (filing, correcting, importing, the demo); a
    window's dashboard, which covers only its members, still reads the reports.
    """

    period = models.DateField(_("reporting month"))
    district = models.CharField(_("district"), max_length=20, blank=True)
    industry = models.CharField(_("industry"), max_length=1, blank=True)
    reports = models.PositiveIntegerField(_("reports filed"), default=0)
    late = models.PositiveIntegerField(_("late reports"), default=0)
    revenue = models.DecimalField(_("operating revenue (10,000 yuan)"), max_digits=20, decimal_places=2, default=0)
    profit = models.DecimalField(_("total profit (10,000 yuan)"), max_digits=20, decimal_places=2, default=0)
    tax = models.DecimalField(_("total tax paid (10,000 yuan)"), max_digits=20, decimal_places=2, default=0)
    exports = models.DecimalField(_("exports (10,000 yuan)"), max_digits=20, decimal_places=2, default=0)
    employees = models.BigIntegerField(_("number of employees"), default=0)

    class Meta:
        verbose_name = _("monthly report totals")
        verbose_name_plural = _("monthly report totals")
        constraints = [
            models.UniqueConstraint(fields=["period", "district", "industry"], name="one_total_per_group"),
        ]

    def __str__(self):
        return f"{self.period:%Y-%m} {self.district} {self.industry}"


class ReportCorrection(models.Model):
    """One correction of a filed report: who, when, what changed (old → new), why."""

    report = models.ForeignKey(
        MonthlyReport, verbose_name=_("monthly operating report"), on_delete=models.CASCADE, related_name="corrections"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("operator"), on_delete=models.SET_NULL, null=True, blank=True
    )
    changes = models.JSONField(_("changes"), default=dict)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("report correction")
        verbose_name_plural = _("report corrections")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.report} @ {self.created_at:%Y-%m-%d %H:%M}"


class WarningRule(models.Model):
    """An early-warning rule: which indicator, compared how, against what threshold."""

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    indicator = models.CharField(_("indicator"), max_length=20, choices=Indicator.choices)
    comparison = models.CharField(_("comparison"), max_length=10, choices=Comparison.choices)
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=12,
        decimal_places=2,
        help_text=_(
            "A drop in percent for year-on-year, month-on-month and quarter-on-quarter comparisons; "
            "otherwise a count (missed reports, upheld complaints) or a score."
        ),
    )
    min_count = models.PositiveIntegerField(
        _("minimum number of reviews"), default=0, help_text=_("Average score rules only.")
    )
    window_days = models.PositiveIntegerField(
        _("days looked back"), default=90, help_text=_("Upheld complaint rules only.")
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.ALL)
    scope_district = models.CharField(_("district"), max_length=20, choices=District.choices, blank=True)
    scope_industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    visible_to_enterprise = models.BooleanField(
        _("shown to the enterprise"), default=False, help_text=_("Otherwise the warning is internal.")
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("warning rule")
        verbose_name_plural = _("warning rules")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name


class EarlyWarning(FSMModelMixin, models.Model):
    """预警: a rule that fired for one organisation in one period, worked by the admins."""

    rule = models.ForeignKey(WarningRule, verbose_name=_("warning rule"), on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="warnings"
    )
    period = models.DateField(_("reporting month"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    indicator = models.CharField(_("indicator"), max_length=20, choices=Indicator.choices)
    comparison = models.CharField(_("comparison"), max_length=10, choices=Comparison.choices)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2, null=True, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=16, decimal_places=2, null=True, blank=True)
    change = models.DecimalField(_("change (%)"), max_digits=10, decimal_places=2, null=True, blank=True)
    threshold = models.DecimalField(_("threshold"), max_digits=12, decimal_places=2)
    explanation = models.TextField(_("explanation"))
    district = models.CharField(_("district"), max_length=20, choices=District.choices, blank=True, db_index=True)
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices, blank=True)
    status = FSMField(
        _("status"), max_length=10, choices=WarningStatus.choices, default=WarningStatus.OPEN, protected=True
    )
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "organisation", "period"], name="one_warning_per_rule_and_period")
        ]

    def __str__(self):
        return f"{self.organisation} · {self.rule}"

    @transition(field=status, source=WarningStatus.OPEN, target=WarningStatus.VERIFIED)
    def verify(self):
        pass

    @transition(field=status, source=WarningStatus.VERIFIED, target=WarningStatus.CLOSED)
    def close(self):
        pass


class WarningLog(models.Model):
    """One row per warning transition: who, when, from, to, note."""

    warning = models.ForeignKey(
        EarlyWarning, verbose_name=_("early warning"), on_delete=models.CASCADE, related_name="logs"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("operator"), on_delete=models.SET_NULL, null=True, blank=True
    )
    from_status = models.CharField(_("from"), max_length=10, choices=WarningStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=WarningStatus.choices)
    reason = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("warning log")
        verbose_name_plural = _("warning logs")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.warning}: {self.from_status} → {self.to_status}"


class WarningEvaluation(models.Model):
    """When the warnings of a reporting month were evaluated (the timers do it once after the deadline)."""

    period = models.DateField(_("reporting month"), unique=True)
    evaluated_at = models.DateTimeField(_("evaluated at"))
    raised = models.PositiveIntegerField(_("warnings raised"), default=0)

    class Meta:
        verbose_name = _("warning evaluation")
        verbose_name_plural = _("warning evaluations")
        ordering = ["-period"]

    def __str__(self):
        return f"{self.period:%Y-%m}"
