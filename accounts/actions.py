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
