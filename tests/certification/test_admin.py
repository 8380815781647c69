"""The review queue in Django admin: scope, filters, transition buttons and bulk actions."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from certification.choices import ApplicationStatus
from certification.models import CertificationApplication, CertificationLog
from notifications.models import Notification
from tests.factories import (
    CertificationApplicationFactory,
    EnterpriseUserFactory,
    HubAdminFactory,
    InstitutionUserFactory,
    approved_application,
    make_window_admin,
    window,
)
from windows.models import MembershipStatus, WindowMembership

pytestmark = pytest.mark.django_db

S = ApplicationStatus
CHANGELIST = "admin:certification_certificationapplication_changelist"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def change_url(application):
    return reverse("admin:certification_certificationapplication_change", args=[application.pk])


def transition_url(application, name):
    return reverse("admin:certification_certificationapplication_transition", args=[application.pk, name])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def names_listed(response):
    assert response.status_code == 200
    return {application.name for application in response.context["cl"].result_list}


@pytest.fixture
def queue():
    """Applications of several districts, one of a 枸杞产业 member, one approved."""
    goji_member = InstitutionUserFactory()
    WindowMembership.objects.create(
        window=window("goji"), organisation=goji_member.organisation, status=MembershipStatus.ACTIVE
    )
    approved_user = EnterpriseUserFactory()
    return {
        "xingqing": CertificationApplicationFactory(name="兴庆区申请企业", district="xingqing", status=S.SUBMITTED),
        "jinfeng": CertificationApplicationFactory(name="金凤区申请企业", district="jinfeng", status=S.SUBMITTED),
        "goji": CertificationApplicationFactory(
            organisation=goji_member.organisation, name="枸杞会员机构", district="lingwu", status=S.SUBMITTED
        ),
        "approved": approved_application(approved_user.organisation, name="西夏区已认证企业", district="xixia"),
    }


ALL_NAMES = {"兴庆区申请企业", "金凤区申请企业", "枸杞会员机构", "西夏区已认证企业"}


# Scope and list ------------------------------------------------------------------------------


def test_hub_admin_lists_every_application(client, queue):
    client.force_login(HubAdminFactory())
    response = client.get(reverse(CHANGELIST))
    assert names_listed(response) == ALL_NAMES
    content = response.content.decode()
    assert "待审核" in content and "已认证" in content


@pytest.mark.parametrize(
    ("windows", "expected"),
    [
        (["xingqing"], {"兴庆区申请企业"}),
        (["jinfeng"], {"金凤区申请企业"}),
        (["goji"], {"枸杞会员机构"}),
        (["xingqing", "goji"], {"兴庆区申请企业", "枸杞会员机构"}),
        (["wine"], set()),
    ],
)
def test_window_admin_lists_only_the_applications_of_its_windows(client, queue, windows, expected):
    client.force_login(make_window_admin(*windows))
    assert names_listed(client.get(reverse(CHANGELIST))) == expected


def test_industry_window_no_longer_covers_a_withdrawn_member(client, queue):
    WindowMembership.objects.filter(organisation=queue["goji"].organisation).update(status=MembershipStatus.WITHDRAWN)
    client.force_login(make_window_admin("goji"))
    assert names_listed(client.get(reverse(CHANGELIST))) == set()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "approved"}, {"西夏区已认证企业"}),
        ({"status": "submitted"}, {"兴庆区申请企业", "金凤区申请企业", "枸杞会员机构"}),
        ({"kind": "institution"}, {"枸杞会员机构"}),
        ({"kind": "enterprise"}, {"兴庆区申请企业", "金凤区申请企业", "西夏区已认证企业"}),
        ({"district": "jinfeng"}, {"金凤区申请企业"}),
        ({"window": "xingqing"}, {"兴庆区申请企业"}),
        ({"window": "goji"}, {"枸杞会员机构"}),
        ({"q": "兴庆区申请"}, {"兴庆区申请企业"}),
        ({"q": "jinfeng-code"}, {"金凤区申请企业"}),
    ],
)
def test_filters_and_search(client, queue, params, expected):
    if "window" in params:
        params = {"window": window(params["window"]).pk}
    if params.get("q") == "jinfeng-code":
        params = {"q": queue["jinfeng"].credit_code}
    client.force_login(HubAdminFactory())
    assert names_listed(client.get(reverse(CHANGELIST), params)) == expected


def test_window_filter_does_not_widen_a_window_admins_scope(client, queue):
    client.force_login(make_window_admin("xingqing"))
    response = client.get(reverse(CHANGELIST), {"window": window("jinfeng").pk})
    assert names_listed(response) == set()


# Change page and transition buttons ------------------------------------------------------------


def test_submitted_application_offers_approve_and_return(client, queue):
    client.force_login(HubAdminFactory())
    response = client.get(change_url(queue["xingqing"]))
    assert response.status_code == 200
    content = response.content.decode()
    assert f'href="{transition_url(queue["xingqing"], "approve")}"' in content
    assert f'href="{transition_url(queue["xingqing"], "return")}"' in content
    assert f'href="{transition_url(queue["xingqing"], "revoke")}"' not in content
    buttons = [str(b["label"]) for b in response.context["transition_buttons"]]
    assert buttons == ["审核通过", "退回修改"]


def test_approved_application_offers_revoke_to_a_hub_admin(client, queue):
    client.force_login(HubAdminFactory())
    response = client.get(change_url(queue["approved"]))
    assert [str(b["label"]) for b in response.context["transition_buttons"]] == ["撤销认证"]
    assert f'href="{transition_url(queue["approved"], "revoke")}"' in response.content.decode()


def test_transition_link_opens_a_confirmation_page(client, queue):
    client.force_login(HubAdminFactory())

    response = client.get(transition_url(queue["xingqing"], "approve"))

    assert response.status_code == 200
    assert "admin/transition_confirm.html" in [t.name for t in response.templates]
    content = response.content.decode()
    assert "确认对以下对象执行“审核通过”：" in content
    assert "兴庆区申请企业" in content
    assert 'name="reason"' not in content
    assert 'name="reason"' in client.get(transition_url(queue["xingqing"], "return")).content.decode()
    queue["xingqing"].refresh_from_db()
    assert queue["xingqing"].status == S.SUBMITTED


def test_posting_approve_approves_logs_and_notifies(client, queue):
    hub = HubAdminFactory()
    client.force_login(hub)
    application = queue["xingqing"]

    response = client.post(transition_url(application, "approve"))

    assert response.status_code == 302
    assert response.url == change_url(application)
    assert "“兴庆区申请企业”：审核通过 已完成。" in messages_of(response)
    application.refresh_from_db()
    assert application.status == S.APPROVED
    log = application.logs.get()
    assert (log.actor, log.from_status, log.to_status) == (hub, S.SUBMITTED, S.APPROVED)
    applicant = application.organisation.users.get()
    assert list(applicant.notifications.values_list("title", flat=True)) == ["您的认证已审核通过"]
    application.organisation.refresh_from_db()
    assert application.organisation.is_certified is True


def test_return_without_reason_shows_the_error_and_changes_nothing(client, queue):
    client.force_login(HubAdminFactory())
    application = queue["xingqing"]

    response = client.post(transition_url(application, "return"), {"reason": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["此项为必填项。"]
    assert "此项为必填项。" in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert not application.logs.exists()
    assert not Notification.objects.filter(recipient__organisation=application.organisation).exists()


def test_return_with_reason_returns_the_application(client, queue):
    client.force_login(HubAdminFactory())
    application = queue["xingqing"]

    response = client.post(transition_url(application, "return"), {"reason": "请上传清晰的营业执照"})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.RETURNED
    assert application.decision_reason == "请上传清晰的营业执照"
    assert application.logs.get().reason == "请上传清晰的营业执照"


def test_hub_admin_revokes_from_the_change_page(client, queue):
    client.force_login(HubAdminFactory())
    application = queue["approved"]

    response = client.post(transition_url(application, "revoke"), {"reason": "企业已注销"})

    assert response.status_code == 302
    application.refresh_from_db()
    application.organisation.refresh_from_db()
    assert application.status == S.REVOKED
    assert application.organisation.is_certified is False


def test_transition_refused_by_the_state_shows_the_message_and_changes_nothing(client, queue):
    client.force_login(HubAdminFactory())
    application = queue["approved"]
    logs = CertificationLog.objects.count()

    response = client.post(transition_url(application, "approve"))

    assert response.status_code == 302
    assert "只有待审核的申请可以审核通过。" in messages_of(response)
    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert CertificationLog.objects.count() == logs


def test_unknown_transition_is_404(client, queue):
    client.force_login(HubAdminFactory())
    assert client.post(transition_url(queue["xingqing"], "delete")).status_code == 404


# Bulk actions ------------------------------------------------------------------------------------


def test_bulk_approve_approves_the_selected_and_reports_the_refused(client, queue):
    client.force_login(HubAdminFactory())
    selected = [queue["xingqing"], queue["jinfeng"], queue["approved"]]

    response = client.post(
        reverse(CHANGELIST), {"action": "transition_approve", "_selected_action": [a.pk for a in selected]}
    )

    assert response.status_code == 302
    messages = messages_of(response)
    assert "审核通过：已完成 2 项。" in messages
    assert "“西夏区已认证企业”：只有待审核的申请可以审核通过。" in messages
    statuses = dict(CertificationApplication.objects.values_list("name", "status"))
    assert statuses == {
        "兴庆区申请企业": S.APPROVED,
        "金凤区申请企业": S.APPROVED,
        "枸杞会员机构": S.SUBMITTED,
        "西夏区已认证企业": S.APPROVED,
    }
    assert CertificationLog.objects.filter(to_status=S.APPROVED, application__in=selected[:2]).count() == 2


def test_bulk_return_asks_for_a_reason_first_then_returns_them_all(client, queue):
    client.force_login(HubAdminFactory())
    selected = [queue["xingqing"].pk, queue["jinfeng"].pk, queue["goji"].pk]

    response = client.post(reverse(CHANGELIST), {"action": "transition_return", "_selected_action": selected})

    assert response.status_code == 200
    content = response.content.decode()
    assert "确认对以下对象执行“退回修改”：" in content
    assert 'name="reason"' in content
    assert 'name="apply" value="1"' in content
    for pk in selected:
        assert f'name="_selected_action" value="{pk}"' in content
    assert set(CertificationApplication.objects.filter(pk__in=selected).values_list("status", flat=True)) == {
        S.SUBMITTED
    }

    response = client.post(
        reverse(CHANGELIST),
        {"action": "transition_return", "_selected_action": selected, "apply": "1", "reason": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["此项为必填项。"]
    assert not CertificationLog.objects.filter(to_status=S.RETURNED).exists()

    response = client.post(
        reverse(CHANGELIST),
        {"action": "transition_return", "_selected_action": selected, "apply": "1", "reason": "材料不全"},
    )
    assert response.status_code == 302
    assert "退回修改：已完成 3 项。" in messages_of(response)
    for application in CertificationApplication.objects.filter(pk__in=selected):
        assert (application.status, application.decision_reason) == (S.RETURNED, "材料不全")
        assert application.logs.get().reason == "材料不全"


def test_revoke_is_not_a_bulk_action(client, queue):
    client.force_login(HubAdminFactory())
    response = client.get(reverse(CHANGELIST))
    actions = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert "transition_approve" in actions
    assert "transition_return" in actions
    assert "transition_revoke" not in actions


# Window administrators outside their windows ----------------------------------------------------------


def test_window_admin_cannot_open_or_transition_an_application_outside_its_windows(client, queue):
    client.force_login(make_window_admin("xingqing"))
    application = queue["jinfeng"]

    assert client.get(change_url(application)).status_code == 302  # admin's "does not exist" redirect
    assert client.get(transition_url(application, "approve")).status_code == 404
    assert client.post(transition_url(application, "approve")).status_code == 404
    assert client.post(transition_url(application, "return"), {"reason": "越权退回"}).status_code == 404

    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert not application.logs.exists()


def test_window_admin_bulk_action_reaches_only_its_applications(client, queue):
    admin = make_window_admin("xingqing")
    client.force_login(admin)

    client.post(
        reverse(CHANGELIST),
        {"action": "transition_approve", "_selected_action": [queue["xingqing"].pk, queue["jinfeng"].pk]},
    )

    queue["xingqing"].refresh_from_db()
    queue["jinfeng"].refresh_from_db()
    assert queue["xingqing"].status == S.APPROVED
    assert queue["xingqing"].decided_by == admin
    assert queue["jinfeng"].status == S.SUBMITTED


def test_window_admin_reviews_in_its_window(client, queue):
    admin = make_window_admin("goji")
    client.force_login(admin)
    application = queue["goji"]

    assert client.get(change_url(application)).status_code == 200
    response = client.post(transition_url(application, "return"), {"reason": "请补充资质证书"})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.RETURNED
    assert application.decided_by == admin


def test_window_admin_cannot_revoke(client, queue):
    application = CertificationApplicationFactory(district="xingqing", status=S.APPROVED)
    client.force_login(make_window_admin("xingqing"))

    response = client.post(transition_url(application, "revoke"), {"reason": "越权撤销"})

    assert response.status_code == 302
    assert "只有平台管理员可以撤销认证。" in messages_of(response)
    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert not application.logs.exists()


def test_window_admin_is_not_offered_revoke(client):
    application = CertificationApplicationFactory(district="xingqing", status=S.APPROVED)
    client.force_login(make_window_admin("xingqing"))
    response = client.get(change_url(application))
    assert response.status_code == 200
    assert response.context["transition_buttons"] == []
    assert f'href="{transition_url(application, "revoke")}"' not in response.content.decode()
