import time

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from . import throttling


class AccountAdapter(DefaultAccountAdapter):
    # One message for an unknown username, a wrong password and a deactivated
    # account, so the login form never tells whether or how an account exists.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": _("The username or password is incorrect."),
        "too_many_login_attempts": _(
            "Too many failed login attempts. For your account's safety, please try again in a few minutes."
        ),
        "login_slowed_down": _(
            "Too many failed attempts for this username from your network. Please wait %d seconds and try again."
        ),
    }

    def pre_authenticate(self, request, **credentials):
        # The per-address limit (allauth), then this address's wait for this username.
        super().pre_authenticate(request, **credentials)
        wait = throttling.seconds_to_wait(self._client_ip(request), self._username(credentials), now=time.time())
        if wait:
            self._rollback_login_failed_rl_usage()  # an attempt refused unchecked is no failure
            raise self.validation_error("login_slowed_down", wait)

    def authenticate(self, request, **credentials):
        """allauth's authenticate, except that a deactivated account is refused exactly
        like a wrong password (allauth would hand it on to its /accounts/inactive/ page,
        which tells a guesser that the password was right)."""
        from allauth.account.auth_backends import AuthenticationBackend

        self.pre_authenticate(request, **credentials)
        AuthenticationBackend.unstash_authenticated_user()
        user = authenticate(request, **credentials)  # None for a deactivated account
        AuthenticationBackend.unstash_authenticated_user()  # drop the deactivated account allauth kept
        if user:
            self._rollback_login_failed_rl_usage()
            throttling.record_success(self._client_ip(request), self._username(credentials))
        else:
            self.authentication_failed(request, **credentials)
        return user

    def authentication_failed(self, request, **credentials):
        throttling.record_failure(self._client_ip(request), self._username(credentials), now=time.time())

    def _client_ip(self, request) -> str:
        # allauth's client address: the real one behind ALLAUTH_TRUSTED_PROXY_COUNT proxies.
        return self.get_client_ip(request)

    @staticmethod
    def _username(credentials) -> str:
        return credentials.get("username", "")

    def add_message(self, request, level, message_template=None, message_context=None, extra_tags="", message=None):
        if getattr(request, "signing_up", False) and message_template == "account/messages/logged_in.txt":
            return  # the sign-up view says 注册成功 instead
        super().add_message(request, level, message_template, message_context, extra_tags, message)
