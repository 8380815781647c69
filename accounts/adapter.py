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

    def add_message(self, request, level, message_template=None, message_context=None, extra_tags="", message=None):
        if getattr(request, "signing_up", False) and message_template == "account/messages/logged_in.txt":
            return  # the sign-up view says 注册成功 instead
        super().add_message(request, level, message_template, message_context, extra_tags, message)
