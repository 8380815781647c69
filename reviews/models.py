from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from orders.models import Party

SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class ReviewEvent(models.TextChoices):
    POSTED = "posted", _("Posted the review")
    FOLLOWED_UP = "followed_up", _("Added a follow-up")
    HIDDEN = "hidden", _("Hid the review")
    SHOWN = "shown", _("Showed the review again")


class ReviewQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(hidden=False)

    def by(self, organisation):
        return self.filter(author_organisation=organisation)

    def about(self, organisation):
        return self.filter(subject=organisation)


class Review(models.Model):
    """A review (评价) of the other side of an 已验收 order, one per side and order.

    Written once, never edited or deleted by its author; one 追加评论 later.
    Reviews of institutions carry the three dimensions as well as the overall score.
    """

    order = models.ForeignKey(
        "orders.Order", verbose_name=_("service order"), on_delete=models.PROTECT, related_name="reviews"
    )
    author_side = models.CharField(_("written by"), max_length=20, choices=Party.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("reviewing organisation"),
        on_delete=models.PROTECT,
        related_name="reviews_written",
    )
    subject = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("reviewed organisation"),
        on_delete=models.PROTECT,
        related_name="reviews_received",
    )
    score = models.PositiveSmallIntegerField(_("overall score"), validators=SCORE_VALIDATORS)
    quality = models.PositiveSmallIntegerField(_("service quality"), validators=SCORE_VALIDATORS, null=True, blank=True)
    attitude = models.PositiveSmallIntegerField(
        _("service attitude"), validators=SCORE_VALIDATORS, null=True, blank=True
    )
    speed = models.PositiveSmallIntegerField(_("response speed"), validators=SCORE_VALIDATORS, null=True, blank=True)
    content = models.TextField(_("review content"))
    during_complaint = models.BooleanField(_("written while a complaint was open"), default=False)
    followup = models.TextField(_("follow-up review"), blank=True)
    followup_at = models.DateTimeField(_("follow-up at"), null=True, blank=True)

    hidden = models.BooleanField(_("hidden by an administrator"), default=False, db_index=True)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)

    created_at = models.DateTimeField(_("posted at"), auto_now_add=True, db_index=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "author_side"], name="review_once_per_side"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="review_score_1_5"),
        ]
        indexes = [
            models.Index(fields=["subject", "hidden", "-created_at"], name="review_subject_idx"),
            models.Index(fields=["author_organisation", "-created_at"], name="review_author_idx"),
        ]

    def __str__(self):
        return f"{self.order.number} · {self.get_author_side_display()} · {self.score}"

    def get_absolute_url(self):
        return reverse("reviews:detail", args=[self.pk])

    @property
    def is_of_institution(self) -> bool:
        return self.author_side == Party.ENTERPRISE

    @property
    def stars(self) -> str:
        return "★" * self.score + "☆" * (5 - self.score)


class ReviewLog(models.Model):
    """Who posted, followed up, hid or showed a review, when, and why."""

    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="logs")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("operator"), on_delete=models.SET_NULL, null=True, blank=True
    )
    event = models.CharField(_("event"), max_length=20, choices=ReviewEvent.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("review log")
        verbose_name_plural = _("review logs")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.review_id}: {self.event}"
