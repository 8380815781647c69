from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from smeportal.admin_lists import LabelledListEditableMixin
from windows.permissions import is_hub_admin

from .actions import site_settings_save
from .models import Faq, HelpTopic, SiteSettings


class HubOnlyAdminMixin:
    """Site-wide texts: the hub administrators edit them; window administrators do not."""

    def has_module_permission(self, request):
        return is_hub_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_hub_admin(request.user)

    def has_add_permission(self, request, *args):
        return is_hub_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_hub_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_hub_admin(request.user)


@admin.register(SiteSettings)
class SiteSettingsAdmin(HubOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "organiser", "phone", "admin_contact_name", "admin_contact_phone"]
    list_filter = []
    search_fields = ["organiser"]
    fieldsets = [
        (_("Footer"), {"fields": ["organiser", "phone", "address", "icp_number", "site_code", "email"]}),
        (_("Help centre contact"), {"fields": ["admin_contact_name", "admin_contact_phone", "working_hours"]}),
    ]

    def has_add_permission(self, request, *args):
        return False  # one row, made by the data migration

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        site_settings_save(settings=obj)


@admin.register(HelpTopic)
class HelpTopicAdmin(LabelledListEditableMixin, HubOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "slug", "sort_order", "is_published", "updated_at"]
    list_editable = ["sort_order", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Faq)
class FaqAdmin(LabelledListEditableMixin, HubOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["question", "sort_order", "is_published"]
    list_editable = ["sort_order", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["question", "answer"]
