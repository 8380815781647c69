"""Demand actions: every (state, action, actor) triple of the demand machine, and the content rules."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from demands.actions import (
    demand_approve,
    demand_award,
    demand_delete,
    demand_fail,
    demand_return,
    demand_update,
    demand_void,
)
from demands.models import Bid, BidStatus, Demand, DemandAttachment, DemandEvent, DemandLog, DemandStatus
from smeportal.errors import ActionRefused
from tests.demands.helpers import (
    DEMAND_STATES,
    STATUS_OF,
    active_users,
    bid_of,
    future,
    last_notification_pk,
    make_demand,
    make_world,
    notifications_after,
    publish,
    recipients,
    snapshot,
    users_counter,
)
from tests.factories import (
    EnterpriseUserFactory,
    HubAdminFactory,
    demand_fields,
    order_document,
    pass_bid_deadline,
    window,
)

pytestmark = pytest.mark.django_db

S = DemandStatus


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def world():
    return make_world()


# The state machine -------------------------------------------------------------------------------

ACTIONS = ["update", "delete", "approve", "return", "award", "fail", "void"]
ACTORS = [
    "owner",
    "other_enterprise",
    "window_admin",
    "other_window_admin",
    "hub_admin",
    "institution",
    "anonymous",
]
REASONS = {"return": "预算说明不清楚，请补充。", "fail": "投标报价均超出预算。", "void": "项目取消，不再采购。"}
UPDATED = {"title": "年度财务审计服务（修订）", "budget_max": Decimal("25000")}

# (state, action, actor) -> (status after or None when deleted, event, who is told)
ALLOWED = {}


def _allow(states, action, actors, target, event, told):
    for state in states:
        for actor in actors:
            ALLOWED[(state, action, actor)] = (target or STATUS_OF.get(state, state), event, told)


_allow(["pending_review"], "update", ["owner"], None, DemandEvent.MODIFIED, ["reviewers"])
_allow(["returned"], "update", ["owner"], S.PENDING_REVIEW, DemandEvent.SUBMITTED, ["reviewers"])
_allow(["pending_review", "returned"], "delete", ["owner"], "deleted", None, [])
_allow(["pending_review"], "approve", ["window_admin", "hub_admin"], S.BIDDING, DemandEvent.APPROVED, ["owner"])
_allow(["pending_review"], "return", ["window_admin", "hub_admin"], S.RETURNED, DemandEvent.RETURNED, ["owner"])
# 选标 only after the deadline (bids are sealed until then).
# The window runs 中标公示 (the default): the choice opens the publicity; the order waits for its end
# (tests/demands/test_publicity.py; test_bids.py has the award of a window without it).
_allow(["closed"], "award", ["owner"], S.PUBLICITY, DemandEvent.PUBLICITY_OPENED, ["winner", "rival"])
_allow(["bidding", "closed"], "fail", ["owner"], S.FAILED, DemandEvent.FAILED, ["institution", "rival"])
_allow(["bidding", "closed"], "void", ["owner"], S.VOIDED, DemandEvent.VOIDED, ["institution", "rival"])
_allow(
    ["bidding", "closed"],
    "void",
    ["window_admin", "hub_admin"],
    S.VOIDED,
    DemandEvent.VOIDED,
    ["institution", "rival", "owner"],
)

TRIPLES = [(state, action, actor) for state in DEMAND_STATES for action in ACTIONS for actor in ACTORS]
REFUSED = [triple for triple in TRIPLES if triple not in ALLOWED]


def chosen_bid(world, demand):
    """The bid 【选为中标单位】 is tried on: the institution's, or the rival's once the institution won."""
    if demand.status in (S.AWARDED, S.PUBLICITY):
        return bid_of(demand, world["rival"])
    bid = bid_of(demand, world["institution"])
    if bid is None:  # no bids before approval: try a bid on another demand
        other = make_demand(world, "closed", attachments=False)
        bid = bid_of(other, world["institution"])
    return bid


def run(action, demand, actor, world):
    reason = REASONS.get(action, "")
    if action == "update":
        return demand_update(
            demand=demand,
            actor=actor,
            fields=demand_fields(**UPDATED),
            new_attachments=[order_document("补充说明.pdf")],
        )
    if action == "delete":
        return demand_delete(demand=demand, actor=actor)
    if action == "approve":
        return demand_approve(demand=demand, actor=actor)
    if action == "return":
        return demand_return(demand=demand, actor=actor, reason=reason)
    if action == "award":
        return demand_award(demand=demand, bid=chosen_bid(world, demand), actor=actor)
    if action == "fail":
        return demand_fail(demand=demand, actor=actor, reason=reason)
    if action == "void":
        return demand_void(demand=demand, actor=actor, reason=reason)
    raise AssertionError(action)


def test_the_table_covers_every_triple():
    assert len(TRIPLES) == 8 * 7 * 7
    assert set(ALLOWED) <= set(TRIPLES)
    assert len(ALLOWED) == 17
    assert len(ALLOWED) + len(REFUSED) == len(TRIPLES)


def _ids(triples):
    return ["-".join(t) for t in triples]


def expected_recipients(world, demand, told):
    groups = []
    for who in told:
        if who == "reviewers":
            groups.append([world["window_admin"]])  # the window has an administrator: the hub is not bothered
        elif who == "owner":
            groups.append(active_users(demand.enterprise))
        elif who in ("institution", "winner"):
            groups.append(active_users(world["institution"].organisation))
        elif who == "rival":
            groups.append(active_users(world["rival"].organisation))
    return users_counter(*groups)


@pytest.mark.parametrize(("state", "action", "actor_name"), sorted(ALLOWED), ids=_ids(sorted(ALLOWED)))
def test_allowed_action_moves_the_state_logs_and_notifies(world, state, action, actor_name):
    demand = make_demand(world, state)
    actor = world[actor_name]
    before = Demand.objects.get(pk=demand.pk)
    logs_before = set(DemandLog.objects.filter(demand=demand).values_list("pk", flat=True))
    mark = last_notification_pk()
    target, event, told = ALLOWED[(state, action, actor_name)]

    run(action, demand, actor, world)

    notes = notifications_after(mark)
    assert recipients(notes) == expected_recipients(world, demand, told)
    if target == "deleted":
        assert not Demand.objects.filter(pk=demand.pk).exists()
        assert not DemandLog.objects.filter(demand_id=demand.pk).exists()
        assert not DemandAttachment.objects.filter(demand_id=demand.pk).exists()
        return

    demand.refresh_from_db()
    assert demand.status == target
    new_logs = list(DemandLog.objects.filter(demand=demand).exclude(pk__in=logs_before))
    assert len(new_logs) == 1
    log = new_logs[0]
    expected_reason = demand.winning_bid.institution.name if action == "award" else REASONS.get(action, "")
    assert (log.actor, log.event, log.from_status, log.to_status, log.reason) == (
        actor,
        event,
        STATUS_OF.get(state, state),
        target,
        expected_reason,
    )
    for note in notes:
        assert note.title.strip()
        if action in ("fail", "void", "return"):
            assert REASONS[action] in note.body or note.recipient == world["window_admin"]

    if action == "update":
        assert (demand.title, demand.budget_max) == (UPDATED["title"], UPDATED["budget_max"])
        assert sorted(demand.attachments.values_list("original_name", flat=True)) == ["补充说明.pdf", "需求说明.pdf"]
        assert demand.review_reason == ""
        assert demand.submitted_at > before.submitted_at
        for note in notes:
            assert demand.title in note.title
            assert note.url == reverse("admin:demands_demand_change", args=[demand.pk])
    elif action == "approve":
        assert demand.approved_at is not None
        for note in notes:
            assert demand.title in note.title
            assert note.url == demand.get_absolute_url()
    elif action == "return":
        assert demand.review_reason == REASONS["return"]
        assert demand.approved_at is None
        for note in notes:
            assert demand.title in note.title
            assert note.url == reverse("demands:mine")
    elif action == "award":
        assert demand.winning_bid == bid_of(demand, world["institution"])
        assert demand.publicity_ends_at > timezone.now()
        assert demand.order is None and demand.closed_at is None
        assert set(Bid.objects.filter(demand=demand).values_list("status", flat=True)) == {BidStatus.SUBMITTED}
    elif action in ("fail", "void"):
        assert demand.close_reason == REASONS[action]
        assert demand.closed_at is not None
        assert demand.winning_bid is None and demand.order is None
        bids = list(Bid.objects.filter(demand=demand))
        assert len(bids) == 2
        assert {b.status for b in bids} == {BidStatus.VOID}
        assert all(b.closed_at is not None for b in bids)
        for note in notes:
            assert demand.title in note.title
            is_owner_note = note.recipient.organisation_id == demand.enterprise_id
            assert note.url == (demand.get_absolute_url() if is_owner_note else reverse("demands:my_bids"))
    if action != "update":
        assert (demand.title, demand.budget_max, demand.description) == (
            before.title,
            before.budget_max,
            before.description,
        )


@pytest.mark.parametrize(("state", "action", "actor_name"), REFUSED, ids=_ids(REFUSED))
def test_refused_action_says_why_and_changes_nothing(world, state, action, actor_name):
    demand = make_demand(world, state)
    if action == "award":
        bid = chosen_bid(world, demand)  # made before the snapshot
        before = snapshot(demand)
        with pytest.raises(ActionRefused) as refused:
            demand_award(demand=demand, bid=bid, actor=world[actor_name])
    else:
        before = snapshot(demand)
        with pytest.raises(ActionRefused) as refused:
            run(action, demand, world[actor_name], world)

    assert str(refused.value.message).strip()
    assert snapshot(demand) == before


def test_approved_demands_cannot_be_modified_or_deleted_with_the_manuals_reason(world):
    demand = make_demand(world, "bidding")
    for call in (
        lambda: demand_update(demand=demand, actor=world["owner"], fields=demand_fields()),
        lambda: demand_delete(demand=demand, actor=world["owner"]),
    ):
        with pytest.raises(ActionRefused) as refused:
            call()
        assert str(refused.value.message) == "审核通过以后的需求是不能被修改/删除的。"


def test_a_colleague_of_the_owner_acts_for_the_enterprise(world):
    colleague = world["owner"].organisation.users.exclude(pk=world["owner"].pk).filter(is_active=True).get()
    demand = make_demand(world, "closed")
    demand_award(demand=demand, bid=bid_of(demand, world["rival"]), actor=colleague)
    demand.refresh_from_db()
    assert (demand.status, demand.winning_bid.institution) == (S.PUBLICITY, world["rival"].organisation)


def test_delete_removes_the_files_after_the_commit(world, django_capture_on_commit_callbacks):
    demand = make_demand(world, "pending_review")
    attachment = demand.attachments.get()
    storage, name = attachment.file.storage, attachment.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        demand_delete(demand=demand, actor=world["owner"])
    assert not storage.exists(name)


def test_update_removes_only_the_demands_own_attachments(world):
    demand = make_demand(world, "pending_review")
    other = make_demand(world, "pending_review")
    own, foreign = demand.attachments.get(), other.attachments.get()
    demand_update(
        demand=demand, actor=world["owner"], fields=demand_fields(), removed_attachment_ids=[own.pk, foreign.pk]
    )
    assert not demand.attachments.exists()
    assert other.attachments.filter(pk=foreign.pk).exists()


def test_a_returned_demand_modified_goes_back_to_review_and_can_be_approved(world):
    demand = make_demand(world, "returned")
    demand_update(demand=demand, actor=world["owner"], fields=demand_fields())
    demand_approve(demand=demand, actor=world["window_admin"])
    demand.refresh_from_db()
    assert demand.status == S.BIDDING
    assert [(log.event, log.from_status, log.to_status) for log in demand.logs.all()] == [
        (DemandEvent.SUBMITTED, "", S.PENDING_REVIEW),
        (DemandEvent.RETURNED, S.PENDING_REVIEW, S.RETURNED),
        (DemandEvent.SUBMITTED, S.RETURNED, S.PENDING_REVIEW),
        (DemandEvent.APPROVED, S.PENDING_REVIEW, S.BIDDING),
    ]


@pytest.mark.parametrize(
    ("action", "state", "actor_name"),
    [("return", "pending_review", "window_admin"), ("fail", "bidding", "owner"), ("void", "bidding", "hub_admin")],
)
@pytest.mark.parametrize("reason", ["", "   \n"])
def test_actions_that_need_a_reason_refuse_without_one(world, action, state, actor_name, reason):
    demand = make_demand(world, state)
    before = snapshot(demand)
    function = {"return": demand_return, "fail": demand_fail, "void": demand_void}[action]
    with pytest.raises(ActionRefused) as refused:
        function(demand=demand, actor=world[actor_name], reason=reason)
    assert str(refused.value.message) == "请填写原因。"
    assert refused.value.field_errors == {"reason": "请填写原因。"}
    assert snapshot(demand) == before


def test_an_inactive_window_admin_cannot_review(world):
    admin = world["window_admin"]
    admin.is_active = False
    admin.save()
    demand = make_demand(world, "pending_review")
    before = snapshot(demand)
    with pytest.raises(ActionRefused):
        demand_approve(demand=demand, actor=admin)
    assert snapshot(demand) == before


def test_reviewers_are_the_hub_admins_when_the_window_has_no_admin(world):
    mark = last_notification_pk()
    demand = publish(world["owner"], window_slug="jinfeng")
    hubs = set(type(world["owner"]).objects.filter(is_superuser=True, is_active=True))
    notes = notifications_after(mark)
    assert {n.recipient for n in notes} == hubs
    assert all(demand.title in n.title for n in notes)


# Publishing and the content rules ----------------------------------------------------------------


def test_publish_makes_a_demand_pending_review_logged_and_sent_to_the_reviewers(world):
    mark = last_notification_pk()
    demand = publish(world["owner"])
    assert demand.status == S.PENDING_REVIEW
    assert (demand.enterprise, demand.created_by) == (world["owner"].organisation, world["owner"])
    assert demand.submitted_at is not None and demand.approved_at is None
    log = demand.logs.get()
    assert (log.actor, log.event, log.from_status, log.to_status) == (
        world["owner"],
        DemandEvent.SUBMITTED,
        "",
        S.PENDING_REVIEW,
    )
    assert [n.recipient for n in notifications_after(mark)] == [world["window_admin"]]


@pytest.mark.parametrize("who", ["uncertified_enterprise", "institution", "hub_admin", "anonymous"])
def test_only_certified_enterprises_publish(world, who):
    actor = {
        "uncertified_enterprise": EnterpriseUserFactory,
        "institution": lambda: world["institution"],
        "hub_admin": HubAdminFactory,
        "anonymous": lambda: world["anonymous"],
    }[who]()
    count = Demand.objects.count()
    with pytest.raises(ActionRefused):
        publish(actor)
    assert Demand.objects.count() == count


def refusal_of(call):
    with pytest.raises(ActionRefused) as refused:
        call()
    return refused.value


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"bid_deadline": "past"}, "bid_deadline", "投标截止时间必须晚于当前时间。"),
        ({"bid_deadline": "now"}, "bid_deadline", "投标截止时间必须晚于当前时间。"),
        ({"bid_deadline": None}, "bid_deadline", "投标截止时间必须晚于当前时间。"),
        ({"expected_finish": "before_deadline"}, "expected_finish", None),
        ({"budget_min": Decimal("30000"), "budget_max": Decimal("20000")}, "budget_max", None),
        ({"budget_min": None, "budget_max": None}, "budget_min", None),
        ({"budget_min": Decimal("-1"), "budget_max": Decimal("100")}, "budget_min", None),
        ({"budget_min": None, "budget_max": Decimal("-100")}, "budget_max", None),
    ],
    ids=[
        "deadline-past",
        "deadline-now",
        "deadline-missing",
        "finish-before-deadline",
        "budget-upside-down",
        "budget-range-empty",
        "budget-min-negative",
        "budget-max-negative",
    ],
)
@pytest.mark.parametrize("how", ["publish", "update"])
def test_content_rules_on_publish_and_update(world, overrides, field, message, how):
    now = timezone.now()
    if overrides.get("bid_deadline") == "past":
        overrides = {"bid_deadline": now - timedelta(minutes=1)}
    elif overrides.get("bid_deadline") == "now":
        overrides = {"bid_deadline": now}
    elif overrides.get("expected_finish") == "before_deadline":
        overrides = {"bid_deadline": now + timedelta(days=10), "expected_finish": (now + timedelta(days=8)).date()}
    fields = demand_fields(**overrides)
    if how == "publish":
        count = Demand.objects.count()
        refusal = refusal_of(lambda: publish(world["owner"], **overrides))
        assert Demand.objects.count() == count
    else:
        demand = make_demand(world, "pending_review")
        before = snapshot(demand)
        refusal = refusal_of(lambda: demand_update(demand=demand, actor=world["owner"], fields=fields))
        assert snapshot(demand) == before
    assert str(refusal.message).strip()
    assert field in refusal.field_errors
    if message:
        assert refusal.field_errors[field] == message


def test_expected_completion_compares_with_the_local_date_of_the_deadline(world):
    """Deadline 01:00 on 2 March in 银川 is still 1 March in UTC: completion on 1 March is too early."""
    year = timezone.localdate().year + 1
    deadline = timezone.make_aware(datetime(year, 3, 2, 1, 0))  # the current time zone, Asia/Shanghai
    assert deadline.astimezone(UTC).date() == date(year, 3, 1)
    with pytest.raises(ActionRefused) as refused:
        publish(world["owner"], bid_deadline=deadline, expected_finish=date(year, 3, 1))
    assert "expected_finish" in refused.value.field_errors
    demand = publish(world["owner"], bid_deadline=deadline, expected_finish=date(year, 3, 2))
    assert demand.expected_finish == date(year, 3, 2)


def test_expected_completion_on_the_deadline_day_is_allowed(world):
    deadline = future(days=3)
    demand = publish(world["owner"], bid_deadline=deadline, expected_finish=timezone.localdate(deadline))
    assert demand.expected_finish == timezone.localdate(deadline)


@pytest.mark.parametrize(
    ("low", "high"), [(Decimal("5000"), None), (None, Decimal("20000")), (Decimal("8000"), Decimal("8000"))]
)
def test_a_budget_with_one_end_or_a_single_amount_is_accepted(world, low, high):
    demand = publish(world["owner"], budget_min=low, budget_max=high)
    demand.refresh_from_db()
    assert (demand.budget_mode, demand.budget_min, demand.budget_max) == ("range", low, high)


@pytest.mark.parametrize("how", ["publish", "update"])
def test_negotiable_clears_the_range(world, how):
    fields = {"budget_mode": "negotiable", "budget_min": Decimal("1"), "budget_max": Decimal("2")}
    if how == "publish":
        demand = publish(world["owner"], **fields)
    else:
        demand = make_demand(world, "pending_review")
        demand_update(demand=demand, actor=world["owner"], fields=demand_fields(**fields))
    demand.refresh_from_db()
    assert (demand.budget_mode, demand.budget_min, demand.budget_max) == ("negotiable", None, None)
    assert demand.budget_display == "面议"


def test_negotiable_needs_no_range(world):
    demand = publish(world["owner"], budget_mode="negotiable", budget_min=None, budget_max=None)
    assert demand.budget_mode == "negotiable"


def test_a_closed_window_is_refused(world):
    closed = window("jinfeng")
    closed.is_active = False
    closed.save()
    refusal = refusal_of(lambda: publish(world["owner"], window_slug="jinfeng"))
    assert "window" in refusal.field_errors


def test_too_many_attachments_are_refused(world):
    from demands.actions import MAX_ATTACHMENTS, demand_publish

    count = Demand.objects.count()
    with pytest.raises(ActionRefused) as refused:
        demand_publish(
            actor=world["owner"],
            fields=demand_fields(),
            attachments=[order_document(f"附件{n}.pdf") for n in range(MAX_ATTACHMENTS + 1)],
        )
    assert "attachments" in refused.value.field_errors
    assert Demand.objects.count() == count


@pytest.mark.parametrize("actor_name", ["window_admin", "hub_admin"])
def test_approve_is_refused_once_the_deadline_has_passed(world, actor_name):
    demand = make_demand(world, "pending_review")
    pass_bid_deadline(demand)
    before = snapshot(demand)
    with pytest.raises(ActionRefused) as refused:
        demand_approve(demand=demand, actor=world[actor_name])
    assert "截止" in str(refused.value.message)
    assert snapshot(demand) == before
    # The reviewer returns it instead, and the enterprise sets a new deadline.
    demand_return(demand=demand, actor=world[actor_name], reason="投标截止时间已过，请重新设置。")
    demand_update(demand=demand, actor=world["owner"], fields=demand_fields(bid_deadline=future(days=5)))
    demand_approve(demand=demand, actor=world[actor_name])
    demand.refresh_from_db()
    assert demand.status == S.BIDDING
