"""Zip bombs and PDF+HTML polyglots as attachments; the request body cap.

The attachment fields of the order, demand, bid and complaint-reply forms all
check files with smeportal.uploads.clean_document_upload; each form's field is
tried here with the hostile files.
"""

import io
import struct
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory
from django.urls import reverse

from complaints.forms import ReplyForm
from demands.forms import BidForm, DemandForm
from orders.forms import OrderPlaceForm
from smeportal.upload_limits import RequestBodyLimitUploadHandler, RequestBodyTooLarge
from smeportal.uploads import clean_document_upload
from tests.factories import PDF_BYTES, certified_enterprise

GIB = 1024**3
CONTENT_TYPES = b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
FORMS = {"order": OrderPlaceForm, "demand": DemandForm, "bid": BidForm, "complaint reply": ReplyForm}


def with_declared_size(data: bytes, entry: str, size: int) -> bytes:
    """The archive with `entry` declaring `size` unpacked bytes, in its local header and central directory.

    The check reads only the declared sizes, and Python's zipfile never
    inflates an entry past them, so an archive declaring 1 GiB is what a real
    1 GiB bomb is to the check, without compressing 1 GiB in the test.
    """
    data = bytearray(data)
    name = entry.encode()
    for signature, size_offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        name_offset = 30 if signature == b"PK\x03\x04" else 46
        position = data.find(signature)
        while position != -1:
            if data[position + name_offset : position + name_offset + len(name)] == name:
                struct.pack_into("<I", data, position + size_offset, size)
            position = data.find(signature, position + 1)
    return bytes(data)


def office_file(folder: str, main_part: str, *, unpacked: int | None = None, padding: int = 0) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", b"<Relationships/>")
        archive.writestr(f"{folder}/{main_part}", b"\0" * (1024 * 1024))
        if padding:
            # Incompressible, so that the file itself is about `padding` bytes.
            archive.writestr(f"{folder}/media/image1.bin", _noise(padding))
    data = out.getvalue()
    return with_declared_size(data, f"{folder}/{main_part}", unpacked) if unpacked else data


def _noise(length: int) -> bytes:
    import random

    return random.Random(7).randbytes(length)


BOMBS = {
    "docx": office_file("word", "document.xml", unpacked=GIB, padding=1024 * 1024),
    "xlsx": office_file("xl", "workbook.xml", unpacked=GIB, padding=1024 * 1024),
}


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("kind", BOMBS)
def test_a_1_mb_office_file_expanding_to_1_gib_is_refused_by_every_attachment_field(form, kind):
    data = BOMBS[kind]
    assert 1024 * 1024 < len(data) < 1.2 * 1024 * 1024
    assert sum(entry.file_size for entry in zipfile.ZipFile(io.BytesIO(data)).infolist()) > GIB
    field = FORMS[form].base_fields["attachments"]
    with pytest.raises(ValidationError) as refused:
        field.clean([upload(data, f"报告.{kind}")])
    assert [error.code for error in refused.value.error_list] == ["archive_too_large"]
    assert "解压后数据过大" in refused.value.messages[0]


def test_a_highly_compressed_entry_is_refused_by_its_ratio(settings):
    settings.ARCHIVE_MAX_UNCOMPRESSED_BYTES = 10 * GIB  # only the ratio can refuse it here
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.bin", b"\0" * (8 * 1024 * 1024))  # ratio about 1,000
    with pytest.raises(ValidationError) as refused:
        clean_document_upload(upload(out.getvalue(), "a.zip"))
    assert refused.value.code == "archive_too_large"


def test_too_many_entries_are_refused(settings):
    settings.ARCHIVE_MAX_ENTRIES = 50
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for number in range(51):
            archive.writestr(f"f{number}.txt", b"x")
    with pytest.raises(ValidationError) as refused:
        clean_document_upload(upload(out.getvalue(), "a.zip"))
    assert refused.value.code == "archive_too_many_entries"
    assert "最多 50 个" in refused.value.messages[0]


@pytest.mark.parametrize(
    "markup",
    [b"<html><body>", b"<script>alert(1)</script>", b"<BODY onload=x>", b"<iframe src=//evil>", b"< svg/onload"],
)
def test_a_pdf_that_is_also_html_is_refused(markup):
    polyglot = b"%PDF-1.4\n%" + markup + b"\n" + PDF_BYTES[len(b"%PDF-1.4") :]
    with pytest.raises(ValidationError) as refused:
        clean_document_upload(upload(polyglot, "报告.pdf"))
    assert refused.value.code == "unsupported_document_type"


def test_normal_office_files_and_pdfs_are_accepted():
    for data, name, extension in (
        (office_file("word", "document.xml"), "合同.docx", ".docx"),
        (office_file("xl", "workbook.xml"), "报价.xlsx", ".xlsx"),
        (PDF_BYTES, "说明.pdf", ".pdf"),
    ):
        assert clean_document_upload(upload(data, name)).name.endswith(extension)


# The request body cap ------------------------------------------------------------------------------


class CountingStream(io.BytesIO):
    def __init__(self, data):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def test_a_body_over_the_cap_is_refused_before_a_byte_is_read(settings):
    settings.REQUEST_BODY_MAX_BYTES = 1024 * 1024
    boundary = "BoUnDaRy"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n'.encode()
        + b"x" * (3 * 1024 * 1024)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    stream = CountingStream(body)
    meta = {"CONTENT_TYPE": f"multipart/form-data; boundary={boundary}", "CONTENT_LENGTH": str(len(body))}
    request = RequestFactory().post("/")
    parser = MultiPartParser(meta, stream, [RequestBodyLimitUploadHandler(request)])
    with pytest.raises(RequestBodyTooLarge):
        parser.parse()
    assert stream.bytes_read == 0


@pytest.mark.django_db
def test_a_too_large_post_gets_a_413_page_in_chinese(client, settings):
    settings.REQUEST_BODY_MAX_BYTES = 1024 * 1024
    client.force_login(certified_enterprise())
    big = upload(b"x" * (2 * 1024 * 1024), "a.pdf")
    response = client.post(reverse("demands:publish"), {"title": "审计", "attachments": big})
    assert response.status_code == 413
    assert "超过平台一次可接收的上限（最大 1 MB）" in response.content.decode()


def test_the_settings_are_set(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert settings.FILE_UPLOAD_HANDLERS[0] == "smeportal.upload_limits.RequestBodyLimitUploadHandler"
    assert 100 * 1024 * 1024 <= settings.REQUEST_BODY_MAX_BYTES < 150 * 1024 * 1024
