"""Certification actions: the state machine, who may do what, completeness, approval effects."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from certification import selectors
from certification.actions import (
    application_approve,
    application_return,
    application_revoke,
    application_save_draft,
    application_start,
    application_submit,
)
from certification.choices import ApplicationStatus
from certification.models import CertificationApplication, CertificationLog, QualificationCertificate, ServiceDomain
from certification.rules import completeness_errors
from notifications.models import Notification
from smeportal.errors import ActionRefused
from tests.factories import (
    VALID_ORG_CODE,
    VALID_USCC,
    CertificationApplicationFactory,
    EnterpriseUserFactory,
    HubAdminFactory,
    InstitutionUserFactory,
    StaffUserFactory,
    approved_application,
    certified_institution,
    complete_application,
    make_window_admin,
    png_bytes,
    window,
)
from windows.models import MembershipStatus, WindowMembership

pytestmark = pytest.mark.django_db

S = ApplicationStatus
REQUIRED = "此项为必填项。"
EITHER_OF = "二者至少填写其一。"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


# The state machine ----------------------------------------------------------------

STATES = [S.DRAFT, S.SUBMITTED, S.APPROVED, S.RETURNED, S.REVOKED, S.SUPERSEDED]
TRANSITIONS = ["submit", "approve", "return", "revoke"]
ALLOWED = {
    (S.DRAFT, "submit"): S.SUBMITTED,
    (S.RETURNED, "submit"): S.SUBMITTED,
    (S.SUBMITTED, "approve"): S.APPROVED,
    (S.SUBMITTED, "return"): S.RETURNED,
    (S.APPROVED, "revoke"): S.REVOKED,
}
REFUSED = [(state, action) for state in STATES for action in TRANSITIONS if (state, action) not in ALLOWED]
REFUSAL_MESSAGES = {
    "submit": "只有草稿或已退回的申请可以提请审核。",
    "approve": "只有待审核的申请可以审核通过。",
    "return": "只有待审核的申请可以退回修改。",
    "revoke": "只有已认证的申请可以撤销认证。",
}
REASONS = {"return": "营业执照照片不清晰，请重新上传。", "revoke": "提供了虚假材料。"}
EDITABLE = [S.DRAFT, S.RETURNED]


@pytest.fixture
def machine():
    """An application of an enterprise in district 兴庆区, its user, a hub admin and the 兴庆区 admin."""
    applicant = EnterpriseUserFactory()
    return {
        "applicant": applicant,
        "hub": HubAdminFactory(),
        "xingqing_admin": make_window_admin("xingqing"),
    }


def _png_file():
    return ContentFile(png_bytes(), name="certificate.png")


def in_state(machine, state):
    application = CertificationApplicationFactory(organisation=machine["applicant"].organisation, status=state)
    if state == S.APPROVED:
        organisation = application.organisation
        organisation.is_certified = True
        organisation.save()
    return application


def run(action, application, machine):
    if action == "submit":
        return application_submit(application=application, actor=machine["applicant"])
    if action == "approve":
        return application_approve(application=application, actor=machine["hub"])
    if action == "return":
        return application_return(application=application, actor=machine["hub"], reason=REASONS["return"])
    if action == "revoke":
        return application_revoke(application=application, actor=machine["hub"], reason=REASONS["revoke"])
    raise AssertionError(action)


@pytest.mark.parametrize(("state", "action"), list(ALLOWED))
def test_allowed_transition_moves_the_state_logs_once_and_notifies(machine, state, action):
    application = in_state(machine, state)
    actor = machine["applicant"] if action == "submit" else machine["hub"]

    run(action, application, machine)

    application.refresh_from_db()
    target = ALLOWED[(state, action)]
    assert application.status == target
    log = CertificationLog.objects.get(application=application)
    assert (log.actor, log.from_status, log.to_status, log.reason) == (actor, state, target, REASONS.get(action, ""))
    if action == "submit":
        # The reviewers are told: the 兴庆区 administrator (not the hub admin, since the window has one).
        note = Notification.objects.get()
        assert note.recipient == machine["xingqing_admin"]
        assert note.title == f"待审核认证：{application.name}"
        assert note.url == reverse("admin:certification_certificationapplication_change", args=[application.pk])
        assert application.submitted_at is not None
    else:
        note = Notification.objects.get()
        assert note.recipient == machine["applicant"]
        assert note.url == reverse("certification:center")
        assert application.decided_by == machine["hub"]
        assert application.decided_at is not None
        assert application.decision_reason == REASONS.get(action, "")
    expected_titles = {
        "approve": "您的认证已审核通过",
        "return": "您的认证申请已被退回修改",
        "revoke": "您的认证已被撤销",
    }
    if action in expected_titles:
        assert note.title == expected_titles[action]
    if action in REASONS:
        assert REASONS[action] in note.body
    application.organisation.refresh_from_db()
    assert application.organisation.is_certified is {"approve": True, "revoke": False}.get(
        action, application.organisation.is_certified
    )


@pytest.mark.parametrize(("state", "action"), REFUSED)
def test_refused_transition_says_why_and_changes_nothing(machine, state, action):
    application = in_state(machine, state)
    before = CertificationApplication.objects.values().get(pk=application.pk)
    certified_before = application.organisation.is_certified

    with pytest.raises(ActionRefused) as refusal:
        run(action, application, machine)

    assert str(refusal.value.message) == REFUSAL_MESSAGES[action]
    assert CertificationApplication.objects.values().get(pk=application.pk) == before
    application.refresh_from_db()
    assert application.status == state
    assert CertificationLog.objects.filter(application=application).count() == 0
    assert Notification.objects.count() == 0
    application.organisation.refresh_from_db()
    assert application.organisation.is_certified is certified_before


@pytest.mark.parametrize("state", EDITABLE)
def test_save_draft_keeps_the_edits_and_the_state(machine, state):
    application = in_state(machine, state)
    application.name = "改名后的企业有限公司"
    application.district = "jinfeng"

    application_save_draft(
        application=application,
        actor=machine["applicant"],
        service_domains=ServiceDomain.objects.filter(code="financing"),
        new_certificates=[_png_file()],
    )

    application.refresh_from_db()
    assert application.status == state
    assert (application.name, application.district) == ("改名后的企业有限公司", "jinfeng")
    assert [d.code for d in application.service_domains.all()] == ["financing"]
    assert application.certificates.count() == 1
    # Saving is not a transition: no log row, nobody is told.
    assert CertificationLog.objects.filter(application=application).count() == 0
    assert Notification.objects.count() == 0


@pytest.mark.parametrize("state", [s for s in STATES if s not in EDITABLE])
def test_save_draft_is_refused_once_submitted_or_decided(machine, state):
    application = in_state(machine, state)
    before = CertificationApplication.objects.values().get(pk=application.pk)
    application.name = "偷偷改名有限公司"

    with pytest.raises(ActionRefused) as refusal:
        application_save_draft(application=application, actor=machine["applicant"], new_certificates=[_png_file()])

    assert str(refusal.value.message) == "待审核或已审核的申请不能修改。"
    assert CertificationApplication.objects.values().get(pk=application.pk) == before
    assert QualificationCertificate.objects.count() == 0
    assert CertificationLog.objects.count() == 0


def test_resubmitting_a_returned_application_clears_the_old_reason(machine):
    application = in_state(machine, S.SUBMITTED)
    application_return(application=application, actor=machine["hub"], reason="缺少营业执照")
    application_submit(application=application, actor=machine["applicant"])
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert application.decision_reason == ""
    assert list(application.logs.values_list("from_status", "to_status")) == [
        (S.SUBMITTED, S.RETURNED),
        (S.RETURNED, S.SUBMITTED),
    ]


def test_submit_without_window_admins_notifies_the_hub_admins():
    applicant = EnterpriseUserFactory()
    hub_admins = [HubAdminFactory(), HubAdminFactory()]
    make_window_admin("jinfeng")  # another district's admin is not told
    application = complete_application(applicant.organisation, district="lingwu")

    application_submit(application=application, actor=applicant)

    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted(u.pk for u in hub_admins)


def test_decisions_notify_every_active_user_of_the_organisation(machine):
    colleague = EnterpriseUserFactory(organisation=machine["applicant"].organisation)
    EnterpriseUserFactory(organisation=machine["applicant"].organisation, is_active=False)
    application = in_state(machine, S.SUBMITTED)

    application_approve(application=application, actor=machine["hub"])

    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted(
        [machine["applicant"].pk, colleague.pk]
    )


# Who may act ---------------------------------------------------------------------


def test_applicant_of_another_organisation_cannot_submit_or_save_the_application(machine):
    application = in_state(machine, S.DRAFT)
    stranger = EnterpriseUserFactory()

    with pytest.raises(ActionRefused) as refusal:
        application_submit(application=application, actor=stranger)
    assert str(refusal.value.message) == "该申请属于其他单位。"

    application.name = "别人的名字"
    with pytest.raises(ActionRefused):
        application_save_draft(application=application, actor=stranger)

    application.refresh_from_db()
    assert application.status == S.DRAFT
    assert application.name != "别人的名字"
    assert CertificationLog.objects.count() == 0


def test_applicant_cannot_approve_or_return_its_own_application(machine):
    application = in_state(machine, S.SUBMITTED)
    with pytest.raises(ActionRefused) as refusal:
        application_approve(application=application, actor=machine["applicant"])
    assert str(refusal.value.message) == "您无权审核该申请。"
    with pytest.raises(ActionRefused):
        application_return(application=application, actor=machine["applicant"], reason="自己退回")
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert CertificationLog.objects.count() == 0


def test_window_admin_approves_an_application_of_its_district(machine):
    application = in_state(machine, S.SUBMITTED)
    application_approve(application=application, actor=machine["xingqing_admin"])
    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert application.decided_by == machine["xingqing_admin"]


def test_window_admin_cannot_approve_an_application_outside_its_windows(machine):
    application = CertificationApplicationFactory(
        organisation=machine["applicant"].organisation, status=S.SUBMITTED, district="jinfeng"
    )

    for act in (
        lambda: application_approve(application=application, actor=machine["xingqing_admin"]),
        lambda: application_return(application=application, actor=machine["xingqing_admin"], reason="越权"),
    ):
        with pytest.raises(ActionRefused) as refusal:
            act()
        assert str(refusal.value.message) == "您无权审核该申请。"

    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert application.decided_by is None
    assert CertificationLog.objects.count() == 0
    assert not Notification.objects.filter(recipient=machine["applicant"]).exists()


def test_staff_without_windows_cannot_review():
    application = CertificationApplicationFactory(status=S.SUBMITTED)
    with pytest.raises(ActionRefused):
        application_approve(application=application, actor=StaffUserFactory())
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def _institution_change_in_district(user, district):
    """A certified institution starts and submits a change, moving to `district`."""
    draft = application_start(organisation=user.organisation, actor=user)
    draft.district = district
    application_save_draft(application=draft, actor=user)
    return application_submit(application=draft, actor=user)


@pytest.mark.parametrize("status", [MembershipStatus.APPLIED, MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED])
def test_industry_window_admin_reviews_an_institution_that_applied_to_or_joined_its_window(status):
    institution = InstitutionUserFactory()
    WindowMembership.objects.create(window=window("goji"), organisation=institution.organisation, status=status)
    application = complete_application(institution.organisation, district="jinfeng", status=S.SUBMITTED)
    goji_admin = make_window_admin("goji")

    application_return(application=application, actor=goji_admin, reason="请补充资质证书")

    application.refresh_from_db()
    assert application.status == S.RETURNED
    assert application.logs.get().actor == goji_admin


def test_industry_window_admin_approves_a_change_of_an_active_member():
    institution = certified_institution("goji")
    change = _institution_change_in_district(institution, "helan")
    goji_admin = make_window_admin("goji")

    application_approve(application=change, actor=goji_admin)

    change.refresh_from_db()
    assert change.status == S.APPROVED


@pytest.mark.parametrize("status", [None, MembershipStatus.DECLINED, MembershipStatus.WITHDRAWN])
def test_industry_window_admin_cannot_review_an_institution_outside_its_window(status):
    institution = InstitutionUserFactory()
    if status is not None:
        WindowMembership.objects.create(window=window("goji"), organisation=institution.organisation, status=status)
    WindowMembership.objects.create(
        window=window("wine"), organisation=institution.organisation, status=MembershipStatus.ACTIVE
    )
    application = complete_application(institution.organisation, district="jinfeng", status=S.SUBMITTED)

    with pytest.raises(ActionRefused):
        application_approve(application=application, actor=make_window_admin("goji"))

    application.refresh_from_db()
    assert application.status == S.SUBMITTED


@pytest.mark.parametrize("district", ["xingqing", "jinfeng", "xixia", "yongning", "helan", "lingwu"])
def test_hub_admin_reviews_applications_of_every_district(district):
    application = complete_application(district=district, status=S.SUBMITTED)
    application_approve(application=application, actor=HubAdminFactory())
    application.refresh_from_db()
    assert application.status == S.APPROVED


def test_only_a_hub_admin_revokes_a_certification(machine):
    application = approved_application(machine["applicant"].organisation)
    logs_before = CertificationLog.objects.count()

    with pytest.raises(ActionRefused) as refusal:
        application_revoke(application=application, actor=machine["xingqing_admin"], reason="越权撤销")
    assert str(refusal.value.message) == "只有平台管理员可以撤销认证。"
    with pytest.raises(ActionRefused):
        application_revoke(application=application, actor=machine["applicant"], reason="自己撤销")

    application.refresh_from_db()
    application.organisation.refresh_from_db()
    assert application.status == S.APPROVED
    assert application.organisation.is_certified is True
    assert CertificationLog.objects.count() == logs_before


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_return_and_revoke_without_a_reason_are_refused(machine, reason):
    submitted = in_state(machine, S.SUBMITTED)
    with pytest.raises(ActionRefused) as refusal:
        application_return(application=submitted, actor=machine["hub"], reason=reason)
    assert str(refusal.value.message) == "请填写原因。"
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED

    submitted.delete()
    approved = in_state(machine, S.APPROVED)
    with pytest.raises(ActionRefused) as refusal:
        application_revoke(application=approved, actor=machine["hub"], reason=reason)
    assert str(refusal.value.message) == "请填写原因。"
    approved.refresh_from_db()
    assert approved.status == S.APPROVED
    assert CertificationLog.objects.count() == 0
    assert Notification.objects.count() == 0


# Completeness ------------------------------------------------------------------------

EMPTY = {"registered_capital": None, "established_on": None, "employees": None}
ENTERPRISE_REQUIRED = [
    "name",
    "legal_representative",
    "registered_capital",
    "established_on",
    "district",
    "registered_address",
    "business_scope",
    "contact_name",
    "licence",
    "enterprise_type",
    "industry",
    "scale",
    "employees",
]
INSTITUTION_REQUIRED = [
    "name",
    "legal_representative",
    "registered_capital",
    "established_on",
    "district",
    "registered_address",
    "business_scope",
    "contact_name",
    "licence",
    "institution_type",
    "service_domains",
    "service_area",
    "introduction",
]


def _emptied(application, field):
    if field == "service_domains":
        application.service_domains.clear()
    else:
        setattr(application, field, EMPTY.get(field, ""))
        application.save()
    return application


def _assert_submit_refused(application, actor, field_errors):
    with pytest.raises(ActionRefused) as refusal:
        application_submit(application=application, actor=actor)
    assert str(refusal.value.message) == "请先补全标出的项目，再提请审核。"
    assert refusal.value.field_errors == field_errors
    application.refresh_from_db()
    assert application.status == S.DRAFT
    assert application.submitted_at is None
    assert not CertificationLog.objects.filter(application=application).exists()
    assert Notification.objects.count() == 0


def test_complete_applications_have_no_completeness_errors():
    assert completeness_errors(complete_application()) == {}
    assert completeness_errors(complete_application(InstitutionUserFactory().organisation)) == {}


@pytest.mark.parametrize("field", ENTERPRISE_REQUIRED)
def test_enterprise_application_needs_every_red_dot_field(field):
    user = EnterpriseUserFactory()
    application = _emptied(complete_application(user.organisation), field)

    assert completeness_errors(application) == {field: REQUIRED}
    _assert_submit_refused(application, user, {field: REQUIRED})


@pytest.mark.parametrize("field", INSTITUTION_REQUIRED)
def test_institution_application_needs_every_red_dot_field(field):
    user = InstitutionUserFactory()
    application = _emptied(complete_application(user.organisation), field)

    assert completeness_errors(application) == {field: REQUIRED}
    _assert_submit_refused(application, user, {field: REQUIRED})


def test_institution_does_not_need_the_enterprise_only_fields():
    application = complete_application(
        InstitutionUserFactory().organisation, enterprise_type="", industry="", scale="", employees=None
    )
    assert completeness_errors(application) == {}


@pytest.mark.parametrize("pair", [("credit_code", "org_code"), ("landline", "mobile")])
def test_either_of_pair_both_empty_is_refused_on_both_fields(pair):
    user = EnterpriseUserFactory()
    application = complete_application(user.organisation, **dict.fromkeys(pair, ""))

    expected = dict.fromkeys(pair, EITHER_OF)
    assert completeness_errors(application) == expected
    _assert_submit_refused(application, user, expected)


@pytest.mark.parametrize(
    "values",
    [
        {"credit_code": VALID_USCC, "org_code": ""},
        {"credit_code": "", "org_code": VALID_ORG_CODE},
        {"credit_code": "", "org_code": "192203821"},
        {"landline": "0951-5012345", "mobile": ""},
        {"landline": "", "mobile": "13995100001"},
    ],
)
def test_one_field_of_an_either_of_pair_is_enough(values):
    user = EnterpriseUserFactory()
    application = complete_application(user.organisation, **values)

    assert completeness_errors(application) == {}
    application_submit(application=application, actor=user)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("credit_code", "914403001922038217", "统一社会信用代码的校验位（最后一位）不正确，请检查是否输错。"),
        ("org_code", "19220382-2", "组织机构代码的校验位（最后一位）不正确，请检查是否输错。"),
        ("landline", "5012345", "请输入带区号的固定电话号码，例如 0951-5012345 或 0951-5012345-123。"),
    ],
)
def test_wrong_code_is_refused_on_submit(field, value, message):
    user = EnterpriseUserFactory()
    application = complete_application(user.organisation, **{field: value})

    errors = completeness_errors(application)
    assert errors == {field: message}
    _assert_submit_refused(application, user, errors)


# Approval effects --------------------------------------------------------------------


def test_approval_certifies_the_organisation_under_the_approved_name():
    user = EnterpriseUserFactory(organisation__name="注册时的名字")
    application = complete_application(user.organisation, name="宁夏塞上科技有限公司")
    application_submit(application=application, actor=user)
    assert user.organisation.is_certified is False

    application_approve(application=application, actor=HubAdminFactory())

    user.organisation.refresh_from_db()
    assert user.organisation.is_certified is True
    assert user.organisation.certified_at is not None
    assert user.organisation.name == "宁夏塞上科技有限公司"
    assert selectors.approved_application(user.organisation) == application


def test_start_opens_a_draft_from_registration_data_once():
    user = EnterpriseUserFactory(organisation__name="贺兰山酒庄", organisation__contact_name="马丽")
    first = application_start(organisation=user.organisation, actor=user)
    second = application_start(organisation=user.organisation, actor=user)
    assert first == second
    assert CertificationApplication.objects.count() == 1
    assert (first.status, first.name, first.contact_name, first.mobile) == (
        S.DRAFT,
        "贺兰山酒庄",
        "马丽",
        user.organisation.mobile,
    )
    assert list(first.logs.values_list("actor", "from_status", "to_status")) == [(user.pk, "", S.DRAFT)]


def test_start_for_another_organisation_is_refused():
    user = EnterpriseUserFactory()
    with pytest.raises(ActionRefused):
        application_start(organisation=EnterpriseUserFactory().organisation, actor=user)
    assert CertificationApplication.objects.count() == 0


def test_changing_certified_data_keeps_the_approved_one_live_until_the_change_is_approved():
    user = InstitutionUserFactory()
    approved = approved_application(
        user.organisation, service_domains=ServiceDomain.objects.filter(code__in=["startup", "legal"])
    )
    QualificationCertificate.objects.create(application=approved, file=_png_file())
    QualificationCertificate.objects.create(application=approved, file=_png_file())

    change = application_start(organisation=user.organisation, actor=user)

    assert change.pk != approved.pk
    assert change.status == S.DRAFT
    for name in ["name", "credit_code", "legal_representative", "district", "service_area", "mobile"]:
        assert getattr(change, name) == getattr(approved, name), name
    assert change.licence.name == approved.licence.name
    assert set(change.service_domains.values_list("code", flat=True)) == {"startup", "legal"}
    assert sorted(change.certificates.values_list("file", flat=True)) == sorted(
        approved.certificates.values_list("file", flat=True)
    )
    approved.refresh_from_db()
    assert approved.status == S.APPROVED
    assert selectors.approved_application(user.organisation) == approved
    assert selectors.open_application(user.organisation) == change

    change.name = "变更后的服务中心"
    application_save_draft(application=change, actor=user)
    application_submit(application=change, actor=user)
    assert selectors.approved_application(user.organisation) == approved
    user.organisation.refresh_from_db()
    assert user.organisation.name == approved.name

    hub = HubAdminFactory()
    application_approve(application=change, actor=hub)

    approved.refresh_from_db()
    change.refresh_from_db()
    assert approved.status == S.SUPERSEDED
    assert change.status == S.APPROVED
    assert CertificationApplication.objects.filter(organisation=user.organisation, status=S.APPROVED).count() == 1
    assert selectors.approved_application(user.organisation) == change
    assert list(approved.logs.values_list("actor", "from_status", "to_status")).pop() == (
        hub.pk,
        S.APPROVED,
        S.SUPERSEDED,
    )
    user.organisation.refresh_from_db()
    assert user.organisation.name == "变更后的服务中心"
    assert user.organisation.is_certified is True


def test_revoking_uncertifies_the_organisation():
    user = EnterpriseUserFactory()
    application = approved_application(user.organisation)
    assert user.organisation.is_certified is True

    application_revoke(application=application, actor=HubAdminFactory(), reason="营业执照已吊销")

    user.organisation.refresh_from_db()
    assert user.organisation.is_certified is False
    assert selectors.approved_application(user.organisation) is None
    assert application.logs.last().reason == "营业执照已吊销"


def test_revoking_sends_a_pending_change_back_for_a_fresh_review():
    applicant = EnterpriseUserFactory()
    approved = approved_application(applicant.organisation)
    change = application_start(organisation=applicant.organisation, actor=applicant)
    application_submit(application=change, actor=applicant)
    hub = HubAdminFactory()

    application_revoke(application=approved, actor=hub, reason="营业执照已吊销")

    change.refresh_from_db()
    assert change.status == ApplicationStatus.RETURNED
    assert "营业执照已吊销" in change.decision_reason
    assert change.logs.last().to_status == ApplicationStatus.RETURNED
    applicant.organisation.refresh_from_db()
    assert not applicant.organisation.is_certified
    # A window admin can no longer approve the old submission into a certification.
    with pytest.raises(ActionRefused):
        application_approve(application=change, actor=make_window_admin(change.district))
