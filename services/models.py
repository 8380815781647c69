from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from smeportal.uploads import private_storage

MAX_IMAGES = 5


class CategoryQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_visible=True)

    def top_level(self):
        return self.filter(parent__isnull=True)


class ServiceCategory(models.Model):
    """服务类别: two levels, the top one being the standard fields of SME public service."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    domain = models.ForeignKey(
        "certification.ServiceDomain",
        verbose_name=_("service domain"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Top-level categories only: the service domain institutions certify for."),
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_visible = models.BooleanField(_("shown"), default=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return f"{self.parent.name} / {self.name}" if self.parent_id and self.parent else self.name


class PriceMode(models.TextChoices):
    NEGOTIABLE = "negotiable", _("Negotiable")
    FIXED = "fixed", _("Fixed price")


class PriceUnit(models.TextChoices):
    PER_TIME = "time", _("yuan per time")
    PER_PERSON_DAY = "person_day", _("yuan per person-day")
    PER_ITEM = "item", _("yuan per item")
    PER_MONTH = "month", _("yuan per month")
    PER_YEAR = "year", _("yuan per year")
    PER_HOUR = "hour", _("yuan per hour")
    PER_PERSON = "person", _("yuan per person")


def price_text(price_mode, price, unit_label) -> str:
    """面议, or the amount with its unit: 800 元/次 (services and the orders that copy them)."""
    if price_mode == PriceMode.NEGOTIABLE or price is None:
        return str(PriceMode.NEGOTIABLE.label)
    amount = format(price.quantize(1) if price == price.to_integral() else price, "f")
    return f"{amount} {unit_label}"


class ServiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending review")
    LISTED = "listed", _("Listed")
    REJECTED = "rejected", _("Rejected")
    DELISTED = "delisted", _("Delisted")
    SUPERSEDED = "superseded", _("Replaced by a newer version")


EDITABLE_STATUSES = [ServiceStatus.DRAFT, ServiceStatus.REJECTED, ServiceStatus.DELISTED]


class ServiceQuerySet(models.QuerySet):
    def listed(self):
        return self.filter(status=ServiceStatus.LISTED)


class Service(FSMModelMixin, models.Model):
    """A service an institution offers (服务产品).

    Editing a listed service makes a new version (`replaces` points at the listed
    one); the listed version stays public until the new one is approved, then it
    is superseded and its page redirects to the new one.
    """

    institution = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("service institution"),
        on_delete=models.PROTECT,
        related_name="services",
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("replaces version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
    )
    status = FSMField(
        _("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.DRAFT, protected=True
    )
    title = models.CharField(_("service name"), max_length=100)
    category = models.ForeignKey(
        ServiceCategory, verbose_name=_("service category"), on_delete=models.PROTECT, related_name="services"
    )
    windows = models.ManyToManyField("windows.Window", verbose_name=_("windows"), related_name="services")
    price_mode = models.CharField(_("pricing"), max_length=20, choices=PriceMode.choices, default=PriceMode.NEGOTIABLE)
    price = models.DecimalField(
        _("price (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    price_unit = models.CharField(_("price unit"), max_length=20, choices=PriceUnit.choices, blank=True)
    summary = models.CharField(_("summary"), max_length=300)
    content = models.TextField(_("service content"))
    process = models.TextField(_("service process"), blank=True)
    duration = models.CharField(_("service period"), max_length=100, blank=True)
    service_area = models.CharField(_("service area"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=20)

    order_count = models.PositiveIntegerField(_("orders completed"), default=0)  # kept by the orders app
    search_vector = SearchVectorField(_("search index"), null=True, blank=True, editable=False)
    rejection_reason = models.TextField(_("reason"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    listed_at = models.DateTimeField(_("listed at"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["-listed_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-listed_at", "-id"], name="service_status_listed_idx"),
            models.Index(fields=["institution", "status"], name="service_institution_idx"),
            models.Index(fields=["status", "price", "-id"], name="service_status_price_idx"),
            models.Index(fields=["status", "-order_count", "-id"], name="service_status_orders_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_mode="negotiable") | models.Q(price__isnull=False),
                name="fixed_price_has_a_price",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("services:detail", args=[self.pk])

    @property
    def is_listed(self) -> bool:
        return self.status == ServiceStatus.LISTED

    @property
    def price_display(self) -> str:
        return price_text(self.price_mode, self.price, self.get_price_unit_display())

    # Transitions only move the state; services.actions does the rest.
    @transition(
        field=status,
        source=[ServiceStatus.DRAFT, ServiceStatus.REJECTED, ServiceStatus.DELISTED],
        target=ServiceStatus.PENDING,
    )
    def submit(self):
        pass

    @transition(field=status, source=ServiceStatus.PENDING, target=ServiceStatus.LISTED)
    def approve(self):
        pass

    @transition(field=status, source=ServiceStatus.PENDING, target=ServiceStatus.REJECTED)
    def reject(self):
        pass

    @transition(field=status, source=ServiceStatus.LISTED, target=ServiceStatus.DELISTED)
    def delist(self):
        pass

    @transition(field=status, source=ServiceStatus.LISTED, target=ServiceStatus.SUPERSEDED)
    def supersede(self):
        pass


class ServiceImage(models.Model):
    """A picture of a service: public once the service is listed, served through a view."""

    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="images")
    file = models.FileField(_("image"), storage=private_storage, upload_to="services/images/")
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("service image")
        verbose_name_plural = _("service images")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.file.name


class ServiceLog(models.Model):
    """One row per listing transition: who, when, from, to, why."""

    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="logs")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("operator"), on_delete=models.SET_NULL, null=True, blank=True
    )
    from_status = models.CharField(_("from"), max_length=20, choices=ServiceStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ServiceStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("service log")
        verbose_name_plural = _("service logs")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.service}: {self.from_status} → {self.to_status}"


# 综合评分 (0–100) = the weighted mean of these parts, each between 0 and 1, over the
# last 12 months (scorecards.figures.composite_score computes it). A part without data
# (no reviews yet, no checked order) is left out and the other weights count for it, so
# a missing figure neither helps nor hurts.
COMPOSITE_WEIGHTS = {
    "accepted_share": 20,
    "on_time_share": 20,
    "first_try_share": 20,
    "review": 25,  # (overall score − 1) / 4
    "no_upheld_complaint": 15,  # 1 − upheld complaints / orders
}


def composite_formula_text() -> str:
    """The formula of 综合评分 as the pages state it."""
    w = COMPOSITE_WEIGHTS
    return _(
        "Composite score (0–100), over the last 12 months = 100 × (%(accepted)s × share accepted + %(on_time)s × "
        "share completed on time + %(first_try)s × share accepted as done at the first try + %(review)s × "
        "(overall review score − 1) ÷ 4 + %(complaints)s × (1 − upheld complaints ÷ orders)) ÷ the sum of the "
        "weights of the parts that have data. Institutions with fewer than %(min)s orders in the last 12 months "
        "show “not enough orders” and come last."
    ) % {
        "accepted": w["accepted_share"],
        "on_time": w["on_time_share"],
        "first_try": w["first_try_share"],
        "review": w["review"],
        "complaints": w["no_upheld_complaint"],
        "min": settings.SCORECARD_MIN_ORDERS,
    }


class InstitutionScorecard(models.Model):
    """服务机构信用档案: an institution's figures, computed from the orders', demands',
    complaints' and reviews' logs by the scorecards app (its timers), never typed in.

    It lives here, below the apps it is computed from, so that 找机构 can sort by the
    composite score with a join of its own and no import of a higher app.
    """

    institution = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("service institution"),
        on_delete=models.CASCADE,
        related_name="scorecard",
    )
    # None while the institution has fewer orders in the last 12 months than
    # SCORECARD_MIN_ORDERS: shown as 样本不足 and sorted last.
    composite_score = models.DecimalField(
        _("composite score"), max_digits=5, decimal_places=1, null=True, blank=True, db_index=True
    )
    recent_order_count = models.PositiveIntegerField(_("orders in the last 12 months"), default=0)
    # {"recent": {figure: value}, "all_time": {figure: value}}; the figures and their
    # definitions are listed in scorecards.figures.
    figures = models.JSONField(_("figures"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("institution scorecard")
        verbose_name_plural = _("institution scorecards")

    def __str__(self):
        return str(self.institution)

    @property
    def recent(self) -> dict:
        return self.figures.get("recent", {})

    @property
    def all_time(self) -> dict:
        return self.figures.get("all_time", {})
