from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actions import organisation_mark_certified, organisation_mark_uncertified
from accounts.models import Organisation
from notifications.actions import notify
from smeportal.errors import ActionRefused
from smeportal.fsm import lock, run_transition
from windows.permissions import is_hub_admin
from windows.selectors import reviewers_for_windows

from .choices import EDITABLE_STATUSES, ApplicationStatus
from .models import CertificationApplication, CertificationLog, QualificationCertificate
from .permissions import can_review
from .rules import completeness_errors
from .selectors import approved_application, open_application, windows_covering

# Fields copied into a new application from the approved one (or from registration).
PROFILE_FIELDS = [
    "name",
    "credit_code",
    "org_code",
    "legal_representative",
    "registered_capital",
    "established_on",
    "enterprise_type",
    "institution_type",
    "district",
    "industry",
    "scale",
    "employees",
    "service_area",
    "introduction",
    "registered_address",
    "business_scope",
    "contact_name",
    "landline",
    "mobile",
    "email",
    "licence",
]


def _log(application, actor, before, after, reason=""):
    CertificationLog.objects.create(
        application=application, actor=actor, from_status=before, to_status=after, reason=reason
    )


def _notify_applicant(application, title, body=""):
    for user in application.organisation.users.filter(is_active=True):
        notify(recipient=user, title=title, body=body, url=reverse("certification:center"))


def _check_applicant(actor, application):
    if actor.organisation_id != application.organisation_id:
        raise ActionRefused(_("This application belongs to another organisation."))


def _check_reviewer(actor, application):
    if not can_review(actor, application):
        raise ActionRefused(_("You may not review this application."))


def _code_certified_elsewhere(application) -> bool:
    if not application.credit_code:
        return False
    return (
        CertificationApplication.objects.approved()
        .filter(credit_code=application.credit_code)
        .exclude(organisation_id=application.organisation_id)
        .exists()
    )


@transaction.atomic
def application_start(*, organisation: Organisation, actor) -> CertificationApplication:
    """【立即认证】: the application in progress, or a new draft.

    A new draft starts from the approved certification when there is one (a
    change of certified data), otherwise from what the user gave at registration.
    """
    if actor.organisation_id != organisation.pk:
        raise ActionRefused(_("You can only certify your own organisation."))
    Organisation.objects.select_for_update().get(pk=organisation.pk)  # one start at a time
    current = open_application(organisation)
    if current is not None:
        return current
    source = approved_application(organisation)
    application = CertificationApplication(organisation=organisation, kind=organisation.kind)
    if source is not None:
        for name in PROFILE_FIELDS:
            setattr(application, name, getattr(source, name))
    else:
        application.name = organisation.name
        application.contact_name = organisation.contact_name
        application.mobile = organisation.mobile
        application.email = organisation.email
    application.save()
    if source is not None:
        application.service_domains.set(source.service_domains.all())
        QualificationCertificate.objects.bulk_create(
            QualificationCertificate(application=application, file=certificate.file)
            for certificate in source.certificates.all()
        )
    _log(application, actor, "", application.status)
    return application


@transaction.atomic
def application_save_draft(
    *,
    application: CertificationApplication,
    actor,
    service_domains=None,
    new_certificates=(),
    removed_certificate_ids=(),
) -> CertificationApplication:
    """【保存】: keep the edited fields of a draft or returned application.

    `application` carries the edited field values (from the form); its row is
    locked and its state checked before anything is written.
    """
    _check_applicant(actor, application)
    current = lock(CertificationApplication, application.pk)
    if current.status not in EDITABLE_STATUSES:
        raise ActionRefused(_("An application pending review or decided cannot be changed."))
    # Only the profile fields: the state is the transitions' business.
    application.save(update_fields=[*PROFILE_FIELDS, "updated_at"])
    if service_domains is not None:
        application.service_domains.set(service_domains)
    application.certificates.filter(pk__in=list(removed_certificate_ids)).delete()
    for upload in new_certificates:
        QualificationCertificate.objects.create(application=application, file=upload)
    return application


