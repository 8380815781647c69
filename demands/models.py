"""Demands (服务需求) that enterprises publish and institutions bid on.

Two state machines (workflows.md, "Demand and bidding"):

    Demand: 待审核 → 投标中 (审核通过) | 已驳回 (驳回) → 待审核 (修改 → 提请审核)
            投标中 → 已中标 (选为中标单位) | 已流标 (流标; no bids at the deadline) | 已废标 (废标)
            投标中 → 中标公示中 (选为中标单位, the window's award_publicity on)
                   → 已中标 (the period ended, no open objection) | 投标中 (an objection upheld)
    Bid:    已投标 → 中标 | 未中标 (on award) | 已撤回 (by the institution) | 已作废 (demand failed/voided)
            已投标 → 中标已撤销 (the award was annulled on an upheld objection; never chosen again)
    Objection (异议): 待处理 → 异议成立 | 异议不成立 (window administrators) | 已终止 (another was upheld)

The transitions only move the state; demands.actions does the checks, logs and notices.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from smeportal.uploads import private_storage


class DemandStatus(models.TextChoices):
    PENDING_REVIEW = "pending_review", _("Pending review")
    RETURNED = "returned", pgettext_lazy("demand status", "Returned")
    BIDDING = "bidding", _("Open for bids")
    PUBLICITY = "publicity", _("Award publicity")
    AWARDED = "awarded", _("Awarded")
    FAILED = "failed", pgettext_lazy("demand status", "No winner")
    VOIDED = "voided", _("Voided")


# 【修改】 and 【删除】: only before approval (审核通过以后的需求是不能被修改/删除的).
EDITABLE_STATUSES = [DemandStatus.PENDING_REVIEW, DemandStatus.RETURNED]
CLOSED_STATUSES = [DemandStatus.AWARDED, DemandStatus.FAILED, DemandStatus.VOIDED]


class BudgetMode(models.TextChoices):
    RANGE = "range", _("Budget range")
    NEGOTIABLE = "negotiable", _("Negotiable")


class DemandEvent(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted for review")
    MODIFIED = "modified", _("Modified the demand")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for changes")
    AWARDED = "awarded", _("Chose the winning bid")
    FAILED = "failed", _("Declared no winner")
    AUTO_FAILED = "auto_failed", _("No winner: no bids by the deadline")
    VOIDED = "voided", _("Voided")
    REMINDED = "reminded", _("Reminded to choose a bid")
    ANSWERED = "answered", _("Answered a question")
    CLARIFIED = "clarified", _("Published a clarification")
    PUBLICITY_OPENED = "publicity_opened", _("Chose the winning bid: award publicity opened")
    OBJECTED = "objected", _("Raised an objection")
    OBJECTION_UPHELD = "objection_upheld", _("Objection upheld: award annulled")
    OBJECTION_REJECTED = "objection_rejected", _("Objection rejected")
    PUBLICITY_ENDED = "publicity_ended", _("Award publicity ended: order made")


class Demand(FSMModelMixin, models.Model):
    enterprise = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="demands"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField(_("demand title"), max_length=100)
    category = models.ForeignKey(
        "services.ServiceCategory", verbose_name=_("service category"), on_delete=models.PROTECT, related_name="+"
    )
    window = models.ForeignKey(
        "windows.Window", verbose_name=_("window"), on_delete=models.PROTECT, related_name="demands"
    )
    budget_mode = models.CharField(_("budget"), max_length=20, choices=BudgetMode.choices, default=BudgetMode.RANGE)
    budget_min = models.DecimalField(
        _("budget from (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    budget_max = models.DecimalField(
        _("budget up to (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    description = models.TextField(_("demand description"))
    bid_deadline = models.DateTimeField(_("bid deadline"))
    expected_finish = models.DateField(_("expected completion"))
    # Shown to the winning institution only.
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact details"), max_length=50)

    status = FSMField(
        _("status"), max_length=20, choices=DemandStatus.choices, default=DemandStatus.PENDING_REVIEW, protected=True
    )
    review_reason = models.TextField(_("reason for return"), blank=True)
    close_reason = models.TextField(_("reason"), blank=True)
    winning_bid = models.OneToOneField(
        "Bid", verbose_name=_("winning bid"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    order = models.OneToOneField(
        "orders.Order",
        verbose_name=_("service order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demand",
    )
    reminded_at = models.DateTimeField(_("reminded to choose at"), null=True, blank=True)
    # 中标公示: while the demand is in publicity, winning_bid is the chosen bid (still
    # 已投标) and this is when the period ends; cleared when an objection is upheld.
    publicity_ends_at = models.DateTimeField(_("publicity period ends at"), null=True, blank=True)
    # 需求大厅's keyword index (smeportal/search.py): title, description, category and
    # enterprise name as unigrams and bigrams; written by demands.actions on PostgreSQL.
    search_vector = SearchVectorField(_("search index"), null=True, blank=True, editable=False)

    created_at = models.DateTimeField(_("published at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("service demand")
        verbose_name_plural = _("service demands")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # 需求大厅: open demands, newest first.
            models.Index(fields=["status", "-approved_at"], name="demand_hall_idx"),
            models.Index(fields=["status", "bid_deadline"], name="demand_deadline_idx"),
            # 我发布的需求.
            models.Index(fields=["enterprise", "-created_at"], name="demand_enterprise_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget_min__isnull=True)
                | models.Q(budget_max__isnull=True)
                | models.Q(budget_min__lte=models.F("budget_max")),
                name="demand_budget_range_ordered",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("demands:detail", args=[self.pk])

    @property
    def budget_display(self) -> str:
        if self.budget_mode == BudgetMode.NEGOTIABLE or (self.budget_min is None and self.budget_max is None):
            return str(BudgetMode.NEGOTIABLE.label)
        low, high = (_amount(v) for v in (self.budget_min, self.budget_max))
        if low and high:
            return f"{low} – {high} " + str(_("yuan"))
        if high:
            return str(_("up to %(amount)s yuan") % {"amount": high})
        return str(_("from %(amount)s yuan") % {"amount": low})

    @property
    def deadline_passed(self) -> bool:
        return self.bid_deadline <= timezone.now()

    @property
    def is_open_for_bids(self) -> bool:
        return self.status == DemandStatus.BIDDING and not self.deadline_passed

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @transition(field=status, source=DemandStatus.PENDING_REVIEW, target=DemandStatus.BIDDING)
    def approve(self):
        pass

    @transition(field=status, source=DemandStatus.PENDING_REVIEW, target=DemandStatus.RETURNED)
    def return_for_changes(self):
        pass

    @transition(field=status, source=DemandStatus.RETURNED, target=DemandStatus.PENDING_REVIEW)
    def resubmit(self):
        pass

    @transition(field=status, source=[DemandStatus.BIDDING, DemandStatus.PUBLICITY], target=DemandStatus.AWARDED)
    def award(self):
        pass

    @transition(field=status, source=DemandStatus.BIDDING, target=DemandStatus.PUBLICITY)
    def open_publicity(self):
        pass

    @transition(field=status, source=DemandStatus.PUBLICITY, target=DemandStatus.BIDDING)
    def annul_award(self):
        pass

    @transition(field=status, source=DemandStatus.BIDDING, target=DemandStatus.FAILED)
    def fail(self):
        pass

    @transition(field=status, source=DemandStatus.BIDDING, target=DemandStatus.VOIDED)
    def void(self):
        pass


def _amount(value):
    if value is None:
        return ""
    return format(value.quantize(1) if value == value.to_integral() else value, "f")


class DemandAttachment(models.Model):
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="demands/%Y/%m/", storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=120)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name


class DemandLog(models.Model):
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="logs")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    event = models.CharField(_("event"), max_length=20, choices=DemandEvent.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=DemandStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=DemandStatus.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("demand log")
        verbose_name_plural = _("demand logs")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.demand_id} {self.event}"


class BidStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Bid submitted")
    WON = "won", _("Won")
    LOST = "lost", _("Not won")
    WITHDRAWN = "withdrawn", pgettext_lazy("bid status", "Withdrawn")
    VOID = "void", pgettext_lazy("bid status", "Void")
    ANNULLED = "annulled", _("Award annulled")


LIVE_BID_STATUSES = [BidStatus.SUBMITTED, BidStatus.WON]


class Bid(FSMModelMixin, models.Model):
    demand = models.ForeignKey(Demand, verbose_name=_("demand"), on_delete=models.CASCADE, related_name="bids")
    institution = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("service institution"), on_delete=models.PROTECT, related_name="bids"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    price = models.DecimalField(
        _("quoted price (yuan)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    proposal = models.TextField(_("service proposal"))
    duration_days = models.PositiveIntegerField(_("estimated duration (days)"), validators=[MinValueValidator(1)])
    status = FSMField(
        _("status"), max_length=20, choices=BidStatus.choices, default=BidStatus.SUBMITTED, protected=True
    )
    created_at = models.DateTimeField(_("bid at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["institution", "-created_at"], name="bid_institution_idx")]
        constraints = [
            # One live bid per institution per demand (a withdrawn one may be followed by a new one).
            models.UniqueConstraint(
                fields=["demand", "institution"],
                condition=models.Q(status__in=["submitted", "won"]),
                name="one_live_bid_per_institution",
            ),
            # Exactly one winner per demand, ever: the database refuses a second one.
            models.UniqueConstraint(fields=["demand"], condition=models.Q(status="won"), name="one_winning_bid"),
        ]

    def __str__(self):
        return f"{self.institution} → {self.demand}"

    @property
    def price_display(self) -> str:
        return f"{_amount(self.price)} " + str(_("yuan"))

    @transition(field=status, source=BidStatus.SUBMITTED, target=BidStatus.WON)
    def win(self):
        pass

    @transition(field=status, source=BidStatus.SUBMITTED, target=BidStatus.LOST)
    def lose(self):
        pass

    @transition(field=status, source=BidStatus.SUBMITTED, target=BidStatus.WITHDRAWN)
    def withdraw(self):
        pass

    @transition(field=status, source=BidStatus.SUBMITTED, target=BidStatus.VOID)
    def make_void(self):
        pass

    @transition(field=status, source=BidStatus.SUBMITTED, target=BidStatus.ANNULLED)
    def annul(self):
        pass


class BidAttachment(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="bids/%Y/%m/", storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=120)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name


class DemandQuestion(models.Model):
    """答疑: an institution's question on an open demand and the enterprise's answer.

    Both are public on the demand's page; who asked is kept for the administrators
    only (as in public procurement, no bidder learns who else is interested).
    """

    demand = models.ForeignKey(Demand, verbose_name=_("demand"), on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="+"
    )
    asked_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by (user)"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    question = models.TextField(_("question"), max_length=1000)
    answer = models.TextField(_("answer"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answered by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("demand question")
        verbose_name_plural = _("demand questions")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["demand", "created_at"], name="demand_question_idx")]

    def __str__(self):
        return self.question[:30]


class DemandClarification(models.Model):
    """补充说明: the enterprise's public addition to an open demand."""

    demand = models.ForeignKey(
        Demand, verbose_name=_("demand"), on_delete=models.CASCADE, related_name="clarifications"
    )
    text = models.TextField(_("clarification"), max_length=2000)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("clarification")
        verbose_name_plural = _("clarifications")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:30]


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Pending decision")
    UPHELD = "upheld", _("Objection upheld")
    REJECTED = "rejected", _("Objection rejected")
    CLOSED = "closed", _("Closed: the award was annulled on another objection")


