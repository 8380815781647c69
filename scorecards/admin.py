from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from smeportal.admin_transitions import AdminTransition, ReadOnlyInline, TransitionAdminMixin
from windows.admin_scoping import WindowScopedAdminMixin

from .actions import ranking_publish, ranking_withdraw
from .models import MonthlyRanking, RankingEntry, ScorecardRun


class RankingEntryInline(ReadOnlyInline):
    model = RankingEntry
    fields = ["category", "position", "institution", "composite_score", "order_count"]


@admin.register(MonthlyRanking)
class MonthlyRankingAdmin(TransitionAdminMixin, WindowScopedAdminMixin, admin.ModelAdmin):
    """Rankings are made by the timers from the scorecards; administrators of the
    window only publish (or withdraw) them, they never edit a place by hand."""

    # "change" is what the publish buttons need; every field stays read-only.
    window_admin_permissions = frozenset({"view", "change"})
    list_display = ["month", "window", "is_published", "published_at", "published_by"]
    list_filter = ["is_published", "window", "month"]
    search_fields = ["window__name"]
    list_select_related = ["window", "published_by"]
    readonly_fields = ["window", "month", "is_published", "published_at", "published_by", "created_at"]
    fields = readonly_fields
    inlines = [RankingEntryInline]
    transitions = [
        AdminTransition(
            "publish",
            _("Publish"),
            lambda ranking, actor, reason: ranking_publish(ranking=ranking, actor=actor),
            available=lambda ranking: not ranking.is_published,
        ),
        AdminTransition(
            "withdraw",
            _("Withdraw publication"),
            lambda ranking, actor, reason: ranking_withdraw(ranking=ranking, actor=actor),
            available=lambda ranking: ranking.is_published,
            style="danger",
        ),
    ]

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ScorecardRun)
class ScorecardRunAdmin(admin.ModelAdmin):
    """When the timers last recomputed the scorecards, and how many: read-only."""

    list_display = ["started_at", "finished_at", "institution_count"]
    list_filter = ["started_at"]
    search_fields = ["started_at"]
    readonly_fields = ["started_at", "finished_at", "institution_count"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
