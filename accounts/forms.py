from allauth.account.forms import LoginForm, ResetPasswordForm, SignupForm
from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.db import transaction
from django.urls import reverse, reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .actions import organisation_register
from .models import OrganisationKind
from .validators import validate_mobile


class PortalCaptchaInput(CaptchaTextInput):
    """The captcha with its double-size picture too: the page shows it at the normal size
    (sharp on high-density screens), 关怀模式 at twice the size, and 看大图 opens it alone."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["image_2x"] = reverse("captcha-image-2x", kwargs={"key": self._key})
        return context


def captcha_field() -> CaptchaField:
    return CaptchaField(
        label=_("Captcha"),
        widget=PortalCaptchaInput,
        error_messages={"invalid": _("The captcha is wrong. Please type the characters in the new picture.")},
    )


class CaptchaLoginForm(LoginForm):
    """allauth's login with a captcha.

    Fields are cleaned before `clean()`, and allauth's `clean()` returns at once
    when a field has an error, so a wrong captcha is refused before the password
    is checked and before a failed attempt is counted.
    """

    captcha = captcha_field()
    field_order = ["login", "password", "captcha", "remember"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Username")
        self.fields["login"].widget.attrs["placeholder"] = ""
        self.fields["password"].label = _("Password")
        self.fields["password"].widget.attrs["placeholder"] = ""
        self.order_fields(self.field_order)


class CaptchaResetPasswordForm(ResetPasswordForm):
    captcha = captcha_field()


class RegistrationForm(SignupForm):
    """Sign-up of an enterprise or institution account (manual 2.1)."""

    organisation_kind: str = ""
    organisation_name = forms.CharField(max_length=100)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=11,
        validators=[validate_mobile],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    captcha = captcha_field()
    agree_terms = forms.BooleanField(
        error_messages={"required": _("You must agree to the platform's user agreement to register.")},
    )
    field_order = [
        "username",
        "password1",
        "password2",
        "organisation_name",
        "contact_name",
        "mobile",
        "email",
        "captcha",
        "agree_terms",
    ]

    organisation_name_label = _("Organisation name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["username"].help_text = _("Letters, digits and @/./+/-/_ only; used to log in.")
        self.fields["password1"].label = _("Password")
        self.fields["password2"].label = _("Confirm password")
        self.fields["email"].label = _("E-mail (optional)")
        self.fields["email"].help_text = _("Used for password reset and message notifications.")
        self.fields["organisation_name"].label = self.organisation_name_label
        self.fields["agree_terms"].label = format_html(
            '{} <a href="{}" target="_blank" rel="noopener">{}</a>',
            _("I have read and agree to the"),
            reverse_lazy("terms"),
            _("Platform user agreement"),
        )
        for name in ("username", "password1", "password2", "email"):
            self.fields[name].widget.attrs.pop("placeholder", None)
        self.order_fields(self.field_order)

    def save(self, request):
        # The user and its organisation are created together or not at all.
        with transaction.atomic():
            return super().save(request)

    def signup(self, request, user):
        organisation_register(
            user=user,
            kind=self.organisation_kind,
            name=self.cleaned_data["organisation_name"],
            contact_name=self.cleaned_data["contact_name"],
            mobile=self.cleaned_data["mobile"],
        )


class EnterpriseSignupForm(RegistrationForm):
    organisation_kind = OrganisationKind.ENTERPRISE
    organisation_name_label = _("Enterprise name")


class InstitutionSignupForm(RegistrationForm):
    organisation_kind = OrganisationKind.INSTITUTION
    organisation_name_label = _("Institution name")
