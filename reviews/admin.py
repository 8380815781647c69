from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from smeportal.admin_transitions import AdminTransition, ReadOnlyInline, TransitionAdminMixin
from windows.admin_scoping import WindowScopedAdminMixin

from .actions import review_hide, review_show
from .models import Review, ReviewLog


class ReviewLogInline(ReadOnlyInline):
    model = ReviewLog
    fields = ["created_at", "actor", "event", "reason"]


@admin.register(Review)
class ReviewAdmin(TransitionAdminMixin, WindowScopedAdminMixin, admin.ModelAdmin):
    """Reviews are not edited here either: an abusive one is hidden with a reason (logged, the author told)."""

    window_lookup = "order__window"
    window_admin_permissions = frozenset({"view", "change"})
    list_display = [
        "order",
        "author_side",
        "author_organisation",
        "subject",
        "score",
        "during_complaint",
        "hidden",
        "created_at",
    ]
    list_filter = ["author_side", "score", "hidden", "during_complaint", "order__window", "created_at"]
    search_fields = ["order__number", "author_organisation__name", "subject__name", "content"]
    list_select_related = ["order", "author_organisation", "subject"]
    date_hierarchy = "created_at"
    inlines = [ReviewLogInline]
    readonly_fields = [
        "order",
        "author_side",
        "author",
        "author_organisation",
        "subject",
        "score",
        "quality",
        "attitude",
        "speed",
        "content",
        "during_complaint",
        "followup",
        "followup_at",
        "hidden",
        "hidden_reason",
        "hidden_at",
        "created_at",
    ]
    fields = readonly_fields
    transitions = [
        AdminTransition(
            "hide",
            _("Hide the review"),
            lambda obj, actor, reason: review_hide(review=obj, actor=actor, reason=reason),
            available=lambda r: not r.hidden,
            needs_reason=True,
            style="danger",
        ),
        AdminTransition(
            "show",
            _("Show the review again"),
            lambda obj, actor, reason: review_show(review=obj, actor=actor, reason=reason),
            available=lambda r: r.hidden,
            needs_reason=True,
        ),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
