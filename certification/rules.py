"""What a complete application contains (红点 required fields, 黑点 either-of-two pairs)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import OrganisationKind

from .validators import validate_landline, validate_org_code, validate_uscc

COMMON_REQUIRED = [
    "name",
    "legal_representative",
    "registered_capital",
    "established_on",
    "district",
    "registered_address",
    "business_scope",
    "contact_name",
    "licence",
]
REQUIRED_FIELDS = {
    OrganisationKind.ENTERPRISE: [*COMMON_REQUIRED, "enterprise_type", "industry", "scale", "employees"],
    OrganisationKind.INSTITUTION: [
        *COMMON_REQUIRED,
        "institution_type",
        "service_domains",
        "service_area",
        "introduction",
    ],
}
# Pairs of which at least one must be filled (黑点, 二者选填其一).
EITHER_OF_PAIRS = [("credit_code", "org_code"), ("landline", "mobile")]
FORMAT_VALIDATORS = {"credit_code": validate_uscc, "org_code": validate_org_code, "landline": validate_landline}


def required_fields(kind: str) -> list[str]:
    return REQUIRED_FIELDS[OrganisationKind(kind)]


def either_of_fields() -> set[str]:
    return {name for pair in EITHER_OF_PAIRS for name in pair}


def _is_empty(application, name: str) -> bool:
    if name == "service_domains":
        return application.pk is None or not application.service_domains.exists()
    value = getattr(application, name)
    return value is None or value == "" or (hasattr(value, "name") and not value.name)


def completeness_errors(application) -> dict[str, str]:
    """Field → message for everything that keeps the application from review."""
    errors = {}
    for name in required_fields(application.kind):
        if _is_empty(application, name):
            errors[name] = _("This field is required.")
    for first, second in EITHER_OF_PAIRS:
        if _is_empty(application, first) and _is_empty(application, second):
            message = _("Fill in at least one of the two.")
            errors[first] = errors[second] = message
    for name, validator in FORMAT_VALIDATORS.items():
        value = getattr(application, name)
        if value and name not in errors:
            try:
                validator(value)
            except ValidationError as error:
                errors[name] = " ".join(error.messages)
    return errors
