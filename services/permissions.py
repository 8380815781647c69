from django.http import Http404
from django.shortcuts import get_object_or_404

from windows.permissions import administered_window_ids

from .models import Service, ServiceImage


def can_review(user, service) -> bool:
    """Hub administrators review every service; window administrators those in their windows."""
    if not (user.is_active and user.is_staff):
        return False
    window_ids = administered_window_ids(user)
    if window_ids is None:
        return True
    return bool(window_ids & set(service.windows.values_list("pk", flat=True)))


def get_own_service(user, pk: int) -> Service:
    """A service of the user's own institution; anyone else's answers 404."""
    if user.organisation_id is None:
        raise Http404
    return get_object_or_404(Service, pk=pk, institution_id=user.organisation_id)


def get_image_for_user(user, pk: int) -> ServiceImage:
    """A service picture: public for listed services, else the institution's and reviewers' only."""
    from .selectors import public_services  # selectors import this module's neighbours

    image = get_object_or_404(ServiceImage.objects.select_related("service"), pk=pk)
    service = image.service
    if public_services().filter(pk=service.pk).exists():
        return image
    if user.is_authenticated and (user.organisation_id == service.institution_id or can_review(user, service)):
        return image
    raise Http404
