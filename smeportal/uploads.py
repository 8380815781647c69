"""Safe handling of user-uploaded images, for every upload of the portal.

An upload is never stored as sent. ``clean_image_upload`` decides the type from
the content (never the name or the browser's content type), refuses anything
that is not a plain JPEG, PNG or WebP picture of sane dimensions, and returns a
freshly encoded copy under a random name. Re-encoding keeps only the pixels:
EXIF (GPS position, camera serial), comments, text chunks and anything hidden
after the image data are gone, and a polyglot (an image that is also HTML or a
script) cannot survive it.

Private files (licences, certificates) live in ``PrivateStorage``, which has no
public URL; views check permissions and answer with ``serve_private_file``.
"""

import os
import re
import struct
import threading
import unicodedata
import uuid
import warnings
import zipfile
from io import BytesIO
from pathlib import Path, PurePosixPath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils.functional import lazy
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000

_MAX_MB = MAX_IMAGE_BYTES // (1024 * 1024)

# Pillow format -> extension of the stored copy. MPO is what Pillow calls a
# JPEG carrying extra pictures (many phone cameras write them); its first
# picture is an ordinary JPEG photo, so it is accepted and stored as JPEG.
_EXTENSIONS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp"}
# Only these decoders are ever tried, so GIF, BMP, TIFF, ICO, PSD... are not
# even parsed, let alone accepted.
_OPEN_FORMATS = ("JPEG", "PNG", "WEBP")
_CONTENT_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
# Modes a PNG is stored in as they are; others (16-bit, etc.) are converted.
_PNG_MODES = {"1", "L", "LA", "P", "RGB", "RGBA"}

ACCEPT = "image/jpeg,image/png,image/webp"

# ImageFile.LOAD_TRUNCATED_IMAGES and the warnings filters are process-wide.
# Decoding happens under this lock so that two uploads cannot interleave their
# save-and-restore of them and leave one decode running with the wrong setting.
_decode_lock = threading.Lock()


def clean_image_upload(uploaded_file: UploadedFile) -> ContentFile:
    """Validate an uploaded image and return a re-encoded copy with a random name.

    Raises ValidationError with one of the codes ``file_too_large``,
    ``unsupported_image_type``, ``image_too_many_pixels`` or ``invalid_image``.
    """
    # The size is known from the upload handler: refuse before reading a byte.
    if uploaded_file.size is not None and uploaded_file.size > MAX_IMAGE_BYTES:
        raise _too_large()
    uploaded_file.seek(0)
    # Read one byte more than allowed, in case the size was unknown or wrong.
    data = uploaded_file.read(MAX_IMAGE_BYTES + 1)
    if len(data) > MAX_IMAGE_BYTES:
        raise _too_large()

    image, image_format = _decode(data)
    try:
        content = _reencode(image, image_format)
    finally:
        image.close()
    return ContentFile(content, name=f"{uuid.uuid4().hex}.{_EXTENSIONS[image_format]}")


def _decode(data: bytes) -> tuple[Image.Image, str]:
    """Open, check and fully decode the image; return it with its format."""
    with _decode_lock, warnings.catch_warnings():
        # Pillow only warns about a big image; a warning must be a refusal.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        # Some other code may allow truncated images globally; an upload must
        # still be complete, so decode with the strict setting and put it back.
        load_truncated = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            # First pass: identify the format and check the structure
            # (verify() checks PNG chunk checksums) without decoding pixels.
            with Image.open(BytesIO(data), formats=_OPEN_FORMATS) as probe:
                image_format = probe.format
                _check_format_and_pixels(image_format, probe.size)
                probe.verify()
            # verify() leaves the image unusable: open again and decode every
            # pixel, which fails on truncated or corrupt data.
            image = Image.open(BytesIO(data), formats=_OPEN_FORMATS)
            _check_format_and_pixels(image.format, image.size)
            image.load()
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_many_pixels() from exc
        except UnidentifiedImageError as exc:
            raise _unsupported() from exc
        except Exception as exc:  # noqa: BLE001 - Pillow raises many types on hostile input; all mean "not a valid image"
            raise ValidationError(
                _("The image is damaged or incomplete. Please upload the original file again."),
                code="invalid_image",
            ) from exc
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = load_truncated
    return image, image_format


