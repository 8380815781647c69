from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from services.models import PriceMode, PriceUnit, price_text
from smeportal.uploads import private_storage


class OrderStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting acceptance")
    IN_SERVICE = "in_service", _("In service")
    COMPLETED = "completed", _("Completed")
    CHECKED = "checked", _("Accepted as done")
    CANCELLED = "cancelled", _("Cancelled")
    DECLINED = "declined", pgettext_lazy("order status", "Declined")
    EXPIRED = "expired", _("Expired")


TERMINAL_STATUSES = [OrderStatus.CANCELLED, OrderStatus.DECLINED, OrderStatus.EXPIRED]


class Party(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    INSTITUTION = "institution", _("Service institution")


class OrderEvent(models.TextChoices):
    PLACED = "placed", _("Applied for the service")
    UPDATED = "updated", _("Modified the order")
    ACCEPTED = "accepted", _("Accepted the order")
    DECLINED = "declined", _("Declined the order")
    CANCELLED = "cancelled", _("Cancelled the order")
    EXPIRED = "expired", _("Expired: not accepted in time")
    FINISHED = "finished", _("Confirmed the service completed")
    NOT_COMPLETED = "not_completed", _("Said the service is not completed")
    CANCEL_REQUESTED = "cancel_requested", _("Asked to cancel")
    CANCEL_AGREED = "cancel_agreed", _("Agreed to cancel")
    CANCEL_REFUSED = "cancel_refused", _("Refused to cancel")
    CANCEL_SETTLED = "cancel_settled", _("Cancelled: the request was not answered in time")
    CHECKED = "checked", _("Accepted the completed service")
    AUTO_CHECKED = "auto_checked", _("Accepted automatically: no answer in time")
    CHECK_REJECTED = "check_rejected", _("Did not accept the completed service")
    FORCE_CANCELLED = "force_cancelled", _("Cancelled by an administrator")
    AWARDED = "awarded", _("Created from the winning bid on a demand")
    DELETED = "deleted", _("Deleted from the enterprise's lists")


class OrderQuerySet(models.QuerySet):
    def for_enterprise(self, organisation):
        """The enterprise's own orders, without those it deleted (hid) from its lists."""
        return self.filter(enterprise=organisation, hidden_by_enterprise=False)

    def for_institution(self, organisation):
        return self.filter(institution=organisation)


class Order(FSMModelMixin, models.Model):
    """A service order (订单), from 【我要申请】 to 已验收.

    The service's title and price are copied when the order is placed, so later
    edits of the service do not change what was ordered.
    """

    number = models.CharField(_("order number"), max_length=20, unique=True)
    enterprise = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="orders_placed"
    )
    institution = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("service institution"),
        on_delete=models.PROTECT,
        related_name="orders_received",
    )
    # Empty for an order created from a won bid on a demand (demands.Demand.order).
    service = models.ForeignKey(
        "services.Service",
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        related_name="orders",
        null=True,
        blank=True,
    )
    window = models.ForeignKey(
        "windows.Window", verbose_name=_("window"), on_delete=models.PROTECT, related_name="orders"
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("placed by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = FSMField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.SUBMITTED, protected=True
    )

    service_title = models.CharField(_("service name"), max_length=100)
    price_mode = models.CharField(_("pricing"), max_length=20, choices=PriceMode.choices)
    price = models.DecimalField(_("price (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    price_unit = models.CharField(_("price unit"), max_length=20, choices=PriceUnit.choices, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    requirements = models.TextField(_("requirements"), blank=True)

    # A cancellation asked for by one side while in service, until the other answers.
    cancel_requested_by = models.CharField(_("cancellation asked by"), max_length=20, choices=Party.choices, blank=True)
    cancel_request_reason = models.TextField(_("reason for cancellation"), blank=True)
    cancel_requested_at = models.DateTimeField(_("cancellation asked at"), null=True, blank=True)

    # 服务券 (issue 16): the voucher that pays part of the order, held while it runs,
    # redeemed at 已验收 and released when it ends otherwise (orders.actions._voucher_follows).
    voucher = models.ForeignKey(
        "vouchers.Voucher",
        verbose_name=_("service voucher"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    voucher_amount = models.DecimalField(
        _("paid by voucher (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    hidden_by_enterprise = models.BooleanField(_("deleted by the enterprise"), default=False)
    # Set while a complaint on the order is open (orders.actions.order_pause_timers).
    timers_paused = models.BooleanField(_("timers paused"), default=False)
    # When the last pause ended: every deadline then runs again in full from this time.
    timers_resumed_at = models.DateTimeField(_("timers resumed at"), null=True, blank=True)

    created_at = models.DateTimeField(_("placed at"), auto_now_add=True, db_index=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("service order")
        verbose_name_plural = _("service orders")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["enterprise", "status", "-created_at"], name="order_enterprise_idx"),
            # 我申请的订单 (all states, without the deleted ones), newest first.
            models.Index(
                fields=["enterprise", "-created_at"],
                condition=models.Q(hidden_by_enterprise=False),
                name="order_enterprise_visible_idx",
            ),
            models.Index(fields=["institution", "-created_at"], name="order_institution_recent_idx"),
            models.Index(fields=["institution", "status", "-created_at"], name="order_institution_idx"),
            models.Index(fields=["status", "created_at"], name="order_status_created_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.service_title}"

    def get_absolute_url(self):
        return reverse("orders:detail", args=[self.pk])

    @property
    def total(self):
        """The order's price times its quantity; None when the price is negotiated."""
        return None if self.price is None else self.price * self.quantity

    @property
    def to_pay(self):
        """What the enterprise pays after the voucher; None when the price is negotiated."""
        if self.total is None:
            return None
        return max(self.total - (self.voucher_amount or 0), 0)

    @property
    def price_display(self) -> str:
        # A bid's quote is a total: it has no unit, only yuan.
        return price_text(self.price_mode, self.price, self.get_price_unit_display() or _("yuan"))

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES

    # Transitions only move the state; orders.actions does the rest.
    @transition(field=status, source=OrderStatus.SUBMITTED, target=OrderStatus.IN_SERVICE)
    def accept(self):
        pass

    @transition(field=status, source=OrderStatus.SUBMITTED, target=OrderStatus.DECLINED)
    def decline(self):
        pass

    @transition(field=status, source=OrderStatus.SUBMITTED, target=OrderStatus.CANCELLED)
    def cancel(self):
        pass

    @transition(field=status, source=OrderStatus.SUBMITTED, target=OrderStatus.EXPIRED)
    def expire(self):
        pass

    @transition(field=status, source=OrderStatus.IN_SERVICE, target=OrderStatus.COMPLETED)
    def finish(self):
        pass

    @transition(field=status, source=OrderStatus.IN_SERVICE, target=OrderStatus.CANCELLED)
    def cancel_by_agreement(self):
        pass

    @transition(field=status, source=OrderStatus.COMPLETED, target=OrderStatus.CHECKED)
    def pass_check(self):
        pass

    @transition(field=status, source=OrderStatus.COMPLETED, target=OrderStatus.IN_SERVICE)
    def reject_check(self):
        pass

    @transition(
        field=status,
        source=[OrderStatus.SUBMITTED, OrderStatus.IN_SERVICE, OrderStatus.COMPLETED],
        target=OrderStatus.CANCELLED,
    )
    def force_cancel(self):
        pass


class OrderAttachment(models.Model):
    """附件 of an order: private to the two parties and staff."""

    order = models.ForeignKey(
        Order, verbose_name=_("service order"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to="orders/attachments/")
    original_name = models.CharField(_("file name"), max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("order attachment")
        verbose_name_plural = _("order attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name


class OrderLog(models.Model):
    """The order's timeline: every transition and event, who, when, why. Actor None = the system."""

    order = models.ForeignKey(Order, verbose_name=_("service order"), on_delete=models.CASCADE, related_name="logs")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("operator"), on_delete=models.SET_NULL, null=True, blank=True
    )
    event = models.CharField(_("event"), max_length=40, choices=OrderEvent.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=OrderStatus.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("order log")
        verbose_name_plural = _("order logs")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.order.number}: {self.event}"


class OrderNumberCounter(models.Model):
    """Today's last order number (YC20261126 0001, 0002, ...), locked while one is taken."""

    day = models.DateField(_("day"), unique=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("order number counter")
        verbose_name_plural = _("order number counters")

    def __str__(self):
        return f"{self.day}: {self.last}"
