from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smeportal.admin_transitions import AdminTransition, LogInline, ReadOnlyInline, TransitionAdminMixin
from smeportal.excel import xlsx_response
from windows.admin_scoping import WindowScopedAdminMixin

from .actions import period_lock, warning_close, warning_verify
from .models import EarlyWarning, MonthlyReport, ReportCorrection, ReportingPeriod, WarningLog, WarningRule
from .permissions import coverage_of_windows
from .reporting import fileable_periods
from .totals import groups_of, report_totals_refresh
from .warnings import evaluate, latest_due_period


class CoverageScopedMixin(WindowScopedAdminMixin):
    """Window administrators see the organisations their windows cover (district or membership)."""

    window_admin_permissions = frozenset({"view"})

    def scope_queryset(self, queryset, window_ids):
        return queryset.filter(coverage_of_windows(window_ids).q())


class ReportCorrectionInline(ReadOnlyInline):
    model = ReportCorrection
    fields = ["created_at", "actor", "changes", "note"]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(CoverageScopedMixin, admin.ModelAdmin):
    list_display = ["organisation", "period", "revenue", "profit", "tax", "exports", "employees", "is_late", "district"]
    list_filter = ["period", "is_late", "district", "industry", "scale", "imported"]
    search_fields = ["organisation__name"]
    list_select_related = ["organisation"]
    date_hierarchy = "period"
    inlines = [ReportCorrectionInline]

    def get_readonly_fields(self, request, obj=None):
        # Reports are the enterprise's: admins read them (corrections go through the enterprise or an import).
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # A deleted report leaves the 监管看板's totals (ReportTotals) of its group.
    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        report_totals_refresh(groups_of([obj]))

    def delete_queryset(self, request, queryset):
        groups = groups_of(queryset)
        super().delete_queryset(request, queryset)
        report_totals_refresh(groups)


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["period", "is_locked", "locked_at", "locked_by"]
    list_filter = ["is_locked"]
    search_fields = ["period"]
    fields = ["period"]
    actions = ["lock", "unlock"]

    def changelist_view(self, request, extra_context=None):
        # The months an enterprise may still file are listed without being added by hand.
        ReportingPeriod.objects.bulk_create(
            [ReportingPeriod(period=p) for p in fileable_periods()], ignore_conflicts=True
        )
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Lock the selected reporting months"))
    def lock(self, request, queryset):
        for row in queryset:
            period_lock(period=row.period, actor=request.user, locked=True)
        self.message_user(request, _("Locked."))

    @admin.action(description=_("Unlock the selected reporting months"))
    def unlock(self, request, queryset):
        for row in queryset:
            period_lock(period=row.period, actor=request.user, locked=False)
        self.message_user(request, _("Unlocked."))


@admin.register(WarningRule)
class WarningRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "indicator", "comparison", "threshold", "level", "scope", "is_active"]
    list_filter = ["indicator", "comparison", "level", "scope", "is_active"]
    search_fields = ["name", "code"]
    actions = ["evaluate_now"]

    @admin.action(description=_("Evaluate the warnings now"))
    def evaluate_now(self, request, queryset):
        period = latest_due_period(timezone.now())
        raised = evaluate(period)
        self.message_user(
            request,
            _("Warnings of %(period)s evaluated: %(count)d new.") % {"period": f"{period:%Y-%m}", "count": raised},
            messages.SUCCESS,
        )


class WarningLogInline(LogInline):
    model = WarningLog


WARNING_EXPORT = [
    (_("reporting month"), lambda w: f"{w.period:%Y-%m}"),
    (_("organisation"), lambda w: w.organisation.name),
    (_("level"), lambda w: w.get_level_display()),
    (_("indicator"), lambda w: w.get_indicator_display()),
    (_("comparison"), lambda w: w.get_comparison_display()),
    (_("value"), lambda w: None if w.value is None else float(w.value)),
    (_("baseline"), lambda w: None if w.baseline is None else float(w.baseline)),
    (_("change (%)"), lambda w: None if w.change is None else float(w.change)),
    (_("threshold"), lambda w: float(w.threshold)),
    (_("warning rule"), lambda w: w.rule.name),
    (_("status"), lambda w: w.get_status_display()),
    (_("explanation"), lambda w: w.explanation),
]


@admin.register(EarlyWarning)
class EarlyWarningAdmin(TransitionAdminMixin, CoverageScopedMixin, admin.ModelAdmin):
    window_admin_permissions = frozenset({"view", "change"})
    list_display = ["organisation", "period", "level", "indicator", "change", "status", "created_at"]
    list_filter = ["status", "level", "indicator", "period", "district", "industry"]
    search_fields = ["organisation__name", "explanation"]
    list_select_related = ["organisation", "rule"]
    inlines = [WarningLogInline]
    readonly_fields = [
        "rule",
        "organisation",
        "period",
        "level",
        "indicator",
        "comparison",
        "value",
        "baseline",
        "change",
        "threshold",
        "explanation",
        "district",
        "industry",
        "status",
        "created_at",
    ]
    fields = readonly_fields
    actions = ["export_xlsx"]
    transitions = [
        AdminTransition(
            "verify",
            _("Verify"),
            lambda obj, actor, reason: warning_verify(warning=obj, actor=actor, reason=reason),
            available=lambda obj: obj.status == "open",
            needs_reason=True,
        ),
        AdminTransition(
            "close",
            _("Close"),
            lambda obj, actor, reason: warning_close(warning=obj, actor=actor, reason=reason),
            available=lambda obj: obj.status == "verified",
            needs_reason=True,
        ),
    ]

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Export to Excel"))
    def export_xlsx(self, request, queryset):
        rows = ([get(w) for _label, get in WARNING_EXPORT] for w in queryset.select_related("organisation", "rule"))
        return xlsx_response("warnings.xlsx", [label for label, _get in WARNING_EXPORT], rows)
