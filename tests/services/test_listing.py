"""Service listing actions: the state machine, who may publish where, prices, images, new versions."""

from decimal import Decimal

import pytest
from django.urls import reverse

from notifications.models import Notification
from services.actions import (
    service_approve,
    service_delist,
    service_reject,
    service_save,
    service_start_revision,
    service_submit,
)
from services.models import Service, ServiceImage, ServiceLog, ServiceStatus
from services.selectors import public_services
from smeportal.errors import ActionRefused
from tests.factories import (
    EnterpriseUserFactory,
    HubAdminFactory,
    InstitutionUserFactory,
    StaffUserFactory,
    approved_application,
    institution_with,
    make_window_admin,
    png_upload,
    published_service,
    service_in_state,
    service_values,
    window,
)
from windows.models import MembershipStatus, WindowMembership

pytestmark = pytest.mark.django_db

S = ServiceStatus


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def world():
    """An institution active in 兴庆区 and 枸杞产业, the 兴庆区 and 金凤区 administrators, a hub admin."""
    return {
        "owner": institution_with("xingqing", "goji", name="宁夏测试咨询服务中心"),
        "reviewer": make_window_admin("xingqing"),
        "other_admin": make_window_admin("jinfeng"),
        "hub": HubAdminFactory(),
    }


def notifications_after(before_pk):
    return list(Notification.objects.filter(pk__gt=before_pk).order_by("pk"))


def last_notification_pk():
    last = Notification.objects.order_by("-pk").first()
    return last.pk if last else 0


# The state machine -------------------------------------------------------------------------------

STATES = [S.DRAFT, S.PENDING, S.LISTED, S.REJECTED, S.DELISTED, S.SUPERSEDED]
ACTIONS = ["save", "submit", "approve", "reject", "delist_owner", "delist_admin", "start_revision"]
EDITABLE = [S.DRAFT, S.REJECTED, S.DELISTED]
TRANSITIONS = {
    (S.DRAFT, "submit"): S.PENDING,
    (S.REJECTED, "submit"): S.PENDING,
    (S.DELISTED, "submit"): S.PENDING,
    (S.PENDING, "approve"): S.LISTED,
    (S.PENDING, "reject"): S.REJECTED,
    (S.LISTED, "delist_owner"): S.DELISTED,
    (S.LISTED, "delist_admin"): S.DELISTED,
}
# Allowed without a state change: edits in place, and 修改 of a not-listed service (edited in place).
IN_PLACE = [(state, "save") for state in EDITABLE] + [(state, "start_revision") for state in EDITABLE]
NEW_VERSION = [(S.LISTED, "start_revision")]
ALLOWED = set(TRANSITIONS) | set(IN_PLACE) | set(NEW_VERSION)
REFUSED = [(state, action) for state in STATES for action in ACTIONS if (state, action) not in ALLOWED]
REFUSAL_MESSAGES = {
    "save": "待审核或已上架的服务不能在此修改。",
    "submit": "只有草稿、已驳回或已下架的服务可以提交审核。",
    "approve": "只有待审核的服务可以审核通过。",
    "reject": "只有待审核的服务可以驳回。",
    "delist_owner": "只有已上架的服务可以下架。",
    "delist_admin": "只有已上架的服务可以下架。",
}
REASONS = {"reject": "服务内容描述不完整。", "delist_admin": "服务内容与实际不符。"}


def actor_of(action, world):
    return world["reviewer"] if action in ("approve", "reject", "delist_admin") else world["owner"]


def run(action, service, world):
    owner, reviewer = world["owner"], world["reviewer"]
    if action == "save":
        edited = Service.objects.get(pk=service.pk)
        edited.title = "修改后的服务名称"
        return service_save(service=edited, actor=owner, windows=[window("xingqing")])
    if action == "submit":
        return service_submit(service=service, actor=owner)
    if action == "approve":
        return service_approve(service=service, actor=reviewer)
    if action == "reject":
        return service_reject(service=service, actor=reviewer, reason=REASONS["reject"])
    if action == "delist_owner":
        return service_delist(service=service, actor=owner)
    if action == "delist_admin":
        return service_delist(service=service, actor=reviewer, reason=REASONS["delist_admin"])
    if action == "start_revision":
        return service_start_revision(service=service, actor=owner)
    raise AssertionError(action)


