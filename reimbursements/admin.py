"""兑付审核 in admin: a window's administrators check (通过 / 退回) and pay its claims."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from smeportal.admin_transitions import AdminTransition, LogInline, TransitionAdminMixin
from windows.admin_scoping import WindowScopedAdminMixin

from .actions import reimbursement_approve, reimbursement_mark_paid, reimbursement_return
from .models import Reimbursement, ReimbursementLog, ReimbursementStatus


class ReimbursementLogInline(LogInline):
    model = ReimbursementLog


class FlaggedFilter(admin.SimpleListFilter):
    title = _("collusion signals")
    parameter_name = "flagged"

    def lookups(self, request, model_admin):
        return [("yes", _("Flagged")), ("no", _("Not flagged"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(flags=[])
        if self.value() == "no":
            return queryset.filter(flags=[])
        return queryset


@admin.register(Reimbursement)
class ReimbursementAdmin(TransitionAdminMixin, WindowScopedAdminMixin, admin.ModelAdmin):
    window_lookup = "window"
    window_admin_permissions = frozenset({"view", "change"})
    list_display = ["order_number", "institution", "amount", "status", "flag_list", "submitted_at", "paid_at"]
    list_filter = ["status", FlaggedFilter, "window", "submitted_at"]
    search_fields = ["order__number", "institution__name", "invoice_number", "voucher__number"]
    list_select_related = ["order", "institution"]
    date_hierarchy = "submitted_at"
    inlines = [ReimbursementLogInline]
    readonly_fields = [
        "order_link",
        "voucher",
        "institution",
        "window",
        "amount",
        "status",
        "flag_list",
        "invoice_number",
        "invoice_link",
        "pack_link",
        "return_reason",
        "paid_note",
        "submitted_at",
        "decided_by",
        "decided_at",
        "paid_at",
    ]
    fields = readonly_fields
    transitions = [
        AdminTransition(
            "approve",
            _("Approve"),
            lambda obj, actor, reason: reimbursement_approve(reimbursement=obj, actor=actor),
            available=lambda r: r.status == ReimbursementStatus.SUBMITTED,
        ),
        AdminTransition(
            "send_back",
            _("Return"),
            lambda obj, actor, reason: reimbursement_return(reimbursement=obj, actor=actor, reason=reason),
            available=lambda r: r.status == ReimbursementStatus.SUBMITTED,
            needs_reason=True,
            style="danger",
        ),
        AdminTransition(
            "mark_paid",
            _("Mark paid"),
            lambda obj, actor, reason: reimbursement_mark_paid(reimbursement=obj, actor=actor),
            available=lambda r: r.status == ReimbursementStatus.APPROVED and not r.flagged,
        ),
        # A flagged claim is paid only with a note: the reason field is that note.
        AdminTransition(
            "mark_paid_with_note",
            _("Mark paid with a note"),
            lambda obj, actor, reason: reimbursement_mark_paid(reimbursement=obj, actor=actor, note=reason),
            available=lambda r: r.status == ReimbursementStatus.APPROVED and r.flagged,
            needs_reason=True,
            bulk=False,
        ),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("order number"), ordering="order__number")
    def order_number(self, obj):
        return obj.order.number

    @admin.display(description=_("service order"))
    def order_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:orders_order_change", args=[obj.order_id]), obj.order)

    @admin.display(description=_("collusion signals"))
    def flag_list(self, obj):
        if not obj.flags:
            return "—"
        return format_html_join("", '<strong class="errornote">{}</strong> ', ((label,) for label in obj.flag_labels()))

    @admin.display(description=_("invoice"))
    def invoice_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("reimbursements:invoice", args=[obj.pk]), obj.invoice_name)

    @admin.display(description=_("redemption pack (PDF)"))
    def pack_link(self, obj):
        if not obj.pack:
            return _("Written when the request is approved.")
        return format_html('<a href="{}">{}</a>', reverse("reimbursements:pack", args=[obj.pk]), _("Download"))
