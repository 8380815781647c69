from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from windows.permissions import administered_window_ids

from .models import CertificationApplication, QualificationCertificate
from .selectors import windows_covering


def can_review(user, application) -> bool:
    """Hub administrators review every application; window administrators those of their windows."""
    if not (user.is_active and user.is_staff):
        return False
    window_ids = administered_window_ids(user)
    if window_ids is None:
        return True
    return bool(window_ids & set(windows_covering(application)))


def can_see_private_files(user, application) -> bool:
    if not user.is_authenticated:
        return False
    return user.organisation_id == application.organisation_id or can_review(user, application)


def get_licence_for_user(user, application_pk: int) -> CertificationApplication:
    application = get_object_or_404(CertificationApplication, pk=application_pk)
    if not application.licence or not can_see_private_files(user, application):
        raise Http404
    return application


def get_certificate_for_user(user, certificate_pk: int) -> QualificationCertificate:
    certificate = get_object_or_404(QualificationCertificate.objects.select_related("application"), pk=certificate_pk)
    if not can_see_private_files(user, certificate.application):
        raise Http404
    return certificate


def certification_required(view):
    """For views that need an approved certification (ordering, publishing, bidding).

    Anonymous users go to the login; users whose organisation is not certified
    get a page that says so, with a link to 【认证中心】 (status 403).
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        organisation = request.user.organisation
        if organisation is None or not organisation.is_certified:
            return render(request, "certification/required.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
