from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smeportal.admin_display import truncated
from smeportal.admin_transitions import AdminTransition, LogInline, ReadOnlyInline, TransitionAdminMixin
from smeportal.excel import ExportWholeListAdminMixin, xlsx_response
from windows.admin_scoping import WindowScopedAdminMixin

from .actions import order_force_cancel
from .models import Order, OrderAttachment, OrderLog, OrderStatus

EXPORT_COLUMNS = [
    (_("order number"), lambda o: o.number),
    (_("status"), lambda o: o.get_status_display()),
    (_("service name"), lambda o: o.service_title),
    (_("enterprise"), lambda o: o.enterprise.name),
    (_("service institution"), lambda o: o.institution.name),
    (_("window"), lambda o: o.window.name),
    (_("quantity"), lambda o: o.quantity),
    (_("price (yuan)"), lambda o: float(o.price) if o.price is not None else None),
    (_("price unit"), lambda o: o.get_price_unit_display()),
    (_("placed at"), lambda o: o.created_at),
    (_("accepted at"), lambda o: o.accepted_at),
    (_("completed at"), lambda o: o.completed_at),
    (_("checked at"), lambda o: o.checked_at),
]


class OrderLogInline(LogInline):
    model = OrderLog
    fields = ["created_at", "actor", "event", "from_status", "to_status", "reason"]


class OrderAttachmentInline(ReadOnlyInline):
    model = OrderAttachment
    fields = ["original_name", "uploaded_by", "uploaded_at"]


@admin.register(Order)
class OrderAdmin(ExportWholeListAdminMixin, TransitionAdminMixin, WindowScopedAdminMixin, admin.ModelAdmin):
    window_admin_permissions = frozenset({"view", "change"})
    # Fits 1366 px: the window is a filter, not a column; titles and names are cut short
    # (full text on hover). The institution is found by search: a filter listing every
    # institution would run to thousands of links.
    list_display = [
        "number",
        truncated("service_title", _("service"), 14),
        truncated("enterprise__name", _("enterprise"), 10, "enterprise__name"),
        truncated("institution__name", _("institution"), 10, "institution__name"),
        "status",
        "created_at",
    ]
    list_filter = ["status", "window", "created_at"]
    search_fields = ["number", "service_title", "enterprise__name", "institution__name"]
    list_select_related = ["enterprise", "institution", "window"]
    date_hierarchy = "created_at"
    inlines = [OrderAttachmentInline, OrderLogInline]
    readonly_fields = [
        "number",
        "status",
        "enterprise",
        "institution",
        "service",
        "window",
        "placed_by",
        "service_title",
        "price_mode",
        "price",
        "price_unit",
        "quantity",
        "requirements",
        "cancel_requested_by",
        "cancel_request_reason",
        "hidden_by_enterprise",
        "timers_paused",
        "created_at",
        "accepted_at",
        "completed_at",
        "checked_at",
        "closed_at",
    ]
    fields = readonly_fields
    actions = ["export_xlsx"]
    transitions = [
        AdminTransition(
            "force_cancel",
            _("Cancel the order"),
            lambda obj, actor, reason: order_force_cancel(order=obj, actor=actor, reason=reason),
            available=lambda o: o.status in (OrderStatus.SUBMITTED, OrderStatus.IN_SERVICE, OrderStatus.COMPLETED),
            needs_reason=True,
            style="danger",
        ),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Export the selected orders to Excel"))
    def export_xlsx(self, request, queryset):
        queryset = queryset.select_related("enterprise", "institution", "window")
        return xlsx_response(
            f"orders-{timezone.localdate():%Y%m%d}.xlsx",
            [title for title, _get in EXPORT_COLUMNS],
            ([get(order) for _title, get in EXPORT_COLUMNS] for order in queryset.iterator(chunk_size=2000)),
        )
