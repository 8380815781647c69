"""Health endpoints, answered before any other middleware runs.

/healthz: the process is up (no database, no session): load balancers and the
benchmarks' bare baseline. /readyz: the database, the cache, the Celery broker
(when one is configured) and the media storage (public and private) answer.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpResponse

logger = logging.getLogger(__name__)


def _database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return True


def _cache() -> bool:
    cache.set("readyz", "ok", 5)
    return cache.get("readyz") == "ok"


def _broker() -> bool:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True  # tasks run in the process: nothing to reach
    from smeportal.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return True


def _storage(storage) -> bool:
    # Write, read back and delete a small file: a shared folder that went away (NFS)
    # or a bucket we may not write to fails here, not in the user's upload.
    name = storage.save(f"readyz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with storage.open(name, "rb") as handle:
            return handle.read() == b"ok"
    finally:
        storage.delete(name)


def _media() -> bool:
    from smeportal.uploads import PrivateStorage

    return _storage(default_storage) and _storage(PrivateStorage())


CHECKS = {"database": _database, "cache": _cache, "broker": _broker, "media": _media}


def _failures() -> list[str]:
    failed = []
    for name, check in CHECKS.items():
        try:
            if not check():
                failed.append(name)
        except Exception:  # noqa: BLE001  any failure means "not ready"
            logger.warning("readyz: %s check failed", name, exc_info=True)
            failed.append(name)
    return failed


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return HttpResponse("ok", content_type="text/plain")
        if request.path == "/readyz":
            failed = _failures()
            if not failed:
                return HttpResponse("ok", content_type="text/plain")
            return HttpResponse("unavailable: " + ", ".join(failed), content_type="text/plain", status=503)
        return self.get_response(request)
