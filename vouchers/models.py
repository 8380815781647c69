"""服务券 (issue 16): a window's voucher programme and the vouchers it issues.

The app sits above services and certification (a programme names eligible service
categories and districts) and below orders, whose actions will hold and redeem a
voucher when an order uses one.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition


class VoucherProgramme(models.Model):
    """A yearly budget of one window (or the hub) that issues vouchers of one face value."""

    window = models.ForeignKey(
        "windows.Window", verbose_name=_("window platform"), on_delete=models.PROTECT, related_name="voucher_programmes"
    )
    name = models.CharField(_("programme name"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    budget = models.DecimalField(
        _("total budget (yuan)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    face_value = models.DecimalField(
        _("face value (yuan)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    cap_per_enterprise = models.DecimalField(
        _("cap per enterprise (yuan)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("The most one enterprise may hold in vouchers of this programme, expired ones not counted."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    eligible_categories = models.ManyToManyField(
        "services.ServiceCategory",
        verbose_name=_("eligible service categories"),
        blank=True,
        help_text=_("Leave empty for every category."),
    )
    eligible_districts = models.JSONField(
        _("eligible districts"),
        default=list,
        blank=True,
        help_text=_("Leave empty for every district."),
    )
    open_for_applications = models.BooleanField(
        _("open for applications"), default=False, help_text=_("Enterprises may apply (申领) for vouchers themselves.")
    )
    # Kept by the issuing action under the programme's row lock: what issued vouchers
    # that have not expired take from the budget. Never above `budget`.
    reserved = models.DecimalField(_("reserved"), max_digits=12, decimal_places=2, default=Decimal("0"))
    issued_count = models.PositiveIntegerField(_("vouchers issued"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("voucher programme")
        verbose_name_plural = _("voucher programmes")
        ordering = ["-year", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(reserved__lte=models.F("budget")), name="voucher_budget_not_overspent"),
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("valid_from")), name="voucher_validity_order"),
        ]

    def __str__(self):
        return f"{self.name}（{self.year}）"

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.reserved

    def district_eligible(self, district: str) -> bool:
        return not self.eligible_districts or district in self.eligible_districts

    def category_eligible(self, category) -> bool:
        """A programme naming a top-level category pays for its subcategories too."""
        eligible = {c.pk for c in self.eligible_categories.all()}
        return not eligible or (category is not None and bool({category.pk, category.parent_id} & eligible))


class VoucherStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    HELD = "held", _("Held by an order")
    REDEEMED = "redeemed", _("Redeemed")
    EXPIRED = "expired", _("Expired")


class Voucher(FSMModelMixin, models.Model):
    """One voucher: a number, an amount, an owner that can never change, an expiry."""

    number = models.CharField(_("voucher number"), max_length=20, unique=True)
    programme = models.ForeignKey(
        VoucherProgramme, verbose_name=_("voucher programme"), on_delete=models.PROTECT, related_name="vouchers"
    )
    owner = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="vouchers"
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    status = FSMField(
        _("status"), max_length=20, choices=VoucherStatus.choices, default=VoucherStatus.AVAILABLE, protected=True
    )
    expires_on = models.DateField(_("expires on"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service voucher")
        verbose_name_plural = _("service vouchers")
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["owner", "status"])]

    def __str__(self):
        return self.number

    @transition(field=status, source=VoucherStatus.AVAILABLE, target=VoucherStatus.HELD)
    def hold(self):
        pass

    @transition(field=status, source=VoucherStatus.HELD, target=VoucherStatus.AVAILABLE)
    def release(self):
        pass

    @transition(field=status, source=VoucherStatus.HELD, target=VoucherStatus.REDEEMED)
    def redeem(self):
        pass

    @transition(field=status, source=VoucherStatus.AVAILABLE, target=VoucherStatus.EXPIRED)
    def expire(self):
        pass


class VoucherLog(models.Model):
    voucher = models.ForeignKey(
        Voucher, verbose_name=_("service voucher"), on_delete=models.CASCADE, related_name="logs"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), on_delete=models.PROTECT, null=True, blank=True
    )
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("voucher log")
        verbose_name_plural = _("voucher logs")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.voucher} {self.from_status} → {self.to_status}"
