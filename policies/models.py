"""政策法规 (issue 17): policies a window publishes, aimed at the enterprises they fit.

A policy is drafted by a window's administrator, reviewed by a second administrator
before anyone sees it, and may be withdrawn with a reason; its log keeps the history.
Its targeting (districts, industries, scales, certification) is what 适合我的政策
compares with an enterprise's certified profile (policies.matching).
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from smeportal.uploads import private_storage


class PolicyCategory(models.TextChoices):
    FUNDING = "funding", _("Funding support")
    TAX = "tax", _("Tax relief")
    FINANCING = "financing", _("Financing")
    TALENT = "talent", _("Talent")
    INNOVATION = "innovation", _("Innovation")
    MARKET = "market", _("Market development")
    OTHER = "other", _("Other")


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending review")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PolicyQuerySet(models.QuerySet):
    def public(self):
        """Published policies of open windows: what the public may read."""
        return self.filter(status=PolicyStatus.PUBLISHED, window__is_active=True)


class Policy(FSMModelMixin, models.Model):
    window = models.ForeignKey(
        "windows.Window", verbose_name=_("window platform"), on_delete=models.PROTECT, related_name="policies"
    )
    title = models.CharField(_("title"), max_length=200)
    # Rich text, sanitised by policies.sanitise before it is saved (policy_save).
    body = models.TextField(_("content"))
    issuing_body = models.CharField(_("issuing body"), max_length=100)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    category = models.CharField(_("policy category"), max_length=20, choices=PolicyCategory.choices)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    application_deadline = models.DateField(_("application deadline"), null=True, blank=True)
    target_districts = models.JSONField(_("target districts"), default=list, blank=True)
    target_industries = models.JSONField(_("target industries"), default=list, blank=True)
    target_scales = models.JSONField(_("target enterprise scales"), default=list, blank=True)
    certification_required = models.BooleanField(
        _("certification required"),
        default=True,
        help_text=_("Only certified enterprises are matched (their industry and scale come from the certification)."),
    )
    related_categories = models.ManyToManyField(
        "services.ServiceCategory",
        verbose_name=_("related service categories"),
        blank=True,
        help_text=_("The policy page lists services of these categories."),
    )
    status = FSMField(
        _("status"), max_length=20, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT, protected=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), on_delete=models.PROTECT, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Bigram tsvector of title, issuing body, number and text (smeportal.search).
    search_vector = SearchVectorField(_("search index"), null=True, blank=True, editable=False)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies and regulations")
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("policies:detail", args=[self.pk])

    @property
    def open_for_application(self) -> bool:
        return self.application_deadline is not None and self.application_deadline >= timezone.localdate()

    @property
    def days_to_deadline(self) -> int | None:
        if self.application_deadline is None:
            return None
        return (self.application_deadline - timezone.localdate()).days

    @transition(field=status, source=PolicyStatus.DRAFT, target=PolicyStatus.PENDING)
    def submit(self):
        pass

    @transition(field=status, source=PolicyStatus.PENDING, target=PolicyStatus.PUBLISHED)
    def publish(self):
        pass

    @transition(field=status, source=PolicyStatus.PENDING, target=PolicyStatus.DRAFT)
    def send_back(self):
        pass

    @transition(field=status, source=PolicyStatus.PUBLISHED, target=PolicyStatus.WITHDRAWN)
    def withdraw(self):
        pass


class PolicyAttachment(models.Model):
    policy = models.ForeignKey(Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="attachments")
    # Checked by smeportal.uploads.clean_document_upload; served by the policy page
    # only while the policy is public.
    file = models.FileField(_("file"), upload_to="policies/%Y/%m/", storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=200)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name


class PolicyLog(models.Model):
    policy = models.ForeignKey(Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="logs")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), on_delete=models.PROTECT, null=True, blank=True
    )
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("policy log")
        verbose_name_plural = _("policy logs")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.policy} {self.from_status} → {self.to_status}"


class PolicyReader(models.Model):
    """One enterprise user and one policy: told of it, opened it, saved it (收藏).

    The reach figures count these rows by the user's organisation."""

    policy = models.ForeignKey(Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="readers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="policy_readings"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    favourite = models.BooleanField(_("saved"), default=False)

    class Meta:
        verbose_name = _("policy reader")
        verbose_name_plural = _("policy readers")
        constraints = [models.UniqueConstraint(fields=["policy", "user"], name="one_policy_reader_row_per_user")]

    def __str__(self):
        return f"{self.user} · {self.policy}"


class PolicyAlertSetting(models.Model):
    """Whether an enterprise user wants a message when a policy fits, and the weekly digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="policy_alerts"
    )
    new_policy_messages = models.BooleanField(_("message me when a new policy fits"), default=True)
    weekly_digest = models.BooleanField(_("weekly digest of the policies that fit"), default=True)
    last_digest_at = models.DateTimeField(_("last digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("policy alert setting")
        verbose_name_plural = _("policy alert settings")

    def __str__(self):
        return str(self.user)
