"""Bulk import of institutions registered on the provincial platform (manual 备注).

A CSV or Excel file with one institution a row: 机构名称, 统一社会信用代码, 联系人,
手机号码, 邮箱, 窗口 (window names or URL names, separated by 、 , ; or spaces),
用户名 (optional). Every row is checked first; if any row is wrong nothing is
imported and each wrong row is reported. Each institution gets an account with
an unusable password (the user sets one through 忘记密码 with the e-mail given),
a draft certification with the imported data, and applications to join its windows.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation, OrganisationKind, Role
from accounts.validators import validate_mobile
from smeportal.tabular import read_table
from windows.actions import membership_register_imported
from windows.models import Window

from .models import CertificationApplication, CertificationLog
from .validators import normalize_code, validate_uscc

COLUMNS = ["机构名称", "统一社会信用代码", "联系人", "手机号码", "邮箱", "窗口", "用户名"]
REQUIRED_COLUMNS = COLUMNS[:6]
WINDOW_SEPARATORS = re.compile(r"[、,，;；\s]+")
MAX_ROWS = 2000


@dataclass
class ImportResult:
    created: list[Organisation] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, message)


def read_rows(uploaded_file) -> list[dict[str, str]]:
    """Rows of a .csv (UTF-8 with or without BOM, or GBK/GB18030) or .xlsx file as dicts keyed by header.

    Unreadable files, too many rows and missing columns raise ValidationError
    (smeportal.tabular reads the file with bounded cost).
    """
    values = [
        ["" if cell is None else str(cell).strip() for cell in row]
        for row in read_table(uploaded_file, max_rows=MAX_ROWS)
    ]
    header, *body = values
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise ValidationError(_("Missing columns: %(columns)s") % {"columns": "、".join(missing)})
    return [dict(zip(header, row, strict=False)) for row in body if any(row)]


def _windows_by_key() -> dict[str, Window]:
    keys = {}
    for window in Window.objects.all():
        keys[window.name] = keys[window.slug] = window
    return keys


def check_row(row: dict[str, str], windows: dict[str, Window], seen: dict[str, set]) -> tuple[dict, list[str]]:
    errors = []
    user_model = get_user_model()
    name = row.get("机构名称", "")
    code = normalize_code(row.get("统一社会信用代码", ""))
    mobile = row.get("手机号码", "")
    email = row.get("邮箱", "")
    username = row.get("用户名", "") or code.lower()
    if not name:
        errors.append(_("The institution name is empty."))
    try:
        validate_uscc(code)
    except ValidationError as error:
        errors.extend(error.messages)
    else:
        if code in seen["codes"] or CertificationApplication.objects.filter(credit_code=code).exists():
            errors.append(_("The credit code %(code)s is already registered.") % {"code": code})
    try:
        validate_mobile(mobile)
    except ValidationError as error:
        errors.extend(error.messages)
    if not email or "@" not in email:
        errors.append(_("An e-mail address is needed so the institution can set its password."))
    if username in seen["usernames"] or user_model.objects.filter(username=username).exists():
        errors.append(_("The username %(username)s is taken.") % {"username": username})
    window_keys = [key for key in WINDOW_SEPARATORS.split(row.get("窗口", "")) if key]
    unknown = [key for key in window_keys if key not in windows]
    if unknown:
        errors.append(_("Unknown windows: %(windows)s") % {"windows": "、".join(unknown)})
    if not window_keys:
        errors.append(_("Name at least one window."))
    seen["codes"].add(code)
    seen["usernames"].add(username)
    clean = {
        "name": name,
        "code": code,
        "contact": row.get("联系人", ""),
        "mobile": mobile,
        "email": email,
        "username": username,
        "windows": [windows[key] for key in window_keys if key in windows],
    }
    return clean, errors


@transaction.atomic
def import_institutions(uploaded_file, *, actor) -> ImportResult:
    """Import every row or none (see the module docstring)."""
    result = ImportResult()
    rows = read_rows(uploaded_file)
    windows = _windows_by_key()
    seen = {"codes": set(), "usernames": set()}
    checked = []
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        clean, errors = check_row(row, windows, seen)
        result.errors.extend((number, message) for message in errors)
        checked.append(clean)
    if result.errors:
        return result
    user_model = get_user_model()
    note = _("Imported from the provincial platform")
    for row in checked:
        organisation = Organisation.objects.create(
            kind=OrganisationKind.INSTITUTION,
            name=row["name"],
            contact_name=row["contact"],
            mobile=row["mobile"],
            email=row["email"],
        )
        user = user_model(
            username=row["username"], email=row["email"], role=Role.INSTITUTION, organisation=organisation
        )
        user.set_unusable_password()
        user.save()
        application = CertificationApplication.objects.create(
            organisation=organisation,
            kind=organisation.kind,
            name=row["name"],
            credit_code=row["code"],
            contact_name=row["contact"],
            mobile=row["mobile"],
            email=row["email"],
        )
        CertificationLog.objects.create(
            application=application, actor=actor, from_status="", to_status=application.status, reason=note
        )
        for window in row["windows"]:
            membership_register_imported(organisation=organisation, window=window, actor=actor, note=note)
        result.created.append(organisation)
    return result


def template_csv() -> str:
    """A CSV with the header and one example row, for the admins to fill in."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerow(
        [
            "宁夏示例咨询有限公司",
            "914403001922038216",
            "张三",
            "13995000000",
            "contact@example.com",
            "银川市中小企业公共综合服务窗口平台、兴庆区中小企业服务窗口",
            "",
        ]
    )
    return "\ufeff" + buffer.getvalue()
