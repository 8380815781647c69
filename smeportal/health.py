"""Health endpoints, answered before any other middleware runs.

/healthz: the process is up (no database, no session): load balancers and the
benchmarks' bare baseline. /readyz: the database and the cache answer.
"""

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse


def _ready() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        cache.set("readyz", "ok", 5)
        return cache.get("readyz") == "ok"
    except Exception:  # noqa: BLE001  any failure means "not ready"
        return False


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return HttpResponse("ok", content_type="text/plain")
        if request.path == "/readyz":
            if _ready():
                return HttpResponse("ok", content_type="text/plain")
            return HttpResponse("unavailable", content_type="text/plain", status=503)
        return self.get_response(request)
