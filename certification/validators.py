"""Validators for the identifiers and values used in enterprise certification.

* 统一社会信用代码 (unified social credit code, USCC) per GB 32100-2015;
* 组织机构代码 (organization code) per GB 11714-1997;
* Chinese fixed-line (landline) telephone numbers;
* dates that must not lie in the future.

Every validator raises :class:`django.core.exceptions.ValidationError` with a
stable ``code`` so that forms, APIs and tests can tell the failures apart.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# GB 32100-2015 table 1: the 31 code characters; a character's value is its index.
# I, O, S, V and Z are not used, to avoid confusion with similar-looking characters.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_LENGTH = 18
# GB 32100-2015 table 2: W_i = 3^(i-1) mod 31 for positions 1–17.
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUES = {char: value for value, char in enumerate(USCC_CHARSET)}

# GB 11714-1997: an 8-character body of digits and capital letters plus a check character.
ORG_CODE_BODY_LENGTH = 8
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CODE_CHARS_RE = re.compile(r"[0-9A-Z]*")
_ORG_CODE_BODY_RE = re.compile(r"[0-9A-Z]{8}")
_ORG_CODE_RE = re.compile(r"[0-9A-Z]{8}-?[0-9A-Z]")
_ORG_CODE_CHARSET_MESSAGE = _(
    "An organization code may only contain digits and capital letters, "
    "with an optional hyphen before the check character."
)

# Area code 0XX or 0XXX (never 00, the international prefix), an optional hyphen,
# a 7–8 digit local number and an optional extension of 1–6 digits after a hyphen.
LANDLINE_RE = re.compile(r"0[1-9][0-9]{1,2}-?[0-9]{7,8}(?:-[0-9]{1,6})?")


def normalize_code(value: str) -> str:
    """Return ``value`` without whitespace, without a single hyphen, in upper case.

    People copy codes from licences and letters as ``9144 0300 1922 0382 16`` or
    ``19220382-1``; both normalize to the bare code. A value with more than one
    hyphen keeps its hyphens, so that validation rejects it.
    """
    compact = "".join(str(value).split())
    if compact.count("-") == 1:
        compact = compact.replace("-", "")
    return _ascii_upper(compact)


def _ascii_upper(value: str) -> str:
    """Upper-case ASCII letters only, so that e.g. the ligature "ﬀ" cannot turn into "FF"."""
    return "".join(char.upper() if char.isascii() else char for char in value)


def uscc_check_character(first17: str) -> str:
    """Return the GB 32100-2015 check character (position 18) for 17 code characters.

    Raises ``ValueError`` if ``first17`` is not exactly 17 characters of the code
    character set.
    """
    if len(first17) != USCC_LENGTH - 1:
        raise ValueError(f"expected {USCC_LENGTH - 1} characters, got {len(first17)}")
    try:
        total = sum(_USCC_VALUES[char] * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=True))
    except KeyError as exc:
        raise ValueError(f"character {exc.args[0]!r} is not in the USCC character set") from None
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> None:
    """Validate a unified social credit code (统一社会信用代码, GB 32100-2015).

    The value is normalized first (see :func:`normalize_code`), so spaces, one
    hyphen and lower-case letters are tolerated.
    """
    code = normalize_code(value)
    if any(char not in _USCC_VALUES for char in code):
        raise ValidationError(
            _("A unified social credit code may only contain digits and capital letters other than I, O, S, V and Z."),
            code="uscc_charset",
        )
    if len(code) != USCC_LENGTH:
        raise ValidationError(
            _("A unified social credit code has exactly 18 characters."),
            code="uscc_length",
        )
    if uscc_check_character(code[:-1]) != code[-1]:
        raise ValidationError(
            _("The check character (last character) of this unified social credit code is wrong; check for typos."),
            code="uscc_check",
        )


def _org_code_value(char: str) -> int:
    """Value of a body character in GB 11714-1997: digits as is, A=10 … Z=35."""
    return int(char) if char.isdigit() else ord(char) - 55


def org_code_check_character(first8: str) -> str:
    """Return the GB 11714-1997 check character for an 8-character organization code body.

    C = 11 - (sum of value × weight mod 11); 10 is written "X" and 11 is written "0".
    Raises ``ValueError`` if ``first8`` is not 8 digits or capital letters.
    """
    if not _ORG_CODE_BODY_RE.fullmatch(first8):
        raise ValueError(f"expected {ORG_CODE_BODY_LENGTH} digits or capital letters, got {first8!r}")
    total = sum(_org_code_value(char) * weight for char, weight in zip(first8, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 10:
        return "X"
    if check == 11:
        return "0"
    return str(check)


def validate_org_code(value: str) -> None:
    """Validate an organization code (组织机构代码, GB 11714-1997).

    Accepts ``XXXXXXXX-X`` and ``XXXXXXXXX`` (spaces and lower case are
    tolerated); a hyphen anywhere but before the check character is refused.
    """
    compact = _ascii_upper("".join(str(value).split()))
    code = compact.replace("-", "")
    if not _ORG_CODE_CHARS_RE.fullmatch(code):
        raise ValidationError(_ORG_CODE_CHARSET_MESSAGE, code="org_code_charset")
    if len(code) != ORG_CODE_BODY_LENGTH + 1:
        raise ValidationError(
            _("An organization code has 9 characters, written as XXXXXXXX-X or XXXXXXXXX."),
            code="org_code_length",
        )
    if not _ORG_CODE_RE.fullmatch(compact):
        # Right characters, right length, but a hyphen elsewhere than before the check character.
        raise ValidationError(_ORG_CODE_CHARSET_MESSAGE, code="org_code_charset")
    if org_code_check_character(code[:-1]) != code[-1]:
        raise ValidationError(
            _("The check character (last character) of this organization code is wrong; check for typos."),
            code="org_code_check",
        )


def validate_landline(value: str) -> None:
    """Validate a Chinese fixed-line number such as ``0951-5012345`` or ``010-12345678-123``."""
    if not LANDLINE_RE.fullmatch(str(value).strip()):
        raise ValidationError(
            _("Enter a landline number with its area code, for example 0951-5012345 or 0951-5012345-123."),
            code="invalid_landline",
        )


def validate_not_in_future(value: datetime.date) -> None:
    """Refuse dates after today in the project's time zone (``timezone.localdate()``).

    A ``datetime`` is compared by its local calendar date.
    """
    if value is None:
        return
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if value > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="date_in_future")
