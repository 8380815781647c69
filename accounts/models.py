from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class District(models.TextChoices):
    """The districts and counties of Yinchuan; regional windows and organisations use them."""

    XINGQING = "xingqing", _("Xingqing District")
    JINFENG = "jinfeng", _("Jinfeng District")
    XIXIA = "xixia", _("Xixia District")
    YONGNING = "yongning", _("Yongning County")
    HELAN = "helan", _("Helan County")
    LINGWU = "lingwu", _("Lingwu City")


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise user")
    INSTITUTION = "institution", _("Service institution")
    STAFF = "staff", _("Platform staff")


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    INSTITUTION = "institution", _("Service institution")


class Organisation(models.Model):
    """The enterprise or institution a portal account acts for.

    Created at registration with what the sign-up form asks; the certification
    app keeps the full, reviewed profile.
    """

    kind = models.CharField(_("organisation kind"), max_length=20, choices=OrganisationKind.choices)
    name = models.CharField(_("organisation name"), max_length=100)
    contact_name = models.CharField(_("contact person"), max_length=50)
    mobile = models.CharField(_("mobile number"), max_length=11)
    email = models.EmailField(_("e-mail"), blank=True)
    # Kept by the certification app's actions: true while an approved
    # certification stands. Lower apps (windows) read it without importing
    # certification.
    is_certified = models.BooleanField(_("certified"), default=False, db_index=True)
    district = models.CharField(_("district"), max_length=20, choices=District.choices, blank=True, db_index=True)
    certified_at = models.DateTimeField(_("certified at"), null=True, blank=True)
    # Kept by the reviews app's actions; the catalogue sorts by them.
    rating_avg = models.DecimalField(_("average score"), max_digits=3, decimal_places=2, null=True, blank=True)
    rating_count = models.PositiveIntegerField(_("number of reviews"), default=0)
    # The dimensions of reviews of institutions (服务质量, 服务态度, 响应速度).
    rating_quality_avg = models.DecimalField(
        _("average service quality"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    rating_attitude_avg = models.DecimalField(
        _("average service attitude"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    rating_speed_avg = models.DecimalField(
        _("average response speed"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    # Kept by the complaints app's actions: 投诉成立 complaints against the institution.
    upheld_complaint_count = models.PositiveIntegerField(_("upheld complaints"), default=0)
    # Bigram index of the name for keyword search on PostgreSQL (smeportal.search).
    search_vector = SearchVectorField(_("search index"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self):
        return self.name

    @property
    def is_institution(self) -> bool:
        return self.kind == OrganisationKind.INSTITUTION


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_enterprise(self) -> bool:
        return self.role == Role.ENTERPRISE

    @property
    def is_institution(self) -> bool:
        return self.role == Role.INSTITUTION
