"""Window membership of institutions: the state machine, the 加入窗口 page and the admin."""

import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certification.actions import application_revoke
from certification.models import CertificationApplication
from notifications.models import Notification
from portal.selectors import site_settings
from smeportal.errors import ActionRefused
from tests.factories import (
    EnterpriseUserFactory,
    HubAdminFactory,
    InstitutionUserFactory,
    StaffUserFactory,
    approved_application,
    certified_institution,
    make_window_admin,
    window,
)
from windows.actions import (
    membership_apply,
    membership_approve,
    membership_decline,
    membership_restore,
    membership_suspend,
    membership_withdraw,
)
from windows.models import MembershipStatus, Window, WindowMembership, WindowMembershipLog

pytestmark = pytest.mark.django_db

M = MembershipStatus
NONE = "none"  # no membership yet
REASONS = {"decline": "服务资质与本窗口不符", "suspend": "投诉经核实成立"}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def setting():
    """A certified institution, the 兴庆区 window and its administrator."""
    return {
        "member": certified_institution(),
        "window": window("xingqing"),
        "admin": make_window_admin("xingqing"),
    }


def membership_in(setting, state):
    if state == NONE:
        return None
    return WindowMembership.objects.create(
        window=setting["window"], organisation=setting["member"].organisation, status=state
    )


def run(action, setting, membership):
    member, admin = setting["member"], setting["admin"]
    if action == "apply":
        return membership_apply(organisation=member.organisation, windows=[setting["window"]], actor=member)[0]
    if action == "approve":
        return membership_approve(membership=membership, actor=admin)
    if action == "decline":
        return membership_decline(membership=membership, actor=admin, reason=REASONS["decline"])
    if action == "suspend":
        return membership_suspend(membership=membership, actor=admin, reason=REASONS["suspend"])
    if action == "restore":
        return membership_restore(membership=membership, actor=admin)
    if action == "withdraw":
        return membership_withdraw(membership=membership, actor=member)
    raise AssertionError(action)


STATES = [M.APPLIED, M.ACTIVE, M.DECLINED, M.SUSPENDED, M.WITHDRAWN]
ACTIONS = ["apply", "approve", "decline", "suspend", "restore", "withdraw"]
ALLOWED = {
    (NONE, "apply"): M.APPLIED,
    (M.DECLINED, "apply"): M.APPLIED,
    (M.WITHDRAWN, "apply"): M.APPLIED,
    (M.APPLIED, "approve"): M.ACTIVE,
    (M.APPLIED, "decline"): M.DECLINED,
    (M.APPLIED, "withdraw"): M.WITHDRAWN,
    (M.ACTIVE, "suspend"): M.SUSPENDED,
    (M.ACTIVE, "withdraw"): M.WITHDRAWN,
    (M.SUSPENDED, "restore"): M.ACTIVE,
    (M.SUSPENDED, "withdraw"): M.WITHDRAWN,
}
REFUSED = [(state, action) for state in STATES for action in ACTIONS if (state, action) not in ALLOWED]
REFUSAL_MESSAGES = {
    "apply": "您已申请或已加入“兴庆区中小企业服务窗口”。",
    "approve": "只有待审核的申请可以审核通过。",
    "decline": "只有待审核的申请可以驳回。",
    "suspend": "只有已加入的成员可以暂停。",
    "restore": "只有已暂停的成员可以恢复。",
    "withdraw": "当前状态下不能退出该窗口。",
}
ORGANISATION_TOLD = {
    "approve": "您已加入兴庆区中小企业服务窗口",
    "decline": "您加入兴庆区中小企业服务窗口的申请已被驳回",
    "suspend": "您在兴庆区中小企业服务窗口的成员资格已被暂停",
    "restore": "您在兴庆区中小企业服务窗口的成员资格已恢复",
}


def test_the_xingqing_window_has_the_name_the_messages_use():
    assert window("xingqing").name == "兴庆区中小企业服务窗口"


