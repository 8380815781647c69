from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from smeportal.admin_display import truncated
from smeportal.admin_transitions import AdminTransition, LogInline, ReadOnlyInline, TransitionAdminMixin
from smeportal.excel import ExportWholeListAdminMixin, xlsx_response
from windows.admin_scoping import WindowScopedAdminMixin

from .actions import (
    demand_approve,
    demand_objection_reject,
    demand_objection_uphold,
    demand_return,
    demand_void,
)
from .models import (
    LIVE_BID_STATUSES,
    Bid,
    Demand,
    DemandClarification,
    DemandLog,
    DemandObjection,
    DemandQuestion,
    DemandStatus,
    ObjectionStatus,
)

EXPORT_COLUMNS = [
    (_("demand title"), lambda d: d.title),
    (_("status"), lambda d: d.get_status_display()),
    (_("enterprise"), lambda d: d.enterprise.name),
    (_("window"), lambda d: d.window.name),
    (_("service category"), lambda d: d.category.name),
    (_("budget"), lambda d: d.budget_display),
    (_("bid deadline"), lambda d: d.bid_deadline),
    (_("bids"), lambda d: d.live_bids),
    (_("published at"), lambda d: d.created_at),
    (_("approved at"), lambda d: d.approved_at),
    (_("closed at"), lambda d: d.closed_at),
]


class DemandLogInline(LogInline):
    model = DemandLog
    fields = ["created_at", "actor", "event", "from_status", "to_status", "reason"]


class BidInline(ReadOnlyInline):
    """The bids, read-only: administrators see them to judge a complaint or a breach."""

    model = Bid
    fields = ["institution", "price", "duration_days", "status", "created_at", "updated_at"]


def _file_links(url_name, attachments):
    """Links to private files, served through the site's permission-checked view."""
    return (
        format_html_join(
            " ",
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            ((reverse(url_name, args=[a.pk]), a.original_name) for a in attachments),
        )
        or "—"
    )


def _status_is(status):
    return lambda demand: demand.status == status


@admin.register(Demand)
class DemandAdmin(ExportWholeListAdminMixin, TransitionAdminMixin, WindowScopedAdminMixin, admin.ModelAdmin):
    """The demand review queue: 审核通过 / 驳回, and 废标 of a demand open for bids."""

    window_admin_permissions = frozenset({"view", "change"})
    # Fits 1366 px: title and enterprise cut short (full text on hover), category a filter.
    list_display = [
        truncated("title", _("demand title"), 16),
        truncated("enterprise__name", _("enterprise"), 10, "enterprise__name"),
        "window",
        "status",
        "bid_deadline",
        "submitted_at",
    ]
    list_filter = ["status", "window", "category__parent", "bid_deadline"]
    search_fields = ["title", "description", "enterprise__name"]
    list_select_related = ["enterprise", "window", "category"]
    date_hierarchy = "created_at"
    inlines = [BidInline, DemandLogInline]
    actions = ["export_xlsx"]
    readonly_fields = [
        "enterprise",
        "status",
        "title",
        "category",
        "window",
        "budget_text",
        "description",
        "bid_deadline",
        "expected_finish",
        "contact_name",
        "contact_phone",
        "attachment_links",
        "review_reason",
        "close_reason",
        "winning_bid",
        "publicity_ends_at",
        "order_link",
        "created_at",
        "submitted_at",
        "approved_at",
        "closed_at",
    ]
    fields = readonly_fields
    transitions = [
        AdminTransition(
            "approve",
            _("Approve"),
            lambda obj, actor, reason: demand_approve(demand=obj, actor=actor),
            available=_status_is(DemandStatus.PENDING_REVIEW),
        ),
        AdminTransition(
            "return",
            _("Reject"),
            lambda obj, actor, reason: demand_return(demand=obj, actor=actor, reason=reason),
            available=_status_is(DemandStatus.PENDING_REVIEW),
            needs_reason=True,
            style="danger",
        ),
        AdminTransition(
            "void",
            _("Void"),
            lambda obj, actor, reason: demand_void(demand=obj, actor=actor, reason=reason),
            available=_status_is(DemandStatus.BIDDING),
            needs_reason=True,
            style="danger",
        ),
    ]

    def has_add_permission(self, request):
        return False  # enterprises publish their own demands

    def has_delete_permission(self, request, obj=None):
        return False  # bids and orders refer to it

    @admin.display(description=_("budget"))
    def budget_text(self, obj):
        return obj.budget_display

    @admin.display(description=_("attachments"))
    def attachment_links(self, obj):
        return _file_links("demands:attachment", obj.attachments.all())

    @admin.display(description=_("service order"))
    def order_link(self, obj):
        if obj.order_id is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:orders_order_change", args=[obj.order_id]), obj.order)

    @admin.action(description=_("Export the selected demands to Excel"))
    def export_xlsx(self, request, queryset):
        queryset = queryset.select_related("enterprise", "window", "category").annotate(
            live_bids=Count("bids", filter=Q(bids__status__in=LIVE_BID_STATUSES))
        )
        return xlsx_response(
            f"demands-{timezone.localdate():%Y%m%d}.xlsx",
            [str(label) for label, _value in EXPORT_COLUMNS],
            ([value(d) for _label, value in EXPORT_COLUMNS] for d in queryset),
        )