@pytest.mark.parametrize(("state", "action"), list(TRANSITIONS))
def test_allowed_transition_moves_the_state_logs_once_and_notifies(world, state, action):
    service = service_in_state(world["owner"], state, title="企业信息化咨询")
    mark = last_notification_pk()

    run(action, service, world)

    service.refresh_from_db()
    target = TRANSITIONS[(state, action)]
    assert service.status == target
    log = ServiceLog.objects.get(service=service)
    assert (log.actor, log.from_status, log.to_status, log.reason) == (
        actor_of(action, world),
        state,
        target,
        REASONS.get(action, ""),
    )
    notes = notifications_after(mark)
    if action == "submit":
        # The reviewers of the service's windows are told: here the 兴庆区 administrator.
        assert [(n.recipient, n.title) for n in notes] == [(world["reviewer"], "待审核服务：企业信息化咨询")]
        assert notes[0].url == reverse("admin:services_service_change", args=[service.pk])
        assert service.submitted_at is not None
        assert service.rejection_reason == ""
    elif action == "delist_owner":
        assert notes == []  # the institution did it itself
    else:
        titles = {
            "approve": "您的服务“企业信息化咨询”已上架",
            "reject": "您的服务“企业信息化咨询”已被驳回",
            "delist_admin": "您的服务“企业信息化咨询”已被管理员下架",
        }
        assert [(n.recipient, n.title) for n in notes] == [(world["owner"], titles[action])]
        assert notes[0].url == reverse("services:manage")
        if action in REASONS:
            assert notes[0].body == f"原因：{REASONS[action]}"
            assert service.rejection_reason == REASONS[action]
    if action == "approve":
        assert service.listed_at is not None
        assert public_services().filter(pk=service.pk).exists()


@pytest.mark.parametrize(("state", "action"), IN_PLACE)
def test_edit_and_revision_of_an_unlisted_service_happen_in_place(world, state, action):
    service = service_in_state(world["owner"], state)
    mark = last_notification_pk()
    rows = Service.objects.count()

    result = run(action, service, world)

    assert result.pk == service.pk
    service.refresh_from_db()
    assert service.status == state
    assert Service.objects.count() == rows
    assert not ServiceLog.objects.exists()
    assert notifications_after(mark) == []
    if action == "save":
        assert service.title == "修改后的服务名称"


def test_start_revision_of_a_listed_service_makes_a_draft_copy(world):
    service = service_in_state(world["owner"], S.LISTED)
    mark = last_notification_pk()

    revision = run("start_revision", service, world)

    assert revision.pk != service.pk
    revision.refresh_from_db()
    assert (revision.status, revision.replaces_id) == (S.DRAFT, service.pk)
    log = ServiceLog.objects.get()
    assert (log.service, log.actor, log.from_status, log.to_status) == (revision, world["owner"], "", S.DRAFT)
    service.refresh_from_db()
    assert service.status == S.LISTED
    assert notifications_after(mark) == []


@pytest.mark.parametrize(("state", "action"), REFUSED)
def test_refused_action_says_why_and_changes_nothing(world, state, action):
    service = service_in_state(world["owner"], state, title="企业信息化咨询")
    mark = last_notification_pk()
    rows = Service.objects.count()

    with pytest.raises(ActionRefused) as refused:
        run(action, service, world)

    if action in REFUSAL_MESSAGES:
        assert str(refused.value.message) == REFUSAL_MESSAGES[action]
    service.refresh_from_db()
    assert service.status == state
    assert service.title == "企业信息化咨询"
    assert Service.objects.count() == rows
    assert not ServiceLog.objects.exists()
    assert notifications_after(mark) == []


