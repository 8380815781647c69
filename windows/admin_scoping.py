"""Scope Django admin to the windows of a window administrator.

Every app's ModelAdmin for window-bound objects mixes in WindowScopedAdminMixin
and names the lookup from its model to Window:

    class ServiceAdmin(WindowScopedAdminMixin, admin.ModelAdmin):
        window_lookup = "windows"          # or "order__window", or "" for Window itself
        window_lookup_is_many = True       # "windows" is a many-to-many field

A window administrator then sees, and may change, only the rows whose window is
one of theirs, and window choice fields offer only their windows. Hub
administrators are not restricted. Window administrators need no Django
permission rows: `window_admin_permissions` lists what they may do here.
"""

from django.core.exceptions import PermissionDenied

from .models import Window
from .permissions import administered_window_ids, is_window_admin


class WindowScopedAdminMixin:
    window_lookup: str = "window"
    window_lookup_is_many: bool = False  # True when the lookup crosses a to-many relation
    window_admin_permissions: frozenset[str] = frozenset({"view", "add", "change", "delete"})

    def _window_filter(self, window_ids):
        lookup = f"{self.window_lookup}__in" if self.window_lookup else "pk__in"
        return {lookup: window_ids}

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        window_ids = administered_window_ids(request.user)
        if window_ids is None:
            return queryset
        return self.scope_queryset(queryset, window_ids)

    def scope_queryset(self, queryset, window_ids):
        """The rows a window administrator of `window_ids` may see.

        Override where the link to a window is not one lookup (e.g. a regional
        window covers the organisations of its district).
        """
        queryset = queryset.filter(**self._window_filter(window_ids))
        # A lookup through a to-many relation can repeat rows.
        return queryset.distinct() if self.window_lookup_is_many else queryset

    def _window_admin_may(self, request, action: str) -> bool:
        return action in self.window_admin_permissions and is_window_admin(request.user)

    def has_module_permission(self, request):
        return self._window_admin_may(request, "view") or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return (
            self._window_admin_may(request, "view")
            or self._window_admin_may(request, "change")
            or super().has_view_permission(request, obj)
        )

    def has_add_permission(self, request, *args):
        return self._window_admin_may(request, "add") or super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._window_admin_may(request, "change") or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._window_admin_may(request, "delete") or super().has_delete_permission(request, obj)

    def _limit_window_choices(self, request, formfield):
        window_ids = administered_window_ids(request.user)
        if formfield is not None and window_ids is not None:
            formfield.queryset = formfield.queryset.filter(pk__in=window_ids)
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.related_model is Window:
            formfield = self._limit_window_choices(request, formfield)
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.related_model is Window:
            formfield = self._limit_window_choices(request, formfield)
        return formfield

    def save_model(self, request, obj, form, change):
        # Form choices already hold only the admin's windows; this guards
        # objects saved through custom forms or actions.
        window_ids = administered_window_ids(request.user)
        if window_ids is not None and self.window_lookup == "window" and obj.window_id not in window_ids:
            raise PermissionDenied
        super().save_model(request, obj, form, change)
