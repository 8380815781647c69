"""服务券 (issue 16): a window's voucher programme and the vouchers it issues.

The app sits above services and certification (a programme names eligible service
categories and districts) and below orders, whose actions will hold and redeem a
voucher when an order uses one.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
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
    share_percent = models.PositiveSmallIntegerField(
        _("share of the order price (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "Leave empty and a voucher pays its face value (at most the order's total). With a share, it pays "
            "this share of the order's total, at most its face value; services priced by negotiation cannot use it."
        ),
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
    eligible_industries = models.JSONField(
        _("eligible industries"),
        default=list,
        blank=True,
        help_text=_("GB/T 4754 sections of the enterprise's certification. Leave empty for every industry."),
    )
    eligible_scales = models.JSONField(
        _("eligible enterprise scales"),
        default=list,
        blank=True,
        help_text=_("Leave empty for every scale."),
    )
    exclude_related_institutions = models.BooleanField(
        _("exclude related institutions"),
        default=True,
        help_text=_(
            "Refuse a voucher on an order with an institution that shares the enterprise's credit code "
            "(主体标识码), legal representative, registered address or contact phone."
        ),
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

    def industry_eligible(self, industry: str) -> bool:
        return not self.eligible_industries or industry in self.eligible_industries

    def scale_eligible(self, scale: str) -> bool:
        return not self.eligible_scales or scale in self.eligible_scales

    def pays_for(self, face_value: Decimal, total: Decimal | None) -> Decimal | None:
        """What a voucher of this face value pays on an order of this total.

        None when it cannot pay: a share of a price that is negotiated has no amount.
        """
        if self.share_percent is None:
            return face_value if total is None else min(face_value, total)
        if total is None:
            return None
        share = (total * self.share_percent / Decimal(100)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return min(face_value, share)

    @property
    def terms(self) -> str:
        """How a voucher pays, in a few words: "¥500" or "50%，最高 ¥500"."""
        if self.share_percent is None:
            return f"¥{self.face_value}"
        return _("%(share)s%% of the price, at most ¥%(cap)s") % {"share": self.share_percent, "cap": self.face_value}

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
    # What the order that redeemed it was paid; the rest of `amount` went back to the budget.
    used_amount = models.DecimalField(_("amount used (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True)
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
