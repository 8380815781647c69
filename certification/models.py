from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.models import OrganisationKind
from smeportal.uploads import private_storage
from windows.models import District

from .choices import OPEN_STATUSES, ApplicationStatus, EnterpriseType, Industry, InstitutionType, Scale


class ServiceDomain(models.Model):
    """服务领域: the standard fields of SME public service (the top service categories)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("service domain")
        verbose_name_plural = _("service domains")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name


class ApplicationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def approved(self):
        return self.filter(status=ApplicationStatus.APPROVED)


class CertificationApplication(FSMModelMixin, models.Model):
    """An organisation's certification (认证): one application per submission.

    The approved application is the organisation's public profile; changing it
    starts a new application, and the approved one stays live until the new one
    is approved (then it becomes superseded).
    """

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="certification_applications",
    )
    kind = models.CharField(_("organisation kind"), max_length=20, choices=OrganisationKind.choices)
    status = FSMField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT, protected=True
    )

    # 基本信息
    name = models.CharField(_("name"), max_length=100, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True, db_index=True)
    org_code = models.CharField(_("organisation code"), max_length=10, blank=True, db_index=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    registered_capital = models.DecimalField(
        _("registered capital (10,000 yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    established_on = models.DateField(_("date of establishment"), null=True, blank=True)
    enterprise_type = models.CharField(_("enterprise type"), max_length=20, choices=EnterpriseType.choices, blank=True)
    institution_type = models.CharField(
        _("institution type"), max_length=20, choices=InstitutionType.choices, blank=True
    )
    district = models.CharField(_("district"), max_length=20, choices=District.choices, blank=True, db_index=True)
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices, blank=True)
    scale = models.CharField(_("enterprise scale"), max_length=10, choices=Scale.choices, blank=True)
    employees = models.PositiveIntegerField(_("number of employees"), null=True, blank=True)
    service_domains = models.ManyToManyField(ServiceDomain, verbose_name=_("service domains"), blank=True)
    service_area = models.CharField(_("service area"), max_length=200, blank=True)
    introduction = models.TextField(_("introduction"), blank=True)

    # 工商信息
    registered_address = models.CharField(_("registered address"), max_length=200, blank=True)
    business_scope = models.TextField(_("business scope"), blank=True)

    # 联系方式
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    landline = models.CharField(_("landline"), max_length=20, blank=True)
    mobile = models.CharField(_("mobile number"), max_length=11, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    # 资质材料 (private: owner and staff only)
    licence = models.FileField(
        _("business licence"), storage=private_storage, upload_to="certification/licences/", blank=True
    )

    # Review
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("certification application")
        verbose_name_plural = _("certification applications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # At most one live certification and one application in progress.
            models.UniqueConstraint(
                fields=["organisation"], condition=models.Q(status="approved"), name="one_approved_certification"
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(status__in=["draft", "submitted", "returned"]),
                name="one_open_certification_application",
            ),
        ]

    def __str__(self):
        return self.name or str(self.organisation)

    def get_absolute_url(self):
        return reverse("certification:center")

    @property
    def is_institution(self) -> bool:
        return self.kind == OrganisationKind.INSTITUTION

    # Transitions only move the state; certification.actions does the rest.
    @transition(
        field=status, source=[ApplicationStatus.DRAFT, ApplicationStatus.RETURNED], target=ApplicationStatus.SUBMITTED
    )
    def submit(self):
        pass

    @transition(field=status, source=ApplicationStatus.SUBMITTED, target=ApplicationStatus.APPROVED)
    def approve(self):
        pass

    @transition(field=status, source=ApplicationStatus.SUBMITTED, target=ApplicationStatus.RETURNED)
    def return_for_changes(self):
        pass

    @transition(field=status, source=ApplicationStatus.APPROVED, target=ApplicationStatus.REVOKED)
    def revoke(self):
        pass

    @transition(field=status, source=ApplicationStatus.APPROVED, target=ApplicationStatus.SUPERSEDED)
    def supersede(self):
        pass


class QualificationCertificate(models.Model):
    """资质证书: an image attached to an institution's application (private)."""

    application = models.ForeignKey(
        CertificationApplication,
        verbose_name=_("certification application"),
        on_delete=models.CASCADE,
        related_name="certificates",
    )
    file = models.FileField(_("certificate image"), storage=private_storage, upload_to="certification/certificates/")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("qualification certificate")
        verbose_name_plural = _("qualification certificates")
        ordering = ["pk"]

    def __str__(self):
        return self.file.name


class CertificationLog(models.Model):
    """One row per transition of an application: who, when, from, to, why."""

    application = models.ForeignKey(
        CertificationApplication,
        verbose_name=_("certification application"),
        on_delete=models.CASCADE,
        related_name="logs",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("operator"), on_delete=models.SET_NULL, null=True, blank=True
    )
    from_status = models.CharField(_("from"), max_length=20, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ApplicationStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("certification log")
        verbose_name_plural = _("certification logs")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.application}: {self.from_status} → {self.to_status}"
