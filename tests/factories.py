import factory
from factory.django import DjangoModelFactory

from accounts.models import Organisation, OrganisationKind, Role, User
from notifications.models import Notification
from windows.models import Announcement, Window, WindowAdministrator

PASSWORD = "Test-pass-2026"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.ENTERPRISE
    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    contact_name = "张三"
    mobile = factory.Sequence(lambda n: f"139{n:08d}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = ""
    role = Role.STAFF
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class EnterpriseUserFactory(UserFactory):
    role = Role.ENTERPRISE
    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.ENTERPRISE)


class InstitutionUserFactory(UserFactory):
    role = Role.INSTITUTION
    organisation = factory.SubFactory(
        OrganisationFactory,
        kind=OrganisationKind.INSTITUTION,
        name=factory.Sequence(lambda n: f"测试服务机构{n}"),
    )


class StaffUserFactory(UserFactory):
    is_staff = True


class HubAdminFactory(StaffUserFactory):
    is_superuser = True


def window(slug: str) -> Window:
    """The windows come from a data migration; tests look them up by slug."""
    return Window.objects.get(slug=slug)


def make_window_admin(*slugs: str) -> User:
    user = StaffUserFactory()
    for slug in slugs:
        WindowAdministrator.objects.create(user=user, window=window(slug))
    return user


class AnnouncementFactory(DjangoModelFactory):
    class Meta:
        model = Announcement
        skip_postgeneration_save = True

    window = factory.LazyFunction(lambda: window("yinchuan"))
    title = factory.Sequence(lambda n: f"公告{n}")
    body = "公告内容"

    @factory.post_generation
    def index(announcement, create, extracted, **kwargs):
        # As the admin does on save: the notice is found by its text on PostgreSQL.
        if create:
            from windows.actions import announcement_reindex

            announcement_reindex(announcement=announcement)


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(EnterpriseUserFactory)
    title = factory.Sequence(lambda n: f"消息{n}")
    body = "消息内容"


# Certification and window membership ----------------------------------------------
# (imports kept here so the factories above stay as they were)

import datetime  # noqa: E402
from decimal import Decimal  # noqa: E402
from io import BytesIO  # noqa: E402

from django.core.files.base import ContentFile  # noqa: E402
from PIL import Image  # noqa: E402

from certification.actions import application_approve, application_submit  # noqa: E402
from certification.models import CertificationApplication, ServiceDomain  # noqa: E402
from certification.validators import org_code_check_character, uscc_check_character  # noqa: E402
from windows.actions import membership_apply, membership_approve  # noqa: E402

VALID_USCC = "914403001922038216"  # Huawei
OTHER_VALID_USCC = "91330100799655058B"
VALID_ORG_CODE = "19220382-1"


def png_bytes(size=(32, 24), color=(200, 30, 30)) -> bytes:
    """A small, valid PNG made in memory."""
    out = BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def unique_uscc(n: int) -> str:
    """A valid 统一社会信用代码 for 银川 (640100) whose organisation code body is `n`."""
    body = f"{n % 10**8:08d}"
    first17 = f"91640100{body}{org_code_check_character(body)}"
    return first17 + uscc_check_character(first17)


def _is_institution(application) -> bool:
    return application.kind == OrganisationKind.INSTITUTION