@pytest.mark.parametrize(("state", "action"), list(ALLOWED))
def test_allowed_membership_transition_moves_the_state_logs_once_and_notifies(setting, state, action):
    membership = membership_in(setting, state)
    notes_before = set(Notification.objects.values_list("pk", flat=True))
    actor = setting["member"] if action in ("apply", "withdraw") else setting["admin"]

    membership = run(action, setting, membership)

    membership.refresh_from_db()
    target = ALLOWED[(state, action)]
    assert membership.status == target
    log = WindowMembershipLog.objects.get(membership=membership)
    from_status = "" if state == NONE else state
    assert (log.actor, log.from_status, log.to_status, log.reason) == (
        actor,
        from_status,
        target,
        REASONS.get(action, ""),
    )
    assert membership.reason == REASONS.get(action, "")
    new_notes = Notification.objects.exclude(pk__in=notes_before)
    if action == "apply":
        note = new_notes.get()
        assert note.recipient == setting["admin"]
        assert note.title == f"{setting['member'].organisation.name} 申请加入兴庆区中小企业服务窗口"
        assert note.url == reverse("admin:windows_windowmembership_change", args=[membership.pk])
    elif action in ORGANISATION_TOLD:
        note = new_notes.get()
        assert note.recipient == setting["member"]
        assert note.title == ORGANISATION_TOLD[action]
        assert note.url == reverse("windows:membership")
        if action in REASONS:
            assert REASONS[action] in note.body
    else:  # withdraw: the institution is not told about its own act
        assert not new_notes.filter(recipient=setting["member"]).exists()
    if action in ("approve", "decline"):
        assert membership.decided_at is not None


@pytest.mark.parametrize(("state", "action"), REFUSED)
def test_refused_membership_transition_says_why_and_changes_nothing(setting, state, action):
    membership = membership_in(setting, state)
    before = WindowMembership.objects.values().get(pk=membership.pk)
    notes = Notification.objects.count()

    with pytest.raises(ActionRefused) as refusal:
        run(action, setting, membership)

    assert str(refusal.value.message) == REFUSAL_MESSAGES[action]
    assert WindowMembership.objects.values().get(pk=membership.pk) == before
    membership.refresh_from_db()
    assert membership.status == state
    assert WindowMembershipLog.objects.count() == 0
    assert Notification.objects.count() == notes


@pytest.mark.parametrize("state", [M.APPLIED, M.ACTIVE, M.SUSPENDED])
def test_withdrawal_notifies_the_window_administrators(setting, state):
    """Leaving a window (or cancelling the application) concerns the window: its administrators are told."""
    membership = membership_in(setting, state)

    membership_withdraw(membership=membership, actor=setting["member"])

    assert setting["admin"].notifications.count() == 1


# Who may apply, and to what ----------------------------------------------------------------


def test_uncertified_institution_cannot_apply():
    user = InstitutionUserFactory()
    with pytest.raises(ActionRefused) as refusal:
        membership_apply(organisation=user.organisation, windows=[window("yinchuan")], actor=user)
    assert str(refusal.value.message) == "只有通过认证的服务机构才能申请加入窗口。"
    assert WindowMembership.objects.count() == 0
    assert Notification.objects.count() == 0


def test_enterprise_cannot_apply_even_when_certified():
    user = EnterpriseUserFactory()
    approved_application(user.organisation)
    with pytest.raises(ActionRefused) as refusal:
        membership_apply(organisation=user.organisation, windows=[window("xingqing")], actor=user)
    assert str(refusal.value.message) == "只有服务机构可以加入窗口。"
    assert WindowMembership.objects.count() == 0


def test_institution_cannot_apply_for_another_institution():
    member = certified_institution()
    stranger = certified_institution()
    with pytest.raises(ActionRefused) as refusal:
        membership_apply(organisation=member.organisation, windows=[window("xingqing")], actor=stranger)
    assert str(refusal.value.message) == "只能为本机构申请。"
    assert WindowMembership.objects.count() == 0


