from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import gettext_lazy as _


class AccountAdapter(DefaultAccountAdapter):
    # One message for an unknown username and a wrong password, so the login
    # form never tells whether an account exists.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": _("The username or password is incorrect."),
        "too_many_login_attempts": _(
            "Too many failed login attempts. For your account's safety, please try again in a few minutes."
        ),
    }
