from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.actions import notify
from smeportal.errors import ActionRefused
from smeportal.fsm import lock, run_transition
from smeportal.pagecache import invalidate as invalidate_pages
from smeportal.search import tsvector_value
from windows.selectors import active_window_ids, reviewers_for_windows

from .models import EDITABLE_STATUSES, MAX_IMAGES, PriceMode, Service, ServiceImage, ServiceLog, ServiceStatus
from .permissions import can_review

# What a new version copies from the listed one.
CONTENT_FIELDS = [
    "title",
    "category",
    "price_mode",
    "price",
    "price_unit",
    "summary",
    "content",
    "process",
    "duration",
    "service_area",
    "contact_name",
    "contact_phone",
]


def _log(service, actor, before, after, reason=""):
    ServiceLog.objects.create(service=service, actor=actor, from_status=before, to_status=after, reason=reason)


def _notify_institution(service, title, body=""):
    for user in service.institution.users.filter(is_active=True):
        notify(recipient=user, title=title, body=body, url=reverse("services:manage"))


def _check_owner(actor, service):
    if actor.organisation_id != service.institution_id:
        raise ActionRefused(_("This service belongs to another institution."))


def _check_may_publish(institution, windows) -> None:
    """Certified, and an active member of every window chosen (workflows: Windows)."""
    if not institution.is_institution:
        raise ActionRefused(_("Only service institutions publish services."))
    if not institution.is_certified:
        raise ActionRefused(_("Publishing services needs an approved certification."))
    allowed = active_window_ids(institution)
    if not allowed:
        raise ActionRefused(_("Join a window first: services are published in the windows you are a member of."))
    if not windows:
        raise ActionRefused(
            _("Choose at least one window."), field_errors={"windows": _("Choose at least one window.")}
        )
    outside = [window for window in windows if window.pk not in allowed]
    if outside:
        raise ActionRefused(
            _("You are not an active member of: %(windows)s") % {"windows": "、".join(str(w) for w in outside)},
            field_errors={"windows": _("Choose only windows you are an active member of.")},
        )


def _check_price(service):
    if service.price_mode == PriceMode.FIXED and (service.price is None or not service.price_unit):
        raise ActionRefused(
            _("A fixed price needs an amount and a unit."),
            field_errors={"price": _("Enter the price and choose its unit.")},
        )
    if service.price_mode == PriceMode.NEGOTIABLE:
        service.price = None
        service.price_unit = ""


def _save_images(service, new_images, removed_image_ids):
    service.images.filter(pk__in=list(removed_image_ids)).delete()
    if service.images.count() + len(new_images) > MAX_IMAGES:
        raise ActionRefused(
            _("A service has at most %(count)d images.") % {"count": MAX_IMAGES},
            field_errors={"new_images": _("Too many images.")},
        )
    start = service.images.count()
    for offset, upload in enumerate(new_images):
        ServiceImage.objects.create(service=service, file=upload, sort_order=start + offset)


@transaction.atomic
def service_save(*, service: Service, actor, windows, new_images=(), removed_image_ids=()) -> Service:
    """【保存】 a new service (draft) or the edits of a draft, rejected or delisted one.

    `service` carries the form's field values; an existing row is locked and
    its state checked first.
    """
    institution = actor.organisation
    if service.pk is None:
        if institution is None:
            raise ActionRefused(_("Only service institutions publish services."))
        service.institution = institution
    else:
        _check_owner(actor, service)
        current = lock(Service, service.pk)
        if current.status not in EDITABLE_STATUSES:
            raise ActionRefused(_("A service pending review or listed cannot be changed here."))
    _check_may_publish(service.institution, windows)
    _check_price(service)
    if service.pk is None:
        service.save()
        _log(service, actor, "", service.status)
    else:
        service.save(update_fields=[*CONTENT_FIELDS, "updated_at"])
    service.windows.set(windows)
    _save_images(service, new_images, removed_image_ids)
    return service


@transaction.atomic
def service_start_revision(*, service: Service, actor) -> Service:
    """【修改】 a listed service: its open new version, or a new draft copy of it."""
    _check_owner(actor, service)
    service = lock(Service, service.pk)
    if service.status in EDITABLE_STATUSES:
        return service  # not listed: edited in place
    if service.status != ServiceStatus.LISTED:
        raise ActionRefused(_("This service is pending review or replaced and cannot be changed now."))
    open_revision = service.revisions.exclude(status=ServiceStatus.SUPERSEDED).first()
    if open_revision is not None:
        return open_revision
    revision = Service(institution=service.institution, replaces=service)
    for name in CONTENT_FIELDS:
        setattr(revision, name, getattr(service, name))
    revision.save()
    revision.windows.set(service.windows.all())
    ServiceImage.objects.bulk_create(
        ServiceImage(service=revision, file=image.file, sort_order=image.sort_order) for image in service.images.all()
    )
    _log(revision, actor, "", revision.status)
    return revision