def test_applying_to_several_windows_at_once_including_the_hub():
    member = certified_institution()
    xingqing_admin, goji_admin = make_window_admin("xingqing"), make_window_admin("goji")
    # The hub has no window administrator: its reviewers are the hub administrators.
    hub_admins = {u.pk for u in type(member).objects.filter(is_superuser=True)}
    notes_before = set(Notification.objects.values_list("pk", flat=True))
    windows = [window("yinchuan"), window("xingqing"), window("goji")]

    memberships = membership_apply(organisation=member.organisation, windows=windows, actor=member)

    assert [m.window.slug for m in memberships] == ["yinchuan", "xingqing", "goji"]
    assert set(
        WindowMembership.objects.filter(organisation=member.organisation).values_list("window__slug", "status")
    ) == {("yinchuan", M.APPLIED), ("xingqing", M.APPLIED), ("goji", M.APPLIED)}
    assert WindowMembershipLog.objects.filter(membership__in=memberships, from_status="").count() == 3
    new_notes = Notification.objects.exclude(pk__in=notes_before)
    assert sorted(new_notes.filter(recipient=xingqing_admin).values_list("url", flat=True)) == [
        reverse("admin:windows_windowmembership_change", args=[memberships[1].pk])
    ]
    assert new_notes.filter(recipient=goji_admin).count() == 1
    assert {n.recipient_id for n in new_notes if n.recipient_id not in (xingqing_admin.pk, goji_admin.pk)} == hub_admins


def test_one_refused_window_refuses_the_whole_application():
    member = certified_institution("xingqing")
    with pytest.raises(ActionRefused):
        membership_apply(
            organisation=member.organisation, windows=[window("jinfeng"), window("xingqing")], actor=member
        )
    assert not WindowMembership.objects.filter(window=window("jinfeng")).exists()


def test_closed_window_cannot_be_joined():
    member = certified_institution()
    Window.objects.filter(slug="wine").update(is_active=False)
    with pytest.raises(ActionRefused) as refusal:
        membership_apply(organisation=member.organisation, windows=[window("wine")], actor=member)
    assert str(refusal.value.message) == f"窗口“{window('wine').name}”未开放。"
    assert WindowMembership.objects.count() == 0


def test_approval_needs_a_standing_certification(setting):
    membership = membership_in(setting, M.APPLIED)
    application = CertificationApplication.objects.get(organisation=setting["member"].organisation)
    application_revoke(application=application, actor=HubAdminFactory(), reason="营业执照已吊销")

    with pytest.raises(ActionRefused) as refusal:
        membership_approve(membership=membership, actor=setting["admin"])

    assert str(refusal.value.message) == "该机构尚未通过认证。"
    membership.refresh_from_db()
    assert membership.status == M.APPLIED


def test_restoring_needs_a_standing_certification(setting):
    """Like approval: a member whose certification was revoked while suspended does not become active again."""
    membership = membership_in(setting, M.SUSPENDED)
    application = CertificationApplication.objects.get(organisation=setting["member"].organisation)
    application_revoke(application=application, actor=HubAdminFactory(), reason="营业执照已吊销")

    with pytest.raises(ActionRefused) as refusal:
        membership_restore(membership=membership, actor=setting["admin"])

    assert str(refusal.value.message) == "该机构尚未通过认证。"
    membership.refresh_from_db()
    assert membership.status == M.SUSPENDED


@pytest.mark.parametrize(
    ("action", "state"),
    [("approve", M.APPLIED), ("decline", M.APPLIED), ("suspend", M.ACTIVE), ("restore", M.SUSPENDED)],
)
def test_window_admin_cannot_act_on_another_windows_membership(setting, action, state):
    membership = membership_in(setting, state)
    for outsider in [make_window_admin("jinfeng", "goji"), StaffUserFactory(), setting["member"]]:
        setting_of_outsider = {**setting, "admin": outsider}
        with pytest.raises(ActionRefused) as refusal:
            run(action, setting_of_outsider, membership)
        assert str(refusal.value.message) == "您不是该窗口的管理员。"
    membership.refresh_from_db()
    assert membership.status == state
    assert WindowMembershipLog.objects.count() == 0


@pytest.mark.parametrize(
    ("action", "state"),
    [("approve", M.APPLIED), ("decline", M.APPLIED), ("suspend", M.ACTIVE), ("restore", M.SUSPENDED)],
)
def test_hub_admin_acts_on_every_windows_membership(setting, action, state):
    membership = membership_in(setting, state)
    run(action, {**setting, "admin": HubAdminFactory()}, membership)
    membership.refresh_from_db()
    assert membership.status != state


def test_another_institution_cannot_withdraw_a_membership(setting):
    membership = membership_in(setting, M.ACTIVE)
    with pytest.raises(ActionRefused) as refusal:
        membership_withdraw(membership=membership, actor=certified_institution())
    assert str(refusal.value.message) == "该窗口成员资格属于其他单位。"
    membership.refresh_from_db()
    assert membership.status == M.ACTIVE


