"""Uploaded images: only clean, re-encoded JPEG/PNG/WebP pictures are kept.

Every test image is made here in memory with Pillow; no binary fixtures.
"""

import os
import re
import struct
import time
import zlib
from io import BytesIO

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import translation
from PIL import ExifTags, Image, ImageFile

from smeportal import uploads
from smeportal.uploads import (
    MAX_IMAGE_BYTES,
    MAX_IMAGE_PIXELS,
    ImageUploadField,
    PrivateStorage,
    clean_image_upload,
    private_storage,
    serve_private_file,
)

GENERATED_NAME = re.compile(r"^[0-9a-f]{32}\.(jpg|png|webp)$")
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><script>alert(1)</script></svg>'


def encode(image, image_format, **params):
    out = BytesIO()
    image.save(out, format=image_format, **params)
    return out.getvalue()


def noise(mode="RGB", size=(64, 48)):
    # Random pixels do not compress, so a file cut in half really lacks data.
    bands = len(Image.new(mode, (1, 1)).getbands())
    return Image.frombytes(mode, size, os.urandom(size[0] * size[1] * bands))


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def reopen(content_file):
    content_file.seek(0)
    return Image.open(BytesIO(content_file.read()))


def refusal_code(data, name="photo.jpg"):
    with pytest.raises(ValidationError) as excinfo:
        clean_image_upload(upload(data, name))
    return excinfo.value.code


