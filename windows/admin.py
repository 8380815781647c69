from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .admin_scoping import WindowScopedAdminMixin
from .models import Announcement, Window, WindowAdministrator
from .permissions import is_hub_admin


class WindowAdministratorInline(admin.TabularInline):
    model = WindowAdministrator
    extra = 0
    autocomplete_fields = ["user"]

    def has_add_permission(self, request, obj=None):
        return is_hub_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_hub_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_hub_admin(request.user)


@admin.register(Window)
class WindowAdmin(WindowScopedAdminMixin, admin.ModelAdmin):
    window_lookup = ""  # the window itself
    # Window administrators edit their window's public texts; only hub
    # administrators create windows or change who administers them.
    window_admin_permissions = frozenset({"view", "change"})
    list_display = ["name", "kind", "district", "sort_order", "is_active"]
    list_filter = ["kind", "district", "is_active"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [WindowAdministratorInline]

    def get_readonly_fields(self, request, obj=None):
        if is_hub_admin(request.user):
            return []
        return ["kind", "name", "slug", "district", "sort_order", "is_active"]


@admin.register(WindowAdministrator)
class WindowAdministratorAdmin(admin.ModelAdmin):
    list_display = ["user", "window", "created_at"]
    list_filter = ["window"]
    search_fields = ["user__username", "user__first_name", "window__name"]
    autocomplete_fields = ["user"]


@admin.register(Announcement)
class AnnouncementAdmin(WindowScopedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "window", "is_published", "published_at"]
    list_filter = ["window", "is_published"]
    search_fields = ["title", "body"]
    date_hierarchy = "published_at"
    actions = ["publish", "unpublish"]

    @admin.action(description=_("Publish the selected announcements"), permissions=["change"])
    def publish(self, request, queryset):
        queryset.update(is_published=True)

    @admin.action(description=_("Withdraw the selected announcements"), permissions=["change"])
    def unpublish(self, request, queryset):
        queryset.update(is_published=False)
