"""Both imports (certification's institutions, supervision's monthly reports) against bad files.

Every kind of file the attack report used answers with a form error in Chinese
on the file field and imports nothing, never a server error; a workbook of a
million rows without <dimension> is refused fast without being read whole; a
GBK CSV, the usual export of Chinese Excel, imports correctly.
"""

import functools
import io
import random
import re
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

import smeportal.tabular
from accounts.models import Organisation
from certification.imports import COLUMNS
from certification.imports import MAX_ROWS as CERTIFICATION_MAX_ROWS
from supervision.imports import MAX_ROWS as SUPERVISION_MAX_ROWS
from supervision.imports import TEMPLATE_HEADERS
from supervision.models import MonthlyReport
from tests.certification.test_import import GOOD_ROWS
from tests.factories import HubAdminFactory, png_bytes

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
INSTITUTION_ROW = GOOD_ROWS[0]


def workbook_bytes(header, rows=()) -> bytes:
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@functools.cache
def million_row_workbook(header) -> bytes:
    """A small .xlsx whose sheet holds a million rows and no <dimension> (streamed, never in memory whole)."""
    base = zipfile.ZipFile(io.BytesIO(workbook_bytes(header)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in base.infolist():
            if entry.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(entry, base.read(entry))
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            cells = "".join(f'<c t="inlineStr"><is><t>{name}</t></is></c>' for name in header)
            sheet.write(f"<row>{cells}</row>".encode())
            chunk = b"<row><c><v>1</v></c></row>" * 10_000
            for _ in range(100):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


@functools.cache
def zip_bomb_without_workbook() -> bytes:
    """101 MiB of zeros in one entry, about 100 KB on disk, and no workbook part."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("data.bin", "w") as entry:
        block = bytes(1024 * 1024)
        for _ in range(101):
            entry.write(block)
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "不是工作簿")
    return out.getvalue()


def broken_sheet_xml(header) -> bytes:
    base = zipfile.ZipFile(io.BytesIO(workbook_bytes(header)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in base.infolist():
            data = base.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2] + b"<<<&&&"
            archive.writestr(entry, data)
    return out.getvalue()


# The nine kinds of bad file of the report, and a few more: name and content.
BAD_FILES = {
    "random bytes": lambda header: ("data.xlsx", random.Random(1).randbytes(8192)),
    "junk after a PK header": lambda header: ("data.xlsx", b"PK\x03\x04" + random.Random(2).randbytes(4096)),
    "an ELF program named .xlsx": lambda header: ("data.xlsx", b"\x7fELF\x02\x01\x01\x00" + bytes(4088)),
    "a PNG named .xlsx": lambda header: ("data.xlsx", png_bytes()),
    "a zip bomb with no workbook part": lambda header: ("data.xlsx", zip_bomb_without_workbook()),
    "a ZIP without a workbook part": lambda header: ("data.xlsx", plain_zip()),
    "a truncated workbook": lambda header: ("data.xlsx", truncated(workbook_bytes(header, [["x"] * len(header)]))),
    "a workbook with broken sheet XML": lambda header: ("data.xlsx", broken_sheet_xml(header)),
    "an empty file": lambda header: ("data.xlsx", b""),
    "a million rows without <dimension>": lambda header: ("data.xlsx", million_row_workbook(header)),
    "random bytes named .csv": lambda header: ("data.csv", b"\x00\xff\xfe" + random.Random(3).randbytes(4096)),
    "UTF-16 text named .csv": lambda header: ("data.csv", ",".join(header).encode("utf-16")),
    "a text file": lambda header: ("data.txt", b"hello"),
}


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


IMPORTS = {
    # name: (url name, header, count of what an import creates)
    "certification": ("admin:certification_import", tuple(COLUMNS), lambda: Organisation.objects.count()),
    "supervision": ("supervision:import", tuple(TEMPLATE_HEADERS), lambda: MonthlyReport.objects.count()),
}
CASES = [(which, kind) for which in IMPORTS for kind in BAD_FILES]


@pytest.fixture
def hub_client(client):
    client.force_login(HubAdminFactory())
    return client


@pytest.mark.parametrize(("which", "kind"), CASES, ids=[f"{w}: {k}" for w, k in CASES])
def test_a_bad_file_gets_a_chinese_form_error_and_imports_nothing(hub_client, which, kind):
    url_name, header, count = IMPORTS[which]
    name, content = BAD_FILES[kind](header)
    before = count()
    upload = SimpleUploadedFile(name, content)
    started = time.monotonic()
    response = hub_client.post(reverse(url_name), {"file": upload})
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    errors = response.context["form"].errors.get("file")
    assert errors, f"{kind}: no error on the file field"
    assert all(CJK.search(str(error)) for error in errors), errors
    assert count() == before
    assert elapsed < 5, f"{kind} took {elapsed:.1f} s"


@pytest.mark.parametrize("which", IMPORTS)
def test_a_million_rows_are_refused_while_streaming_without_reading_them_all(hub_client, settings, monkeypatch, which):
    """With the archive checks relaxed, the row limit itself stops the reading early."""
    url_name, header, count = IMPORTS[which]
    settings.ARCHIVE_MAX_RATIO = 10**6
    settings.ARCHIVE_MAX_UNCOMPRESSED_BYTES = 10**9
    read = []
    stream = smeportal.tabular._xlsx_rows

    def counting(upload):
        for row in stream(upload):
            read.append(1)
            yield row

    monkeypatch.setattr(smeportal.tabular, "_xlsx_rows", counting)
    upload = SimpleUploadedFile("big.xlsx", million_row_workbook(header))
    started = time.monotonic()
    response = hub_client.post(reverse(url_name), {"file": upload})
    elapsed = time.monotonic() - started
    max_rows = CERTIFICATION_MAX_ROWS if which == "certification" else SUPERVISION_MAX_ROWS
    assert response.context["form"].errors["file"] == [f"每个文件最多 {max_rows} 行。"]
    assert len(read) == max_rows + 2  # the header, the allowed rows, the one too many
    assert elapsed < 5, f"{elapsed:.1f} s"
    assert count() == 0


def test_a_file_over_the_size_limit_is_refused_before_it_is_opened(hub_client, settings, monkeypatch):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    monkeypatch.setattr(smeportal.tabular, "_xlsx_rows", lambda upload: pytest.fail("the file was opened"))
    for url_name, header, _count in IMPORTS.values():
        content = workbook_bytes(header) + bytes(1024 * 1024)
        response = hub_client.post(reverse(url_name), {"file": SimpleUploadedFile("big.xlsx", content)})
        assert response.context["form"].errors["file"] == ["文件太大：导入文件最大 1 MB。"]


def test_the_forms_state_the_limits(hub_client):
    for url_name, _header, _count in IMPORTS.values():
        content = hub_client.get(reverse(url_name)).content.decode()
        assert "最大 5 MB" in content, url_name


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_a_csv_in_gbk_or_utf8_imports_correctly(hub_client, encoding):
    text = "\r\n".join(",".join(row) for row in [COLUMNS, INSTITUTION_ROW])
    upload = SimpleUploadedFile("institutions.csv", text.encode(encoding))
    response = hub_client.post(reverse("admin:certification_import"), {"file": upload})
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="宁夏贺兰山法律服务所")
    assert organisation.contact_name == "张律师"
