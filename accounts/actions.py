from django.db import transaction

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
    return organisation
