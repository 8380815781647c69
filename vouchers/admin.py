from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, OrganisationKind
from smeportal.admin_transitions import ReadOnlyInline
from windows.admin_scoping import WindowScopedAdminMixin

from .actions import voucher_issue_bulk
from .models import Voucher, VoucherLog, VoucherProgramme


@admin.register(VoucherProgramme)
class VoucherProgrammeAdmin(WindowScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "year",
        "window",
        "budget",
        "reserved",
        "issued_count",
        "valid_until",
        "open_for_applications",
    ]
    list_filter = ["year", "window", "open_for_applications"]
    search_fields = ["name"]
    # Kept by the issuing action under the programme's row lock, never typed in.
    readonly_fields = ["reserved", "issued_count"]
    filter_horizontal = ["eligible_categories"]
    actions = ["issue_to_eligible_enterprises"]

    @admin.action(description=_("Issue one voucher to every eligible certified enterprise"))
    def issue_to_eligible_enterprises(self, request, queryset):
        for programme in queryset:
            enterprises = Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, is_certified=True)
            if programme.eligible_districts:
                enterprises = enterprises.filter(district__in=programme.eligible_districts)
            issued, refused = voucher_issue_bulk(
                programme=programme, enterprises=enterprises.order_by("pk"), actor=request.user
            )
            self.message_user(
                request,
                _("%(programme)s: %(issued)d vouchers issued, %(refused)d enterprises refused.")
                % {"programme": programme, "issued": len(issued), "refused": len(refused)},
                messages.SUCCESS if issued else messages.WARNING,
            )


class VoucherLogInline(ReadOnlyInline):
    model = VoucherLog
    fields = ["created_at", "actor", "from_status", "to_status", "reason"]


@admin.register(Voucher)
class VoucherAdmin(WindowScopedAdminMixin, admin.ModelAdmin):
    window_lookup = "programme__window"
    window_admin_permissions = frozenset({"view"})
    list_display = ["number", "programme", "owner", "amount", "status", "expires_on", "issued_at"]
    list_filter = ["status", "programme"]
    search_fields = ["number", "owner__name"]
    list_select_related = ["programme", "owner"]
    inlines = [VoucherLogInline]

    # Vouchers change only through the actions (issuing, orders), never by hand.
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False