class CertificationApplicationFactory(DjangoModelFactory):
    """A complete application (every field review needs), as a draft unless `status` is given.

    The FSM field is protected only once the row is loaded, so `status=...` works here.
    """

    class Meta:
        model = CertificationApplication
        skip_postgeneration_save = True

    organisation = factory.LazyFunction(lambda: EnterpriseUserFactory().organisation)
    kind = factory.LazyAttribute(lambda o: o.organisation.kind)
    name = factory.LazyAttribute(lambda o: o.organisation.name)
    # A code of its own: one code cannot be certified for two organisations.
    credit_code = factory.Sequence(lambda n: unique_uscc(70_000_000 + n))
    org_code = ""
    # Names, addresses and phones of their own: two organisations that share one look
    # related to the 服务券 rules (certification.relatedness).
    legal_representative = factory.Sequence(lambda n: f"王建国{n}")
    registered_capital = Decimal("500.00")
    established_on = datetime.date(2012, 3, 15)
    enterprise_type = factory.LazyAttribute(lambda o: "" if _is_institution(o) else "limited")
    institution_type = factory.LazyAttribute(lambda o: "public" if _is_institution(o) else "")
    district = "xingqing"
    industry = factory.LazyAttribute(lambda o: "" if _is_institution(o) else "I")
    scale = factory.LazyAttribute(lambda o: "" if _is_institution(o) else "small")
    employees = factory.LazyAttribute(lambda o: None if _is_institution(o) else 48)
    service_area = factory.LazyAttribute(lambda o: "银川市及周边" if _is_institution(o) else "")
    introduction = "专注于中小企业服务。"
    registered_address = factory.Sequence(lambda n: f"宁夏银川市兴庆区解放东街{n + 1}号")
    business_scope = "软件开发；信息技术咨询服务"
    contact_name = "李娜"
    landline = ""
    mobile = factory.Sequence(lambda n: f"1399510{n % 10000:04d}")
    email = ""
    licence = factory.LazyFunction(lambda: ContentFile(png_bytes(), name="licence.png"))

    @factory.post_generation
    def service_domains(obj, create, extracted, **kwargs):
        if not create:
            return
        if extracted is not None:
            obj.service_domains.set(extracted)
        elif obj.kind == OrganisationKind.INSTITUTION:
            obj.service_domains.set(ServiceDomain.objects.filter(code__in=["information", "legal"]))


def organisation_user(organisation) -> User:
    """An active user of the organisation (made when it has none)."""
    user = organisation.users.filter(is_active=True).first()
    if user is None:
        user_factory = InstitutionUserFactory if organisation.is_institution else EnterpriseUserFactory
        user = user_factory(organisation=organisation)
    return user


def complete_application(organisation=None, **overrides) -> CertificationApplication:
    """A complete draft application of `organisation` (a new enterprise when omitted)."""
    if organisation is not None:
        overrides["organisation"] = organisation
    return CertificationApplicationFactory(**overrides)


def approved_application(organisation, **overrides) -> CertificationApplication:
    """A complete application run through the real actions: submit, then a hub admin approves.

    The organisation ends up certified under the application's name.
    """
    application = complete_application(organisation, **overrides)
    application_submit(application=application, actor=organisation_user(organisation))
    application_approve(application=application, actor=HubAdminFactory())
    application.refresh_from_db()
    organisation.refresh_from_db()
    return application


def certified_institution(*window_slugs_active: str) -> User:
    """An institution user whose organisation is certified and an active member of the windows."""
    user = InstitutionUserFactory()
    approved_application(user.organisation)
    user.organisation.refresh_from_db()
    if window_slugs_active:
        memberships = membership_apply(
            organisation=user.organisation, windows=[window(slug) for slug in window_slugs_active], actor=user
        )
        approver = HubAdminFactory()
        for membership in memberships:
            membership_approve(membership=membership, actor=approver)
    return user


# Service catalogue ------------------------------------------------------------------

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.utils import timezone  # noqa: E402

from services.actions import service_approve, service_save, service_submit  # noqa: E402
from services.models import Service, ServiceCategory, ServiceStatus  # noqa: E402
from windows.models import MembershipStatus, WindowMembership  # noqa: E402

# A sub-category whose name shares no word with the search tests' keywords.
NEUTRAL_CATEGORY = "technology_quality-testing"  # 检验检测


def category(code: str) -> ServiceCategory:
    """The categories come from a data migration; tests look them up by code."""
    return ServiceCategory.objects.get(code=code)


