"""兑付 (issue 16): an institution's claim to be paid the voucher part of an accepted order.

Above orders, reviews and complaints (its redemption pack gathers the order, its
timeline, both reviews and the voucher), below supervision (the 服务券 dashboard).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from smeportal.uploads import private_storage


class ReimbursementStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting review")
    RETURNED = "returned", _("Returned for correction")
    APPROVED = "approved", _("Approved, awaiting payment")
    PAID = "paid", _("Paid")


class CollusionFlag(models.TextChoices):
    """Why an order paid with a voucher needs a second look before the money goes out."""

    CREDIT_CODE = "credit_code", _("Same legal entity (主体标识码 of the credit code)")
    LEGAL_REPRESENTATIVE = "legal_representative", _("Same legal representative")
    PHONE = "phone", _("Same contact phone")
    ADDRESS = "address", _("Same registered address")
    EMAIL_DOMAIN = "email_domain", _("Same e-mail domain")
    SINGLE_INSTITUTION = "single_institution", _("All the enterprise's vouchers went to this institution")


class Reimbursement(FSMModelMixin, models.Model):
    """兑付申请: one per order paid with a voucher, resubmitted in place after 退回."""

    order = models.OneToOneField(
        "orders.Order", verbose_name=_("service order"), on_delete=models.PROTECT, related_name="reimbursement"
    )
    voucher = models.ForeignKey(
        "vouchers.Voucher", verbose_name=_("service voucher"), on_delete=models.PROTECT, related_name="reimbursements"
    )
    institution = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("service institution"),
        on_delete=models.PROTECT,
        related_name="reimbursements",
    )
    # The programme's window: its administrators check and pay the claim.
    window = models.ForeignKey(
        "windows.Window", verbose_name=_("window platform"), on_delete=models.PROTECT, related_name="reimbursements"
    )
    amount = models.DecimalField(_("amount to reimburse (yuan)"), max_digits=10, decimal_places=2)
    invoice_number = models.CharField(_("invoice number"), max_length=40)
    invoice = models.FileField(_("invoice"), storage=private_storage, upload_to="reimbursements/invoices/")
    invoice_name = models.CharField(_("invoice file name"), max_length=120)
    status = FSMField(
        _("status"),
        max_length=20,
        choices=ReimbursementStatus.choices,
        default=ReimbursementStatus.SUBMITTED,
        protected=True,
    )
    flags = models.JSONField(_("collusion signals"), default=list, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    paid_note = models.TextField(_("payment note"), blank=True)
    # 兑付材料: written when the claim is approved and kept with it.
    pack = models.FileField(
        _("redemption pack (PDF)"), storage=private_storage, upload_to="reimbursements/packs/", blank=True
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reimbursement request")
        verbose_name_plural = _("reimbursement requests")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["institution", "status"]), models.Index(fields=["window", "status"])]

    def __str__(self):
        return self.order.number

    @property
    def flagged(self) -> bool:
        return bool(self.flags)

    def flag_labels(self) -> list[str]:
        return [str(CollusionFlag(code).label) for code in self.flags if code in CollusionFlag.values]

    @transition(field=status, source=ReimbursementStatus.RETURNED, target=ReimbursementStatus.SUBMITTED)
    def resubmit(self):
        pass

    @transition(field=status, source=ReimbursementStatus.SUBMITTED, target=ReimbursementStatus.APPROVED)
    def approve(self):
        pass

    @transition(field=status, source=ReimbursementStatus.SUBMITTED, target=ReimbursementStatus.RETURNED)
    def send_back(self):
        pass

    @transition(field=status, source=ReimbursementStatus.APPROVED, target=ReimbursementStatus.PAID)
    def mark_paid(self):
        pass


class ReimbursementLog(models.Model):
    reimbursement = models.ForeignKey(
        Reimbursement, verbose_name=_("reimbursement request"), on_delete=models.CASCADE, related_name="logs"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), on_delete=models.PROTECT, null=True, blank=True
    )
    from_status = models.CharField(_("from"), max_length=20, choices=ReimbursementStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ReimbursementStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("reimbursement log")
        verbose_name_plural = _("reimbursement logs")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.reimbursement} {self.from_status} → {self.to_status}"
