from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from smeportal.admin_display import truncated
from smeportal.admin_transitions import AdminTransition, LogInline, ReadOnlyInline, TransitionAdminMixin
from smeportal.excel import xlsx_response
from windows.admin_scoping import WindowScopedAdminMixin

from .actions import complaint_close, complaint_take_up
from .models import Complaint, ComplaintAttachment, ComplaintLog, ComplaintPhoto, ComplaintResult, ComplaintStatus

EXPORT_COLUMNS = [
    (_("complaint number"), lambda c: c.number),
    (_("status"), lambda c: c.get_status_display()),
    (_("order number"), lambda c: c.order.number),
    (_("service name"), lambda c: c.order.service_title),
    (_("enterprise"), lambda c: c.order.enterprise.name),
    (_("service institution"), lambda c: c.order.institution.name),
    (_("window"), lambda c: c.order.window.name),
    (_("type of complaint"), lambda c: c.get_complaint_type_display()),
    (_("reason for the complaint"), lambda c: c.reason),
    (_("filed at"), lambda c: c.created_at),
    (_("reply due by"), lambda c: c.reply_due_at),
    (_("replied at"), lambda c: c.replied_at),
    (_("reply"), lambda c: c.reply),
    (_("escalated"), lambda c: _("yes") if c.escalated else ""),
    (_("taken up at"), lambda c: c.taken_up_at),
    (_("result"), lambda c: c.get_result_display()),
    (_("handling opinion"), lambda c: c.handling),
    (_("closed at"), lambda c: c.closed_at),
]


class ComplaintLogInline(LogInline):
    model = ComplaintLog
    fields = ["created_at", "actor", "event", "from_status", "to_status", "reason"]


class ComplaintPhotoInline(ReadOnlyInline):
    model = ComplaintPhoto
    fields = ["photo_link", "uploaded_at"]

    @admin.display(description=_("photo"))
    def photo_link(self, obj):
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', reverse("complaints:photo", args=[obj.pk]), obj.pk
        )


class ComplaintAttachmentInline(ReadOnlyInline):
    model = ComplaintAttachment
    fields = ["file_link", "uploaded_by", "uploaded_at"]

    @admin.display(description=_("file name"))
    def file_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("complaints:attachment", args=[obj.pk]), obj.original_name)


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue: no reply by the deadline"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        return queryset


def _close(result):
    return lambda obj, actor, reason: complaint_close(complaint=obj, actor=actor, result=result, handling=reason)


@admin.register(Complaint)
class ComplaintAdmin(TransitionAdminMixin, WindowScopedAdminMixin, admin.ModelAdmin):
    """The complaint queue of a window: 受理, then 办结 with 投诉成立 / 投诉不成立 and the handling opinion."""

    window_lookup = "order__window"
    window_admin_permissions = frozenset({"view", "change"})
    # Fits 1366 px: the window is a filter, the order number is on the complaint's page.
    list_display = [
        "complaint_number",
        truncated("order__institution__name", _("institution"), 10, "order__institution__name"),
        "status",
        "overdue_flag",
        "result",
        "created_at",
        "reply_due_at",
    ]
    list_filter = ["status", OverdueFilter, "result", "escalated", "order__window", "complaint_type", "created_at"]
    search_fields = ["order__number", "order__service_title", "order__enterprise__name", "order__institution__name"]
    list_select_related = ["order", "order__enterprise", "order__institution", "order__window"]
    date_hierarchy = "created_at"
    inlines = [ComplaintPhotoInline, ComplaintAttachmentInline, ComplaintLogInline]
    readonly_fields = [
        "complaint_number",
        "site_link",
        "status",
        "order",
        "order_status",
        "filed_by",
        "complaint_type",
        "reason",
        "reply",
        "replied_by",
        "replied_at",
        "reply_due_at",
        "escalated",
        "taken_up_by",
        "taken_up_at",
        "result",
        "handling",
        "closed_by",
        "closed_at",
        "withdrawn_at",
        "created_at",
    ]
    fields = readonly_fields
    actions = ["export_xlsx"]
    transitions = [
        AdminTransition(
            "take_up",
            _("Take up"),
            lambda obj, actor, reason: complaint_take_up(complaint=obj, actor=actor),
            available=lambda c: c.status in (ComplaintStatus.SUBMITTED, ComplaintStatus.RESPONDED),
        ),
        AdminTransition(
            "close_upheld",
            _("Close: complaint upheld"),
            _close(ComplaintResult.UPHELD),
            available=lambda c: c.status == ComplaintStatus.PROCESSING,
            needs_reason=True,
        ),
        AdminTransition(
            "close_rejected",
            _("Close: complaint not upheld"),
            _close(ComplaintResult.REJECTED),
            available=lambda c: c.status == ComplaintStatus.PROCESSING,
            needs_reason=True,
        ),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("complaint number"), ordering="pk")
    def complaint_number(self, obj):
        return obj.number

    @admin.display(description=_("order number"), ordering="order__number")
    def order_number(self, obj):
        return obj.order.number

    @admin.display(description=_("service institution"))
    def institution(self, obj):
        return obj.order.institution

    @admin.display(description=_("window"))
    def window(self, obj):
        return obj.order.window

    @admin.display(description=_("overdue"))
    def overdue_flag(self, obj):
        if obj.is_overdue:
            return format_html('<strong class="errornote complaint-overdue">{}</strong>', _("Overdue"))
        return ""

    @admin.display(description=_("complaint page"))
    def site_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("Photos and full record"))

    @admin.action(description=_("Export the selected complaints to Excel"))
    def export_xlsx(self, request, queryset):
        queryset = queryset.select_related("order", "order__enterprise", "order__institution", "order__window")
        return xlsx_response(
            f"complaints-{timezone.localdate():%Y%m%d}.xlsx",
            [title for title, _get in EXPORT_COLUMNS],
            ([get(c) for _title, get in EXPORT_COLUMNS] for c in queryset.iterator(chunk_size=2000)),
        )

    def changelist_view(self, request, extra_context=None):
        # "Export" with nothing ticked exports the whole filtered list.
        if (
            request.method == "POST"
            and request.POST.get("action") == "export_xlsx"
            and not request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
        ):
            changelist = self.get_changelist_instance(request)
            return self.export_xlsx(request, changelist.get_queryset(request))
        return super().changelist_view(request, extra_context)


@admin.register(ComplaintLog)
class ComplaintLogAdmin(WindowScopedAdminMixin, admin.ModelAdmin):
    window_lookup = "complaint__order__window"
    window_admin_permissions = frozenset({"view"})
    list_display = ["complaint", "event", "actor", "from_status", "to_status", "created_at"]
    list_filter = ["event", "created_at"]
    search_fields = ["complaint__order__number", "reason"]
    list_select_related = ["complaint", "complaint__order", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