def png_chunk(kind, payload):
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_header_only(width, height):
    """A PNG that declares width x height 1-bit pixels but holds a few bytes of data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


# Accepted uploads ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "image_format", "uploaded_name", "extension", "mode"),
    [
        (noise("RGB"), "JPEG", "certificate.png", "jpg", "RGB"),
        (noise("RGBA"), "PNG", "licence.jpg", "png", "RGBA"),
        (noise("RGB"), "WEBP", "../../etc/passwd", "webp", "RGB"),
    ],
)
def test_accepts_and_reencodes_with_a_generated_name(image, image_format, uploaded_name, extension, mode):
    original = encode(image, image_format)

    cleaned = clean_image_upload(upload(original, uploaded_name, "application/octet-stream"))

    assert isinstance(cleaned, ContentFile)
    assert GENERATED_NAME.match(cleaned.name)
    assert cleaned.name.endswith(f".{extension}")
    assert cleaned.read() != original  # a new encoding, not the uploaded bytes
    with reopen(cleaned) as result:
        assert result.format == image_format
        assert result.mode == mode
        assert result.size == image.size


def test_every_upload_gets_its_own_name():
    data = encode(noise(), "JPEG")
    assert clean_image_upload(upload(data)).name != clean_image_upload(upload(data)).name


def test_palette_png_keeps_its_mode_and_transparency():
    image = Image.new("P", (8, 8))
    cleaned = clean_image_upload(upload(encode(image, "PNG", transparency=0), "icon.png"))
    with reopen(cleaned) as result:
        assert result.mode == "P"
        assert result.info == {"transparency": 0}


@pytest.mark.parametrize("mode", ["CMYK", "L"])
def test_jpeg_is_stored_as_rgb(mode):
    cleaned = clean_image_upload(upload(encode(Image.new(mode, (8, 8)), "JPEG")))
    with reopen(cleaned) as result:
        assert result.mode == "RGB"


def test_multi_picture_jpeg_from_a_phone_is_accepted_as_jpeg():
    first, second = Image.new("RGB", (30, 20), "red"), Image.new("RGB", (30, 20), "blue")
    data = encode(first, "MPO", save_all=True, append_images=[second])
    with Image.open(BytesIO(data)) as probe:
        assert probe.format == "MPO"

    cleaned = clean_image_upload(upload(data))

    assert cleaned.name.endswith(".jpg")
    with reopen(cleaned) as result:
        assert result.format == "JPEG"
        assert getattr(result, "n_frames", 1) == 1


# Metadata and hidden payloads ---------------------------------------------------


def exif_with_gps():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyCam"
    exif[ExifTags.Base.Software] = "EvilSoft"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (38.0, 28.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (106.0, 16.0, 48.0)
    return exif


@pytest.mark.parametrize(("image_format", "mode"), [("JPEG", "RGB"), ("PNG", "RGBA"), ("WEBP", "RGB")])
def test_exif_and_gps_are_stripped(image_format, mode):
    original = encode(noise(mode), image_format, exif=exif_with_gps())
    with Image.open(BytesIO(original)) as image:
        assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test image really has GPS

    cleaned = clean_image_upload(upload(original))
    content = cleaned.read()

    assert b"Exif" not in content
    assert b"SpyCam" not in content
    assert b"EvilSoft" not in content
    with reopen(cleaned) as result:
        assert "exif" not in result.info
        assert not result.getexif()


def test_exif_orientation_is_applied_before_the_tag_is_dropped():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # "rotate 90° clockwise to display"
    original = encode(noise(size=(40, 20)), "JPEG", exif=exif)

    with reopen(clean_image_upload(upload(original))) as result:
        assert result.size == (20, 40)
        assert not result.getexif()


def test_comments_and_text_chunks_are_stripped():
    jpeg = encode(noise(), "JPEG", comment=b"secret comment")
    assert b"secret comment" not in clean_image_upload(upload(jpeg)).read()

    from PIL.PngImagePlugin import PngInfo

    text = PngInfo()
    text.add_text("Author", "secret author")
    png = encode(noise(), "PNG", pnginfo=text)
    assert b"secret author" not in clean_image_upload(upload(png, "a.png")).read()


@pytest.mark.parametrize("image_format", ["JPEG", "PNG"])
def test_payload_after_the_image_data_is_dropped(image_format):
    payload = b"<html><script>alert(1)</script></html>"
    cleaned = clean_image_upload(upload(encode(noise(), image_format) + payload))
    assert payload not in cleaned.read()


# Refusals ---------------------------------------------------------------------


def test_refuses_a_file_over_the_size_limit():
    data = b"\x89PNG\r\n\x1a\n" + b"\0" * MAX_IMAGE_BYTES
    assert len(data) > MAX_IMAGE_BYTES
    with pytest.raises(ValidationError) as excinfo:
        clean_image_upload(upload(data, "big.png"))
    assert excinfo.value.code == "file_too_large"
    assert excinfo.value.params == {"max_mb": 5}


def test_size_is_checked_before_the_file_is_read():
    class NeverRead(SimpleUploadedFile):
        def read(self, *args, **kwargs):
            raise AssertionError("a too large upload must not be read")

    too_big = NeverRead("big.jpg", b"\xff\xd8\xff")
    too_big.size = MAX_IMAGE_BYTES + 1
    with pytest.raises(ValidationError) as excinfo:
        clean_image_upload(too_big)
    assert excinfo.value.code == "file_too_large"


def test_a_wrong_declared_size_does_not_let_a_big_file_through():
    lying = upload(b"\xff\xd8\xff" + b"\0" * MAX_IMAGE_BYTES)
    lying.size = 10
    with pytest.raises(ValidationError) as excinfo:
        clean_image_upload(lying)
    assert excinfo.value.code == "file_too_large"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        pytest.param(b"\x7fELF\x02\x01\x01\x00" + b"\0" * 56 + os.urandom(512), "photo.jpg", id="renamed-executable"),
        pytest.param(b"MZ\x90\x00\x03\x00\x00\x00" + os.urandom(512), "photo.png", id="windows-executable"),
        pytest.param(b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script>", "photo.png", id="html-with-png-magic"),
        pytest.param(
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "a.png", id="svg-as-png"
        ),
        pytest.param(b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>', "a.svg", id="svg"),
        pytest.param(b"<!DOCTYPE html><html><script>alert(1)</script></html>", "photo.jpg", id="html"),
        pytest.param(b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF", "scan.jpg", id="pdf"),
        pytest.param(encode(Image.new("RGB", (8, 8)), "GIF"), "anim.gif", id="gif"),
        pytest.param(encode(Image.new("RGB", (8, 8)), "BMP"), "photo.jpg", id="bmp"),
        pytest.param(encode(Image.new("RGB", (8, 8)), "TIFF"), "photo.jpg", id="tiff"),
        pytest.param(b"", "empty.jpg", id="empty"),
    ],
)
def test_refuses_what_is_not_a_jpeg_png_or_webp(data, name):
    assert refusal_code(data, name) == "unsupported_image_type"


def test_refuses_script_behind_a_jpeg_magic_header():
    # Pillow may fail to identify it or fail to read its first segment; both
    # are refusals, with the code of whichever happens first.
    data = b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>"
    assert refusal_code(data) in {"unsupported_image_type", "invalid_image"}


def test_refuses_script_behind_a_valid_png_header():
    # A real IHDR, then HTML instead of the remaining chunks.
    header = encode(Image.new("RGB", (8, 8)), "PNG")[:33]
    assert refusal_code(header + b"<html><script>alert(1)</script></html>", "a.png") in {
        "unsupported_image_type",
        "invalid_image",
    }


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_refuses_a_truncated_image(image_format):
    data = encode(noise(size=(256, 256)), image_format)
    assert refusal_code(data[: len(data) // 2]) == "invalid_image"


@pytest.mark.parametrize("image_format", ["JPEG", "PNG"])
def test_truncated_stays_refused_when_pillow_is_told_to_allow_it(image_format, monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = encode(noise(size=(256, 256)), image_format)
    assert refusal_code(data[: len(data) // 2]) == "invalid_image"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # other code's setting is put back


def test_refuses_corrupt_png_data():
    data = bytearray(encode(noise(), "PNG"))
    data[60:70] = b"\0" * 10  # inside the IDAT chunk: its checksum no longer matches
    assert refusal_code(bytes(data), "a.png") == "invalid_image"


def test_refuses_a_pixel_bomb_quickly():
    bomb = png_header_only(20_000, 20_000)  # 400 million pixels in ~100 bytes
    assert len(bomb) < 1000
    started = time.monotonic()
    with pytest.raises(ValidationError) as excinfo:
        clean_image_upload(upload(bomb, "bomb.png"))
    assert time.monotonic() - started < 1
    assert excinfo.value.code == "image_too_many_pixels"


def test_refuses_just_over_the_pixel_limit():
    assert refusal_code(png_header_only(8_000, 5_001), "big.png") == "image_too_many_pixels"
    assert MAX_IMAGE_PIXELS < 8_000 * 5_001


@pytest.mark.parametrize(
    "side",
    [
        pytest.param(20, id="pillow-error"),  # 400 px > 2 x 100: DecompressionBombError
        pytest.param(12, id="pillow-warning"),  # 144 px > 100: DecompressionBombWarning
    ],
)
def test_pillow_decompression_bomb_checks_are_refusals(side, monkeypatch):
    # If some code lowers Pillow's global limit, its error and its warning are
    # both refusals with our code, not a crash and not a silent accept.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    assert refusal_code(encode(Image.new("RGB", (side, side)), "PNG"), "a.png") == "image_too_many_pixels"


def test_our_pixel_limit_does_not_depend_on_pillows_global(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    assert refusal_code(png_header_only(20_000, 20_000), "bomb.png") == "image_too_many_pixels"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\0" * (MAX_IMAGE_BYTES + 1), "The file is too large: an image may be at most 5 MB."),
        (b"GIF89a" + b"\0" * 20, "This file is not a supported image. Please upload a JPEG, PNG or WebP picture."),
        (png_header_only(20_000, 20_000), "The image has too many pixels: at most 40 megapixels are allowed."),
        (b"\xff\xd8\xff\xe0<html>", "The image is damaged or incomplete. Please upload the original file again."),
    ],
)
def test_refusal_messages(data, message):
    with translation.override("en"):
        with pytest.raises(ValidationError) as excinfo:
            clean_image_upload(upload(data))
        # Lazy messages: read them while English is active.
        assert excinfo.value.messages == [message]


# Form field -------------------------------------------------------------------


class CertificateForm(forms.Form):
    licence = ImageUploadField()


def test_form_field_cleans_to_the_reencoded_file():
    form = CertificateForm(files={"licence": upload(encode(noise(), "PNG"), "营业执照.png", "image/png")})
    assert form.is_valid(), form.errors
    cleaned = form.cleaned_data["licence"]
    assert isinstance(cleaned, ContentFile)
    assert GENERATED_NAME.match(cleaned.name)
    assert cleaned.name.endswith(".png")


def test_form_field_reports_the_refusal():
    form = CertificateForm(files={"licence": upload(b"\x7fELF\x02\x01\x01\x00", "photo.jpg")})
    assert not form.is_valid()
    assert form.errors.as_data()["licence"][0].code == "unsupported_image_type"


def test_form_field_is_required_and_refuses_empty_files():
    assert CertificateForm(files={}).errors.as_data()["licence"][0].code == "required"
    empty = CertificateForm(files={"licence": upload(b"", "photo.jpg")})
    assert empty.errors.as_data()["licence"][0].code == "empty"


def test_form_field_keeps_the_initial_file_when_nothing_is_uploaded():
    field = ImageUploadField(required=False)
    assert field.clean(None, "certs/existing.jpg") == "certs/existing.jpg"
    assert field.clean(None) is None


def test_form_field_widget_and_help_text():
    html = str(CertificateForm()["licence"])
    assert 'accept="image/jpeg,image/png,image/webp"' in html
    assert 'type="file"' in html
    with translation.override("en"):
        assert str(CertificateForm().fields["licence"].help_text) == "JPEG, PNG or WebP, at most 5 MB."


def test_form_field_does_not_ask_a_private_file_for_its_url(settings, tmp_path):
    # ClearableFileInput would call .url on the current file, which raises.
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    field_file = FieldFile(None, models.FileField(storage=private_storage), "certs/a.jpg")
    html = str(CertificateForm(initial={"licence": field_file})["licence"])
    assert 'type="file"' in html


# Private storage ----------------------------------------------------------------


def test_private_storage_saves_under_private_media_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    storage = private_storage()
    assert isinstance(storage, PrivateStorage)

    name = storage.save("certificates/licence.jpg", ContentFile(b"data"))

    assert (tmp_path / "private" / name).read_bytes() == b"data"
    assert storage.path(name) == str(tmp_path / "private" / name)
    with pytest.raises(ValueError, match="no public URL"):
        storage.url(name)


def test_private_storage_defaults_to_a_private_folder_in_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    del settings.PRIVATE_MEDIA_ROOT
    assert PrivateStorage().location == str(tmp_path / "private")


def test_private_storage_follows_a_changed_setting(settings, tmp_path):
    storage = private_storage()
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "elsewhere"
    assert storage.location == str(tmp_path / "elsewhere")


def test_model_field_accepts_the_callable_storage(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    field = models.FileField(storage=private_storage)
    assert isinstance(field.storage, PrivateStorage)
    assert field.deconstruct()[3]["storage"] is private_storage  # migrations keep the callable
    with pytest.raises(ValueError, match="no public URL"):
        FieldFile(None, field, "certs/a.jpg").url  # noqa: B018


# Serving private files ----------------------------------------------------------


@pytest.fixture
def stored(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    field = models.FileField(storage=private_storage)

    def store(content, name):
        saved = field.storage.save(name, ContentFile(content))
        return FieldFile(None, field, saved)

    return store


def read_response(response):
    # Close the file itself, not the response: response.close() sends
    # request_finished, which touches the database connection.
    try:
        return b"".join(response.streaming_content)
    finally:
        response.file_to_stream.close()


@pytest.mark.parametrize(
    ("extension", "content_type"),
    [("jpg", "image/jpeg"), ("png", "image/png"), ("webp", "image/webp"), ("JPEG", "image/jpeg")],
)
def test_serve_private_file_sends_the_image_inline_with_safe_headers(stored, extension, content_type):
    field_file = stored(b"image bytes", f"certs/abc.{extension}")

    response = serve_private_file(field_file)

    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, max-age=0, no-store"
    assert response["Content-Disposition"] == f'inline; filename="abc.{extension}"'
    assert response["Content-Length"] == str(len(b"image bytes"))
    assert read_response(response) == b"image bytes"


def test_serve_private_file_as_attachment_with_a_chinese_name(stored):
    field_file = stored(b"image bytes", "certs/abc.png")

    response = serve_private_file(field_file, download_name="营业执照.png", as_attachment=True)

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == ("attachment; filename*=utf-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7.png")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, max-age=0, no-store"
    assert read_response(response) == b"image bytes"


def test_serve_private_file_inline_with_a_download_name(stored):
    response = serve_private_file(stored(b"x", "certs/abc.jpg"), download_name="licence.jpg")
    assert response["Content-Disposition"] == 'inline; filename="licence.jpg"'
    read_response(response)


def test_serve_private_file_cleans_a_hostile_download_name(stored):
    response = serve_private_file(stored(b"x", "certs/abc.jpg"), download_name='../a"b\r\nSet-Cookie: x=1.jpg')
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition
    assert "/" not in disposition
    read_response(response)


def test_serve_private_file_never_shows_an_unknown_type_inline(stored):
    response = serve_private_file(stored(b"<html><script>alert(1)</script>", "certs/old.html"))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    read_response(response)


def test_module_constants():
    assert MAX_IMAGE_BYTES == 5 * 1024 * 1024
    assert MAX_IMAGE_PIXELS == 40_000_000
    assert uploads.ACCEPT == "image/jpeg,image/png,image/webp"
