from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from smeportal.admin_display import truncated
from smeportal.admin_lists import LabelledListEditableMixin
from smeportal.admin_transitions import AdminTransition, LogInline, TransitionAdminMixin
from windows.admin_scoping import WindowScopedAdminMixin

from .actions import service_approve, service_delist, service_reject
from .models import InstitutionScorecard, Service, ServiceCategory, ServiceLog, ServiceStatus


class ServiceLogInline(LogInline):
    model = ServiceLog


def _status_is(status):
    return lambda service: service.status == status


@admin.register(Service)
class ServiceAdmin(TransitionAdminMixin, WindowScopedAdminMixin, admin.ModelAdmin):
    """The listing review queue: 审核通过 / 驳回, and 下架 of listed services."""

    window_lookup = "windows"
    window_lookup_is_many = True
    window_admin_permissions = frozenset({"view", "change"})
    # Fits 1366 px: title and institution cut short (full text on hover), price mode a filter.
    list_display = [
        truncated("title", _("service title"), 16),
        truncated("institution__name", _("institution"), 10, "institution__name"),
        truncated("category__name", _("service category"), 8, "category__name"),
        "status",
        "price",
        "listed_at",
    ]
    list_filter = ["status", "windows", "category__parent", "price_mode"]
    search_fields = ["title", "summary", "institution__name"]
    list_select_related = ["institution", "category__parent"]
    date_hierarchy = "submitted_at"
    inlines = [ServiceLogInline]
    readonly_fields = [
        "institution",
        "status",
        "replaces",
        "title",
        "category",
        "window_list",
        "price_mode",
        "price",
        "price_unit",
        "summary",
        "content",
        "process",
        "duration",
        "service_area",
        "contact_name",
        "contact_phone",
        "image_links",
        "rejection_reason",
        "order_count",
        "submitted_at",
        "listed_at",
    ]
    fields = readonly_fields
    transitions = [
        AdminTransition(
            "approve",
            _("Approve"),
            lambda obj, actor, reason: service_approve(service=obj, actor=actor),
            available=_status_is(ServiceStatus.PENDING),
        ),
        AdminTransition(
            "reject",
            _("Reject"),
            lambda obj, actor, reason: service_reject(service=obj, actor=actor, reason=reason),
            available=_status_is(ServiceStatus.PENDING),
            needs_reason=True,
            style="danger",
        ),
        AdminTransition(
            "delist",
            _("Delist"),
            lambda obj, actor, reason: service_delist(service=obj, actor=actor, reason=reason),
            available=_status_is(ServiceStatus.LISTED),
            needs_reason=True,
            style="danger",
        ),
    ]

    def has_add_permission(self, request):
        return False  # institutions publish their own services

    def has_delete_permission(self, request, obj=None):
        return False  # orders and disputes may refer to it

    @admin.display(description=_("windows"))
    def window_list(self, obj):
        return "、".join(str(w) for w in obj.windows.all())

    @admin.display(description=_("images"))
    def image_links(self, obj):
        return (
            format_html_join(
                " ",
                '<a href="{}" target="_blank" rel="noopener">{}</a>',
                ((reverse("services:image", args=[i.pk]), n) for n, i in enumerate(obj.images.all(), start=1)),
            )
            or "—"
        )


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(LabelledListEditableMixin, admin.ModelAdmin):
    list_display = ["name", "parent", "code", "sort_order", "is_visible"]
    list_editable = ["sort_order", "is_visible"]
    list_filter = ["parent", "is_visible"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]


@admin.register(InstitutionScorecard)
class InstitutionScorecardAdmin(admin.ModelAdmin):
    """Computed by the scorecards app's timers from the logs: never typed in."""

    list_display = ["institution", "composite_score", "recent_order_count", "computed_at"]
    list_filter = ["computed_at"]
    search_fields = ["institution__name"]
    list_select_related = ["institution"]
    readonly_fields = ["institution", "composite_score", "recent_order_count", "figures", "computed_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
