"""Attachments (service orders, bids, complaints): PDF, Office, OpenDocument, images, ZIP.

Every test file is made here in memory; no binary fixtures, no database.
"""

import os
import re
import struct
import time
import zipfile
from io import BytesIO

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from PIL import Image

from smeportal import uploads
from smeportal.uploads import (
    MAX_DOCUMENT_BYTES,
    MultipleDocumentField,
    clean_document_upload,
    content_type_for,
    private_storage,
    serve_private_document,
)

GENERATED_NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|doc|docx|xls|xlsx|ppt|pptx|odt|ods|odp|zip|jpg|png|webp)$")

PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
    b"trailer <</Root 1 0 R>>\n"
    b"%%EOF\n"
)
CONTENT_TYPES_XML = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"


# Building test files --------------------------------------------------------------


def zip_file(entries, compression=zipfile.ZIP_DEFLATED):
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content, *stored in entries:
            archive.writestr(name, content, compress_type=zipfile.ZIP_STORED if stored else compression)
    return out.getvalue()


def office_open_xml(main_part):
    return zip_file(
        [("[Content_Types].xml", CONTENT_TYPES_XML), ("_rels/.rels", b"<Relationships/>"), (main_part, b"<x/>")]
    )


def opendocument(kind, mimetype_stored=True):
    mimetype = ("mimetype", f"application/vnd.oasis.opendocument.{kind}".encode())
    if mimetype_stored:
        mimetype += ("stored",)
    return zip_file([mimetype, ("content.xml", b"<office:document-content/>"), ("META-INF/manifest.xml", b"<m/>")])


FREE, END_OF_CHAIN, FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def directory_entry(name, kind, right=FREE, child=FREE):
    encoded = name.encode("utf-16-le")
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB", len(encoded) + 2, kind, 1)
        + struct.pack("<III", FREE, right, child)
        + b"\0" * 16  # CLSID
        + b"\0" * 4  # state bits
        + b"\0" * 16  # created, modified
        + struct.pack("<IQ", END_OF_CHAIN, 0)  # start sector, size: an empty stream
    )


def compound_file(stream_names, filler_sectors=0, loop_directory=False):
    """A well-formed OLE2 compound file (version 3) whose root holds empty streams.

    The directory comes after ``filler_sectors`` sectors of data and the
    allocation table after it, as big files written by Excel have it.
    """
    assert len(stream_names) <= 3  # root + streams fit in one 512-byte directory sector
    directory_sector = filler_sectors
    fat_count = (filler_sectors + 1) // 127 + 1
    fat_sectors = list(range(directory_sector + 1, directory_sector + 1 + fat_count))
    assert len(fat_sectors) * 128 >= directory_sector + 1 + fat_count

    fat = [END_OF_CHAIN] * filler_sectors
    fat.append(directory_sector if loop_directory else END_OF_CHAIN)
    fat += [FAT_SECTOR] * fat_count
    fat += [FREE] * (fat_count * 128 - len(fat))

    entries = [directory_entry("Root Entry", 5, child=1 if stream_names else FREE)]
    for index, name in enumerate(stream_names, start=1):
        entries.append(directory_entry(name, 2, right=index + 1 if index < len(stream_names) else FREE))
    directory = b"".join(entries).ljust(512, b"\0")

    difat = fat_sectors + [FREE] * (109 - fat_count)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, fat_count, directory_sector, 0, 4096, END_OF_CHAIN, 0, END_OF_CHAIN, 0)
        + struct.pack("<109I", *difat)
    )
    assert len(header) == 512
    filler = os.urandom(512 * filler_sectors)
    return header + filler + directory + struct.pack(f"<{len(fat)}I", *fat)


