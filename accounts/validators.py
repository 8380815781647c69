import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def validate_mobile(value: str) -> None:
    """Mainland China mobile numbers: 11 digits starting with 13–19."""
    if not MOBILE_RE.match(value or ""):
        raise ValidationError(_("Enter a valid 11-digit mobile number."), code="invalid_mobile")
