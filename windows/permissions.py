"""Who administers which windows.

Hub administrators (superusers) see everything; a window administrator is an
active staff user assigned to one or more windows and sees only their objects.
"""


def is_hub_admin(user) -> bool:
    return bool(user.is_active and user.is_superuser)


def administered_window_ids(user) -> frozenset[int] | None:
    """The ids of the windows a staff user administers; None means all (hub admin).

    Cached on the user object: admin pages ask many times per request.
    """
    if is_hub_admin(user):
        return None
    cached = getattr(user, "_administered_window_ids", None)
    if cached is None:
        if user.is_active and user.is_staff:
            cached = frozenset(user.windowadministrator_set.values_list("window_id", flat=True))
        else:
            cached = frozenset()
        user._administered_window_ids = cached
    return cached


def is_window_admin(user) -> bool:
    return not is_hub_admin(user) and bool(administered_window_ids(user))