def _check_format_and_pixels(image_format: str | None, size: tuple[int, int]) -> None:
    if image_format not in _EXTENSIONS:
        raise _unsupported()
    # Width and height come from the header: refuse before anything is decoded.
    # Pillow has its own limit, but it is a global others may change.
    width, height = size
    if width * height > MAX_IMAGE_PIXELS:
        raise _too_many_pixels()


def _reencode(image: Image.Image, image_format: str) -> bytes:
    """Encode only the pixels of ``image`` into a new file."""
    try:
        # Turn the picture as the EXIF orientation says, since that tag goes.
        upright = ImageOps.exif_transpose(image)
    except Exception:  # noqa: BLE001 - a broken EXIF block must not refuse a good photo
        upright = image.copy()
    # Drop everything Pillow would otherwise write back (comment, ICC profile,
    # text chunks...). PNG transparency is part of the picture, so it stays.
    transparency = upright.info.get("transparency") if image_format == "PNG" else None
    upright.info = {} if transparency is None else {"transparency": transparency}

    out = BytesIO()
    if image_format in ("JPEG", "MPO"):
        if upright.mode != "RGB":
            upright = upright.convert("RGB")
        upright.save(out, format="JPEG", quality=88, optimize=True)
    elif image_format == "PNG":
        if upright.mode not in _PNG_MODES:
            has_alpha = "A" in upright.mode or transparency is not None
            upright = upright.convert("RGBA" if has_alpha else "RGB")
        upright.save(out, format="PNG", optimize=True)
    else:
        upright.save(out, format="WEBP", quality=88)
    return out.getvalue()


def _too_large() -> ValidationError:
    return ValidationError(
        _("The file is too large: an image may be at most %(max_mb)s MB."),
        code="file_too_large",
        params={"max_mb": _MAX_MB},
    )


def _unsupported() -> ValidationError:
    return ValidationError(
        _("This file is not a supported image. Please upload a JPEG, PNG or WebP picture."),
        code="unsupported_image_type",
    )


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        _("The image has too many pixels: at most %(max_megapixels)s megapixels are allowed."),
        code="image_too_many_pixels",
        params={"max_megapixels": MAX_IMAGE_PIXELS // 1_000_000},
    )


def _help_text() -> str:
    return gettext("JPEG, PNG or WebP, at most %(max_mb)s MB.") % {"max_mb": _MAX_MB}


class ImageUploadField(forms.FileField):
    """A form field whose cleaned value is the safe, re-encoded ContentFile.

    It subclasses FileField, not ImageField: ImageField would open the file
    with Pillow a second time and is more permissive (any format Pillow reads).

    The widget is a plain FileInput: ClearableFileInput links to the current
    file's ``url``, which private files do not have (PrivateStorage.url raises).
    """

    widget = forms.FileInput

    def __init__(self, **kwargs):
        # Translated when rendered, not at import time.
        kwargs.setdefault("help_text", lazy(_help_text, str)())
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = ACCEPT
        return attrs

    def to_python(self, data):
        # FileField checks that a file was sent and is not empty.
        uploaded = super().to_python(data)
        if uploaded is None:
            return None
        return clean_image_upload(uploaded)


class PrivateStorage(FileSystemStorage):
    """Files that are only ever served through a permission-checked view.

    They live under ``settings.PRIVATE_MEDIA_ROOT``, outside MEDIA_ROOT's
    public URL space, and ``url()`` refuses so no template can link to them.
    """

    def __init__(self, location=None, **kwargs):
        kwargs["base_url"] = None
        super().__init__(location=location, **kwargs)

    # Read the setting on every use rather than once, so the storage follows
    # settings changed after it was created (tests, override_settings).
    @property
    def base_location(self):
        if self._location is not None:
            return self._location
        return getattr(settings, "PRIVATE_MEDIA_ROOT", Path(settings.MEDIA_ROOT) / "private")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("private files have no public URL; serve them through a permission-checked view")