def institution_with(*window_slugs_active: str, name=None, district="xingqing", domains=None, **overrides) -> User:
    """Like certified_institution(), with the certified name, district and service domains chosen."""
    user = InstitutionUserFactory()
    if name is not None:
        overrides["name"] = name
    if domains is not None:
        overrides["service_domains"] = list(ServiceDomain.objects.filter(code__in=domains))
    approved_application(user.organisation, district=district, **overrides)
    if window_slugs_active:
        memberships = membership_apply(
            organisation=user.organisation, windows=[window(slug) for slug in window_slugs_active], actor=user
        )
        approver = HubAdminFactory()
        for membership in memberships:
            membership_approve(membership=membership, actor=approver)
    user.organisation.refresh_from_db()
    return user


def service_values(**overrides) -> dict:
    """The fields of a complete service (negotiable price), as a form would fill them."""
    values = {
        "title": "企业信息化咨询",
        "category": category(NEUTRAL_CATEGORY),
        "price_mode": "negotiable",
        "summary": "为中小企业提供专业服务。",
        "content": "服务内容说明。",
        "process": "洽谈、签约、实施、验收。",
        "duration": "30天",
        "service_area": "银川市",
        "contact_name": "赵敏",
        "contact_phone": "0951-6000001",
    }
    if isinstance(overrides.get("category"), str):
        overrides["category"] = category(overrides["category"])
    values.update(overrides)
    return values


def service_in_state(user, status=ServiceStatus.DRAFT, windows=("xingqing",), **fields) -> Service:
    """A service row of the user's institution made directly in `status`: no log, no notification.

    The FSM field is protected only once the row is loaded, so `status=...` works here.
    """
    service = Service.objects.create(institution=user.organisation, status=status, **service_values(**fields))
    service.windows.set([window(slug) for slug in windows])
    return service


def active_windows_of(organisation) -> list[Window]:
    return [
        m.window
        for m in WindowMembership.objects.filter(organisation=organisation, status=MembershipStatus.ACTIVE)
        .select_related("window")
        .order_by("window__sort_order")
    ]


def published_service(user, *window_slugs, approver=None, images=(), **fields) -> Service:
    """A service run through the real actions: saved, submitted and approved (so it is indexed).

    Published in the given windows, or in every window the institution is an active member of.
    """
    windows = [window(slug) for slug in window_slugs] or active_windows_of(user.organisation)
    service = service_save(
        service=Service(**service_values(**fields)), actor=user, windows=windows, new_images=list(images)
    )
    service_submit(service=service, actor=user)
    service_approve(service=service, actor=approver or HubAdminFactory())
    service.refresh_from_db()
    return service


def bulk_listed_services(organisation, window_slugs, count: int, **fields) -> list[Service]:
    """`count` listed services of the organisation, written with two bulk inserts (no index, no log)."""
    now = timezone.now()
    values = service_values(**fields)
    title = values.pop("title")
    services = Service.objects.bulk_create(
        Service(
            institution=organisation,
            status=ServiceStatus.LISTED,
            listed_at=now - datetime.timedelta(seconds=n),
            title=f"{title}{n}",
            **values,
        )
        for n in range(count)
    )
    if not all(s.pk for s in services):  # a backend that does not return ids
        services = list(Service.objects.filter(institution=organisation).order_by("pk"))[-count:]
    through = Service.windows.through
    windows = [window(slug) for slug in window_slugs]
    through.objects.bulk_create(through(service_id=s.pk, window_id=w.pk) for s in services for w in windows)
    return services


