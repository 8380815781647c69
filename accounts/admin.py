from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Organisation, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "role", "organisation", "email", "is_active", "is_staff", "date_joined"]
    list_filter = ["role", "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "email", "first_name", "organisation__name"]
    list_select_related = ["organisation"]
    raw_id_fields = ["organisation"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Portal role"), {"fields": ("role", "organisation")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )


class UserInline(admin.TabularInline):
    model = User
    fields = ["username", "email", "is_active", "last_login"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "is_certified",
        "rating_avg",
        "rating_count",
        "upheld_complaint_count",
        "contact_name",
        "mobile",
        "created_at",
    ]
    list_filter = ["kind", "is_certified", "created_at"]
    # Figures kept by the reviews and complaints actions, never typed in.
    readonly_fields = [
        "is_certified",
        "certified_at",
        "rating_avg",
        "rating_count",
        "rating_quality_avg",
        "rating_attitude_avg",
        "rating_speed_avg",
        "upheld_complaint_count",
    ]
    search_fields = ["name", "contact_name", "mobile"]
    inlines = [UserInline]