def private_storage() -> PrivateStorage:
    """Callable for ``FileField(storage=private_storage)``; migrations keep the reference."""
    return PrivateStorage()


def serve_private_file(field_file, *, download_name: str | None = None, as_attachment: bool = False) -> FileResponse:
    """Answer with a stored private file. The caller must have checked permissions.

    Images are shown inline unless ``as_attachment``; a file that is not one of
    our image types is always a download of ``application/octet-stream``.
    """
    content_type = _CONTENT_TYPES.get(PurePosixPath(field_file.name).suffix.lower())
    if content_type is None:
        content_type = "application/octet-stream"
        as_attachment = True
    filename = _safe_download_name(download_name) or PurePosixPath(field_file.name).name
    return _private_response(field_file, as_attachment=as_attachment, filename=filename, content_type=content_type)


def _private_response(field_file, *, as_attachment: bool, filename: str, content_type: str):
    """The file's response with the safe headers: sent by nginx when it is in front
    (settings.SENDFILE_BACKEND, X-Accel-Redirect: Django sends no body), else streamed."""
    if getattr(settings, "SENDFILE_BACKEND", "") and isinstance(field_file.storage, FileSystemStorage):
        from django_sendfile import sendfile

        # Content-Length 0: this reply has no body; nginx sends the file with its own.
        response = sendfile(
            None,
            field_file.storage.path(field_file.name),
            attachment=as_attachment,
            attachment_filename=filename,
            mimetype=content_type,
            content_length=0,
        )
        # The same header as FileResponse writes, so both ways answer alike.
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    else:
        # A fresh handle from the storage, so the model instance's FieldFile is
        # left alone; FileResponse closes it when the response is finished.
        response = FileResponse(
            field_file.storage.open(field_file.name, "rb"),
            as_attachment=as_attachment,
            filename=filename,
            content_type=content_type,
        )
    # Never let a browser guess another type, run scripts, or keep a copy. (nginx
    # drops all but a few headers on X-Accel-Redirect: deploy/nginx/smeportal.conf
    # adds the first two again in its /_private/ location.)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=0, no-store"
    return response


