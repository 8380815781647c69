"""The 500 handler: a database that does not answer (restarting, failing over) is a
clean 503 page the user can retry, not a server error.

Django calls handler500 inside its `except` block, so the exception is the one
being handled. Persistent connections are health-checked at the start of each
request (conn_health_checks), so the app recovers by itself once the database is
back, without a restart.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10


def database_unavailable(exc: BaseException | None) -> bool:
    """The exception, or one it was raised from (a few levels), is a lost database connection."""
    for _level in range(5):
        if exc is None:
            return False
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def handler500(request, *args, **kwargs):
    if database_unavailable(sys.exc_info()[1]):
        logger.warning("database unavailable: answered 503 for %s", request.path)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return server_error(request, *args, **kwargs)