class DemandObjection(FSMModelMixin, models.Model):
    """异议: another bidder's objection to the winner in 中标公示, decided by the window's administrators."""

    demand = models.ForeignKey(Demand, verbose_name=_("demand"), on_delete=models.CASCADE, related_name="objections")
    bid = models.ForeignKey(
        Bid, verbose_name=_("contested winning bid"), on_delete=models.PROTECT, related_name="objections"
    )
    objector = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("objector"), on_delete=models.PROTECT, related_name="+"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("raised by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(_("reason for the objection"), max_length=2000)
    status = FSMField(
        _("status"), max_length=20, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN, protected=True
    )
    decision = models.TextField(_("decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("award objection")
        verbose_name_plural = _("award objections")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["demand", "status"], name="objection_demand_status_idx")]
        constraints = [
            # One objection per bidder against one award (an upheld one annuls it; a new award may be contested anew).
            models.UniqueConstraint(fields=["bid", "objector"], name="one_objection_per_bidder_and_award"),
        ]

    def __str__(self):
        return f"{self.objector} → {self.demand}"

    @transition(field=status, source=ObjectionStatus.OPEN, target=ObjectionStatus.UPHELD)
    def uphold(self):
        pass

    @transition(field=status, source=ObjectionStatus.OPEN, target=ObjectionStatus.REJECTED)
    def reject(self):
        pass

    @transition(field=status, source=ObjectionStatus.OPEN, target=ObjectionStatus.CLOSED)
    def close(self):
        pass


class DemandObjectionAttachment(models.Model):
    objection = models.ForeignKey(DemandObjection, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="objections/%Y/%m/", storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=120)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name