def _safe_download_name(name: str | None) -> str:
    # No control characters (a newline would break the header) and no paths.
    if not name:
        return ""
    name = "".join(ch for ch in name if ch.isprintable()).replace("/", "_").replace("\\", "_")
    return name.strip()


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several images in one file input, each checked like a single upload."""

    def __init__(self, *, max_files: int = 5, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("help_text", lazy(_help_text, str)())
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > self.max_files:
            raise ValidationError(
                gettext("At most %(count)d images at a time.") % {"count": self.max_files}, code="too_many_files"
            )
        return [clean_image_upload(upload) for upload in files]


# Document attachments ------------------------------------------------------------
#
# Service orders, bids and complaints take attachments: PDF, Word, Excel and
# PowerPoint documents (legacy and current formats), OpenDocument files, images
# and ZIP archives. As with images, the type is decided by the content only and
# the file is stored under a random name with the extension of what it really
# is. Documents cannot be re-encoded like pictures, so they are stored as sent;
# they are only ever served as downloads (``serve_private_document``), never
# shown in the browser. Archives are not opened beyond their table of contents.

# These imports belong to the document code below; they sit here because this
# section was appended to the module.

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_DOCUMENT_NAME_LENGTH = 100

_DOCUMENT_MAX_MB = MAX_DOCUMENT_BYTES // (1024 * 1024)

DOCUMENT_ACCEPT = ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.zip,.jpg,.jpeg,.png,.webp"

_DOCUMENT_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".zip": "application/zip",
    **_CONTENT_TYPES,
}
# Other spellings of a stored extension that a download name may keep.
_EXTENSION_ALIASES = {".jpg": {".jpg", ".jpeg"}}

# Legacy Office files are OLE2 compound files; the program is told by the name
# of a stream in the root storage.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_STREAMS = (("WordDocument", "doc"), ("Workbook", "xls"), ("Book", "xls"), ("PowerPoint Document", "ppt"))
_OLE_MAX_REGULAR_SECTOR = 0xFFFFFFF9  # higher numbers are "end of chain", "free"...
_OLE_SCAN_BYTES = 64 * 1024

_OPENDOCUMENT_TYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
_OFFICE_OPEN_XML_FOLDERS = (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx"))

# Archive entries up to this size are not held to the compression ratio.
_RATIO_GRACE_BYTES = 1024 * 1024
# HTML a browser would act on, looked for at the start of a PDF (browsers
# sniff the first bytes of a response for markup).
_HTML_MARKUP = re.compile(
    rb"<\s*/?\s*(?:!doctype\s+html|html|head|body|script|iframe|frame|frameset|object|embed|svg|meta|form|img|style|link|base)\b",
    re.IGNORECASE,
)
_POLYGLOT_SCAN_BYTES = 4096


def clean_document_upload(uploaded_file: UploadedFile) -> ContentFile:
    """Validate an uploaded attachment and return it under a random name.

    The returned ContentFile is named ``<uuid4 hex>.<ext>``, ``ext`` being what
    the content is (pdf, doc, docx, xls, xlsx, ppt, pptx, odt, ods, odp, zip,
    jpg, png, webp), and carries the sanitised name the user gave the file as
    ``original_name`` (for showing and as the download name). Images are
    re-encoded by ``clean_image_upload`` (so its 5 MB limit applies to them).

    Raises ValidationError with one of the codes ``file_too_large``,
    ``empty_file``, ``unsupported_document_type`` or ``invalid_document``, or
    for images ``invalid_image`` or ``image_too_many_pixels``.
    """
    if uploaded_file.size is not None:
        # The size is known from the upload handler: refuse before reading.
        if uploaded_file.size > MAX_DOCUMENT_BYTES:
            raise _document_too_large()
        if uploaded_file.size == 0:
            raise _document_empty()
    uploaded_file.seek(0)
    # Read one byte more than allowed, in case the size was unknown or wrong.
    data = uploaded_file.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise _document_too_large()
    if not data:
        raise _document_empty()

    if _looks_like_image(data):
        try:
            cleaned = clean_image_upload(uploaded_file)
        except ValidationError as exc:
            if exc.code == "unsupported_image_type":
                raise _document_unsupported() from exc
            raise
        extension = PurePosixPath(cleaned.name).suffix.lstrip(".")
    else:
        extension = _document_extension(data)
        cleaned = ContentFile(data, name=f"{uuid.uuid4().hex}.{extension}")
    cleaned.original_name = _original_name(getattr(uploaded_file, "name", ""), extension)
    return cleaned


def content_type_for(name: str) -> str:
    """The MIME type of a stored attachment, from its (generated) extension."""
    return _DOCUMENT_CONTENT_TYPES.get(PurePosixPath(name).suffix.lower(), "application/octet-stream")


def serve_private_document(field_file, *, download_name: str | None) -> FileResponse:
    """Answer with a stored attachment as a download. The caller must have checked permissions.

    The download name is ``download_name`` (normally the ``original_name``
    kept at upload) cleaned for the header; it is given the stored file's
    extension when it does not already have it, so that a PDF is never saved
    on the user's computer as ``something.html``.
    """
    stored = PurePosixPath(field_file.name)
    filename = _with_extension(_safe_download_name(download_name) or stored.name, stored.suffix.lower())
    return _private_response(
        field_file, as_attachment=True, filename=filename, content_type=content_type_for(field_file.name)
    )


def _with_extension(filename: str, extension: str) -> str:
    if extension not in _DOCUMENT_CONTENT_TYPES:
        return filename
    if PurePosixPath(filename).suffix.lower() in _EXTENSION_ALIASES.get(extension, {extension}):
        return filename
    return filename + extension


def _looks_like_image(data: bytes) -> bool:
    return (
        data.startswith(b"\xff\xd8\xff")
        or data.startswith(b"\x89PNG\r\n\x1a\n")
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
    )


def _document_extension(data: bytes) -> str:
    """The extension for a document that is not an image, or a ValidationError."""
    if data.startswith(b"%PDF-"):
        if _HTML_MARKUP.search(data, 0, _POLYGLOT_SCAN_BYTES):
            # A PDF that is also a web page: a browser that ever sniffed it
            # would run it. No real PDF has HTML markup in its first kilobytes.
            raise _document_unsupported()
        return "pdf"
    if data.startswith(_OLE_MAGIC):
        extension = _ole_extension(data)
        if extension is None:
            raise _document_unsupported()
        return extension
    if data.startswith(b"PK\x03\x04"):
        return _zip_extension(data)
    raise _document_unsupported()


def _ole_extension(data: bytes) -> str | None:
    names = _ole_root_stream_names(data)
    if not names or not any(stream in names for stream, _ in _OLE_STREAMS):
        # A file whose sector chains cannot be followed: look for the
        # directory entries where they usually are, near the start.
        names = _ole_names_near_start(data)
    for stream, extension in _OLE_STREAMS:
        if stream in names:
            return extension
    return None


def _ole_root_stream_names(data: bytes) -> set[str] | None:
    """Names of the streams in the root storage of an OLE2 file, or None if it is malformed.

    Follows the sector allocation table to the directory, wherever it is (big
    files written by Excel often keep it at the end). Every loop is bounded by
    the number of sectors or entries, so hostile chains cannot make it spin.
    """
    try:
        sector_shift = struct.unpack_from("<H", data, 30)[0]
        if sector_shift not in (9, 12):
            return None
        sector_size = 1 << sector_shift
        sector_count = (len(data) - 1) // sector_size  # the header takes the first sector's place
        per_sector = sector_size // 4

        def sector(number: int) -> bytes:
            if number >= sector_count:
                raise ValueError("sector outside the file")
            start = (number + 1) * sector_size
            return data[start : start + sector_size]

        # The sectors that hold the allocation table: 109 listed in the
        # header, the rest in a chain of "DIFAT" sectors.
        fat_sectors = [n for n in struct.unpack_from("<109I", data, 76) if n <= _OLE_MAX_REGULAR_SECTOR]
        difat, seen = struct.unpack_from("<I", data, 68)[0], set()
        while difat <= _OLE_MAX_REGULAR_SECTOR:
            if difat in seen:
                return None
            seen.add(difat)
            listed = struct.unpack(f"<{per_sector}I", sector(difat))
            fat_sectors.extend(n for n in listed[:-1] if n <= _OLE_MAX_REGULAR_SECTOR)
            difat = listed[-1]

        def next_sector(number: int) -> int:
            fat_index, slot = divmod(number, per_sector)
            return struct.unpack_from("<I", sector(fat_sectors[fat_index]), slot * 4)[0]

        directory, current, seen = bytearray(), struct.unpack_from("<I", data, 48)[0], set()
        while current <= _OLE_MAX_REGULAR_SECTOR:
            if current in seen:
                return None
            seen.add(current)
            directory += sector(current)
            current = next_sector(current)

        entry_count = len(directory) // 128
        if entry_count == 0 or directory[66] != 5:  # entry 0 is the root storage
            return None
        # The root's children form a tree through their left/right siblings.
        names, visited, pending = set(), set(), [struct.unpack_from("<I", directory, 76)[0]]
        while pending:
            index = pending.pop()
            if index >= entry_count or index in visited:
                continue
            visited.add(index)
            offset = index * 128
            left, right = struct.unpack_from("<II", directory, offset + 68)
            pending += [left, right]
            if directory[offset + 66] == 2:  # a stream, not a storage
                names.add(_ole_entry_name(directory, offset))
        return names
    except (struct.error, ValueError, IndexError):
        return None


def _ole_names_near_start(data: bytes) -> set[str]:
    """Names of the directory entries found in the first 64 KiB.

    Directory entries are 128 bytes long and sectors start at multiples of
    512, so only 128-byte aligned places are looked at.
    """
    limit = min(len(data), _OLE_SCAN_BYTES) - 128
    return {_ole_entry_name(data, offset) for offset in range(512, limit + 1, 128)} - {""}


def _ole_entry_name(directory: bytes, offset: int) -> str:
    # The name is UTF-16LE, its length in bytes (with the final NUL) follows it.
    length = struct.unpack_from("<H", directory, offset + 64)[0]
    if length < 2 or length > 64 or length % 2:
        return ""
    return bytes(directory[offset : offset + length - 2]).decode("utf-16-le", errors="replace")


def _zip_extension(data: bytes) -> str:
    """docx/xlsx/pptx, odt/ods/odp or zip, from the archive's table of contents."""
    if not zipfile.is_zipfile(BytesIO(data)):
        raise _document_invalid()
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            entries = archive.infolist()
            check_archive_entries(entries)
            opendocument = _opendocument_extension(archive, entries)
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - zipfile raises many types on hostile input; all mean "damaged"
        raise _document_invalid() from exc
    if opendocument:
        return opendocument
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" in names:
        for folder, extension in _OFFICE_OPEN_XML_FOLDERS:
            if any(name.startswith(folder) for name in names):
                return extension
    return "zip"


