from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from smeportal.admin_lists import LabelledListEditableMixin
from smeportal.admin_transitions import AdminTransition, LogInline, TransitionAdminMixin
from smeportal.tabular import ImportFileField
from windows.admin_scoping import WindowScopedAdminMixin
from windows.models import Window, WindowKind, WindowMembership
from windows.permissions import is_hub_admin

from .actions import application_approve, application_return, application_revoke
from .choices import ApplicationStatus
from .imports import COLUMNS, MAX_ROWS, import_institutions, template_csv
from .models import CertificationApplication, CertificationLog, ServiceDomain
from .selectors import COVERING_MEMBERSHIP, applications_in_windows


class ImportForm(forms.Form):
    file = ImportFileField(label=_("CSV or Excel file"), max_rows=MAX_ROWS)


class WindowFilter(admin.SimpleListFilter):
    """所属窗口: a regional window by district, an industry window by membership."""

    title = _("window")
    parameter_name = "window"

    def lookups(self, request, model_admin):
        return [(w.pk, w.name) for w in Window.objects.exclude(kind=WindowKind.HUB)]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        window = Window.objects.filter(pk=self.value()).first()
        if window is None:
            return queryset.none()
        if window.kind == WindowKind.REGIONAL:
            return queryset.filter(district=window.district)
        members = WindowMembership.objects.filter(window=window, status__in=COVERING_MEMBERSHIP)
        return queryset.filter(organisation_id__in=members.values("organisation_id"))


class CertificationLogInline(LogInline):
    model = CertificationLog


def _status_is(status):
    return lambda application: application.status == status


@admin.register(CertificationApplication)
class CertificationApplicationAdmin(TransitionAdminMixin, WindowScopedAdminMixin, admin.ModelAdmin):
    """The review queue: 审核通过 / 退回修改 as buttons and bulk actions, 撤销认证 for approved ones."""

    window_admin_permissions = frozenset({"view", "change"})
    list_display = ["name", "kind", "status", "district", "credit_code", "submitted_at", "decided_at"]
    list_filter = ["status", "kind", "district", WindowFilter]
    search_fields = ["name", "credit_code", "org_code", "organisation__name"]
    list_select_related = ["organisation"]
    date_hierarchy = "submitted_at"
    inlines = [CertificationLogInline]
    readonly_fields = [
        "organisation",
        "kind",
        "status",
        "name",
        "credit_code",
        "org_code",
        "legal_representative",
        "registered_capital",
        "established_on",
        "enterprise_type",
        "institution_type",
        "district",
        "industry",
        "scale",
        "employees",
        "domains",
        "service_area",
        "introduction",
        "registered_address",
        "business_scope",
        "contact_name",
        "landline",
        "mobile",
        "email",
        "licence_link",
        "certificate_links",
        "submitted_at",
        "decided_at",
        "decided_by",
        "decision_reason",
    ]
    fields = readonly_fields
    transitions = [
        AdminTransition(
            "approve",
            _("Approve"),
            lambda obj, actor, reason: application_approve(application=obj, actor=actor),
            available=_status_is(ApplicationStatus.SUBMITTED),
        ),
        AdminTransition(
            "return",
            _("Return for changes"),
            lambda obj, actor, reason: application_return(application=obj, actor=actor, reason=reason),
            available=_status_is(ApplicationStatus.SUBMITTED),
            needs_reason=True,
        ),
        AdminTransition(
            "revoke",
            _("Revoke certification"),
            lambda obj, actor, reason: application_revoke(application=obj, actor=actor, reason=reason),
            available=_status_is(ApplicationStatus.APPROVED),
            permitted=is_hub_admin,
            needs_reason=True,
            bulk=False,
            style="danger",
        ),
    ]

    change_list_template = "admin/certification/application_change_list.html"

    def scope_queryset(self, queryset, window_ids):
        return applications_in_windows(queryset, window_ids)

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="certification_import"),
            path(
                "import/template.csv",
                self.admin_site.admin_view(self.import_template_view),
                name="certification_import_template",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Bulk import of institutions from the provincial platform (hub administrators)."""
        if not request.user.is_superuser:
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            try:
                result = import_institutions(form.cleaned_data["file"], actor=request.user)
            except ValidationError as error:
                form.add_error("file", error)
            else:
                if not result.errors:
                    self.message_user(
                        request,
                        _("%(count)d institutions imported.") % {"count": len(result.created)},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:certification_certificationapplication_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import institutions from the provincial platform"),
            "form": form,
            "result": result,
            "columns": COLUMNS,
        }
        return TemplateResponse(request, "admin/certification/import.html", context)

    def import_template_view(self, request):
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="institutions-template.csv"'
        return response

    def has_add_permission(self, request):
        return False  # organisations apply themselves

    def has_delete_permission(self, request, obj=None):
        return False  # decisions stay on record

    @admin.display(description=_("service domains"))
    def domains(self, obj):
        return "、".join(str(d) for d in obj.service_domains.all())

    @admin.display(description=_("business licence"))
    def licence_link(self, obj):
        if not obj.licence:
            return "—"
        url = reverse("certification:licence_file", args=[obj.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("View"))

    @admin.display(description=_("qualification certificates"))
    def certificate_links(self, obj):
        certificates = list(obj.certificates.all())
        if not certificates:
            return "—"
        return format_html_join(
            " ",
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            (
                (reverse("certification:certificate_file", args=[c.pk]), index)
                for index, c in enumerate(certificates, start=1)
            ),
        )


@admin.register(ServiceDomain)
class ServiceDomainAdmin(LabelledListEditableMixin, admin.ModelAdmin):
    list_display = ["name", "code", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name", "code"]
    list_filter = []
