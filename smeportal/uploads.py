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
import threading
import uuid
import warnings
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
    # A fresh handle from the storage, so the model instance's FieldFile is
    # left alone; FileResponse closes it when the response is finished.
    response = FileResponse(
        field_file.storage.open(field_file.name, "rb"),
        as_attachment=as_attachment,
        filename=filename,
        content_type=content_type,
    )
    # Never let a browser guess another type, run scripts, or keep a copy.
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