@transaction.atomic
def service_submit(*, service: Service, actor) -> Service:
    """提交审核 (also 重新提交 of a rejected or delisted service)."""
    service = lock(Service, service.pk)
    _check_owner(actor, service)
    windows = list(service.windows.all())
    _check_may_publish(service.institution, windows)
    before, after = run_transition(service, "submit", _("Only a draft, rejected or delisted service can be submitted."))
    service.submitted_at = timezone.now()
    service.rejection_reason = ""
    service.save(update_fields=["status", "submitted_at", "rejection_reason", "updated_at"])
    _log(service, actor, before, after)
    for reviewer in reviewers_for_windows([w.pk for w in windows]):
        notify(
            recipient=reviewer,
            title=_("Service to review: %(title)s") % {"title": service.title},
            url=reverse("admin:services_service_change", args=[service.pk]),
        )
    return service


def search_texts(title, summary, category) -> list[str]:
    """What keyword search looks at in a service (its institution's name has its own index)."""
    return [title, summary, category.name, category.parent.name if category.parent_id else ""]


def service_reindex(*, service: Service) -> None:
    """Refresh the keyword-search index of a service (PostgreSQL only)."""
    if connection.vendor == "postgresql":
        category = service.category
        Service.objects.filter(pk=service.pk).update(
            search_vector=tsvector_value(*search_texts(service.title, service.summary, category))
        )


@transaction.atomic
def service_approve(*, service: Service, actor) -> Service:
    """审核通过: the service is listed (a new version replaces the listed one)."""
    service = lock(Service, service.pk)
    if not can_review(actor, service):
        raise ActionRefused(_("You may not review this service."))
    before, after = run_transition(service, "approve", _("Only services pending review can be approved."))
    service.listed_at = timezone.now()
    if service.replaces_id:
        previous = lock(Service, service.replaces_id)
        if previous.status == ServiceStatus.LISTED:
            old, new = run_transition(previous, "supersede", _("The listed version cannot be replaced."))
            previous.save(update_fields=["status", "updated_at"])
            _log(previous, actor, old, new)
        service.order_count = previous.order_count
    service.save(update_fields=["status", "listed_at", "order_count", "updated_at"])
    _log(service, actor, before, after)
    service_reindex(service=service)
    _notify_institution(service, _("Your service “%(title)s” is listed") % {"title": service.title})
    return service


@transaction.atomic
def service_reject(*, service: Service, actor, reason: str) -> Service:
    """驳回 with a reason; the institution changes it and submits again."""
    if not reason.strip():
        raise ActionRefused(_("Please give a reason."))
    service = lock(Service, service.pk)
    if not can_review(actor, service):
        raise ActionRefused(_("You may not review this service."))
    before, after = run_transition(service, "reject", _("Only services pending review can be rejected."))
    service.rejection_reason = reason
    service.save(update_fields=["status", "rejection_reason", "updated_at"])
    _log(service, actor, before, after, reason)
    _notify_institution(
        service,
        _("Your service “%(title)s” was rejected") % {"title": service.title},
        _("Reason: %(reason)s") % {"reason": reason},
    )
    return service


@transaction.atomic
def service_delist(*, service: Service, actor, reason: str = "") -> Service:
    """下架: by its institution, or by an administrator of its windows (with a reason)."""
    service = lock(Service, service.pk)
    by_owner = actor.organisation_id == service.institution_id
    if not by_owner:
        if not can_review(actor, service):
            raise ActionRefused(_("This service belongs to another institution."))
        if not reason.strip():
            raise ActionRefused(_("Please give a reason."))
    before, after = run_transition(service, "delist", _("Only listed services can be delisted."))
    service.rejection_reason = reason
    service.save(update_fields=["status", "rejection_reason", "updated_at"])
    _log(service, actor, before, after, reason)
    if not by_owner:
        _notify_institution(
            service,
            _("Your service “%(title)s” was delisted by an administrator") % {"title": service.title},
            _("Reason: %(reason)s") % {"reason": reason},
        )
    return service


def service_count_order(*, service: Service) -> None:
    """One more order accepted as done (成交量); called by the orders app's actions."""
    Service.objects.filter(pk=service.pk).update(order_count=F("order_count") + 1)
    invalidate_pages()  # an update() sends no signal; 找服务 sorts by this figure