# Who may publish, and where ---------------------------------------------------------------------


def test_a_new_service_is_saved_as_a_draft_in_the_chosen_windows(world):
    owner = world["owner"]
    service = service_save(
        service=Service(**service_values(title="财税代理")),
        actor=owner,
        windows=[window("xingqing"), window("goji")],
        new_images=[png_upload(), png_upload(color=(0, 0, 200))],
    )
    service.refresh_from_db()
    assert service.status == S.DRAFT
    assert service.institution == owner.organisation
    assert set(service.windows.values_list("slug", flat=True)) == {"xingqing", "goji"}
    assert service.images.count() == 2
    log = ServiceLog.objects.get()
    assert (log.service, log.actor, log.from_status, log.to_status) == (service, owner, "", S.DRAFT)


@pytest.mark.parametrize(
    "status",
    [MembershipStatus.APPLIED, MembershipStatus.SUSPENDED, MembershipStatus.WITHDRAWN, MembershipStatus.DECLINED],
)
def test_only_active_members_publish_into_a_window(world, status):
    owner = world["owner"]
    WindowMembership.objects.create(window=window("jinfeng"), organisation=owner.organisation, status=status)

    with pytest.raises(ActionRefused) as refused:
        service_save(service=Service(**service_values()), actor=owner, windows=[window("xingqing"), window("jinfeng")])

    assert str(refused.value.message) == "您尚未加入以下窗口：金凤区中小企业服务窗口"
    assert refused.value.field_errors == {"windows": "只能选择已加入的窗口。"}
    assert not Service.objects.exists()
    assert not ServiceLog.objects.exists()


def test_a_window_the_institution_never_applied_to_is_refused(world):
    with pytest.raises(ActionRefused) as refused:
        service_save(service=Service(**service_values()), actor=world["owner"], windows=[window("wine")])
    assert "windows" in refused.value.field_errors
    assert not Service.objects.exists()


@pytest.mark.parametrize("status", [MembershipStatus.SUSPENDED, MembershipStatus.WITHDRAWN])
def test_submit_is_refused_once_the_membership_is_no_longer_active(world, status):
    owner = world["owner"]
    service = service_in_state(owner, S.DRAFT, windows=("goji",))
    WindowMembership.objects.filter(organisation=owner.organisation, window__slug="goji").update(status=status)

    with pytest.raises(ActionRefused) as refused:
        service_submit(service=service, actor=owner)

    assert refused.value.field_errors == {"windows": "只能选择已加入的窗口。"}
    service.refresh_from_db()
    assert service.status == S.DRAFT
    assert not ServiceLog.objects.exists()


def test_a_certified_institution_that_joined_no_window_is_refused(db):
    owner = institution_with()
    with pytest.raises(ActionRefused) as refused:
        service_save(service=Service(**service_values()), actor=owner, windows=[])
    assert str(refused.value.message) == "请先加入窗口：服务只能发布在已加入的窗口中。"
    assert not Service.objects.exists()


def test_an_uncertified_institution_is_refused(db):
    owner = InstitutionUserFactory()
    with pytest.raises(ActionRefused) as refused:
        service_save(service=Service(**service_values()), actor=owner, windows=[window("xingqing")])
    assert str(refused.value.message) == "发布服务须先通过认证。"
    assert not Service.objects.exists()


def test_an_enterprise_is_refused_even_when_certified(db):
    enterprise = EnterpriseUserFactory()
    approved_application(enterprise.organisation)
    with pytest.raises(ActionRefused) as refused:
        service_save(service=Service(**service_values()), actor=enterprise, windows=[window("xingqing")])
    assert str(refused.value.message) == "只有服务机构可以发布服务。"
    assert not Service.objects.exists()


def test_a_user_without_an_organisation_is_refused(db):
    with pytest.raises(ActionRefused):
        service_save(service=Service(**service_values()), actor=StaffUserFactory(), windows=[window("xingqing")])
    assert not Service.objects.exists()


