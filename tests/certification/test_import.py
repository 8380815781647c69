"""Bulk import of institutions from the provincial platform (manual 备注)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from accounts.models import Organisation, Role, User
from certification.imports import COLUMNS
from certification.models import CertificationApplication
from tests.factories import HubAdminFactory, make_window_admin
from windows.models import MembershipStatus, WindowMembership

pytestmark = pytest.mark.django_db

URL = reverse("admin:certification_import")
GOOD_ROWS = [
    [
        "宁夏贺兰山法律服务所",
        "914403001922038216",
        "张律师",
        "13995000011",
        "law@example.com",
        "yinchuan、兴庆区中小企业服务窗口",
        "",
    ],
    ["银川枸杞检测中心", "91330100799655058B", "李工", "13995000012", "lab@example.com", "goji", "goji_lab"],
]


def csv_file(rows, header=COLUMNS):
    text = "\n".join(",".join(row) for row in [header, *rows])
    return SimpleUploadedFile("institutions.csv", ("\ufeff" + text).encode())


def xlsx_file(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("institutions.xlsx", buffer.getvalue())


@pytest.fixture
def hub_client(client):
    client.force_login(HubAdminFactory())
    return client


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file])
def test_import_creates_unusable_accounts_drafts_and_window_applications(hub_client, make_file):
    response = hub_client.post(URL, {"file": make_file(GOOD_ROWS)})
    assert response.status_code == 302
    law = Organisation.objects.get(name="宁夏贺兰山法律服务所")
    user = law.users.get()
    assert user.username == "914403001922038216"
    assert user.role == Role.INSTITUTION
    assert user.email == "law@example.com"
    assert not user.has_usable_password()
    draft = CertificationApplication.objects.get(organisation=law)
    assert draft.status == "draft" and draft.credit_code == "914403001922038216"
    assert set(WindowMembership.objects.filter(organisation=law).values_list("window__slug", "status")) == {
        ("yinchuan", MembershipStatus.APPLIED),
        ("xingqing", MembershipStatus.APPLIED),
    }
    assert User.objects.get(username="goji_lab").organisation.name == "银川枸杞检测中心"


def test_a_bad_row_imports_nothing_and_is_reported(hub_client):
    rows = [*GOOD_ROWS, ["坏数据机构", "914403001922038217", "王五", "12345", "", "nowhere", ""]]
    response = hub_client.post(URL, {"file": csv_file(rows)})
    assert response.status_code == 200
    errors = response.context["result"].errors
    assert {number for number, _ in errors} == {4}
    messages = " ".join(message for _, message in errors)
    assert "校验位" in messages
    assert "11位手机号码" in messages
    assert "nowhere" in messages
    assert not Organisation.objects.filter(name__in=["宁夏贺兰山法律服务所", "坏数据机构"]).exists()
    assert not User.objects.filter(username="goji_lab").exists()


def test_duplicate_codes_in_one_file_are_reported(hub_client):
    rows = [GOOD_ROWS[0], [*GOOD_ROWS[0][:6], "other_name"]]
    response = hub_client.post(URL, {"file": csv_file(rows)})
    messages = [message for _, message in response.context["result"].errors]
    assert "统一社会信用代码 914403001922038216 已登记。" in messages
    assert not Organisation.objects.exists()


def test_missing_columns_and_wrong_file_types_are_refused(hub_client):
    response = hub_client.post(URL, {"file": csv_file(GOOD_ROWS, header=COLUMNS[:3])})
    assert response.context["form"].errors["file"] == ["缺少列：手机号码、邮箱、窗口"]
    response = hub_client.post(URL, {"file": SimpleUploadedFile("x.txt", b"hello")})
    assert response.context["form"].errors["file"]
    assert not Organisation.objects.exists()


def test_only_hub_admins_import(client):
    client.force_login(make_window_admin("xingqing"))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"file": csv_file(GOOD_ROWS)}).status_code == 403
    assert not Organisation.objects.exists()


def test_template_download(hub_client):
    response = hub_client.get(reverse("admin:certification_import_template"))
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").splitlines()[0] == ",".join(COLUMNS)
