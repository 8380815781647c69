"""政策法规 in admin: a window's administrators draft; a second one reviews and publishes."""

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from accounts.models import District
from certification.choices import Industry, Scale
from services.models import ServiceCategory
from smeportal.admin_transitions import AdminTransition, LogInline, TransitionAdminMixin
from smeportal.forms import choice_checkboxes
from smeportal.uploads import clean_document_upload
from windows.admin_scoping import WindowScopedAdminMixin

from .actions import policy_approve, policy_return, policy_save, policy_submit, policy_withdraw
from .models import Policy, PolicyAttachment, PolicyLog, PolicyReader, PolicyStatus
from .selectors import reach

CONTENT_FIELDS = [
    "window",
    "title",
    "issuing_body",
    "document_number",
    "category",
    "body",
    "valid_from",
    "valid_until",
    "application_deadline",
    "target_districts",
    "target_industries",
    "target_scales",
    "certification_required",
    "related_categories",
]


class PolicyAdminForm(forms.ModelForm):
    target_districts = choice_checkboxes(_("target districts"), District.choices, _("Leave empty for every district."))
    target_industries = choice_checkboxes(
        _("target industries"), Industry.choices, _("GB/T 4754 sections. Leave empty for every industry.")
    )
    target_scales = choice_checkboxes(_("target enterprise scales"), Scale.choices, _("Leave empty for every scale."))

    # Top-level categories as checkboxes (the policy page lists their subcategories'
    # services too); admin's filter_horizontal widget fails axe (aria-prohibited-attr).
    related_categories = forms.ModelMultipleChoiceField(
        label=_("related service categories"),
        queryset=ServiceCategory.objects.filter(parent__isnull=True).order_by("sort_order", "pk"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The policy page lists services of these categories."),
    )

    class Meta:
        model = Policy
        fields = CONTENT_FIELDS
        help_texts = {
            "body": _("Paragraphs, headings, lists, tables and links are kept; scripts and styles are removed on save.")
        }


class PolicyAttachmentForm(forms.ModelForm):
    class Meta:
        model = PolicyAttachment
        fields = ["file"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if isinstance(upload, UploadedFile):  # a new upload, not the stored file
            cleaned = clean_document_upload(upload)
            self.instance.original_name = cleaned.original_name
            return cleaned
        return upload


class PolicyAttachmentInline(WindowScopedAdminMixin, admin.StackedInline):
    # Stacked, not tabular: each file input keeps its own label (axe: label).
    # The mixin gives a window's administrators (who have no Django permission rows)
    # the attachments of their windows' policies.
    window_lookup = "policy__window"
    model = PolicyAttachment
    form = PolicyAttachmentForm
    extra = 1
    fields = ["file", "original_name"]
    readonly_fields = ["original_name"]

    def _editable(self, obj):
        return obj is None or obj.status == PolicyStatus.DRAFT

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class PolicyLogInline(LogInline):
    model = PolicyLog


@admin.register(Policy)
class PolicyAdmin(TransitionAdminMixin, WindowScopedAdminMixin, admin.ModelAdmin):
    form = PolicyAdminForm
    list_display = ["title", "window", "category", "status", "issuing_body", "application_deadline", "published_at"]
    list_filter = ["status", "category", "window"]
    search_fields = ["title", "issuing_body", "document_number"]
    list_select_related = ["window"]
    inlines = [PolicyAttachmentInline, PolicyLogInline]
    transitions = [
        AdminTransition(
            "submit",
            _("Submit for review"),
            lambda obj, actor, reason: policy_submit(policy=obj, actor=actor),
            available=lambda p: p.status == PolicyStatus.DRAFT,
        ),
        AdminTransition(
            "approve",
            _("Approve and publish"),
            lambda obj, actor, reason: policy_approve(policy=obj, actor=actor),
            available=lambda p: p.status == PolicyStatus.PENDING,
        ),
        AdminTransition(
            "send_back",
            _("Return for changes"),
            lambda obj, actor, reason: policy_return(policy=obj, actor=actor, reason=reason),
            available=lambda p: p.status == PolicyStatus.PENDING,
            needs_reason=True,
            style="danger",
        ),
        AdminTransition(
            "withdraw",
            _("Withdraw"),
            lambda obj, actor, reason: policy_withdraw(policy=obj, actor=actor, reason=reason),
            available=lambda p: p.status == PolicyStatus.PUBLISHED,
            needs_reason=True,
            style="danger",
        ),
    ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return CONTENT_FIELDS
        return [*CONTENT_FIELDS, "status", "created_by", "reviewed_by", "published_at", "withdrawal_reason", "reach"]

    def get_readonly_fields(self, request, obj=None):
        # What the reviewer approved is what the public reads: only drafts are edited.
        history = ["status", "created_by", "reviewed_by", "published_at", "withdrawal_reason", "reach"]
        if obj is None or obj.status == PolicyStatus.DRAFT:
            return history
        return [*CONTENT_FIELDS, *history]

    def save_model(self, request, obj, form, change):
        policy_save(policy=obj, actor=request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # withdrawn, never deleted: the history stays

    def view_on_site(self, policy):
        # Only a published policy has a public page; a draft's link would answer 404.
        return policy.get_absolute_url() if policy.status == PolicyStatus.PUBLISHED else None

    @admin.display(description=_("Reach"))
    def reach(self, policy):
        if policy.status == PolicyStatus.DRAFT:
            return "—"
        figures = reach(policy)
        districts = dict(District.choices)
        rows = format_html_join(
            "",
            "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((districts.get(d, d or "—"), t, n, o) for d, t, n, o in figures["rows"]),
        )
        return format_html(
            "<table><thead><tr><th scope='col'>{}</th><th scope='col'>{}</th><th scope='col'>{}</th>"
            "<th scope='col'>{}</th></tr></thead><tbody>{}</tbody><tfoot><tr><th scope='row'>{}</th>"
            "<td>{}</td><td>{}</td><td>{}</td></tr></tfoot></table>",
            _("District"),
            _("Targeted enterprises"),
            _("Notified"),
            _("Opened"),
            rows,
            _("Total"),
            figures["targeted"],
            figures["notified"],
            figures["opened"],
        )


@admin.register(PolicyReader)
class PolicyReaderAdmin(WindowScopedAdminMixin, admin.ModelAdmin):
    window_lookup = "policy__window"
    window_admin_permissions = frozenset({"view"})
    list_display = ["policy", "organisation", "user", "notified_at", "read_at", "favourite"]
    list_filter = ["favourite", "policy__window"]
    search_fields = ["policy__title", "organisation__name"]
    list_select_related = ["policy", "organisation", "user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