def test_another_institution_cannot_act_on_the_service(world):
    stranger = institution_with("xingqing")
    draft = service_in_state(world["owner"], S.DRAFT)
    listed = service_in_state(world["owner"], S.LISTED)
    edited = Service.objects.get(pk=draft.pk)
    edited.title = "别人的修改"

    for attempt in (
        lambda: service_save(service=edited, actor=stranger, windows=[window("xingqing")]),
        lambda: service_submit(service=draft, actor=stranger),
        lambda: service_delist(service=listed, actor=stranger),
        lambda: service_start_revision(service=listed, actor=stranger),
    ):
        with pytest.raises(ActionRefused) as refused:
            attempt()
        assert str(refused.value.message) == "该服务属于其他机构。"

    draft.refresh_from_db()
    listed.refresh_from_db()
    assert (draft.status, draft.title, listed.status) == (S.DRAFT, "企业信息化咨询", S.LISTED)
    assert Service.objects.count() == 2
    assert not ServiceLog.objects.exists()


# Price and images -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "unit"),
    [(None, "time"), (Decimal("800"), ""), (None, "")],
)
def test_a_fixed_price_needs_an_amount_and_a_unit(world, price, unit):
    values = service_values(price_mode="fixed", price=price, price_unit=unit)
    with pytest.raises(ActionRefused) as refused:
        service_save(service=Service(**values), actor=world["owner"], windows=[window("xingqing")])
    assert str(refused.value.message) == "固定价格须填写金额和计价单位。"
    assert refused.value.field_errors == {"price": "请填写价格并选择计价单位。"}
    assert not Service.objects.exists()


def test_fixed_and_negotiable_prices_are_stored_as_shown(world):
    fixed = service_save(
        service=Service(**service_values(price_mode="fixed", price=Decimal("800"), price_unit="time")),
        actor=world["owner"],
        windows=[window("xingqing")],
    )
    negotiable = service_save(
        service=Service(**service_values(price_mode="negotiable", price=Decimal("99"), price_unit="time")),
        actor=world["owner"],
        windows=[window("xingqing")],
    )
    fixed.refresh_from_db()
    negotiable.refresh_from_db()
    assert (fixed.price, fixed.price_unit, fixed.price_display) == (Decimal("800"), "time", "800 元/次")
    assert (negotiable.price, negotiable.price_unit, negotiable.price_display) == (None, "", "面议")


def test_at_most_five_images_on_a_new_service(world):
    owner = world["owner"]
    with pytest.raises(ActionRefused) as refused:
        service_save(
            service=Service(**service_values()),
            actor=owner,
            windows=[window("xingqing")],
            new_images=[png_upload() for _ in range(6)],
        )
    assert str(refused.value.message) == "每项服务最多 5 张图片。"
    assert refused.value.field_errors == {"new_images": "图片过多。"}
    assert not Service.objects.exists()
    assert not ServiceImage.objects.exists()

    five = service_save(
        service=Service(**service_values()),
        actor=owner,
        windows=[window("xingqing")],
        new_images=[png_upload() for _ in range(5)],
    )
    assert five.images.count() == 5


def test_at_most_five_images_counting_the_ones_kept(world):
    owner = world["owner"]
    service = service_save(
        service=Service(**service_values()),
        actor=owner,
        windows=[window("xingqing")],
        new_images=[png_upload() for _ in range(3)],
    )
    edited = Service.objects.get(pk=service.pk)
    with pytest.raises(ActionRefused):
        service_save(
            service=edited, actor=owner, windows=[window("xingqing")], new_images=[png_upload() for _ in range(3)]
        )
    assert service.images.count() == 3

    removed = service.images.first()
    service_save(
        service=Service.objects.get(pk=service.pk),
        actor=owner,
        windows=[window("xingqing")],
        new_images=[png_upload() for _ in range(3)],
        removed_image_ids=[removed.pk],
    )
    assert service.images.count() == 5
    assert not service.images.filter(pk=removed.pk).exists()