@pytest.mark.parametrize("reason", ["", "  "])
def test_decline_and_suspend_need_a_reason(setting, reason):
    applied = membership_in(setting, M.APPLIED)
    with pytest.raises(ActionRefused) as refusal:
        membership_decline(membership=applied, actor=setting["admin"], reason=reason)
    assert str(refusal.value.message) == "请填写原因。"
    applied.delete()
    active = membership_in(setting, M.ACTIVE)
    with pytest.raises(ActionRefused):
        membership_suspend(membership=active, actor=setting["admin"], reason=reason)
    active.refresh_from_db()
    assert active.status == M.ACTIVE
    assert WindowMembershipLog.objects.count() == 0


# The 加入窗口 page ------------------------------------------------------------------------------------

MEMBERSHIP_URL = "/windows/membership/"


def test_membership_page_url():
    assert reverse("windows:membership") == MEMBERSHIP_URL


def test_membership_page_needs_login(client):
    response = client.get(reverse("windows:membership"))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


def test_membership_page_is_404_for_enterprises_and_staff(client):
    client.force_login(EnterpriseUserFactory())
    assert client.get(reverse("windows:membership")).status_code == 404
    client.force_login(HubAdminFactory())
    assert client.get(reverse("windows:membership")).status_code == 404


def _row(content, window_name):
    rows = re.findall(r"<tr>.*?</tr>", content, flags=re.S)
    matching = [row for row in rows if f">{window_name}</label>" in row]
    assert len(matching) == 1, window_name
    return matching[0]


def test_membership_page_lists_every_window_with_its_state(client):
    member = certified_institution()
    states = {
        "xingqing": M.APPLIED,
        "jinfeng": M.ACTIVE,
        "xixia": M.DECLINED,
        "yongning": M.SUSPENDED,
        "helan": M.WITHDRAWN,
    }
    for slug, state in states.items():
        WindowMembership.objects.create(
            window=window(slug),
            organisation=member.organisation,
            status=state,
            reason="材料不全" if slug == "xixia" else "",
        )
    client.force_login(member)

    content = client.get(reverse("windows:membership")).content.decode()

    labels = {
        M.APPLIED: "已申请",
        M.ACTIVE: "已加入",
        M.DECLINED: "已驳回",
        M.SUSPENDED: "已暂停",
        M.WITHDRAWN: "已退出",
    }
    for window_obj in Window.objects.active():
        row = _row(content, window_obj.name)
        state = states.get(window_obj.slug)
        assert (labels[state] if state else "未加入") in row, window_obj.slug
        can_apply = state in (None, M.DECLINED, M.WITHDRAWN)
        assert (f'name="windows" value="{window_obj.pk}"' in row) is can_apply, window_obj.slug
        can_withdraw = state in (M.APPLIED, M.ACTIVE, M.SUSPENDED)
        assert ('form="withdraw-' in row) is can_withdraw, window_obj.slug
    assert "材料不全" in _row(content, window("xixia").name)
    assert "撤回申请" in _row(content, window("xingqing").name)
    assert "退出" in _row(content, window("jinfeng").name)
    assert "申请加入" in content


def test_uncertified_institution_sees_why_and_cannot_apply(institution_client):
    response = institution_client.get(reverse("windows:membership"))
    content = response.content.decode()
    assert "只有通过认证的服务机构才能申请加入窗口。" in content
    assert reverse("certification:center") in content
    assert 'name="windows"' not in content

    response = institution_client.post(reverse("windows:membership"), {"windows": [window("yinchuan").pk]})
    assert response.status_code == 200
    assert "只有通过认证的服务机构才能申请加入窗口。" in messages_of(response)
    assert WindowMembership.objects.count() == 0


def test_posting_windows_applies_to_them(client):
    member = certified_institution()
    client.force_login(member)

    response = client.post(reverse("windows:membership"), {"windows": [window("yinchuan").pk, window("goji").pk]})

    assert response.status_code == 302
    assert response.url == reverse("windows:membership")
    assert "已申请加入 2 个窗口，等待窗口管理员审核。" in messages_of(response)
    assert set(
        WindowMembership.objects.filter(organisation=member.organisation).values_list("window__slug", "status")
    ) == {("yinchuan", M.APPLIED), ("goji", M.APPLIED)}
    content = client.get(reverse("windows:membership")).content.decode()
    assert "已申请" in _row(content, window("goji").name)


