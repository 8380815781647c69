from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from smeportal.admin_transitions import AdminTransition, LogInline, TransitionAdminMixin
from smeportal.pagecache import invalidate as invalidate_pages

from .actions import (
    announcement_reindex,
    membership_approve,
    membership_decline,
    membership_restore,
    membership_suspend,
)
from .admin_scoping import WindowScopedAdminMixin
from .models import Announcement, MembershipStatus, Window, WindowAdministrator, WindowMembership, WindowMembershipLog
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
    list_display = ["name", "kind", "district", "sort_order", "is_active", "award_publicity"]
    list_filter = ["kind", "district", "is_active", "award_publicity"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [WindowAdministratorInline]

    def get_prepopulated_fields(self, request, obj=None):
        # The slug is read-only for window administrators: prepopulating it would crash the form.
        return super().get_prepopulated_fields(request, obj) if is_hub_admin(request.user) else {}

    def get_readonly_fields(self, request, obj=None):
        if is_hub_admin(request.user):
            return []
        # Whether awards go through 中标公示 is a procurement rule of the hub, not a window's text.
        return ["kind", "name", "slug", "district", "sort_order", "is_active", "award_publicity"]


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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        announcement_reindex(announcement=obj)  # 通知公告 search finds it by its new text

    @admin.action(description=_("Publish the selected announcements"), permissions=["change"])
    def publish(self, request, queryset):
        queryset.update(is_published=True)
        invalidate_pages()  # update() sends no signal

    @admin.action(description=_("Withdraw the selected announcements"), permissions=["change"])
    def unpublish(self, request, queryset):
        queryset.update(is_published=False)
        invalidate_pages()


class WindowMembershipLogInline(LogInline):
    model = WindowMembershipLog


def _status_is(status):
    return lambda membership: membership.status == status


@admin.register(WindowMembership)
class WindowMembershipAdmin(TransitionAdminMixin, WindowScopedAdminMixin, admin.ModelAdmin):
    window_admin_permissions = frozenset({"view", "change"})
    list_display = ["organisation", "window", "status", "applied_at", "decided_at"]
    list_filter = ["status", "window"]
    search_fields = ["organisation__name", "window__name"]
    list_select_related = ["organisation", "window"]
    readonly_fields = ["window", "organisation", "status", "reason", "applied_at", "decided_at"]
    fields = readonly_fields
    inlines = [WindowMembershipLogInline]
    transitions = [
        AdminTransition(
            "approve",
            _("Approve"),
            lambda obj, actor, reason: membership_approve(membership=obj, actor=actor),
            available=_status_is(MembershipStatus.APPLIED),
        ),
        AdminTransition(
            "decline",
            _("Decline"),
            lambda obj, actor, reason: membership_decline(membership=obj, actor=actor, reason=reason),
            available=_status_is(MembershipStatus.APPLIED),
            needs_reason=True,
            style="danger",
        ),
        AdminTransition(
            "suspend",
            _("Suspend"),
            lambda obj, actor, reason: membership_suspend(membership=obj, actor=actor, reason=reason),
            available=_status_is(MembershipStatus.ACTIVE),
            needs_reason=True,
            style="danger",
        ),
        AdminTransition(
            "restore",
            _("Restore"),
            lambda obj, actor, reason: membership_restore(membership=obj, actor=actor),
            available=_status_is(MembershipStatus.SUSPENDED),
        ),
    ]

    def has_add_permission(self, request):
        return False  # institutions apply themselves; admins import them in bulk

    def has_delete_permission(self, request, obj=None):
        return False  # the record stays for disputes