def check_archive_entries(entries: list[zipfile.ZipInfo]) -> None:
    """Refuse a ZIP (Office files are ZIPs) that would unpack to too much: a zip bomb.

    Only the table of contents is read. The sizes it declares are safe to
    trust: Python's zipfile never inflates an entry past its declared size
    (and fails on the checksum if the entry holds more), so whoever opens
    the archive later gets at most what was checked here.
    """
    if len(entries) > settings.ARCHIVE_MAX_ENTRIES:
        raise ValidationError(
            _("The archive has too many files: at most %(count)d are allowed."),
            code="archive_too_many_entries",
            params={"count": settings.ARCHIVE_MAX_ENTRIES},
        )
    total = sum(entry.file_size for entry in entries)
    if total > settings.ARCHIVE_MAX_UNCOMPRESSED_BYTES:
        raise _archive_too_large()
    for entry in entries:
        # Small entries of repetitive XML compress very well and are harmless;
        # the ratio only matters where the unpacked size does.
        if entry.file_size > _RATIO_GRACE_BYTES and entry.file_size > settings.ARCHIVE_MAX_RATIO * max(
            entry.compress_size, 1
        ):
            raise _archive_too_large()


def _archive_too_large() -> ValidationError:
    return ValidationError(
        _("The archive unpacks to too much data (at most %(max_mb)s MB, compressed at most %(ratio)s times)."),
        code="archive_too_large",
        params={
            "max_mb": settings.ARCHIVE_MAX_UNCOMPRESSED_BYTES // (1024 * 1024),
            "ratio": settings.ARCHIVE_MAX_RATIO,
        },
    )


