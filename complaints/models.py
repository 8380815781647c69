from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from orders.models import OrderStatus
from smeportal.uploads import private_storage


class ComplaintStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting handling")
    RESPONDED = "responded", _("Institution replied")
    PROCESSING = "processing", _("Being handled")
    CLOSED = "closed", pgettext_lazy("complaint status", "Closed")
    WITHDRAWN = "withdrawn", pgettext_lazy("complaint status", "Withdrawn")


OPEN_STATUSES = [ComplaintStatus.SUBMITTED, ComplaintStatus.RESPONDED, ComplaintStatus.PROCESSING]


class ComplaintResult(models.TextChoices):
    UPHELD = "upheld", _("Complaint upheld")
    REJECTED = "rejected", _("Complaint not upheld")


class ComplaintType(models.TextChoices):
    QUALITY = "quality", _("Poor service quality")
    ATTITUDE = "attitude", _("Poor service attitude")
    DELAY = "delay", _("Not done on time")
    NOT_AS_AGREED = "not_as_agreed", _("Not done as agreed")
    FEES = "fees", _("Unreasonable fees")
    OTHER = "other", pgettext_lazy("complaint type", "Other")


class ComplaintEvent(models.TextChoices):
    FILED = "filed", _("Filed the complaint")
    REPLIED = "replied", _("Replied to the complaint")
    TAKEN_UP = "taken_up", _("Took up the complaint")
    ESCALATED = "escalated", _("Escalated: the institution did not reply in time")
    CLOSED = "closed", _("Closed the complaint")
    WITHDRAWN = "withdrawn", _("Withdrew the complaint")


class ComplaintQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def for_enterprise(self, organisation):
        return self.filter(order__enterprise=organisation)

    def for_institution(self, organisation):
        return self.filter(order__institution=organisation)

    def overdue(self, now=None):
        """Open complaints the institution has not answered by the reply deadline."""
        return self.open().filter(replied_at__isnull=True, reply_due_at__lt=now or timezone.now())


class Complaint(FSMModelMixin, models.Model):
    """A complaint (投诉) of the enterprise about one of its orders.

    Supervision reads status, result, closed_at and order.institution / order.window.
    """

    order = models.ForeignKey(
        "orders.Order", verbose_name=_("service order"), on_delete=models.PROTECT, related_name="complaints"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = FSMField(
        _("status"),
        max_length=20,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.SUBMITTED,
        protected=True,
        db_index=True,
    )
    order_status = models.CharField(
        _("order status when filed"), max_length=20, choices=OrderStatus.choices, blank=True
    )
    complaint_type = models.CharField(_("type of complaint"), max_length=20, choices=ComplaintType.choices)
    reason = models.TextField(_("reason for the complaint"))

    reply = models.TextField(_("reply"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    reply_due_at = models.DateTimeField(_("reply due by"), db_index=True)
    escalated = models.BooleanField(_("escalated"), default=False)

    taken_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    taken_up_at = models.DateTimeField(_("taken up at"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=20, choices=ComplaintResult.choices, blank=True, db_index=True)
    handling = models.TextField(_("handling opinion"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, db_index=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    created_at = models.DateTimeField(_("filed at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open complaint per order, even when two are filed at once.
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(status__in=["submitted", "responded", "processing"]),
                name="complaint_one_open_per_order",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="complaint_status_created_idx")]

    def __str__(self):
        return f"{self.number} {self.order.service_title}" if self.order_id else self.number

    def get_absolute_url(self):
        return reverse("complaints:detail", args=[self.pk])

    @property
    def number(self) -> str:
        return f"TS{self.pk:06d}" if self.pk else ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.replied_at is None and self.reply_due_at < timezone.now()

    # Transitions only move the state; complaints.actions does the rest.
    @transition(field=status, source=ComplaintStatus.SUBMITTED, target=ComplaintStatus.RESPONDED)
    def respond(self):
        pass

    @transition(
        field=status, source=[ComplaintStatus.SUBMITTED, ComplaintStatus.RESPONDED], target=ComplaintStatus.PROCESSING
    )
    def take_up(self):
        pass

    @transition(field=status, source=ComplaintStatus.SUBMITTED, target=ComplaintStatus.PROCESSING)
    def escalate(self):
        pass

    @transition(field=status, source=ComplaintStatus.PROCESSING, target=ComplaintStatus.CLOSED)
    def close(self):
        pass

    @transition(
        field=status, source=[ComplaintStatus.SUBMITTED, ComplaintStatus.RESPONDED], target=ComplaintStatus.WITHDRAWN
    )
    def withdraw(self):
        pass


class ComplaintPhoto(models.Model):
    """相关照片 of a complaint (up to 5), re-encoded on upload, served only to the parties and staff."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("photo"), storage=private_storage, upload_to="complaints/photos/")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("complaint photo")
        verbose_name_plural = _("complaint photos")
        ordering = ["pk"]

    def __str__(self):
        return self.file.name


class ComplaintAttachment(models.Model):
    """An attachment of the institution's reply."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to="complaints/attachments/")
    original_name = models.CharField(_("file name"), max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("complaint attachment")
        verbose_name_plural = _("complaint attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name


class ComplaintLog(models.Model):
    """The handling record: every step, who, when, from and to, and the text. Actor None = the system."""

    complaint = models.ForeignKey(Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="logs")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("operator"), on_delete=models.SET_NULL, null=True, blank=True
    )
    event = models.CharField(_("event"), max_length=20, choices=ComplaintEvent.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=ComplaintStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ComplaintStatus.choices, blank=True)
    reason = models.TextField(_("text"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("complaint log")
        verbose_name_plural = _("complaint logs")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.complaint.number}: {self.event}"
