import re

from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def validate_mobile(value: str) -> None:
    """Mainland China mobile numbers: 11 digits starting with 13–19."""
    if not MOBILE_RE.match(value or ""):
        raise ValidationError(_("Enter a valid 11-digit mobile number."), code="invalid_mobile")


class UsernameValidator(UnicodeUsernameValidator):
    # Django's Chinese catalogue leaves "+" out of this message while the field's
    # help text lists it; our own message names the same characters as the help.
    message = _("Enter a valid username: letters, digits and @/./+/-/_ only.")


# allauth validates sign-up usernames with these (ACCOUNT_USERNAME_VALIDATORS).
USERNAME_VALIDATORS = [UsernameValidator(), MaxLengthValidator(150)]


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's validator with a message our catalogue translates.

    Django 5.2 changed this message's msgid ("%d" instead of "%(min_length)d")
    and its Chinese catalogue still has only the old one, so the error showed
    in English on the Chinese form.
    """

    def get_error_message(self):
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self):
        return ngettext(
            "Your password must contain at least %(min_length)d character.",
            "Your password must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
