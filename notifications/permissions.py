from django.shortcuts import get_object_or_404

from .models import Notification


def get_notification_for_user(user, pk: int) -> Notification:
    """A user's own message; anyone else's answers 404."""
    return get_object_or_404(Notification, pk=pk, recipient=user)
