from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from accounts.models import District, Organisation, OrganisationKind
from certification.choices import ApplicationStatus, Industry, Scale
from smeportal.admin_transitions import ReadOnlyInline
from smeportal.forms import choice_checkboxes
from windows.admin_scoping import WindowScopedAdminMixin

from .actions import voucher_issue_bulk
from .models import Voucher, VoucherLog, VoucherProgramme


class VoucherProgrammeForm(forms.ModelForm):
    """The eligibility lists are JSON on the model; administrators tick them."""

    eligible_districts = choice_checkboxes(
        _("eligible districts"), District.choices, _("Leave empty for every district.")
    )
    eligible_industries = choice_checkboxes(
        _("eligible industries"),
        Industry.choices,
        _("GB/T 4754 sections of the enterprise's certification. Leave empty for every industry."),
    )
    eligible_scales = choice_checkboxes(
        _("eligible enterprise scales"), Scale.choices, _("Leave empty for every scale.")
    )

    class Meta:
        model = VoucherProgramme
        fields = [
            "window",
            "name",
            "year",
            "budget",
            "face_value",
            "share_percent",
            "cap_per_enterprise",
            "valid_from",
            "valid_until",
            "eligible_categories",
            "eligible_districts",
            "eligible_industries",
            "eligible_scales",
            "exclude_related_institutions",
            "open_for_applications",
        ]


def eligible_enterprises(programme: VoucherProgramme):
    """The certified enterprises a programme's rules admit (the cap and budget aside)."""
    enterprises = Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, is_certified=True)
    if programme.eligible_districts:
        enterprises = enterprises.filter(district__in=programme.eligible_districts)
    certified = {"certification_applications__status": ApplicationStatus.APPROVED}
    if programme.eligible_industries:
        enterprises = enterprises.filter(
            **certified, certification_applications__industry__in=programme.eligible_industries
        )
    if programme.eligible_scales:
        enterprises = enterprises.filter(**certified, certification_applications__scale__in=programme.eligible_scales)
    return enterprises.distinct().order_by("pk")


@admin.register(VoucherProgramme)
class VoucherProgrammeAdmin(WindowScopedAdminMixin, admin.ModelAdmin):
    form = VoucherProgrammeForm
    list_display = [
        "name",
        "year",
        "window",
        "budget",
        "terms",
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

    @admin.display(description=_("What a voucher pays"))
    def terms(self, programme):
        return programme.terms

    @admin.action(description=_("Issue one voucher to every eligible certified enterprise"))
    def issue_to_eligible_enterprises(self, request, queryset):
        for programme in queryset:
            issued, refused = voucher_issue_bulk(
                programme=programme, enterprises=eligible_enterprises(programme), actor=request.user
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