def png_upload(name="picture.png", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


# Service orders -----------------------------------------------------------------------

from datetime import timedelta  # noqa: E402

from orders.actions import (  # noqa: E402
    order_accept,
    order_cancel,
    order_check,
    order_decline,
    order_finish,
    order_place,
    order_request_cancel,
    run_timers,
)
from orders.models import Order, Party  # noqa: E402


def certified_enterprise(**overrides) -> User:
    """An enterprise user whose organisation is certified through the real actions."""
    user = EnterpriseUserFactory()
    approved_application(user.organisation, **overrides)
    user.organisation.refresh_from_db()
    return user


def order_in_state(
    state: str = "submitted",
    *,
    enterprise: User | None = None,
    institution: User | None = None,
    service: Service | None = None,
    window_slug: str = "yinchuan",
    quantity: int = 1,
    requirements: str = "",
    attachments=(),
    voucher=None,
    **service_fields,
) -> Order:
    """An order placed through `order_place` and moved with the real actions to `state`.

    The service is published by a certified institution, active member of 'yinchuan'
    (and of `window_slug`); the enterprise is certified. The enterprise user is
    `order.placed_by`; the institution user is `organisation_user(order.institution)`.
    States: submitted, in_service, completed, checked, cancelled, declined, expired.
    """
    if service is None:
        if institution is None:
            slugs = ["yinchuan"] if window_slug == "yinchuan" else ["yinchuan", window_slug]
            institution = certified_institution(*slugs)
        service = published_service(institution, **service_fields)
    institution = institution or organisation_user(service.institution)
    enterprise = enterprise or certified_enterprise()
    order = order_place(
        service=service,
        actor=enterprise,
        window=window(window_slug),
        quantity=quantity,
        requirements=requirements,
        attachments=list(attachments),
        voucher=voucher,
    )
    if state == "submitted":
        pass
    elif state == "cancelled":
        order_cancel(order=order, actor=enterprise)
    elif state == "declined":
        order_decline(order=order, actor=institution, reason="暂时无法提供该服务。")
    elif state == "expired":
        _expire_only(order)
    else:
        order_accept(order=order, actor=institution)
        if state in ("completed", "checked"):
            order_finish(order=order, actor=enterprise, completed=True)
        if state == "checked":
            order_check(order=order, actor=enterprise)
        elif state not in ("in_service", "completed"):
            raise ValueError(f"unknown order state {state!r}")
    order.refresh_from_db()
    assert order.status == state, (order.status, state)
    return order


def _expire_only(order: Order) -> None:
    """Run the order timers with `now` far in the future, the other orders' timers paused meanwhile."""
    others = list(Order.objects.exclude(pk=order.pk).filter(timers_paused=False).values_list("pk", flat=True))
    Order.objects.filter(pk__in=others).update(timers_paused=True)
    try:
        run_timers(now=timezone.now() + timedelta(days=3650))
    finally:
        Order.objects.filter(pk__in=others).update(timers_paused=False)


def with_cancel_request(order: Order, by, reason: str = "双方协商一致，不再需要该服务。") -> Order:
    """The order (in service) with a cancellation asked by `by`: a user, or "enterprise"/"institution"."""
    if isinstance(by, str):
        organisation = order.enterprise if by == Party.ENTERPRISE else order.institution
        by = organisation_user(organisation)
    order_request_cancel(order=order, actor=by, reason=reason)
    order.refresh_from_db()
    return order


PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf_upload(name="需求说明.pdf", data=PDF_BYTES) -> SimpleUploadedFile:
    """A small PDF upload, as a browser sends it."""
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def order_document(name="需求说明.pdf"):
    """An attachment as the order forms hand it to the actions: cleaned, with its original name."""
    from smeportal.uploads import clean_document_upload

    return clean_document_upload(pdf_upload(name))


# Demands and bids ---------------------------------------------------------------------

from decimal import Decimal  # noqa: E402

from demands.actions import (  # noqa: E402
    bid_submit,
    demand_approve,
    demand_award,
    demand_fail,
    demand_publicity_end_due,
    demand_publish,
    demand_return,
    demand_void,
)
from demands.models import Bid, Demand, DemandStatus  # noqa: E402


def demand_fields(window_slug: str = "yinchuan", **overrides) -> dict:
    """The fields of a complete demand, as DemandForm hands them to demand_publish."""
    now = timezone.now()
    fields = {
        "title": "年度财务审计服务",
        "category": category(NEUTRAL_CATEGORY),
        "window": window(window_slug),
        "budget_mode": "range",
        "budget_min": Decimal("5000"),
        "budget_max": Decimal("20000"),
        "description": "需要对2025年度财务报表进行审计。",
        "bid_deadline": now + timedelta(days=7),
        "expected_finish": (now + timedelta(days=30)).date(),
        "contact_name": "王经理",
        "contact_phone": "13900000000",
    }
    fields.update(overrides)
    return fields


def pass_bid_deadline(demand: Demand) -> Demand:
    """Move the demand's bid deadline into the past (time passing), without any action."""
    Demand.objects.filter(pk=demand.pk).update(bid_deadline=timezone.now() - timedelta(minutes=1))
    demand.refresh_from_db()
    return demand


def award_to_order(demand: Demand, bid: Bid, actor: User) -> Demand:
    """【选为中标单位】 and, where the window runs 中标公示, the period running out without an
    objection: the demands timer (the real one, at the period's end) makes the order."""
    demand = demand_award(demand=demand, bid=bid, actor=actor)
    if demand.status == DemandStatus.PUBLICITY:
        demand_publicity_end_due(now=demand.publicity_ends_at)
    demand.refresh_from_db()
    assert demand.status == DemandStatus.AWARDED and demand.order_id, demand.status
    return demand


def set_award_publicity(on: bool, *slugs: str) -> None:
    """Switch 中标公示 on or off for the given windows (all windows when none is given)."""
    windows = Window.objects.filter(slug__in=slugs) if slugs else Window.objects.all()
    windows.update(award_publicity=on)


def bidder(window_slug: str = "yinchuan", **kwargs) -> User:
    """An institution allowed to bid on demands of the window (certified, active member)."""
    slugs = ["yinchuan"] if window_slug == "yinchuan" else ["yinchuan", window_slug]
    return institution_with(*slugs, **kwargs)


def place_bid(demand: Demand, institution: User | None = None, price="12000", **fields) -> Bid:
    institution = institution or bidder(demand.window.slug)
    values = {"proposal": "三名注册会计师驻场审计，出具审计报告。", "duration_days": 20, **fields}
    return bid_submit(demand=demand, actor=institution, price=Decimal(price), **values)


def demand_in_state(
    state: str = "pending_review",
    *,
    enterprise: User | None = None,
    window_slug: str = "yinchuan",
    bids: int = 0,
    **fields,
) -> Demand:
    """A demand published by a certified enterprise and moved with the real actions to `state`.

    States: pending_review, returned, bidding, awarded, failed, voided. `bids` institutions
    bid while it is open (awarded needs at least one; the first bid wins). The enterprise
    user is `demand.created_by`.
    """
    enterprise = enterprise or certified_enterprise()
    demand = demand_publish(actor=enterprise, fields=demand_fields(window_slug, **fields))
    reviewer = HubAdminFactory()
    if state == "returned":
        demand_return(demand=demand, actor=reviewer, reason="预算说明不清楚。")
    elif state != "pending_review":
        demand_approve(demand=demand, actor=reviewer)
        placed = [place_bid(demand) for _ in range(max(bids, 1 if state == "awarded" else 0))]
        if state == "awarded":
            pass_bid_deadline(demand)
            award_to_order(demand, placed[0], enterprise)
        elif state == "failed":
            demand_fail(demand=demand, actor=enterprise, reason="没有合适的投标。")
        elif state == "voided":
            demand_void(demand=demand, actor=enterprise, reason="需求取消。")
        elif state != "bidding":
            raise ValueError(f"unknown demand state {state!r}")
    demand.refresh_from_db()
    assert demand.status == state, (demand.status, state)
    return demand
