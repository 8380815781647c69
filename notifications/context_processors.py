from django.utils.functional import SimpleLazyObject


def unread_count(request):
    """The header's unread count; queried only when a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_message_count": SimpleLazyObject(lambda: user.notifications.unread().count())}
