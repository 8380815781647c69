"""The certification pages: 认证中心, 【立即认证】, the form, private files, certification_required."""

import os
import struct
import zlib
from io import BytesIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from certification.actions import application_return, application_revoke, application_start
from certification.choices import ApplicationStatus
from certification.models import CertificationApplication, CertificationLog, QualificationCertificate
from certification.permissions import certification_required
from portal.selectors import site_settings
from tests.factories import (
    VALID_USCC,
    CertificationApplicationFactory,
    EnterpriseUserFactory,
    HubAdminFactory,
    InstitutionUserFactory,
    StaffUserFactory,
    approved_application,
    make_window_admin,
    png_bytes,
)

pytestmark = pytest.mark.django_db

S = ApplicationStatus
LOGIN_URL = "/accounts/login/"
UNSUPPORTED = "此文件不是支持的图片格式，请上传 JPEG、PNG 或 WebP 图片。"
NOT_SAVED = "请更正标出的项目；本次填写尚未保存。"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def stored_files(settings):
    root = settings.PRIVATE_MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def png_upload(name="licence.png", **kwargs):
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


def form_data(**overrides):
    """Everything an enterprise fills in on the form (without the upload)."""
    data = {
        "name": "宁夏塞上科技有限公司",
        "credit_code": VALID_USCC,
        "org_code": "",
        "legal_representative": "王建国",
        "registered_capital": "500",
        "established_on": "2012-03-15",
        "enterprise_type": "limited",
        "district": "xingqing",
        "industry": "I",
        "scale": "small",
        "employees": "48",
        "registered_address": "宁夏银川市兴庆区解放东街1号",
        "business_scope": "软件开发",
        "contact_name": "李娜",
        "landline": "",
        "mobile": "13995100001",
        "email": "",
        "introduction": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def draft(enterprise_user):
    """The user's empty draft, as 【立即认证】 makes it."""
    return application_start(organisation=enterprise_user.organisation, actor=enterprise_user)


def edit_url(application):
    return reverse("certification:edit", args=[application.pk])


# Access --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["certification:center", "certification:start", "certification:edit"])
def test_anonymous_user_is_sent_to_the_login(client, name):
    application = CertificationApplicationFactory()
    url = reverse(name, args=[application.pk]) if name == "certification:edit" else reverse(name)
    response = client.post(url) if name == "certification:start" else client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(f"{LOGIN_URL}?next=")
    assert CertificationApplication.objects.count() == 1


def test_edit_of_another_organisations_application_is_404(enterprise_client):
    other = CertificationApplicationFactory()
    assert enterprise_client.get(edit_url(other)).status_code == 404
    response = enterprise_client.post(edit_url(other), form_data(name="抢注公司", save=""))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.name != "抢注公司"


def test_staff_without_organisation_has_no_certification_centre(client):
    client.force_login(HubAdminFactory())
    assert client.get(reverse("certification:center")).status_code == 404
    assert client.post(reverse("certification:start")).status_code == 404


def test_start_requires_post(enterprise_client):
    assert enterprise_client.get(reverse("certification:start")).status_code == 405
    assert CertificationApplication.objects.count() == 0


# 【立即认证】 ---------------------------------------------------------------------------


def test_center_offers_certify_now_to_an_uncertified_organisation(enterprise_client):
    content = enterprise_client.get(reverse("certification:center")).content.decode()
    assert "机构信息" in content
    assert "未认证" in content
    assert "立即认证" in content
    assert f'action="{reverse("certification:start")}"' in content


def test_certify_now_creates_the_draft_once(enterprise_client, enterprise_user):
    first = enterprise_client.post(reverse("certification:start"))
    second = enterprise_client.post(reverse("certification:start"))

    application = CertificationApplication.objects.get()
    assert application.organisation == enterprise_user.organisation
    assert application.status == S.DRAFT
    assert application.name == enterprise_user.organisation.name
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == edit_url(application)


# The form -------------------------------------------------------------------------------


def test_edit_page_shows_the_legend_dots_and_sections(enterprise_client, draft):
    response = enterprise_client.get(edit_url(draft))
    assert response.status_code == 200
    content = response.content.decode()
    assert "红点为必填。" in content
    assert "黑点为二者选填其一。" in content
    for title in ["基本信息", "工商信息", "联系方式", "资质材料"]:
        assert f">{title}</legend>" in content, title
    # A red dot per field needed for review and a black dot per either-of field, plus one of each in the legend.
    assert content.count("dot dot-required") == 13 + 1
    assert content.count("dot dot-either") == 4 + 1
    assert 'name="save"' in content and "保存" in content
    assert 'name="submit"' in content and "提请审核" in content


def test_either_of_fields_carry_the_black_dot(enterprise_client, draft):
    content = enterprise_client.get(edit_url(draft)).content.decode()
    for field in ["credit_code", "org_code", "landline", "mobile"]:
        block = content.split(f'class="mb-3 field-{field}"', 1)[1].split("</label>", 1)[0]
        assert "dot-either" in block, field
        assert "dot-required" not in block, field
    block = content.split('class="mb-3 field-legal_representative"', 1)[1].split("</label>", 1)[0]
    assert "dot-required" in block


def test_institution_form_asks_for_service_domains_and_certificates(institution_client, institution_user):
    draft = application_start(organisation=institution_user.organisation, actor=institution_user)
    content = institution_client.get(edit_url(draft)).content.decode()
    assert "机构名称" in content
    assert 'name="service_domains"' in content
    assert 'name="new_certificates"' in content
    assert 'name="enterprise_type"' not in content


def test_save_keeps_a_partial_draft(enterprise_client, draft):
    response = enterprise_client.post(edit_url(draft), {"name": "只填了名字的公司", "employees": "12", "save": ""})

    assert response.status_code == 302
    assert response.url == edit_url(draft)
    assert "已保存，可稍后继续填写。" in messages_of(response)
    draft.refresh_from_db()
    assert (draft.status, draft.name, draft.employees) == (S.DRAFT, "只填了名字的公司", 12)
    assert draft.logs.count() == 1  # only the start


def test_incomplete_submit_saves_the_input_and_shows_what_is_missing(enterprise_client, draft, settings):
    response = enterprise_client.post(
        edit_url(draft),
        {"name": "半途而废有限公司", "legal_representative": "赵六", "credit_code": "", "submit": ""},
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "请先补全标出的项目，再提请审核。" in content
    form = response.context["form"]
    assert form.errors["business_scope"] == ["此项为必填项。"]
    assert form.errors["licence"] == ["此项为必填项。"]
    assert form.errors["credit_code"] == ["二者至少填写其一。"]
    assert form.errors["org_code"] == ["二者至少填写其一。"]
    # The message stands next to its field and the typed input stays in the page.
    scope_block = content.split('class="mb-3 field-business_scope"', 1)[1].split('<div class="mb-3', 1)[0]
    assert "此项为必填项。" in scope_block
    assert 'value="半途而废有限公司"' in content
    assert 'value="赵六"' in content
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    assert (draft.name, draft.legal_representative) == ("半途而废有限公司", "赵六")
    assert draft.logs.count() == 1


def test_invalid_credit_code_shows_the_error_and_saves_nothing(enterprise_client, draft):
    response = enterprise_client.post(
        edit_url(draft), form_data(name="校验位错误公司", credit_code="914403001922038217", save="")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["credit_code"] == [
        "统一社会信用代码的校验位（最后一位）不正确，请检查是否输错。"
    ]
    content = response.content.decode()
    assert NOT_SAVED in content
    assert 'value="914403001922038217"' in content
    draft.refresh_from_db()
    assert draft.name != "校验位错误公司"
    assert draft.credit_code == ""


def test_complete_submit_goes_to_review(enterprise_client, enterprise_user, draft, settings):
    reviewer = make_window_admin("xingqing")
    response = enterprise_client.post(edit_url(draft), {**form_data(), "licence": png_upload(), "submit": ""})

    assert response.status_code == 302
    assert response.url == reverse("certification:center")
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED
    assert draft.name == "宁夏塞上科技有限公司"
    assert draft.licence.name.startswith("certification/licences/")
    assert draft.licence.name != "certification/licences/licence.png"  # stored under a generated name
    assert len(stored_files(settings)) == 1
    assert reviewer.notifications.count() == 1
    assert list(draft.logs.values_list("from_status", "to_status")) == [("", S.DRAFT), (S.DRAFT, S.SUBMITTED)]

    content = enterprise_client.get(reverse("certification:center")).content.decode()
    assert "待审核" in content


def test_submitted_application_cannot_be_edited(enterprise_client, enterprise_user):
    application = CertificationApplicationFactory(organisation=enterprise_user.organisation, status=S.SUBMITTED)

    response = enterprise_client.get(edit_url(application))
    assert response.status_code == 302
    assert response.url == reverse("certification:center")
    assert "该申请状态为“待审核”，不能修改。" in messages_of(response)

    response = enterprise_client.post(edit_url(application), form_data(name="审核中改名", save=""))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert application.name != "审核中改名"


def test_returned_application_shows_the_reason_and_can_be_resubmitted(enterprise_client, enterprise_user):
    application = CertificationApplicationFactory(organisation=enterprise_user.organisation, status=S.SUBMITTED)
    application_return(application=application, actor=HubAdminFactory(), reason="营业执照照片模糊，请重新上传")

    content = enterprise_client.get(reverse("certification:center")).content.decode()
    assert "营业执照照片模糊，请重新上传" in content
    assert "已退回" in content
    assert "修改后重新提交" in content
    assert "营业执照照片模糊，请重新上传" in enterprise_client.get(edit_url(application)).content.decode()

    response = enterprise_client.post(edit_url(application), {**form_data(name="重新提交公司"), "submit": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.name) == (S.SUBMITTED, "重新提交公司")


# Upload attacks ---------------------------------------------------------------------------


def _png_chunk(kind, payload):
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def _pixel_bomb():
    """A small PNG whose header declares 20000 x 20000 pixels."""
    ihdr = struct.pack(">IIBBBBB", 20000, 20000, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + _png_chunk(b"IEND", b"")
    )


def _truncated_jpeg():
    out = BytesIO()
    Image.frombytes("RGB", (64, 48), os.urandom(64 * 48 * 3)).save(out, format="JPEG")
    data = out.getvalue()
    return data[: len(data) // 2]


ATTACKS = {
    "renamed executable": ("licence.png", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 512, UNSUPPORTED),
    "html with an image header": (
        "licence.png",
        b"\x89PNG\r\n\x1a\n<html><body><script>alert(document.cookie)</script></body></html>",
        UNSUPPORTED,
    ),
    "svg": (
        "licence.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><script>alert(1)</script></svg>',
        UNSUPPORTED,
    ),
    "truncated image": ("licence.jpg", None, "图片已损坏或不完整，请重新上传原始文件。"),
    "pixel bomb": ("licence.png", None, "图片像素过多：最多允许 40 百万像素。"),
    "6 MB file": ("licence.jpg", None, "文件过大：图片不能超过 5 MB。"),
}


def _attack_bytes(kind):
    name, data, message = ATTACKS[kind]
    if kind == "truncated image":
        data = _truncated_jpeg()
    elif kind == "pixel bomb":
        data = _pixel_bomb()
    elif kind == "6 MB file":
        data = b"\xff\xd8\xff\xe0" + b"\0" * (6 * 1024 * 1024)
    return name, data, message


@pytest.mark.parametrize("kind", list(ATTACKS))
def test_hostile_licence_upload_is_refused_and_nothing_is_saved(enterprise_client, draft, settings, kind):
    name, data, message = _attack_bytes(kind)

    response = enterprise_client.post(
        edit_url(draft),
        {**form_data(name="攻击者公司"), "licence": SimpleUploadedFile(name, data), "save": ""},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["licence"] == [message]
    content = response.content.decode()
    assert message in content
    assert NOT_SAVED in content
    draft.refresh_from_db()
    assert draft.name != "攻击者公司"
    assert not draft.licence
    assert stored_files(settings) == []


@pytest.mark.parametrize("kind", ["svg", "pixel bomb"])
def test_hostile_certificate_upload_is_refused_and_nothing_is_saved(
    institution_client, institution_user, settings, kind
):
    draft = application_start(organisation=institution_user.organisation, actor=institution_user)
    name, data, message = _attack_bytes(kind)

    response = institution_client.post(
        edit_url(draft),
        {
            "name": "攻击者机构",
            "new_certificates": [png_upload("good.png"), SimpleUploadedFile(name, data)],
            "save": "",
        },
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert QualificationCertificate.objects.count() == 0
    draft.refresh_from_db()
    assert draft.name != "攻击者机构"
    assert stored_files(settings) == []


def test_good_certificates_are_saved_and_can_be_removed(institution_client, institution_user, settings):
    draft = application_start(organisation=institution_user.organisation, actor=institution_user)
    response = institution_client.post(
        edit_url(draft), {"new_certificates": [png_upload("a.png"), png_upload("b.png")], "save": ""}
    )
    assert response.status_code == 302
    assert draft.certificates.count() == 2

    first = draft.certificates.first()
    response = institution_client.post(edit_url(draft), {"remove_certificates": [first.pk], "save": ""})
    assert response.status_code == 302
    assert draft.certificates.count() == 1
    assert not draft.certificates.filter(pk=first.pk).exists()


# Private files ---------------------------------------------------------------------------------


@pytest.fixture
def private_files():
    """A 兴庆区 institution's application with a licence and a certificate."""
    owner = InstitutionUserFactory()
    application = CertificationApplicationFactory(organisation=owner.organisation, status=S.SUBMITTED)
    certificate = QualificationCertificate.objects.create(
        application=application, file=SimpleUploadedFile("cert.png", png_bytes(color=(0, 90, 0)))
    )
    with application.licence.open("rb") as f:
        licence_bytes = f.read()
    with certificate.file.open("rb") as f:
        certificate_bytes = f.read()
    return {
        "owner": owner,
        "urls": {
            reverse("certification:licence_file", args=[application.pk]): licence_bytes,
            reverse("certification:certificate_file", args=[certificate.pk]): certificate_bytes,
        },
    }


@pytest.mark.parametrize("who", ["owner", "colleague", "hub admin", "window admin of its district"])
def test_private_files_are_served_to_the_owner_and_its_reviewers(client, private_files, who):
    user = {
        "owner": lambda: private_files["owner"],
        "colleague": lambda: InstitutionUserFactory(organisation=private_files["owner"].organisation),
        "hub admin": HubAdminFactory,
        "window admin of its district": lambda: make_window_admin("xingqing", "goji"),
    }[who]()
    client.force_login(user)
    for url, data in private_files["urls"].items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == data


@pytest.mark.parametrize("who", ["other organisation", "window admin of another window", "staff without windows"])
def test_private_files_are_404_to_everyone_else(client, private_files, who):
    user = {
        "other organisation": EnterpriseUserFactory,
        "window admin of another window": lambda: make_window_admin("jinfeng", "wine"),
        "staff without windows": StaffUserFactory,
    }[who]()
    client.force_login(user)
    for url, data in private_files["urls"].items():
        response = client.get(url)
        assert response.status_code == 404, url
        assert data not in response.content


def test_private_files_send_anonymous_users_to_the_login(client, private_files):
    for url, data in private_files["urls"].items():
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(f"{LOGIN_URL}?next=")
        assert data not in response.content


def test_missing_licence_is_404_even_to_the_owner(enterprise_client, enterprise_user):
    application = CertificationApplicationFactory(organisation=enterprise_user.organisation, licence="")
    assert enterprise_client.get(reverse("certification:licence_file", args=[application.pk])).status_code == 404


# certification_required ---------------------------------------------------------------------------


@certification_required
def _protected_view(request):
    return HttpResponse("下单成功")


def test_certification_required_sends_anonymous_users_to_the_login(rf):
    request = rf.get("/orders/new/")
    request.user = AnonymousUser()
    response = _protected_view(request)
    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next=/orders/new/"


def test_certification_required_refuses_an_uncertified_organisation_with_a_link_to_the_centre(rf):
    for user in [EnterpriseUserFactory(), HubAdminFactory()]:
        request = rf.get("/orders/new/")
        request.user = user
        response = _protected_view(request)
        assert response.status_code == 403
        content = response.content.decode()
        assert "下单成功" not in content
        assert "需要认证" in content
        assert f'href="{reverse("certification:center")}"' in content
        assert reverse("certification:center") == "/certification/"
        assert "认证中心" in content


def test_certification_required_runs_the_view_for_a_certified_organisation(rf):
    user = EnterpriseUserFactory()
    approved_application(user.organisation)
    request = rf.get("/orders/new/")
    request.user = user
    response = _protected_view(request)
    assert response.status_code == 200
    assert response.content.decode() == "下单成功"


def test_certification_required_refuses_again_after_revocation(rf):
    user = EnterpriseUserFactory()
    application = approved_application(user.organisation)
    application_revoke(application=application, actor=HubAdminFactory(), reason="虚假材料")
    user.organisation.refresh_from_db()
    request = rf.get("/orders/new/")
    request.user = user
    assert _protected_view(request).status_code == 403


# Query count -----------------------------------------------------------------------------------


def _history(user, count):
    """An approved certification plus `count` older, superseded ones, each with two log rows."""
    hub = HubAdminFactory()
    for _ in range(count):
        old = CertificationApplicationFactory(organisation=user.organisation, status=S.SUPERSEDED)
        CertificationLog.objects.create(application=old, actor=user, from_status=S.DRAFT, to_status=S.SUBMITTED)
        CertificationLog.objects.create(application=old, actor=hub, from_status=S.SUBMITTED, to_status=S.APPROVED)
    approved_application(user.organisation)
    application_start(organisation=user.organisation, actor=user)  # a change in progress


def _center_queries(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("certification:center"))
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize("factory", [EnterpriseUserFactory, InstitutionUserFactory])
def test_center_query_count_does_not_grow_with_history(client, django_assert_max_num_queries, factory):
    small, large = factory(), factory()
    _history(small, 5)
    _history(large, 20)
    site_settings()  # the footer's site information stays cached across requests, as in production

    small_count, _ = _center_queries(client, small)
    large_count, content = _center_queries(client, large)

    assert large_count == small_count
    # Every log row is listed: two per old application, submit and approval, the change's start.
    assert content.count("<tr><td>") == 20 * 2 + 2 + 1
    client.force_login(large)
    with django_assert_max_num_queries(10):
        client.get(reverse("certification:center"))
