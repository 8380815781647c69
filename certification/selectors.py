from django.db.models import Q

from windows.models import MembershipStatus, Window, WindowKind, WindowMembership

from .choices import OPEN_STATUSES, ApplicationStatus
from .models import CertificationApplication

# An industry window covers the organisations that applied to or joined it.
COVERING_MEMBERSHIP = [MembershipStatus.APPLIED, MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED]


def approved_application(organisation):
    """The live, approved certification: what the public sees (or None)."""
    return organisation.certification_applications.filter(status=ApplicationStatus.APPROVED).first()


def open_application(organisation):
    """The application in progress (draft, pending review or returned), or None."""
    return organisation.certification_applications.filter(status__in=OPEN_STATUSES).first()


def windows_covering(application) -> list[int]:
    """Ids of the windows whose administrators review this application."""
    regional = Window.objects.filter(kind=WindowKind.REGIONAL, district=application.district).values_list(
        "pk", flat=True
    )
    joined = WindowMembership.objects.filter(
        organisation_id=application.organisation_id, status__in=COVERING_MEMBERSHIP
    ).values_list("window_id", flat=True)
    return sorted(set(regional) | set(joined))


def applications_in_windows(queryset, window_ids):
    """Scope a queryset of applications to the windows of a window administrator."""
    districts = Window.objects.filter(pk__in=window_ids, kind=WindowKind.REGIONAL).values_list("district", flat=True)
    members = WindowMembership.objects.filter(window_id__in=window_ids, status__in=COVERING_MEMBERSHIP).values_list(
        "organisation_id", flat=True
    )
    return queryset.filter(Q(district__in=list(districts)) | Q(organisation_id__in=members))


def application_history(organisation):
    return (
        CertificationApplication.objects.filter(organisation=organisation)
        .prefetch_related("logs__actor")
        .order_by("-created_at", "-pk")
    )