def test_posting_nothing_or_a_joined_window_is_refused(client):
    member = certified_institution("xingqing")
    client.force_login(member)

    # A browser always sends the CSRF token, so the form is bound even with no box ticked.
    response = client.post(reverse("windows:membership"), {"csrfmiddlewaretoken": "token"})
    assert response.status_code == 200
    assert "请至少选择一个要加入的窗口。" in response.content.decode()

    response = client.post(reverse("windows:membership"), {"windows": [window("xingqing").pk, window("goji").pk]})
    assert response.status_code == 200
    assert response.context["form"].errors["windows"]
    assert WindowMembership.objects.filter(organisation=member.organisation).count() == 1
    assert WindowMembershipLog.objects.filter(membership__window__slug="goji").count() == 0


def test_withdraw_button_withdraws(client):
    member = certified_institution("xingqing")
    membership = WindowMembership.objects.get(organisation=member.organisation)
    client.force_login(member)
    content = client.get(reverse("windows:membership")).content.decode()
    assert f'action="{reverse("windows:membership_withdraw", args=[membership.pk])}"' in content

    response = client.post(reverse("windows:membership_withdraw", args=[membership.pk]))

    assert response.status_code == 302
    assert "您已退出兴庆区中小企业服务窗口。" in messages_of(response)
    membership.refresh_from_db()
    assert membership.status == M.WITHDRAWN
    assert membership.logs.last().actor == member


def test_withdraw_needs_post_and_a_withdrawable_state(client):
    member = certified_institution()
    membership = WindowMembership.objects.create(
        window=window("xingqing"), organisation=member.organisation, status=M.DECLINED
    )
    client.force_login(member)
    assert client.get(reverse("windows:membership_withdraw", args=[membership.pk])).status_code == 405
    response = client.post(reverse("windows:membership_withdraw", args=[membership.pk]))
    assert response.status_code == 302
    assert "当前状态下不能退出该窗口。" in messages_of(response)
    membership.refresh_from_db()
    assert membership.status == M.DECLINED


def test_withdrawing_another_organisations_membership_is_404(client):
    other = certified_institution("xingqing")
    membership = WindowMembership.objects.get(organisation=other.organisation)
    client.force_login(certified_institution())

    assert client.post(reverse("windows:membership_withdraw", args=[membership.pk])).status_code == 404

    client.force_login(EnterpriseUserFactory())
    assert client.post(reverse("windows:membership_withdraw", args=[membership.pk])).status_code == 404
    membership.refresh_from_db()
    assert membership.status == M.ACTIVE


def test_membership_page_query_count_does_not_grow_with_memberships(client, django_assert_max_num_queries):
    def count(user):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("windows:membership")).status_code == 200
        return len(queries)

    few = certified_institution("xingqing")
    many = certified_institution("xingqing", "jinfeng", "xixia", "yongning", "helan", "lingwu", "goji", "wine")
    site_settings()  # the footer's site information stays cached across requests, as in production
    assert count(few) == count(many)
    client.force_login(many)
    with django_assert_max_num_queries(8):
        client.get(reverse("windows:membership"))


# Admin ----------------------------------------------------------------------------------------------------

CHANGELIST = "admin:windows_windowmembership_changelist"


def change_url(membership):
    return reverse("admin:windows_windowmembership_change", args=[membership.pk])


def transition_url(membership, name):
    return reverse("admin:windows_windowmembership_transition", args=[membership.pk, name])


@pytest.fixture
def memberships():
    """Memberships of 兴庆区 (applied, active, suspended) and one of 金凤区."""
    rows = {}
    for key, slug, state in [
        ("applied", "xingqing", M.APPLIED),
        ("active", "xingqing", M.ACTIVE),
        ("suspended", "xingqing", M.SUSPENDED),
        ("other", "jinfeng", M.APPLIED),
    ]:
        user = certified_institution()
        rows[key] = WindowMembership.objects.create(window=window(slug), organisation=user.organisation, status=state)
    return rows