def ole_header_and_name(name):
    """Only an OLE2 signature and, where the directory usually starts, an entry with ``name``."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".ljust(512, b"\0") + directory_entry(name, 2)


def image_bytes(image_format, mode="RGB"):
    out = BytesIO()
    Image.new(mode, (16, 12), "red").save(out, format=image_format)
    return out.getvalue()


def upload(data, name="附件.pdf", content_type="application/octet-stream"):
    uploaded = SimpleUploadedFile("placeholder", data, content_type=content_type)
    # UploadedFile already drops folders and refuses some names; set the name
    # as sent so that our own cleaning is what is tested.
    uploaded._name = name
    return uploaded


def refusal(data, name="document.pdf"):
    with pytest.raises(ValidationError) as excinfo:
        clean_document_upload(upload(data, name))
    return excinfo.value


# Accepted attachments -----------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "extension"),
    [
        pytest.param(PDF, "报价单.docx", "pdf", id="pdf"),
        pytest.param(office_open_xml("word/document.xml"), "合同.pdf", "docx", id="docx"),
        pytest.param(office_open_xml("xl/workbook.xml"), "报价.zip", "xlsx", id="xlsx"),
        pytest.param(office_open_xml("ppt/presentation.xml"), "方案", "pptx", id="pptx"),
        pytest.param(opendocument("text"), "a.odt", "odt", id="odt"),
        pytest.param(opendocument("spreadsheet"), "a.ods", "ods", id="ods"),
        pytest.param(opendocument("presentation"), "a.odp", "odp", id="odp"),
        pytest.param(
            zip_file([("资料/说明.txt", "说明".encode()), ("b.bin", os.urandom(64))]), "资料.zip", "zip", id="zip"
        ),
        pytest.param(ole_header_and_name("WordDocument"), "a.doc", "doc", id="doc-header-and-name"),
        pytest.param(compound_file(["WordDocument", "1Table"]), "a.doc", "doc", id="doc"),
        pytest.param(compound_file(["Workbook"]), "a.xls", "xls", id="xls"),
        pytest.param(compound_file(["Book"]), "a.xls", "xls", id="xls-excel-95"),
        pytest.param(compound_file(["Current User", "PowerPoint Document"]), "a.ppt", "ppt", id="ppt"),
    ],
)
def test_accepts_documents_by_content_and_stores_them_as_sent(data, name, extension):
    cleaned = clean_document_upload(upload(data, name, "text/html"))

    assert isinstance(cleaned, ContentFile)
    assert GENERATED_NAME.match(cleaned.name)
    assert cleaned.name.endswith(f".{extension}")
    assert cleaned.read() == data
    assert cleaned.original_name == name


def test_legacy_office_directory_far_from_the_start_is_found():
    # Big .xls files often keep their directory at the end, past the first 64 KiB.
    data = compound_file(["Workbook", "\x05SummaryInformation"], filler_sectors=300)
    assert data.find("Workbook".encode("utf-16-le")) > 64 * 1024
    assert clean_document_upload(upload(data, "报表.xls")).name.endswith(".xls")


@pytest.mark.parametrize(
    ("image_format", "mode", "extension"),
    [("JPEG", "RGB", "jpg"), ("PNG", "RGBA", "png"), ("WEBP", "RGB", "webp")],
)
def test_images_are_reencoded_like_image_uploads(image_format, mode, extension):
    original = image_bytes(image_format, mode)

    cleaned = clean_document_upload(upload(original, "现场照片.pdf"))

    assert GENERATED_NAME.match(cleaned.name)
    assert cleaned.name.endswith(f".{extension}")
    assert cleaned.original_name == "现场照片.pdf"
    cleaned.seek(0)
    with Image.open(BytesIO(cleaned.read())) as result:
        assert result.format == image_format
        assert result.size == (16, 12)


def test_every_upload_gets_its_own_name():
    assert clean_document_upload(upload(PDF)).name != clean_document_upload(upload(PDF)).name


# Original names -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("营业执照副本（2024）.pdf", "营业执照副本（2024）.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\合同.pdf", "合同.pdf"),
        ("C:\\Users\\张三\\Desktop\\投标书.pdf", "投标书.pdf"),
        ("合同\n.pdf", "合同.pdf"),
        ('a"b\r\nSet-Cookie: x=1.pdf', 'a"bSet-Cookie: x=1.pdf'),
        ("\u202efdp.exe", "fdp.exe"),  # right-to-left override would show "exe.pdf"
        ("投标\u3000文件.pdf", "投标 文件.pdf"),
        ("  报价单.pdf  ", "报价单.pdf"),
        ("", "附件.pdf"),
        ("../", "附件.pdf"),
        ("..", "附件.pdf"),
        ("\n\t", "附件.pdf"),
    ],
)
def test_original_name_is_sanitised(name, expected):
    assert clean_document_upload(upload(PDF, name)).original_name == expected


def test_original_name_fallback_uses_the_detected_extension():
    assert clean_document_upload(upload(office_open_xml("word/document.xml"), "/")).original_name == "附件.docx"


def test_long_original_name_is_cut_keeping_the_extension():
    cleaned = clean_document_upload(upload(PDF, "很" * 150 + ".pdf"))
    assert len(cleaned.original_name) == 100
    assert cleaned.original_name == "很" * 96 + ".pdf"

    no_extension = clean_document_upload(upload(PDF, "x" * 150))
    assert no_extension.original_name == "x" * 100


# Refusals ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name"),
    [
        pytest.param(HTML, "report.pdf", id="html-named-pdf"),
        pytest.param(SVG, "logo.svg", id="svg"),
        pytest.param(b"<?xml version='1.0'?>" + SVG, "logo.png", id="svg-with-xml-declaration"),
        pytest.param(b"MZ\x90\x00\x03\x00\x00\x00" + os.urandom(512), "合同.docx", id="windows-executable"),
        pytest.param(b"\x7fELF\x02\x01\x01\x00" + b"\0" * 56 + os.urandom(512), "资料.zip", id="elf-executable"),
        pytest.param(b"#!/bin/sh\nrm -rf /\n", "run.pdf", id="script"),
        pytest.param("这是一个文本文件。\n".encode(), "说明.txt", id="text"),
        pytest.param(b"{\\rtf1\\ansi Hello}", "letter.doc", id="rtf"),
        pytest.param(image_bytes("GIF"), "anim.gif", id="gif"),
        pytest.param(image_bytes("BMP"), "scan.jpg", id="bmp"),
        pytest.param(b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script>", "a.png", id="html-behind-png-magic"),
        pytest.param(b" %PDF-1.4\n%%EOF", "a.pdf", id="pdf-magic-not-at-start"),
        pytest.param(compound_file(["\x05SummaryInformation", "!_StringData"]), "setup.doc", id="ole2-not-office"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(2048), "a.xls", id="ole2-junk"),
        pytest.param(b"PK\x05\x06" + b"\0" * 18, "empty.zip", id="empty-zip"),
    ],
)
def test_refuses_unsupported_types(data, name):
    assert refusal(data, name).code == "unsupported_document_type"


def test_office_stream_names_elsewhere_in_the_file_do_not_count():
    # An OLE2 file that merely contains the text, not as a directory entry.
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".ljust(600, b"\0") + "WordDocument".encode("utf-16-le") + b"\0" * 600
    assert refusal(data, "a.doc").code == "unsupported_document_type"


def test_a_looping_sector_chain_is_refused_quickly():
    data = compound_file(["WordDocument"], filler_sectors=300, loop_directory=True)
    started = time.monotonic()
    assert refusal(data, "a.doc").code == "unsupported_document_type"
    assert time.monotonic() - started < 1


def corrupt_central_directory(data):
    position = data.rfind(b"PK\x01\x02")
    return data[:position] + b"XX\x01\x02" + data[position + 4 :]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"PK\x03\x04" + os.urandom(1024), id="zip-header-then-junk"),
        pytest.param(office_open_xml("word/document.xml")[:200], id="truncated-docx"),
        pytest.param(corrupt_central_directory(zip_file([("a.txt", b"a")])), id="broken-central-directory"),
        pytest.param(corrupt_central_directory(opendocument("text")), id="broken-odt"),
    ],
)
def test_refuses_a_broken_zip_as_invalid(data):
    error = refusal(data, "标书.pdf")
    assert error.code == "invalid_document"
    assert isinstance(error.__cause__, zipfile.BadZipFile) or error.__cause__ is None


def test_damaged_image_is_refused_as_an_image():
    out = BytesIO()
    Image.frombytes("RGB", (128, 128), os.urandom(128 * 128 * 3)).save(out, format="PNG")
    data = out.getvalue()
    assert refusal(data[: len(data) // 2], "a.png").code == "invalid_image"


def test_opendocument_mimetype_must_be_stored_first():
    # A compressed "mimetype" is not OpenDocument: it is kept as a plain archive.
    assert clean_document_upload(upload(opendocument("text", mimetype_stored=False))).name.endswith(".zip")


def test_archives_are_not_extracted(monkeypatch, settings):
    settings.ARCHIVE_MAX_RATIO = 10_000  # the ratio check has its own tests (test_archive_uploads.py)
    opened = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    big = zip_file([("bomb.bin", b"\0" * (10 * 1024 * 1024))])  # compresses to ~10 KB
    assert len(big) < 100_000
    docx, odt = office_open_xml("word/document.xml"), opendocument("text")
    monkeypatch.setattr(zipfile.ZipFile, "open", spy)

    assert clean_document_upload(upload(big, "a.zip")).name.endswith(".zip")
    assert clean_document_upload(upload(docx, "a.docx")).name.endswith(".docx")
    assert clean_document_upload(upload(odt, "a.odt")).name.endswith(".odt")
    assert opened == ["mimetype"]  # only the tiny, uncompressed OpenDocument marker is read


def test_refuses_a_file_one_byte_over_the_limit():
    error = refusal(b"%PDF-" + b"\0" * (MAX_DOCUMENT_BYTES - 4), "big.pdf")
    assert error.code == "file_too_large"
    assert error.params == {"max_mb": 20}


def test_accepts_a_file_at_the_limit():
    data = b"%PDF-" + b"\0" * (MAX_DOCUMENT_BYTES - 5)
    assert len(data) == MAX_DOCUMENT_BYTES
    assert clean_document_upload(upload(data)).name.endswith(".pdf")


def test_size_is_checked_before_the_file_is_read():
    class NeverRead(SimpleUploadedFile):
        def read(self, *args, **kwargs):
            raise AssertionError("a too large upload must not be read")

    too_big = NeverRead("big.pdf", b"%PDF-")
    too_big.size = MAX_DOCUMENT_BYTES + 1
    with pytest.raises(ValidationError) as excinfo:
        clean_document_upload(too_big)
    assert excinfo.value.code == "file_too_large"


def test_a_wrong_declared_size_does_not_let_a_big_file_through():
    lying = upload(b"%PDF-" + b"\0" * MAX_DOCUMENT_BYTES)
    lying.size = 10
    with pytest.raises(ValidationError) as excinfo:
        clean_document_upload(lying)
    assert excinfo.value.code == "file_too_large"


def test_refuses_an_empty_file():
    assert refusal(b"", "a.pdf").code == "empty_file"
    unknown_size = upload(b"")
    unknown_size.size = None
    with pytest.raises(ValidationError) as excinfo:
        clean_document_upload(unknown_size)
    assert excinfo.value.code == "empty_file"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\0" * (MAX_DOCUMENT_BYTES + 1), "The file is too large: an attachment may be at most 20 MB."),
        (b"", "The file is empty. Please choose the file again."),
        (
            HTML,
            "This type of file is not accepted. Please upload a PDF, a Word, Excel or PowerPoint document "
            "(.doc, .docx, .xls, .xlsx, .ppt, .pptx), an OpenDocument file (.odt, .ods, .odp), "
            "a JPEG, PNG or WebP picture, or a ZIP archive.",
        ),
        (b"PK\x03\x04junk", "The file is damaged or incomplete. Please upload the original file again."),
    ],
)
def test_refusal_messages(data, message):
    with translation.override("en"):
        assert refusal(data).messages == [message]


# Form field -------------------------------------------------------------------


class ComplaintForm(forms.Form):
    attachments = MultipleDocumentField(max_files=3)


def bound(*files):
    return ComplaintForm(data={}, files=MultiValueDict({"attachments": list(files)}))


def test_field_cleans_every_file_to_a_list():
    form = bound(upload(PDF, "投诉书.pdf"), upload(office_open_xml("word/document.xml"), "证据.docx"))
    assert form.is_valid(), form.errors
    cleaned = form.cleaned_data["attachments"]
    assert isinstance(cleaned, list)
    assert [c.name.rsplit(".", 1)[1] for c in cleaned] == ["pdf", "docx"]
    assert [c.original_name for c in cleaned] == ["投诉书.pdf", "证据.docx"]
    assert all(GENERATED_NAME.match(c.name) for c in cleaned)


def test_field_is_optional_by_default():
    form = ComplaintForm(data={}, files=MultiValueDict())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["attachments"] == []


def test_field_can_be_required():
    field = MultipleDocumentField(required=True)
    with pytest.raises(ValidationError) as excinfo:
        field.clean([])
    assert excinfo.value.code == "required"


def test_field_enforces_max_files():
    form = bound(*(upload(PDF, f"{n}.pdf") for n in range(4)))
    assert not form.is_valid()
    error = form.errors.as_data()["attachments"][0]
    assert error.code == "too_many_files"
    with translation.override("en"):
        assert form.errors["attachments"] == ["Too many files: at most 3 are allowed."]


def test_field_default_max_files_is_five():
    field = MultipleDocumentField()
    assert field.max_files == 5
    assert len(field.clean([upload(PDF) for _ in range(5)])) == 5
    with pytest.raises(ValidationError):
        field.clean([upload(PDF) for _ in range(6)])


def test_field_names_the_refused_file():
    form = bound(upload(PDF, "好的.pdf"), upload(HTML, "坏的.pdf"), upload(b"", "空的.pdf"))
    assert not form.is_valid()
    errors = form.errors.as_data()["attachments"]
    assert [e.code for e in errors] == ["unsupported_document_type", "empty_file"]
    with translation.override("en"):
        messages = list(form.errors["attachments"])
    assert messages[0].startswith("坏的.pdf: This type of file is not accepted.")
    assert messages[1] == "空的.pdf: The file is empty. Please choose the file again."


def test_field_widget_and_help_text():
    html = str(ComplaintForm()["attachments"])
    assert 'type="file"' in html
    assert " multiple" in html
    assert f'accept="{uploads.DOCUMENT_ACCEPT}"' in html
    assert uploads.DOCUMENT_ACCEPT == ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.zip,.jpg,.jpeg,.png,.webp"
    with translation.override("en"):
        assert str(ComplaintForm().fields["attachments"].help_text) == (
            "PDF, Office documents, images or ZIP, at most 20 MB each."
        )


def test_field_does_not_ask_a_private_file_for_its_url(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    field_file = FieldFile(None, models.FileField(storage=private_storage), "attachments/a.pdf")
    assert 'type="file"' in str(ComplaintForm(initial={"attachments": [field_file]})["attachments"])


# Content types and serving ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("a.pdf", "application/pdf"),
        ("a.doc", "application/msword"),
        ("a.xls", "application/vnd.ms-excel"),
        ("a.ppt", "application/vnd.ms-powerpoint"),
        ("a.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("a.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("a.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        ("a.odt", "application/vnd.oasis.opendocument.text"),
        ("a.ods", "application/vnd.oasis.opendocument.spreadsheet"),
        ("a.odp", "application/vnd.oasis.opendocument.presentation"),
        ("a.zip", "application/zip"),
        ("dir/a.jpg", "image/jpeg"),
        ("a.JPEG", "image/jpeg"),
        ("a.png", "image/png"),
        ("a.webp", "image/webp"),
        ("a.html", "application/octet-stream"),
        ("a", "application/octet-stream"),
    ],
)
def test_content_type_for(name, content_type):
    assert content_type_for(name) == content_type


@pytest.fixture
def stored(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    field = models.FileField(storage=private_storage)

    def store(content, name):
        return FieldFile(None, field, field.storage.save(name, ContentFile(content)))

    return store


def read_response(response):
    # Close the file itself, not the response: response.close() sends
    # request_finished, which touches the database connection.
    try:
        return b"".join(response.streaming_content)
    finally:
        response.file_to_stream.close()


def test_serve_private_document_with_a_chinese_name(stored):
    field_file = stored(PDF, "attachments/0123abcd.pdf")

    response = serve_private_document(field_file, download_name="投标文件.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == ("attachment; filename*=utf-8''%E6%8A%95%E6%A0%87%E6%96%87%E4%BB%B6.pdf")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, max-age=0, no-store"
    assert response["Content-Length"] == str(len(PDF))
    assert read_response(response) == PDF


@pytest.mark.parametrize(
    ("stored_name", "download_name", "disposition"),
    [
        ("a/x.png", "photo.png", 'attachment; filename="photo.png"'),  # images too: never inline
        ("a/x.jpg", "photo.JPEG", 'attachment; filename="photo.JPEG"'),
        ("a/x.docx", "contract.docx", 'attachment; filename="contract.docx"'),
        ("a/x.pdf", "page.html", 'attachment; filename="page.html.pdf"'),  # the real type wins
        ("a/x.zip", "report", 'attachment; filename="report.zip"'),
        ("a/x.pdf", None, 'attachment; filename="x.pdf"'),
        ("a/x.pdf", "\n", 'attachment; filename="x.pdf"'),
    ],
)
def test_serve_private_document_download_names(stored, stored_name, download_name, disposition):
    response = serve_private_document(stored(b"content", stored_name), download_name=download_name)
    assert response["Content-Disposition"] == disposition
    assert response["Content-Type"] == content_type_for(stored_name)
    read_response(response)


def test_serve_private_document_cleans_a_hostile_download_name(stored):
    response = serve_private_document(stored(PDF, "a/x.pdf"), download_name='../a"b\r\nSet-Cookie: x=1.pdf')
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\r" not in disposition and "\n" not in disposition
    assert "/" not in disposition
    read_response(response)


def test_serve_private_document_unknown_type_is_an_octet_stream_download(stored):
    response = serve_private_document(stored(HTML, "old/x.html"), download_name="x.html")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    read_response(response)


def test_module_constants():
    assert MAX_DOCUMENT_BYTES == 20 * 1024 * 1024
