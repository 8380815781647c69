from django.db import connection, transaction
from django.utils import timezone

from smeportal.search import tsvector_value

from .models import Organisation, OrganisationKind, Role, User

ROLE_FOR_KIND = {
    OrganisationKind.ENTERPRISE: Role.ENTERPRISE,
    OrganisationKind.INSTITUTION: Role.INSTITUTION,
}


@transaction.atomic
def organisation_register(
    *,
    user: User,
    kind: str,
    name: str,
    contact_name: str,
    mobile: str,
) -> Organisation:
    """Create the organisation of a newly signed-up user and give the user its role."""
    organisation = Organisation.objects.create(
        kind=kind,
        name=name,
        contact_name=contact_name,
        mobile=mobile,
        email=user.email,
    )
    user.organisation = organisation
    user.role = ROLE_FOR_KIND[OrganisationKind(kind)]
    user.save(update_fields=["organisation", "role"])
    organisation_reindex(organisation=organisation)
    return organisation


def organisation_reindex(*, organisation: Organisation) -> None:
    """Refresh the keyword-search index of the organisation's name (PostgreSQL only)."""
    if connection.vendor == "postgresql":
        Organisation.objects.filter(pk=organisation.pk).update(search_vector=tsvector_value(organisation.name))


def organisation_mark_certified(*, organisation: Organisation, name: str, district: str) -> None:
    """Record an approved certification; its name and district become the public ones."""
    organisation.is_certified = True
    organisation.certified_at = timezone.now()
    organisation.name = name
    organisation.district = district
    organisation.save(update_fields=["is_certified", "certified_at", "name", "district"])
    organisation_reindex(organisation=organisation)


def organisation_mark_uncertified(*, organisation: Organisation) -> None:
    organisation.is_certified = False
    organisation.save(update_fields=["is_certified"])


def organisation_lock(*, organisation_id: int) -> Organisation:
    """The organisation row, locked until the caller's transaction ends.

    Apps that keep figures on the organisation (reviews, complaints) take this
    lock before they count, so two writers at once count one after the other.
    """
    return Organisation.objects.select_for_update().get(pk=organisation_id)


def organisation_set_rating(
    *, organisation: Organisation, average, count: int, quality=None, attitude=None, speed=None
) -> None:
    """Store the review figures computed by the reviews app (call with the row locked)."""
    organisation.rating_avg = average
    organisation.rating_count = count
    organisation.rating_quality_avg = quality
    organisation.rating_attitude_avg = attitude
    organisation.rating_speed_avg = speed
    organisation.save(
        update_fields=["rating_avg", "rating_count", "rating_quality_avg", "rating_attitude_avg", "rating_speed_avg"]
    )


def organisation_set_upheld_complaints(*, organisation: Organisation, count: int) -> None:
    """Store the number of 投诉成立 complaints counted by the complaints app (row locked)."""
    organisation.upheld_complaint_count = count
    organisation.save(update_fields=["upheld_complaint_count"])
