"""The request id: taken from nginx's X-Request-ID (or made here), put on every log
line of the request and of the Celery tasks it queues, and sent back to the client.

One id follows a user's click from nginx's access log through the app server's log
to the worker that sent the e-mail.
"""

import contextvars
import logging
import re
import uuid

_request_id = contextvars.ContextVar("request_id", default="-")
# What nginx's $request_id looks like (32 hex digits), or a UUID; anything else
# (a header a client made up to break log parsing) is replaced.
_VALID = re.compile(r"^[A-Za-z0-9-]{8,64}$")
HEADER = "X-Request-ID"


def current_request_id() -> str:
    return _request_id.get()


def set_request_id(value: str | None) -> contextvars.Token:
    """Use `value` as the current request id when it looks like one, a new id otherwise."""
    if not value or not _VALID.match(value):
        value = uuid.uuid4().hex
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token) -> None:
    _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record ("-" outside a request or task)."""

    def filter(self, record):
        record.request_id = _request_id.get()
        return True


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_request_id(request.headers.get(HEADER))
        try:
            request.request_id = current_request_id()
            response = self.get_response(request)
            response[HEADER] = request.request_id
            return response
        finally:
            reset_request_id(token)
