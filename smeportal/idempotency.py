"""One submission of a form makes one object: a double click or a replayed POST
answers with the result of the first submission instead of creating again.

A form that creates something opts in with `SubmitOnceMixin`: it carries a hidden
one-time token, made when the form is shown and kept when the form comes back with
errors. Its view does two things:

    @idempotency.submits_once  # under login_required
    def create(request, ...):
        ...
        if request.method == "POST" and form.is_valid():
            created = idempotency.submit_once(
                request, form, lambda: actions.thing_create(...), success=_("Created.")
            )
            if created:  # else the action was refused, and the form says why
                return created

`submits_once` inserts (user, token) first, in a transaction around the whole view, and
`submit_once` records the result in it after the create; the unique constraint on the
pair makes a concurrent identical POST wait for the first one and then fail its insert,
so it answers with the first result (before the view's own state checks, which would
otherwise see the first object and answer differently). A form error or a refused
action rolls the insert back with everything else, so the same token may be sent again.

Tokens are signed with their time of issue. A token older than TOKEN_LIFETIME is
refused, and `purge` (run by run_timers) deletes rows older than that: a row is made
after its token was issued, so no row a valid token could still replay is ever purged.
A POST without a valid token (missing, made up, expired) is refused with a message and
the form comes back with the user's input and a fresh token. A token lifted from
another user's page is only as good as a fresh one: rows are keyed by user, so it can
neither replay nor block that user's submission.
"""

import uuid
from datetime import timedelta
from functools import wraps

from django import forms
from django.contrib import messages
from django.core import signing
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import ActionRefused, show_refusal
from .models import SubmissionToken

FIELD = "submission_token"
TOKEN_LIFETIME = timedelta(days=1)
_SALT = "smeportal.idempotency"
TOKEN_ERROR = gettext_lazy(
    "This form has expired or was not sent from this site's page. Check your input and submit it again."
)


def new_token() -> str:
    return signing.TimestampSigner(salt=_SALT).sign(uuid.uuid4().hex)


def _token_uuid(value: str) -> uuid.UUID | None:
    """The token's UUID when it was issued here less than TOKEN_LIFETIME ago."""
    try:
        return uuid.UUID(signing.TimestampSigner(salt=_SALT).unsign(value, max_age=TOKEN_LIFETIME))
    except (signing.BadSignature, ValueError, TypeError):
        return None


class SubmissionTokenField(forms.CharField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=True, initial=new_token, **kwargs)

    def clean(self, value):
        token = _token_uuid(super().clean(value))
        if token is None:
            raise forms.ValidationError(TOKEN_ERROR, code="invalid")
        return token


class SubmitOnceMixin:
    """For a form (Form or ModelForm) whose submission creates something."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[FIELD] = SubmissionTokenField()

    def full_clean(self):
        super().full_clean()
        if self.is_bound and FIELD in self._errors:
            # A hidden field's error would show nowhere: say it above the form, and
            # hand out a fresh token so the kept input can be sent again.
            del self._errors[FIELD]
            self.add_error(None, TOKEN_ERROR)
            self.data = self.data.copy()
            self.data[self.add_prefix(FIELD)] = new_token()


class _AlreadySubmitted(Exception):
    pass


class _NothingMade(Exception):  # noqa: N818  (unwinds the claim, not an error)
    def __init__(self, response):
        self.response = response


def _replay(request, url: str):
    messages.info(request, _("This form was already submitted; this is the result of the first submission."))
    return redirect(url)


def _first_result(user, token) -> str | None:
    return SubmissionToken.objects.filter(user=user, token=token).values_list("result_url", flat=True).first()


def submits_once(view):
    """For the view of a form with SubmitOnceMixin. A POST with a valid token claims it
    before the view looks at anything, in a transaction around the whole view: an
    identical POST in flight makes this one wait (PostgreSQL), and one already made
    answers with its result, so no state check of the view can race the first one.
    When the view makes nothing (errors, a refusal), the claim is rolled back."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        token = _token_uuid(request.POST.get(FIELD, "")) if request.method == "POST" else None
        if token is None or not request.user.is_authenticated:
            return view(request, *args, **kwargs)  # the form refuses a missing or bad token
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        claim = SubmissionToken.objects.create(user=request.user, token=token, result_url="")
                except IntegrityError:
                    raise _AlreadySubmitted from None
                request.submission_claim = claim
                response = view(request, *args, **kwargs)
                if not claim.result_url:
                    raise _NothingMade(response)
                return response
        except _AlreadySubmitted:
            return _replay(request, _first_result(request.user, token))
        except _NothingMade as nothing:
            return nothing.response

    return wrapper


def submit_once(request, form, perform, *, success, success_url: str | None = None):
    """Run `perform` (the create action) under the claim `submits_once` took, and
    redirect to the result: `success_url` (a URL or URL name) or else the page of the
    object `perform` returned. `success` is the message, or a function of that object
    returning it. None when the action was refused: nothing is kept, and the refusal
    is shown on the form."""
    claim = request.submission_claim  # the form has a valid token, so the view claimed it
    assert claim.token == form.cleaned_data[FIELD], "the view's form carries another token"
    try:
        with transaction.atomic():
            result = perform()
    except ActionRefused as refusal:
        show_refusal(request, form, refusal)
        return None
    claim.result_url = resolve_url(success_url or result)
    claim.save(update_fields=["result_url"])
    messages.success(request, success(result) if callable(success) else success)
    return redirect(claim.result_url)


def purge(now) -> int:
    """Forget submissions older than any token still accepted (idempotent)."""
    deleted, _by_model = SubmissionToken.objects.filter(created_at__lt=now - TOKEN_LIFETIME).delete()
    return deleted