# Who reviews ------------------------------------------------------------------------------------


def test_an_administrator_of_another_window_cannot_review_or_delist(world):
    pending = service_in_state(world["owner"], S.PENDING)
    listed = service_in_state(world["owner"], S.LISTED)
    other = world["other_admin"]
    mark = last_notification_pk()

    with pytest.raises(ActionRefused) as refused:
        service_approve(service=pending, actor=other)
    assert str(refused.value.message) == "您无权审核该服务。"
    with pytest.raises(ActionRefused):
        service_reject(service=pending, actor=other, reason="不通过")
    with pytest.raises(ActionRefused):
        service_delist(service=listed, actor=other, reason="下架")

    pending.refresh_from_db()
    listed.refresh_from_db()
    assert (pending.status, listed.status) == (S.PENDING, S.LISTED)
    assert not ServiceLog.objects.exists()
    assert notifications_after(mark) == []


def test_staff_without_windows_and_institution_users_cannot_review(world):
    pending = service_in_state(world["owner"], S.PENDING)
    for actor in (StaffUserFactory(), world["owner"], institution_with("xingqing")):
        with pytest.raises(ActionRefused):
            service_approve(service=pending, actor=actor)
    pending.refresh_from_db()
    assert pending.status == S.PENDING


def test_an_administrator_of_one_of_the_services_windows_reviews_it(world):
    goji_admin = make_window_admin("goji")
    service = service_in_state(world["owner"], S.PENDING, windows=("xingqing", "goji"))
    service_approve(service=service, actor=goji_admin)
    service.refresh_from_db()
    assert service.status == S.LISTED


def test_the_hub_admin_approves_rejects_and_delists_anywhere(world):
    hub = world["hub"]
    first = service_in_state(world["owner"], S.PENDING, windows=("goji",))
    second = service_in_state(world["owner"], S.PENDING, windows=("goji",))

    service_approve(service=first, actor=hub)
    service_reject(service=second, actor=hub, reason="材料不全")
    service_delist(service=first, actor=hub, reason="违规")

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (S.DELISTED, S.REJECTED)
    assert [(log.actor, log.to_status) for log in first.logs.all()] == [(hub, S.LISTED), (hub, S.DELISTED)]


@pytest.mark.parametrize("reason", ["", "   "])
def test_reject_and_admin_delist_need_a_reason(world, reason):
    pending = service_in_state(world["owner"], S.PENDING)
    listed = service_in_state(world["owner"], S.LISTED)
    with pytest.raises(ActionRefused) as refused:
        service_reject(service=pending, actor=world["reviewer"], reason=reason)
    assert str(refused.value.message) == "请填写原因。"
    with pytest.raises(ActionRefused):
        service_delist(service=listed, actor=world["reviewer"], reason=reason)
    pending.refresh_from_db()
    listed.refresh_from_db()
    assert (pending.status, listed.status) == (S.PENDING, S.LISTED)
    assert not ServiceLog.objects.exists()


def test_a_rejected_service_is_changed_and_resubmitted(world):
    owner = world["owner"]
    service = service_in_state(owner, S.PENDING)
    service_reject(service=service, actor=world["reviewer"], reason="请补充服务流程。")
    edited = Service.objects.get(pk=service.pk)
    edited.process = "一、需求沟通；二、方案制定；三、实施。"
    service_save(service=edited, actor=owner, windows=[window("xingqing")])
    service_submit(service=service, actor=owner)

    service.refresh_from_db()
    assert service.status == S.PENDING
    assert service.rejection_reason == ""
    assert service.process.startswith("一、需求沟通")
    assert [(log.from_status, log.to_status) for log in service.logs.all()] == [
        (S.PENDING, S.REJECTED),
        (S.REJECTED, S.PENDING),
    ]


# New versions of a listed service ---------------------------------------------------------------


