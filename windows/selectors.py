from django.contrib.auth import get_user_model

from smeportal.search import keyword_filter

from .models import Announcement, MembershipStatus, Window, WindowMembership


def reviewers_for_windows(window_ids) -> list:
    """Who reviews requests concerning these windows: their administrators,
    or the hub administrators when a window has none (so no request waits unseen)."""
    user_model = get_user_model()
    admins = list(
        user_model.objects.filter(
            windowadministrator__window_id__in=list(window_ids), is_active=True, is_staff=True
        ).distinct()
    )
    return admins or list(user_model.objects.filter(is_superuser=True, is_active=True))


def windows_with_membership(organisation) -> list[dict]:
    """Every open window with the organisation's membership in it (or None): 加入窗口."""
    memberships = {m.window_id: m for m in WindowMembership.objects.filter(organisation=organisation)}
    return [
        {"window": window, "membership": memberships.get(window.pk)}
        for window in Window.objects.active().order_by("sort_order", "pk")
    ]


def active_window_ids(organisation) -> set[int]:
    return set(
        WindowMembership.objects.filter(organisation=organisation, status=MembershipStatus.ACTIVE).values_list(
            "window_id", flat=True
        )
    )


def search_notices(keyword: str = "", window: Window | None = None):
    """Public 通知公告, newest first: PostgreSQL's bigram index for the keyword, substring
    matching on SQLite (smeportal.search)."""
    queryset = Announcement.objects.public()
    if window is not None:
        queryset = queryset.filter(window=window)
    condition = keyword_filter(keyword, vector_fields=["search_vector"], text_fields=["title", "body"])
    if condition is not None:
        queryset = queryset.filter(condition)
    return queryset.select_related("window").defer("search_vector").order_by("-published_at", "-pk")
