"""Order actions: every (state, action, actor) of the order machine, and placing an order."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from notifications.models import Notification
from orders.actions import (
    order_accept,
    order_answer_cancel,
    order_cancel,
    order_check,
    order_decline,
    order_delete,
    order_finish,
    order_force_cancel,
    order_place,
    order_reject_check,
    order_request_cancel,
    order_update,
)
from orders.models import Order, OrderAttachment, OrderEvent, OrderLog, OrderStatus
from orders.permissions import get_order_for_user
from orders.selectors import OrderFilters, order_list
from services.actions import service_approve, service_delist, service_start_revision, service_submit
from services.models import Service, ServiceStatus
from smeportal.errors import ActionRefused
from tests.factories import (
    EnterpriseUserFactory,
    HubAdminFactory,
    InstitutionUserFactory,
    StaffUserFactory,
    certified_enterprise,
    certified_institution,
    make_window_admin,
    order_document,
    order_in_state,
    published_service,
    service_in_state,
    window,
    with_cancel_request,
)
from windows.actions import membership_withdraw
from windows.models import MembershipStatus, WindowMembership

pytestmark = pytest.mark.django_db

S = OrderStatus
ENT, INST = "enterprise", "institution"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def world():
    """The two parties of the orders (each with a colleague and a former colleague), strangers and staff."""
    institution = certified_institution("yinchuan")
    enterprise = certified_enterprise()
    service = published_service(institution, title="企业信息化咨询")
    for user in (institution, enterprise):
        factory = InstitutionUserFactory if user.organisation.is_institution else EnterpriseUserFactory
        factory(organisation=user.organisation)
        factory(organisation=user.organisation, is_active=False)
    return {
        "enterprise": enterprise,
        "institution": institution,
        "other_enterprise": certified_enterprise(),
        "other_institution": certified_institution("yinchuan"),
        "window_admin": make_window_admin("yinchuan"),
        "other_window_admin": make_window_admin("xingqing"),
        "hub_admin": HubAdminFactory(),
        "service": service,
    }


def active_users(organisation):
    return set(organisation.users.filter(is_active=True))


def last_notification_pk():
    last = Notification.objects.order_by("-pk").first()
    return last.pk if last else 0


def notifications_after(mark):
    return list(Notification.objects.filter(pk__gt=mark).select_related("recipient").order_by("pk"))


# The state machine ---------------------------------------------------------------------------------

# "cr_enterprise" / "cr_institution": in service, with a cancellation asked by that side.
STATES = [
    "submitted",
    "in_service",
    "cr_enterprise",
    "cr_institution",
    "completed",
    "checked",
    "cancelled",
    "declined",
    "expired",
]
STATUS_OF = {"cr_enterprise": S.IN_SERVICE, "cr_institution": S.IN_SERVICE}
ACTIONS = [
    "update",
    "cancel",
    "delete",
    "accept",
    "decline",
    "finish",
    "not_completed",
    "request_cancel",
    "agree_cancel",
    "refuse_cancel",
    "check",
    "reject_check",
    "force_cancel",
]
ACTORS = [
    "enterprise",
    "institution",
    "other_enterprise",
    "other_institution",
    "window_admin",
    "other_window_admin",
    "hub_admin",
]
REASONS = {
    "decline": "本月服务排期已满。",
    "not_completed": "调研报告尚未交付。",
    "request_cancel": "项目预算取消，不再需要该服务。",
    "reject_check": "交付的方案与需求不符。",
    "force_cancel": "经调查，该订单违反平台规则。",
}

IN_SERVICE_STATES = ["in_service", "cr_enterprise", "cr_institution"]
TERMINAL_STATES = ["cancelled", "declined", "expired"]

# (state, action, actor) -> (status after, event, sides told)
ALLOWED = {}


def _allow(states, action, actors, target, event, told):
    for state in states:
        for actor in actors:
            ALLOWED[(state, action, actor)] = (target or STATUS_OF.get(state, state), event, told)


_allow(["submitted"], "update", [ENT], None, OrderEvent.UPDATED, [INST])
_allow(["submitted"], "cancel", [ENT], S.CANCELLED, OrderEvent.CANCELLED, [INST])
_allow(TERMINAL_STATES, "delete", [ENT], None, OrderEvent.DELETED, [])  # hides it from the enterprise only
_allow(["submitted"], "accept", [INST], S.IN_SERVICE, OrderEvent.ACCEPTED, [ENT])
_allow(["submitted"], "decline", [INST], S.DECLINED, OrderEvent.DECLINED, [ENT])
_allow(IN_SERVICE_STATES, "finish", [ENT], S.COMPLETED, OrderEvent.FINISHED, [INST])
_allow(IN_SERVICE_STATES, "not_completed", [ENT], None, OrderEvent.NOT_COMPLETED, [INST])
_allow(["in_service"], "request_cancel", [ENT], None, OrderEvent.CANCEL_REQUESTED, [INST])
_allow(["in_service"], "request_cancel", [INST], None, OrderEvent.CANCEL_REQUESTED, [ENT])
_allow(["cr_enterprise"], "agree_cancel", [INST], S.CANCELLED, OrderEvent.CANCEL_AGREED, [ENT])
_allow(["cr_institution"], "agree_cancel", [ENT], S.CANCELLED, OrderEvent.CANCEL_AGREED, [INST])
_allow(["cr_enterprise"], "refuse_cancel", [INST], None, OrderEvent.CANCEL_REFUSED, [ENT])
_allow(["cr_institution"], "refuse_cancel", [ENT], None, OrderEvent.CANCEL_REFUSED, [INST])
_allow(["completed"], "check", [ENT], S.CHECKED, OrderEvent.CHECKED, [INST])
_allow(["completed"], "reject_check", [ENT], S.IN_SERVICE, OrderEvent.CHECK_REJECTED, [INST])
_allow(
    ["submitted", *IN_SERVICE_STATES, "completed"],
    "force_cancel",
    ["window_admin", "hub_admin"],
    S.CANCELLED,
    OrderEvent.FORCE_CANCELLED,
    [ENT, INST],
)

TRIPLES = [(state, action, actor) for state in STATES for action in ACTIONS for actor in ACTORS]
REFUSED = [triple for triple in TRIPLES if triple not in ALLOWED]


def make_order(world, state):
    order = order_in_state(
        STATUS_OF.get(state, state),
        enterprise=world["enterprise"],
        institution=world["institution"],
        service=world["service"],
        quantity=2,
        requirements="请于月底前完成。",
        attachments=[order_document("需求说明.pdf")],
    )
    if state == "cr_enterprise":
        with_cancel_request(order, world["enterprise"], reason="企业要求取消。")
    elif state == "cr_institution":
        with_cancel_request(order, world["institution"], reason="机构要求取消。")
    return Order.objects.get(pk=order.pk)


def run(action, order, actor):
    reason = REASONS.get(action, "")
    if action == "update":
        return order_update(
            order=order,
            actor=actor,
            quantity=5,
            requirements="改为五次上门服务。",
            new_attachments=[order_document("补充说明.pdf")],
        )
    if action == "cancel":
        return order_cancel(order=order, actor=actor)
    if action == "delete":
        return order_delete(order=order, actor=actor)
    if action == "accept":
        return order_accept(order=order, actor=actor)
    if action == "decline":
        return order_decline(order=order, actor=actor, reason=reason)
    if action == "finish":
        return order_finish(order=order, actor=actor, completed=True)
    if action == "not_completed":
        return order_finish(order=order, actor=actor, completed=False, reason=reason)
    if action == "request_cancel":
        return order_request_cancel(order=order, actor=actor, reason=reason)
    if action == "agree_cancel":
        return order_answer_cancel(order=order, actor=actor, agree=True)
    if action == "refuse_cancel":
        return order_answer_cancel(order=order, actor=actor, agree=False)
    if action == "check":
        return order_check(order=order, actor=actor)
    if action == "reject_check":
        return order_reject_check(order=order, actor=actor, reason=reason)
    if action == "force_cancel":
        return order_force_cancel(order=order, actor=actor, reason=reason)
    raise AssertionError(action)


def snapshot(order):
    return (
        Order.objects.filter(pk=order.pk).values().get(),
        list(OrderLog.objects.filter(order=order).values_list("pk", flat=True)),
        sorted(OrderAttachment.objects.filter(order=order).values_list("pk", "original_name")),
        Notification.objects.count(),
        Service.objects.get(pk=order.service_id).order_count,
    )


def test_the_table_covers_every_triple():
    assert len(TRIPLES) == 9 * 13 * 7
    assert set(ALLOWED) <= set(TRIPLES)
    assert len(ALLOWED) + len(REFUSED) == len(TRIPLES)


def _ids(triples):
    return ["-".join(t) for t in triples]


@pytest.mark.parametrize(("state", "action", "actor_name"), sorted(ALLOWED), ids=_ids(sorted(ALLOWED)))
def test_allowed_action_moves_the_state_logs_once_and_notifies_the_other_side(world, state, action, actor_name):
    order = make_order(world, state)
    actor = world[actor_name]
    before = Order.objects.get(pk=order.pk)
    logs_before = set(OrderLog.objects.filter(order=order).values_list("pk", flat=True))
    mark = last_notification_pk()
    order_count = world["service"].order_count

    run(action, order, actor)

    order.refresh_from_db()
    target, event, told = ALLOWED[(state, action, actor_name)]
    assert order.status == target
    new_logs = list(OrderLog.objects.filter(order=order).exclude(pk__in=logs_before))
    assert len(new_logs) == 1
    log = new_logs[0]
    # Every event records who, from which state, to which state, and why.
    assert (log.actor, log.event, log.from_status, log.to_status, log.reason) == (
        actor,
        event,
        STATUS_OF.get(state, state),
        target,
        REASONS.get(action, ""),
    )

    notes = notifications_after(mark)
    expected = set()
    for side in told:
        expected |= active_users(order.enterprise if side == ENT else order.institution)
    assert sorted(n.recipient.pk for n in notes) == sorted(u.pk for u in expected)
    for note in notes:
        assert note.url == order.get_absolute_url()
        assert order.number in note.title
        if action in REASONS:
            assert REASONS[action] in note.body

    # What else the action changes.
    service = Service.objects.get(pk=order.service_id)
    assert service.order_count == order_count + (1 if action == "check" else 0)
    if target in (S.CANCELLED, S.DECLINED):
        assert order.closed_at is not None
    if action == "update":
        assert (order.quantity, order.requirements) == (5, "改为五次上门服务。")
        assert sorted(order.attachments.values_list("original_name", flat=True)) == ["补充说明.pdf", "需求说明.pdf"]
    elif action == "accept":
        assert order.accepted_at is not None
    elif action == "finish":
        assert order.completed_at is not None
        assert (order.cancel_requested_by, order.cancel_request_reason, order.cancel_requested_at) == ("", "", None)
    elif action == "not_completed":
        assert order.cancel_requested_by == before.cancel_requested_by
    elif action == "request_cancel":
        assert order.cancel_requested_by == actor_name
        assert order.cancel_request_reason == REASONS[action]
        assert order.cancel_requested_at is not None
    elif action in ("agree_cancel", "refuse_cancel", "force_cancel"):
        assert (order.cancel_requested_by, order.cancel_request_reason, order.cancel_requested_at) == ("", "", None)
    elif action == "check":
        assert order.checked_at is not None
    elif action == "reject_check":
        assert order.completed_at is None
    elif action == "delete":
        assert order.hidden_by_enterprise is True
    if action != "delete":
        assert order.hidden_by_enterprise is False
    if action != "update":
        assert (order.quantity, order.requirements) == (before.quantity, before.requirements)


@pytest.mark.parametrize(("state", "action", "actor_name"), REFUSED, ids=_ids(REFUSED))
def test_refused_action_says_why_and_changes_nothing(world, state, action, actor_name):
    order = make_order(world, state)
    before = snapshot(order)

    with pytest.raises(ActionRefused) as refused:
        run(action, order, world[actor_name])

    assert str(refused.value.message).strip()
    assert snapshot(order) == before


def test_a_deleted_order_cannot_be_deleted_twice(world):
    order = make_order(world, "cancelled")
    order_delete(order=order, actor=world["enterprise"])
    before = snapshot(order)
    with pytest.raises(ActionRefused):
        order_delete(order=order, actor=world["enterprise"])
    assert snapshot(order) == before


@pytest.mark.parametrize(
    ("state", "action", "actor_name"),
    [
        ("submitted", "decline", "institution"),
        ("in_service", "not_completed", "enterprise"),
        ("in_service", "request_cancel", "enterprise"),
        ("in_service", "request_cancel", "institution"),
        ("completed", "reject_check", "enterprise"),
        ("submitted", "force_cancel", "hub_admin"),
        ("completed", "force_cancel", "window_admin"),
    ],
)
@pytest.mark.parametrize("reason", ["", "   \n"])
def test_actions_that_need_a_reason_refuse_without_one(world, state, action, actor_name, reason):
    order = make_order(world, state)
    before = snapshot(order)
    with mock.patch.dict(REASONS, {action: reason}), pytest.raises(ActionRefused) as refused:
        run(action, order, world[actor_name])
    assert str(refused.value.message) == "请填写原因。"
    assert refused.value.field_errors == {"reason": "请填写原因。"}
    assert snapshot(order) == before


@pytest.mark.parametrize("quantity", [0, -1, None])
def test_update_keeps_the_quantity_at_least_one(world, quantity):
    order = make_order(world, "submitted")
    before = snapshot(order)
    with pytest.raises(ActionRefused) as refused:
        order_update(order=order, actor=world["enterprise"], quantity=quantity, requirements="x")
    assert "quantity" in refused.value.field_errors
    assert snapshot(order) == before


def test_update_removes_only_the_orders_own_attachments(world):
    order = make_order(world, "submitted")
    other = make_order(world, "submitted")
    own = order.attachments.get()
    foreign = other.attachments.get()

    order_update(
        order=order,
        actor=world["enterprise"],
        quantity=2,
        requirements="",
        removed_attachment_ids=[own.pk, foreign.pk],
    )

    assert not order.attachments.exists()
    assert other.attachments.filter(pk=foreign.pk).exists()


# Placing an order ----------------------------------------------------------------------------------


@pytest.fixture
def shop():
    """A certified institution active in 银川 and 兴庆区, its fixed-price service in both, a certified enterprise."""
    institution = certified_institution("yinchuan", "xingqing")
    service = published_service(
        institution, title="财税代理记账", price_mode="fixed", price=Decimal("800"), price_unit="time"
    )
    return {"institution": institution, "service": service, "enterprise": certified_enterprise()}


def place(shop, actor=None, **kwargs):
    values = {
        "service": shop["service"],
        "actor": actor or shop["enterprise"],
        "window": window("yinchuan"),
        "quantity": 2,
        "requirements": "每月上门一次。",
    }
    values.update(kwargs)
    return order_place(**values)


def nothing_placed():
    return not Order.objects.exists() and not OrderLog.objects.exists() and not OrderAttachment.objects.exists()


def test_place_copies_the_service_and_tells_the_institution(shop):
    mark = last_notification_pk()
    enterprise = shop["enterprise"]

    order = place(shop, window=window("xingqing"), quantity=3)

    order.refresh_from_db()
    assert order.status == S.SUBMITTED
    assert (order.enterprise, order.institution, order.service, order.window, order.placed_by) == (
        enterprise.organisation,
        shop["institution"].organisation,
        shop["service"],
        window("xingqing"),
        enterprise,
    )
    assert (order.service_title, order.price_mode, order.price, order.price_unit) == (
        "财税代理记账",
        "fixed",
        Decimal("800"),
        "time",
    )
    assert (order.quantity, order.requirements) == (3, "每月上门一次。")
    log = order.logs.get()
    assert (log.actor, log.event, log.from_status, log.to_status) == (enterprise, OrderEvent.PLACED, "", S.SUBMITTED)
    notes = notifications_after(mark)
    assert [n.recipient for n in notes] == [shop["institution"]]
    assert notes[0].url == order.get_absolute_url()
    assert order.number in notes[0].title and "财税代理记账" in notes[0].title

    # Later changes of the service do not change what was ordered.
    Service.objects.filter(pk=shop["service"].pk).update(title="新名称", price=Decimal("999"), price_unit="year")
    order.refresh_from_db()
    assert (order.service_title, order.price, order.price_unit) == ("财税代理记账", Decimal("800"), "time")


def test_order_numbers_are_yc_date_and_four_digits_increasing_and_unique(shop):
    today = timezone.localdate()
    numbers = [place(shop).number for _ in range(30)]
    assert all(re.fullmatch(rf"YC{today:%Y%m%d}\d{{4}}", number) for number in numbers), numbers
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == 30
    assert [int(n[-4:]) for n in numbers] == list(range(1, 31))


def test_order_numbers_use_the_local_date_and_restart_each_day(shop):
    # 17:30 UTC on 26 November is 01:30 on 27 November in 银川 (UTC+8).
    late_evening_utc = datetime(2026, 11, 26, 17, 30, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=late_evening_utc):
        first = place(shop).number
        second = place(shop).number
    with mock.patch("django.utils.timezone.now", return_value=late_evening_utc + timedelta(days=1)):
        next_day = place(shop).number
    assert (first, second, next_day) == ("YC202611270001", "YC202611270002", "YC202611280001")


def test_attachments_are_stored_with_their_original_names(shop):
    order = place(shop, attachments=[order_document("营业执照副本.pdf"), order_document("需求 清单.pdf")])
    stored = list(order.attachments.order_by("pk"))
    assert [a.original_name for a in stored] == ["营业执照副本.pdf", "需求 清单.pdf"]
    for attachment in stored:
        assert attachment.uploaded_by == shop["enterprise"]
        assert attachment.file.name != attachment.original_name  # stored under a random name
        with attachment.file.open("rb") as handle:
            assert handle.read().startswith(b"%PDF-")


def test_at_most_ten_attachments(shop):
    with pytest.raises(ActionRefused) as refused:
        place(shop, attachments=[order_document(f"附件{n}.pdf") for n in range(11)])
    assert "attachments" in refused.value.field_errors
    assert nothing_placed()

    order = place(shop, attachments=[order_document(f"附件{n}.pdf") for n in range(10)])
    assert order.attachments.count() == 10
    with pytest.raises(ActionRefused):
        order_update(
            order=order,
            actor=shop["enterprise"],
            quantity=2,
            requirements="",
            new_attachments=[order_document("第十一个.pdf")],
        )
    assert order.attachments.count() == 10
    assert not order.logs.filter(event=OrderEvent.UPDATED).exists()


@pytest.mark.parametrize("quantity", [0, -3, None])
def test_quantity_must_be_at_least_one(shop, quantity):
    with pytest.raises(ActionRefused) as refused:
        place(shop, quantity=quantity)
    assert "quantity" in refused.value.field_errors
    assert nothing_placed()


@pytest.mark.parametrize(
    "who",
    ["uncertified_enterprise", "certified_institution", "own_institution", "hub_admin", "staff", "anonymous"],
)
def test_only_certified_enterprises_place_orders(shop, who):
    actor = {
        "uncertified_enterprise": lambda: EnterpriseUserFactory(),
        "certified_institution": lambda: certified_institution("yinchuan"),
        "own_institution": lambda: shop["institution"],
        "hub_admin": lambda: HubAdminFactory(),
        "staff": lambda: StaffUserFactory(),
        "anonymous": lambda: AnonymousUser(),
    }[who]()
    mark = last_notification_pk()
    with pytest.raises(ActionRefused) as refused:
        place(shop, actor=actor)
    assert str(refused.value.message).strip()
    assert nothing_placed()
    assert notifications_after(mark) == []


@pytest.mark.parametrize(
    "status", [ServiceStatus.DRAFT, ServiceStatus.PENDING, ServiceStatus.REJECTED, ServiceStatus.DELISTED]
)
def test_a_service_that_is_not_listed_cannot_be_ordered(shop, status):
    service = service_in_state(shop["institution"], status, windows=("yinchuan",))
    with pytest.raises(ActionRefused):
        place(shop, service=service)
    assert nothing_placed()


def test_a_delisted_service_cannot_be_ordered(shop):
    service_delist(service=shop["service"], actor=shop["institution"])
    with pytest.raises(ActionRefused):
        place(shop)
    assert nothing_placed()


def test_a_superseded_version_cannot_be_ordered_the_new_one_can(shop):
    institution = shop["institution"]
    revision = service_start_revision(service=shop["service"], actor=institution)
    service_submit(service=revision, actor=institution)
    service_approve(service=revision, actor=HubAdminFactory())
    old = Service.objects.get(pk=shop["service"].pk)
    assert old.status == ServiceStatus.SUPERSEDED

    with pytest.raises(ActionRefused):
        place(shop, service=old)
    assert nothing_placed()
    assert place(shop, service=revision).service == revision


def test_a_service_of_an_institution_that_left_its_windows_cannot_be_ordered(shop):
    for membership in WindowMembership.objects.filter(organisation=shop["institution"].organisation):
        membership_withdraw(membership=membership, actor=shop["institution"])
    with pytest.raises(ActionRefused):
        place(shop)
    assert nothing_placed()


def test_a_service_of_a_suspended_member_cannot_be_ordered(shop):
    WindowMembership.objects.filter(organisation=shop["institution"].organisation).update(
        status=MembershipStatus.SUSPENDED
    )
    with pytest.raises(ActionRefused):
        place(shop)
    assert nothing_placed()


def test_the_window_must_be_one_the_service_is_shown_in(shop):
    # 枸杞产业: not a window of the service.
    with pytest.raises(ActionRefused) as refused:
        place(shop, window=window("goji"))
    assert "window" in refused.value.field_errors
    assert nothing_placed()

    # The institution leaves 兴庆区: the service is no longer shown there, only in 银川.
    membership = WindowMembership.objects.get(organisation=shop["institution"].organisation, window__slug="xingqing")
    membership_withdraw(membership=membership, actor=shop["institution"])
    with pytest.raises(ActionRefused) as refused:
        place(shop, window=window("xingqing"))
    assert "window" in refused.value.field_errors
    assert nothing_placed()
    assert place(shop, window=window("yinchuan")).window == window("yinchuan")


def test_open_orders_go_on_when_the_institution_leaves_the_window(shop):
    order = place(shop, window=window("xingqing"))
    membership = WindowMembership.objects.get(organisation=shop["institution"].organisation, window__slug="xingqing")
    membership_withdraw(membership=membership, actor=shop["institution"])
    order_accept(order=order, actor=shop["institution"])
    order.refresh_from_db()
    assert order.status == S.IN_SERVICE


# Deleting, and the 成交量 ---------------------------------------------------------------------------


def test_a_deleted_order_leaves_the_enterprise_lists_only(world):
    kept = make_order(world, "declined")
    deleted = make_order(world, "cancelled")
    order_delete(order=deleted, actor=world["enterprise"])

    def listed(user, party):
        queryset = order_list(organisation=user.organisation, party=party, tab="all", filters=OrderFilters())
        return set(queryset.values_list("pk", flat=True))

    assert listed(world["enterprise"], ENT) == {kept.pk}
    assert set(Order.objects.for_enterprise(world["enterprise"].organisation)) == {kept}
    assert listed(world["institution"], INST) == {kept.pk, deleted.pk}
    with pytest.raises(Http404):
        get_order_for_user(world["enterprise"], deleted.pk)
    assert get_order_for_user(world["institution"], deleted.pk) == deleted
    assert get_order_for_user(world["window_admin"], deleted.pk) == deleted
    assert get_order_for_user(world["hub_admin"], deleted.pk) == deleted
    assert Order.objects.filter(pk=deleted.pk, hidden_by_enterprise=True).exists()


def test_accepting_the_completed_service_counts_an_order_of_the_service(world):
    service = world["service"]
    assert service.order_count == 0
    first = make_order(world, "completed")
    second = make_order(world, "completed")
    make_order(world, "in_service")

    order_check(order=first, actor=world["enterprise"])
    assert Service.objects.get(pk=service.pk).order_count == 1
    order_reject_check(order=second, actor=world["enterprise"], reason="不合格")
    assert Service.objects.get(pk=service.pk).order_count == 1
    order_finish(order=second, actor=world["enterprise"], completed=True)
    order_check(order=second, actor=world["enterprise"])
    assert Service.objects.get(pk=service.pk).order_count == 2