@transaction.atomic
def application_submit(*, application: CertificationApplication, actor) -> CertificationApplication:
    """【提请审核】: to 待审核, if complete; the reviewers are told."""
    application = lock(CertificationApplication, application.pk)
    _check_applicant(actor, application)
    errors = completeness_errors(application)
    if errors:
        raise ActionRefused(_("Please complete the marked fields before submitting."), field_errors=errors)
    if _code_certified_elsewhere(application):
        message = _(
            "This unified social credit code is already certified for another account. "
            "If it is your organisation, please contact the platform administrators."
        )
        raise ActionRefused(message, field_errors={"credit_code": message})
    before, after = run_transition(application, "submit", _("Only a draft or returned application can be submitted."))
    application.submitted_at = timezone.now()
    application.decision_reason = ""
    application.save(update_fields=["status", "submitted_at", "decision_reason", "updated_at"])
    _log(application, actor, before, after)
    for reviewer in reviewers_for_windows(windows_covering(application)):
        notify(
            recipient=reviewer,
            title=_("Certification to review: %(name)s") % {"name": application.name},
            url=reverse("admin:certification_certificationapplication_change", args=[application.pk]),
        )
    return application


@transaction.atomic
def application_approve(*, application: CertificationApplication, actor) -> CertificationApplication:
    """审核通过: the application becomes the organisation's live certification."""
    application = lock(CertificationApplication, application.pk)
    _check_reviewer(actor, application)
    before, after = run_transition(application, "approve", _("Only applications pending review can be approved."))
    previous = (
        CertificationApplication.objects.select_for_update()
        .filter(organisation_id=application.organisation_id, status=ApplicationStatus.APPROVED)
        .first()
    )
    if previous is not None:
        old, new = run_transition(previous, "supersede", _("The previous certification cannot be replaced."))
        previous.save(update_fields=["status", "updated_at"])
        _log(previous, actor, old, new)
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.decision_reason = ""
    try:
        application.save(update_fields=["status", "decided_at", "decided_by", "decision_reason", "updated_at"])
    except IntegrityError as error:  # another approval got there first
        raise ActionRefused(_("This organisation's certification changed meanwhile; please reload.")) from error
    _log(application, actor, before, after)
    organisation_mark_certified(
        organisation=application.organisation, name=application.name, district=application.district
    )
    _notify_applicant(application, _("Your certification is approved"), _("Your organisation is now certified."))
    return application


@transaction.atomic
def application_return(*, application: CertificationApplication, actor, reason: str) -> CertificationApplication:
    """退回修改: back to the applicant with the reviewer's reason."""
    if not reason.strip():
        raise ActionRefused(_("Please give a reason."))
    application = lock(CertificationApplication, application.pk)
    _check_reviewer(actor, application)
    before, after = run_transition(
        application, "return_for_changes", _("Only applications pending review can be returned.")
    )
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.decision_reason = reason
    application.save(update_fields=["status", "decided_at", "decided_by", "decision_reason", "updated_at"])
    _log(application, actor, before, after, reason)
    _notify_applicant(
        application,
        _("Your certification application was returned for changes"),
        _("Reason: %(reason)s") % {"reason": reason},
    )
    return application


@transaction.atomic
def application_revoke(*, application: CertificationApplication, actor, reason: str) -> CertificationApplication:
    """撤销认证 (hub administrators only): the organisation is no longer certified."""
    if not reason.strip():
        raise ActionRefused(_("Please give a reason."))
    if not is_hub_admin(actor):
        raise ActionRefused(_("Only platform administrators can revoke a certification."))
    application = lock(CertificationApplication, application.pk)
    before, after = run_transition(application, "revoke", _("Only an approved certification can be revoked."))
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.decision_reason = reason
    application.save(update_fields=["status", "decided_at", "decided_by", "decision_reason", "updated_at"])
    _log(application, actor, before, after, reason)
    organisation_mark_uncertified(organisation=application.organisation)
    # A change waiting for review must not quietly certify the organisation
    # again: it goes back to the applicant, to be reviewed afresh.
    pending = (
        CertificationApplication.objects.select_for_update()
        .filter(organisation_id=application.organisation_id, status=ApplicationStatus.SUBMITTED)
        .first()
    )
    if pending is not None:
        old, new = run_transition(pending, "return_for_changes", _("The pending change cannot be returned."))
        pending.decided_at = application.decided_at
        pending.decided_by = actor
        pending.decision_reason = _("The certification was revoked: %(reason)s") % {"reason": reason}
        pending.save(update_fields=["status", "decided_at", "decided_by", "decision_reason", "updated_at"])
        _log(pending, actor, old, new, pending.decision_reason)
    _notify_applicant(application, _("Your certification was revoked"), _("Reason: %(reason)s") % {"reason": reason})
    return application
