"""Who sees what of the supervision data.

Hub administrators see every enterprise; a window administrator sees the
enterprises of their windows: a regional window covers the organisations of its
district, an industry window those that applied to or joined it (the same rule
as certification review).
"""

from dataclasses import dataclass, field
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from certification.selectors import COVERING_MEMBERSHIP
from windows.models import Window, WindowKind, WindowMembership
from windows.permissions import administered_window_ids, is_hub_admin, is_window_admin

from .models import EarlyWarning


@dataclass(frozen=True)
class Coverage:
    """The organisations a set of windows covers; `everything` for the hub admin."""

    everything: bool = False
    window_ids: frozenset = field(default_factory=frozenset)
    districts: tuple = ()

    def q(self, district_field: str = "district", organisation_field: str = "organisation_id") -> Q:
        if self.everything:
            return Q()
        members = WindowMembership.objects.filter(window_id__in=self.window_ids, status__in=COVERING_MEMBERSHIP).values(
            "organisation_id"
        )
        return Q(**{f"{district_field}__in": list(self.districts)}) | Q(**{f"{organisation_field}__in": members})

    def window_q(self, window_field: str = "window_id") -> Q:
        """For rows bound to a window (orders, demands)."""
        if self.everything:
            return Q()
        return Q(**{f"{window_field}__in": list(self.window_ids)})


def coverage_of_windows(window_ids) -> Coverage:
    window_ids = frozenset(window_ids)
    districts = tuple(
        Window.objects.filter(pk__in=window_ids, kind=WindowKind.REGIONAL).values_list("district", flat=True)
    )
    return Coverage(everything=False, window_ids=window_ids, districts=districts)


def coverage_for(user, window: Window | None = None) -> Coverage:
    """What the user may see, narrowed to one `window` when given (and theirs)."""
    window_ids = administered_window_ids(user)
    if window is not None:
        if window_ids is not None and window.pk not in window_ids:
            raise PermissionDenied
        if window.kind == WindowKind.HUB:
            return Coverage(everything=True) if window_ids is None else coverage_of_windows(window_ids)
        return coverage_of_windows([window.pk])
    if window_ids is None:
        return Coverage(everything=True)
    return coverage_of_windows(window_ids)


def can_supervise(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff) and (
        is_hub_admin(user) or is_window_admin(user)
    )


def supervisor_required(view):
    """Staff only: the hub administrators and the window administrators."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_supervise(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def warnings_visible_to(user):
    return EarlyWarning.objects.filter(coverage_for(user).q())


def can_work_warning(user, warning) -> bool:
    if not can_supervise(user):
        return False
    return warnings_visible_to(user).filter(pk=warning.pk).exists()


def get_warning_for_user(user, pk: int) -> EarlyWarning:
    return get_object_or_404(warnings_visible_to(user), pk=pk)
