"""服务管理 views: who gets in, 发布服务 with 保存 / 提交审核, 修改 of a listed service, uploads."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from notifications.models import Notification
from services.models import Service, ServiceImage, ServiceLog, ServiceStatus
from smeportal.uploads import MAX_IMAGE_BYTES
from tests.factories import (
    EnterpriseUserFactory,
    HubAdminFactory,
    InstitutionUserFactory,
    approved_application,
    category,
    institution_with,
    make_window_admin,
    png_bytes,
    png_upload,
    published_service,
    service_in_state,
    window,
)
from windows.models import MembershipStatus, WindowMembership

pytestmark = pytest.mark.django_db

S = ServiceStatus
MANAGE = reverse("services:manage")
CREATE = reverse("services:create")
UNSUPPORTED = "此文件不是支持的图片格式，请上传 JPEG、PNG 或 WebP 图片。"
DAMAGED = "图片已损坏或不完整，请重新上传原始文件。"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def member():
    """A certified institution: active in 兴庆区 and 枸杞产业, applied to 金凤区, withdrawn from 葡萄酒产业."""
    user = institution_with("xingqing", "goji", name="兴庆企业服务中心")
    WindowMembership.objects.create(
        window=window("jinfeng"), organisation=user.organisation, status=MembershipStatus.APPLIED
    )
    WindowMembership.objects.create(
        window=window("wine"), organisation=user.organisation, status=MembershipStatus.WITHDRAWN
    )
    return user


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def form_data(**overrides):
    data = {
        "title": "小微企业代理记账",
        "category": category("management_consulting-finance_tax").pk,
        "windows": [window("xingqing").pk],
        "price_mode": "fixed",
        "price": "800",
        "price_unit": "month",
        "summary": "为小微企业提供代理记账与纳税申报。",
        "content": "建账、记账、报税一条龙。",
        "process": "签约、交接、按月服务。",
        "duration": "一年",
        "service_area": "银川市",
        "contact_name": "赵敏",
        "contact_phone": "0951-6000001",
        "save": "",
    }
    data.update(overrides)
    return data


# Who gets in -------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login(client, db):
    service = service_in_state(institution_with("xingqing"), S.LISTED)
    for url in (
        MANAGE,
        CREATE,
        reverse("services:edit", args=[service.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    for name in ("submit", "delist"):
        response = client.post(reverse(f"services:{name}", args=[service.pk]))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    service.refresh_from_db()
    assert service.status == S.LISTED


def test_an_enterprise_gets_404_on_the_service_management(client, db):
    enterprise = EnterpriseUserFactory()
    client.force_login(enterprise)
    assert client.get(MANAGE).status_code == 404
    # Certified or not, an enterprise does not publish services.
    response = client.get(CREATE)
    assert response.status_code == 403
    approved_application(enterprise.organisation)
    assert client.get(CREATE).status_code == 404
    assert client.post(CREATE, form_data()).status_code == 404
    assert not Service.objects.exists()


def test_an_uncertified_institution_is_told_to_certify_first(client, db):
    user = InstitutionUserFactory()
    client.force_login(user)

    response = client.get(CREATE)

    assert response.status_code == 403
    content = response.content.decode()
    assert "需要认证" in content
    assert reverse("certification:center") in content
    assert client.post(CREATE, form_data()).status_code == 403
    assert not Service.objects.exists()
    # Its (empty) list is still there.
    assert client.get(MANAGE).status_code == 200


def test_a_certified_institution_that_joined_no_window_is_refused_with_a_message(client, db):
    user = institution_with()
    client.force_login(user)
    response = client.post(CREATE, form_data(windows=[]))
    assert response.status_code == 200
    assert not Service.objects.exists()


# 发布服务 ----------------------------------------------------------------------------------------


def test_the_form_offers_only_the_windows_of_active_memberships(client, member):
    client.force_login(member)
    response = client.get(CREATE)

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.fields["windows"].queryset.values_list("slug", flat=True)) == {"xingqing", "goji"}
    content = response.content.decode()
    assert "发布服务" in content
    for slug in ("xingqing", "goji"):
        assert f'name="windows" value="{window(slug).pk}"' in content
    for slug in ("jinfeng", "wine", "xixia"):
        assert f'name="windows" value="{window(slug).pk}"' not in content
    labels = ("服务名称", "服务类别", "所属窗口", "服务简介", "服务内容", "服务流程", "服务期限", "服务区域", "联系人")
    for label in labels:
        assert label in content, label
    # Only sub-categories are chosen, grouped under their top-level category.
    choices = dict(form.fields["category"].choices)
    assert "法律服务" in choices
    assert category("legal").pk not in [pk for group in choices.values() if isinstance(group, list) for pk, _ in group]


def test_save_creates_a_draft_and_stays_on_its_edit_page(client, member):
    client.force_login(member)

    response = client.post(CREATE, form_data(windows=[window("xingqing").pk, window("goji").pk]))

    service = Service.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("services:edit", args=[service.pk])
    assert "已保存，可稍后继续填写。" in messages_of(response)
    assert service.status == S.DRAFT
    assert service.institution == member.organisation
    assert (service.title, service.price_display) == ("小微企业代理记账", "800 元/月")
    assert set(service.windows.values_list("slug", flat=True)) == {"xingqing", "goji"}
    assert service.logs.get().to_status == S.DRAFT
    edit = client.get(response.url)
    assert edit.status_code == 200
    assert "小微企业代理记账" in edit.content.decode()


def test_submit_creates_a_pending_service_and_tells_the_reviewers(client, member):
    reviewer = make_window_admin("xingqing")
    client.force_login(member)

    response = client.post(CREATE, form_data_without(save=None, submit=""))

    service = Service.objects.get()
    assert response.status_code == 302
    assert response.url == MANAGE
    assert "已提请审核，审核结果将通知您。" in messages_of(response)
    assert service.status == S.PENDING
    assert [(log.from_status, log.to_status) for log in service.logs.all()] == [("", S.DRAFT), (S.DRAFT, S.PENDING)]
    note = Notification.objects.get(recipient=reviewer)
    assert note.title == "待审核服务：小微企业代理记账"
    manage = client.get(MANAGE).content.decode()
    assert "小微企业代理记账" in manage and "待审核" in manage


def form_data_without(**overrides):
    data = form_data(**overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"price": ""}, "price", "请填写价格。"),
        ({"price_unit": ""}, "price_unit", "请选择计价单位。"),
        ({"title": ""}, "title", "此项为必填项。"),
        ({"windows": []}, "windows", "此项为必填项。"),
        ({"price": "-1"}, "price", None),
        ({"price": "abc"}, "price", None),
    ],
)
def test_bad_data_keeps_the_typed_input_and_saves_nothing(client, member, overrides, field, message):
    client.force_login(member)

    response = client.post(CREATE, form_data_without(**overrides))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    if message:
        assert message in response.context["form"].errors[field]
        assert message in response.content.decode()
    assert "请更正标出的项目；本次填写尚未保存。" in messages_of(response)
    content = response.content.decode()
    assert "为小微企业提供代理记账与纳税申报。" in content
    assert "0951-6000001" in content
    assert not Service.objects.exists()


def test_a_window_outside_the_memberships_is_refused(client, member):
    client.force_login(member)
    for slug in ("jinfeng", "wine", "xixia"):
        response = client.post(CREATE, form_data(windows=[window("xingqing").pk, window(slug).pk]))
        assert response.status_code == 200
        assert "windows" in response.context["form"].errors
    assert not Service.objects.exists()


def test_a_membership_suspended_after_the_form_was_shown_is_refused_by_the_action(client, member):
    """The choices are those of the moment the form is posted, not when it was shown."""
    client.force_login(member)
    data = form_data(windows=[window("goji").pk])
    WindowMembership.objects.filter(organisation=member.organisation, window__slug="goji").update(
        status=MembershipStatus.SUSPENDED
    )
    response = client.post(CREATE, data)
    assert response.status_code == 200
    assert "windows" in response.context["form"].errors
    assert not Service.objects.exists()


# 修改 --------------------------------------------------------------------------------------------


def test_editing_a_listed_service_opens_a_new_version(client, member):
    listed = published_service(member, "xingqing", title="常年财税顾问")
    client.force_login(member)

    response = client.get(reverse("services:edit", args=[listed.pk]))

    revision = Service.objects.get(replaces=listed)
    assert response.status_code == 302
    assert response.url == reverse("services:edit", args=[revision.pk])
    page = client.get(response.url)
    assert page.status_code == 200
    assert "常年财税顾问" in page.content.decode()
    assert "已上架服务的新版本" in client.get(MANAGE).content.decode()
    # Opening 修改 again leads to the same new version.
    again = client.get(reverse("services:edit", args=[listed.pk]))
    assert again.url == response.url
    assert Service.objects.filter(replaces=listed).count() == 1

    saved = client.post(response.url, form_data(title="常年财税顾问（新版）", submit=""))
    assert saved.status_code == 302
    revision.refresh_from_db()
    listed.refresh_from_db()
    assert (revision.status, revision.title) == (S.PENDING, "常年财税顾问（新版）")
    assert (listed.status, listed.title) == (S.LISTED, "常年财税顾问")
    assert client.get(listed.get_absolute_url()).status_code == 200


def test_editing_a_pending_service_goes_back_to_the_list_with_a_message(client, member):
    service = service_in_state(member, S.PENDING, title="审核中的服务")
    client.force_login(member)

    response = client.get(reverse("services:edit", args=[service.pk]))
    assert response.status_code == 302
    assert response.url == MANAGE
    assert "该服务正在审核中，暂不能修改。" in messages_of(response)

    posted = client.post(reverse("services:edit", args=[service.pk]), form_data(title="偷偷修改"))
    assert posted.status_code == 302
    service.refresh_from_db()
    assert (service.status, service.title) == (S.PENDING, "审核中的服务")


@pytest.mark.parametrize("state", [S.DRAFT, S.REJECTED, S.DELISTED])
def test_editable_services_are_changed_in_place(client, member, state):
    service = service_in_state(member, state)
    client.force_login(member)
    response = client.post(reverse("services:edit", args=[service.pk]), form_data(title="改好的服务"))
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.status, service.title) == (state, "改好的服务")
    assert Service.objects.count() == 1


def test_another_institutions_service_answers_404(client, member):
    stranger = institution_with("xingqing")
    draft = service_in_state(member, S.DRAFT, title="别人的草稿")
    listed = service_in_state(member, S.LISTED, title="别人的上架服务")
    client.force_login(stranger)

    assert client.get(reverse("services:edit", args=[draft.pk])).status_code == 404
    assert client.get(reverse("services:edit", args=[listed.pk])).status_code == 404
    assert client.post(reverse("services:edit", args=[draft.pk]), form_data(title="篡改")).status_code == 404
    assert client.post(reverse("services:submit", args=[draft.pk])).status_code == 404
    assert client.post(reverse("services:delist", args=[listed.pk])).status_code == 404

    draft.refresh_from_db()
    listed.refresh_from_db()
    assert (draft.status, draft.title, listed.status) == (S.DRAFT, "别人的草稿", S.LISTED)
    assert Service.objects.count() == 2
    assert not ServiceLog.objects.exists()
    manage = client.get(MANAGE).content.decode()
    assert "别人的草稿" not in manage and "别人的上架服务" not in manage


def test_hub_admin_without_organisation_gets_404(client, member):
    draft = service_in_state(member, S.DRAFT)
    client.force_login(HubAdminFactory())
    assert client.get(reverse("services:edit", args=[draft.pk])).status_code == 404
    assert client.get(MANAGE).status_code == 404


# 提交审核 and 下架 from the list --------------------------------------------------------------------


def test_the_list_shows_own_services_with_their_states_and_actions(client, member):
    service_in_state(member, S.DRAFT, title="草稿服务甲")
    service_in_state(member, S.REJECTED, title="驳回服务乙")
    listed = service_in_state(member, S.LISTED, title="上架服务丙")
    service_in_state(member, S.SUPERSEDED, title="被替代服务丁")
    client.force_login(member)

    content = client.get(MANAGE).content.decode()

    assert "我的服务" in content
    for text in ("草稿服务甲", "草稿", "驳回服务乙", "已驳回", "上架服务丙", "已上架"):
        assert text in content, text
    assert "被替代服务丁" not in content
    assert reverse("services:delist", args=[listed.pk]) in content


def test_submit_and_delist_by_the_owner(client, member):
    draft = service_in_state(member, S.DRAFT, title="待提交服务")
    listed = service_in_state(member, S.LISTED, title="待下架服务")
    client.force_login(member)

    response = client.post(reverse("services:submit", args=[draft.pk]))
    assert response.status_code == 302 and response.url == MANAGE
    assert "已提请审核，审核结果将通知您。" in messages_of(response)

    response = client.post(reverse("services:delist", args=[listed.pk]))
    assert response.status_code == 302 and response.url == MANAGE
    assert "“待下架服务”已下架。" in messages_of(response)

    draft.refresh_from_db()
    listed.refresh_from_db()
    assert (draft.status, listed.status) == (S.PENDING, S.DELISTED)
    log = listed.logs.get()
    assert (log.actor, log.from_status, log.to_status) == (member, S.LISTED, S.DELISTED)
    assert client.get(listed.get_absolute_url()).context.get("preview") is True


def test_refused_submit_and_delist_show_the_reason(client, member):
    pending = service_in_state(member, S.PENDING)
    draft = service_in_state(member, S.DRAFT)
    client.force_login(member)

    response = client.post(reverse("services:submit", args=[pending.pk]))
    assert "只有草稿、已驳回或已下架的服务可以提交审核。" in messages_of(response)
    response = client.post(reverse("services:delist", args=[draft.pk]))
    assert "只有已上架的服务可以下架。" in messages_of(response)
    pending.refresh_from_db()
    draft.refresh_from_db()
    assert (pending.status, draft.status) == (S.PENDING, S.DRAFT)
    assert not ServiceLog.objects.exists()


def test_submit_and_delist_need_a_post(client, member):
    service = service_in_state(member, S.LISTED)
    client.force_login(member)
    assert client.get(reverse("services:submit", args=[service.pk])).status_code == 405
    assert client.get(reverse("services:delist", args=[service.pk])).status_code == 405
    service.refresh_from_db()
    assert service.status == S.LISTED


# Image uploads -----------------------------------------------------------------------------------

ATTACKS = {
    "html-with-png-header": (b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>", "photo.png"),
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg"),
    "svg-named-png": (b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>', "logo.png"),
    "html": (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "page.jpg"),
    "oversize": (png_bytes() + b"\0" * MAX_IMAGE_BYTES, "big.png"),
}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_hostile_uploads_are_refused_with_a_message_and_nothing_is_saved(client, member, attack):
    content, name = ATTACKS[attack]
    client.force_login(member)

    response = client.post(
        CREATE, {**form_data(), "new_images": [png_upload(), SimpleUploadedFile(name, content, "image/png")]}
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["new_images"]
    if attack == "oversize":
        assert errors == ["文件过大：图片不能超过 5 MB。"]
    else:
        assert errors[0] in (UNSUPPORTED, DAMAGED)
    assert errors[0] in response.content.decode()
    assert "小微企业代理记账" in response.content.decode()
    assert not Service.objects.exists()
    assert not ServiceImage.objects.exists()


def test_up_to_five_images_are_stored_re_encoded(client, member):
    client.force_login(member)
    response = client.post(CREATE, {**form_data(), "new_images": [png_upload(name=f"p{n}.png") for n in range(5)]})
    assert response.status_code == 302
    service = Service.objects.get()
    assert service.images.count() == 5
    for image in service.images.all():
        assert image.file.name.endswith(".png")
        assert not image.file.name.endswith(("p0.png", "p1.png"))


def test_six_images_at_once_are_refused(client, member):
    client.force_login(member)
    response = client.post(CREATE, {**form_data(), "new_images": [png_upload() for _ in range(6)]})
    assert response.status_code == 200
    assert response.context["form"].errors["new_images"] == ["一次最多上传 5 张图片。"]
    assert not Service.objects.exists()
    assert not ServiceImage.objects.exists()


def test_more_than_five_images_in_all_are_refused_on_the_field(client, member):
    client.force_login(member)
    client.post(CREATE, {**form_data(), "new_images": [png_upload() for _ in range(3)]})
    service = Service.objects.get()

    response = client.post(
        reverse("services:edit", args=[service.pk]),
        {**form_data(title="新标题"), "new_images": [png_upload() for _ in range(3)]},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["new_images"] == ["图片过多。"]
    assert "每项服务最多 5 张图片。" in messages_of(response)
    service.refresh_from_db()
    assert service.images.count() == 3
    assert service.title == "小微企业代理记账"


def test_images_can_be_removed_and_replaced(client, member):
    client.force_login(member)
    client.post(CREATE, {**form_data(), "new_images": [png_upload() for _ in range(5)]})
    service = Service.objects.get()
    removed = list(service.images.values_list("pk", flat=True)[:2])

    response = client.post(
        reverse("services:edit", args=[service.pk]),
        {**form_data(), "remove_images": removed, "new_images": [png_upload(), png_upload()]},
    )

    assert response.status_code == 302
    assert service.images.count() == 5
    assert not service.images.filter(pk__in=removed).exists()
