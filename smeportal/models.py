from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SubmissionToken(models.Model):
    """One submitted form (see smeportal/idempotency.py): the token its page carried and
    where its first submission led. The unique (user, token) pair is the guard: two
    identical POSTs cannot both insert it, so they cannot both create."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("User")
    )
    token = models.UUIDField(_("Token"))
    result_url = models.CharField(_("Result page"), max_length=500)
    created_at = models.DateTimeField(_("Submitted at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("Form submission")
        verbose_name_plural = _("Form submissions")
        constraints = [models.UniqueConstraint(fields=["user", "token"], name="submission_token_once_per_user")]

    def __str__(self):
        return f"{self.token} → {self.result_url}"