@pytest.fixture
def listed(world):
    """A listed service in 兴庆区 and 枸杞产业 with two pictures, published through the actions."""
    service = published_service(
        world["owner"],
        "xingqing",
        "goji",
        approver=world["hub"],
        images=[png_upload(), png_upload(color=(0, 120, 0))],
        title="常年财税顾问",
    )
    Service.objects.filter(pk=service.pk).update(order_count=7)
    service.refresh_from_db()
    return service


def test_start_revision_copies_the_listed_service_once(world, listed):
    owner = world["owner"]
    rows = Service.objects.count()

    revision = service_start_revision(service=listed, actor=owner)
    again = service_start_revision(service=listed, actor=owner)

    assert again.pk == revision.pk
    assert Service.objects.count() == rows + 1
    assert revision.replaces_id == listed.pk
    assert revision.status == S.DRAFT
    assert revision.title == "常年财税顾问"
    assert revision.category_id == listed.category_id
    assert revision.contact_phone == listed.contact_phone
    assert set(revision.windows.values_list("slug", flat=True)) == {"xingqing", "goji"}
    files = sorted(listed.images.values_list("file", flat=True))
    assert sorted(revision.images.values_list("file", flat=True)) == files
    assert ServiceLog.objects.filter(service=revision).count() == 1
    listed.refresh_from_db()
    assert listed.status == S.LISTED
    assert public_services().filter(pk=listed.pk).exists()
    assert not public_services().filter(pk=revision.pk).exists()


def test_the_listed_version_stays_public_while_the_new_one_is_reviewed(world, listed, client):
    owner = world["owner"]
    revision = service_start_revision(service=listed, actor=owner)
    edited = Service.objects.get(pk=revision.pk)
    edited.title = "常年财税顾问（升级版）"
    service_save(service=edited, actor=owner, windows=[window("xingqing")])
    service_submit(service=revision, actor=owner)

    response = client.get(listed.get_absolute_url())
    assert response.status_code == 200
    assert "常年财税顾问" in response.content.decode()
    assert "升级版" not in response.content.decode()
    assert client.get(revision.get_absolute_url()).status_code == 404
    # While the new version is open, 修改 returns it rather than a second copy.
    assert service_start_revision(service=listed, actor=owner).pk == revision.pk


def test_approving_the_new_version_supersedes_the_listed_one(world, listed, client):
    owner, reviewer = world["owner"], world["reviewer"]
    revision = service_start_revision(service=listed, actor=owner)
    edited = Service.objects.get(pk=revision.pk)
    edited.title = "常年财税顾问（升级版）"
    service_save(service=edited, actor=owner, windows=[window("xingqing"), window("goji")])
    service_submit(service=revision, actor=owner)

    service_approve(service=revision, actor=reviewer)

    listed.refresh_from_db()
    revision.refresh_from_db()
    assert listed.status == S.SUPERSEDED
    assert revision.status == S.LISTED
    assert revision.order_count == 7
    log = listed.logs.get(to_status=S.SUPERSEDED)
    assert (log.actor, log.from_status) == (reviewer, S.LISTED)
    assert list(public_services().filter(institution=owner.organisation)) == [revision]

    response = client.get(listed.get_absolute_url())
    assert response.status_code == 302
    assert response.url == revision.get_absolute_url()
    assert "常年财税顾问（升级版）" in client.get(response.url).content.decode()


def test_a_rejected_new_version_leaves_the_listed_one_alone(world, listed):
    owner = world["owner"]
    revision = service_start_revision(service=listed, actor=owner)
    service_submit(service=revision, actor=owner)
    service_reject(service=revision, actor=world["reviewer"], reason="价格说明不清。")

    listed.refresh_from_db()
    revision.refresh_from_db()
    assert (listed.status, revision.status) == (S.LISTED, S.REJECTED)
    assert not listed.logs.filter(to_status=S.SUPERSEDED).exists()
    # 修改 again opens the rejected new version, not another copy.
    assert service_start_revision(service=listed, actor=owner).pk == revision.pk
