"""A cap on the size of a request body, applied before the body is read.

Without it Django reads a whole multipart body (spooling files to disk) before
any form can say a file is too large, so a 150 MB upload would be received in
full. The upload handler runs first, sees the declared Content-Length and
refuses a body larger than ``settings.REQUEST_BODY_MAX_BYTES`` without reading a
byte of it; ``bad_request`` turns that refusal into a 413 page in Chinese.
WSGI servers never hand Django more than the declared length, so the check
cannot be bypassed by sending more than declared.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.shortcuts import render
from django.views import defaults


class RequestBodyTooLarge(RequestDataTooBig):
    """The body is larger than the portal ever takes (Django answers it through handler400)."""


class RequestBodyLimitUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):  # noqa: N803 (Django's name)
        if content_length > settings.REQUEST_BODY_MAX_BYTES:
            raise RequestBodyTooLarge(f"request body of {content_length} bytes refused")
        return None  # let the next handlers parse the body

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


def bad_request(request, exception, template_name="400.html"):
    """handler400: a too large body gets a page saying so; other bad requests Django's answer."""
    if isinstance(exception, RequestBodyTooLarge):
        context = {"max_mb": settings.REQUEST_BODY_MAX_BYTES // (1024 * 1024)}
        return render(request, "413.html", context, status=413)
    return defaults.bad_request(request, exception, template_name)