def test_window_admin_lists_only_its_windows_memberships(client, memberships):
    client.force_login(make_window_admin("xingqing"))
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert set(response.context["cl"].result_list) == {
        memberships["applied"],
        memberships["active"],
        memberships["suspended"],
    }
    client.force_login(HubAdminFactory())
    assert set(client.get(reverse(CHANGELIST)).context["cl"].result_list) == set(memberships.values())


@pytest.mark.parametrize(
    ("key", "buttons"),
    [("applied", ["审核通过", "驳回"]), ("active", ["暂停"]), ("suspended", ["恢复"])],
)
def test_membership_change_page_offers_the_transitions_of_its_state(client, memberships, key, buttons):
    client.force_login(make_window_admin("xingqing"))
    response = client.get(change_url(memberships[key]))
    assert response.status_code == 200
    assert [str(b["label"]) for b in response.context["transition_buttons"]] == buttons
    content = response.content.decode()
    for button in response.context["transition_buttons"]:
        assert f'href="{button["url"]}"' in content


def test_admin_approves_a_membership(client, memberships):
    admin = make_window_admin("xingqing")
    client.force_login(admin)
    membership = memberships["applied"]

    response = client.post(transition_url(membership, "approve"))

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == M.ACTIVE
    assert membership.logs.get().actor == admin
    user = membership.organisation.users.get()
    assert user.notifications.filter(title="您已加入兴庆区中小企业服务窗口").count() == 1


@pytest.mark.parametrize(
    ("key", "name", "target"), [("applied", "decline", M.DECLINED), ("active", "suspend", M.SUSPENDED)]
)
def test_admin_decline_and_suspend_need_a_reason(client, memberships, key, name, target):
    client.force_login(make_window_admin("xingqing"))
    membership = memberships[key]
    state = membership.status

    response = client.post(transition_url(membership, name), {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["此项为必填项。"]
    membership.refresh_from_db()
    assert membership.status == state

    response = client.post(transition_url(membership, name), {"reason": "多次被投诉"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.status, membership.reason) == (target, "多次被投诉")


def test_admin_restores_a_suspended_membership(client, memberships):
    client.force_login(make_window_admin("xingqing"))
    response = client.post(transition_url(memberships["suspended"], "restore"))
    assert response.status_code == 302
    memberships["suspended"].refresh_from_db()
    assert memberships["suspended"].status == M.ACTIVE


def test_membership_bulk_actions(client, memberships):
    client.force_login(make_window_admin("xingqing"))
    actions = [name for name, _label in client.get(reverse(CHANGELIST)).context["action_form"].fields["action"].choices]
    for name in ["transition_approve", "transition_decline", "transition_suspend", "transition_restore"]:
        assert name in actions

    response = client.post(
        reverse(CHANGELIST),
        {"action": "transition_approve", "_selected_action": [memberships["applied"].pk, memberships["other"].pk]},
    )
    assert response.status_code == 302
    memberships["applied"].refresh_from_db()
    memberships["other"].refresh_from_db()
    assert memberships["applied"].status == M.ACTIVE
    assert memberships["other"].status == M.APPLIED  # another window's: out of reach

    selected = [memberships["applied"].pk, memberships["active"].pk]
    response = client.post(reverse(CHANGELIST), {"action": "transition_suspend", "_selected_action": selected})
    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()
    response = client.post(
        reverse(CHANGELIST),
        {"action": "transition_suspend", "_selected_action": selected, "apply": "1", "reason": "年检未通过"},
    )
    assert response.status_code == 302
    assert set(WindowMembership.objects.filter(pk__in=selected).values_list("status", "reason")) == {
        (M.SUSPENDED, "年检未通过")
    }


def test_window_admin_cannot_act_on_another_windows_membership_in_admin(client, memberships):
    client.force_login(make_window_admin("xingqing"))
    membership = memberships["other"]

    assert client.get(change_url(membership)).status_code == 302
    assert client.get(transition_url(membership, "approve")).status_code == 404
    assert client.post(transition_url(membership, "approve")).status_code == 404
    assert client.post(transition_url(membership, "decline"), {"reason": "越权"}).status_code == 404

    membership.refresh_from_db()
    assert membership.status == M.APPLIED
    assert not membership.logs.exists()