def _opendocument_extension(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> str | None:
    # An OpenDocument file starts with an uncompressed "mimetype" entry. Only
    # that small, stored entry is ever read: nothing is decompressed.
    if not entries:
        return None
    first = entries[0]
    if first.filename != "mimetype" or first.compress_type != zipfile.ZIP_STORED or first.file_size > 100:
        return None
    if first.flag_bits & 0x1:  # encrypted
        return None
    return _OPENDOCUMENT_TYPES.get(archive.read(first).strip())


def _sanitised_name(name) -> str:
    """The base name of an uploaded file, fit to show and to send in a header; may be empty."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = []
    for char in name:
        category = unicodedata.category(char)
        # No control or format characters (newlines, right-to-left override...).
        if category[0] == "C" or category in ("Zl", "Zp"):
            continue
        kept.append(" " if category == "Zs" else char)
    name = "".join(kept).strip()
    if name in (".", ".."):
        return ""
    if len(name) > MAX_DOCUMENT_NAME_LENGTH:
        # Shorten the stem and keep a short extension.
        stem, dot, suffix = name.rpartition(".")
        if dot and stem and len(suffix) <= 10:
            name = stem[: MAX_DOCUMENT_NAME_LENGTH - len(suffix) - 1].rstrip() + "." + suffix
        else:
            name = name[:MAX_DOCUMENT_NAME_LENGTH].rstrip()
    return name


def _original_name(name, extension: str) -> str:
    return _sanitised_name(name) or f"附件.{extension}"


def _document_too_large() -> ValidationError:
    return ValidationError(
        _("The file is too large: an attachment may be at most %(max_mb)s MB."),
        code="file_too_large",
        params={"max_mb": _DOCUMENT_MAX_MB},
    )


def _document_empty() -> ValidationError:
    return ValidationError(_("The file is empty. Please choose the file again."), code="empty_file")


def _document_unsupported() -> ValidationError:
    return ValidationError(
        _(
            "This type of file is not accepted. Please upload a PDF, a Word, Excel or PowerPoint document "
            "(.doc, .docx, .xls, .xlsx, .ppt, .pptx), an OpenDocument file (.odt, .ods, .odp), "
            "a JPEG, PNG or WebP picture, or a ZIP archive."
        ),
        code="unsupported_document_type",
    )


def _document_invalid() -> ValidationError:
    return ValidationError(
        _("The file is damaged or incomplete. Please upload the original file again."),
        code="invalid_document",
    )


def _document_help_text() -> str:
    return gettext("PDF, Office documents, images or ZIP, at most %(max_mb)s MB each.") % {"max_mb": _DOCUMENT_MAX_MB}


class MultipleDocumentInput(forms.FileInput):
    """A file input for several files. A plain FileInput: private files have no URL to link to."""

    allow_multiple_selected = True


class MultipleDocumentField(forms.FileField):
    """Several attachments in one file input, each checked by ``clean_document_upload``.

    Optional unless ``required=True``. The cleaned value is a list of
    ContentFiles (empty when nothing was sent), each with ``original_name``.
    A refused file's errors start with its name, so the user knows which one.
    """

    def __init__(self, *, max_files: int = 5, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("widget", MultipleDocumentInput(attrs={"accept": DOCUMENT_ACCEPT}))
        kwargs.setdefault("help_text", lazy(_document_help_text, str)())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > self.max_files:
            raise ValidationError(
                _("Too many files: at most %(count)d are allowed."),
                code="too_many_files",
                params={"count": self.max_files},
            )
        cleaned, errors = [], []
        for upload in files:
            try:
                cleaned.append(clean_document_upload(upload))
            except ValidationError as exc:
                errors.extend(_errors_naming_the_file(upload, exc))
        if errors:
            raise ValidationError(errors)
        return cleaned


def _errors_naming_the_file(upload, exc: ValidationError) -> list[ValidationError]:
    name = _sanitised_name(getattr(upload, "name", ""))
    if not name:
        return exc.error_list
    return [
        ValidationError(
            _("%(name)s: %(reason)s"),
            code=error.code,
            # Translated when shown, like the message it goes into.
            params={"name": name, "reason": _lazy_interpolate(error.message, error.params or {})},
        )
        for error in exc.error_list
    ]


def _interpolate(message, params) -> str:
    return str(message) % params if params else str(message)


_lazy_interpolate = lazy(_interpolate, str)