@admin.register(DemandQuestion)
class DemandQuestionAdmin(WindowScopedAdminMixin, admin.ModelAdmin):
    """答疑, read-only: the administrators see who asked (the public page never does)."""

    window_lookup = "demand__window"
    window_admin_permissions = frozenset({"view"})
    list_display = [
        truncated("question", _("question"), 20),
        truncated("demand__title", _("demand"), 16, "demand__title"),
        "asked_by",
        "created_at",
        "answered_at",
    ]
    list_filter = [("answered_at", admin.EmptyFieldListFilter), "created_at", "demand__window"]
    search_fields = ["question", "answer", "demand__title", "asked_by__name"]
    list_select_related = ["demand", "asked_by"]
    readonly_fields = [
        "demand",
        "asked_by",
        "asked_by_user",
        "question",
        "answer",
        "answered_by",
        "created_at",
        "answered_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False  # institutions ask on the demand's page

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DemandClarification)
class DemandClarificationAdmin(WindowScopedAdminMixin, admin.ModelAdmin):
    window_lookup = "demand__window"
    window_admin_permissions = frozenset({"view"})
    list_display = [
        truncated("text", _("clarification"), 20),
        truncated("demand__title", _("demand"), 16, "demand__title"),
        "published_by",
        "created_at",
    ]
    list_filter = ["created_at", "demand__window"]
    search_fields = ["text", "demand__title"]
    list_select_related = ["demand", "published_by"]
    readonly_fields = ["demand", "text", "published_by", "created_at"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DemandObjection)
class DemandObjectionAdmin(TransitionAdminMixin, WindowScopedAdminMixin, admin.ModelAdmin):
    """异议 against 中标公示, decided by the demand's window administrators: 异议成立 / 异议不成立."""

    window_lookup = "demand__window"
    window_admin_permissions = frozenset({"view", "change"})
    list_display = [
        truncated("demand__title", _("demand"), 16, "demand__title"),
        "objector",
        "bid",
        "status",
        "created_at",
        "decided_at",
    ]
    list_filter = ["status", "demand__window", "created_at"]
    search_fields = ["reason", "decision", "demand__title", "objector__name"]
    list_select_related = ["demand", "objector", "bid__institution"]
    readonly_fields = [
        "demand_link",
        "bid",
        "bid_price",
        "publicity_ends",
        "objector",
        "raised_by",
        "reason",
        "attachment_links",
        "status",
        "decision",
        "decided_by",
        "created_at",
        "decided_at",
    ]
    fields = readonly_fields
    transitions = [
        AdminTransition(
            "uphold",
            _("Objection upheld"),
            lambda obj, actor, reason: demand_objection_uphold(objection=obj, actor=actor, decision=reason),
            available=lambda obj: obj.status == ObjectionStatus.OPEN,
            needs_reason=True,
            bulk=False,  # each objection is judged on its own reasons
            style="danger",
        ),
        AdminTransition(
            "reject",
            _("Objection rejected"),
            lambda obj, actor, reason: demand_objection_reject(objection=obj, actor=actor, decision=reason),
            available=lambda obj: obj.status == ObjectionStatus.OPEN,
            needs_reason=True,
            bulk=False,
        ),
    ]

    def has_add_permission(self, request):
        return False  # bidders object on the demand's page

    def has_delete_permission(self, request, obj=None):
        return False  # a dispute's record

    @admin.display(description=_("demand"))
    def demand_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:demands_demand_change", args=[obj.demand_id]), obj.demand
        )

    @admin.display(description=_("quoted price (yuan)"))
    def bid_price(self, obj):
        return obj.bid.price_display

    @admin.display(description=_("publicity period ends at"))
    def publicity_ends(self, obj):
        ends = obj.demand.publicity_ends_at
        return timezone.localtime(ends).strftime("%Y-%m-%d %H:%M") if ends else "—"

    @admin.display(description=_("attachments"))
    def attachment_links(self, obj):
        return _file_links("demands:objection_attachment", obj.attachments.all())
