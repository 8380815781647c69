"""Measure pages against the bare /healthz view, under the same gunicorn, in one run.

    make bench            # PostgreSQL database smeportal_bench, 100,000 services

Prints, for each page, requests per second with 4 concurrent clients and the
median / 95th percentile latency, and the ratio to /healthz measured in the
same run (a page's cost over the server's own floor). Only 127.0.0.1 is ever
contacted; every loop is bounded in requests and time.
"""

import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the bench opens sessions through the project's own models
PORT = int(os.environ.get("BENCH_PORT", "8765"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "400"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
TIME_LIMIT = 60.0  # seconds per page at most

PAGES = [
    ("bare view /healthz", "/healthz"),
    ("找服务 (newest)", "/services/"),
    ("找服务 q=法律 (2 chars)", "/services/?q=%E6%B3%95%E5%BE%8B"),
    ("找服务 q=税 (1 char)", "/services/?q=%E7%A8%8E"),
    ("找服务 q=知识产权 (4 chars)", "/services/?q=%E7%9F%A5%E8%AF%86%E4%BA%A7%E6%9D%83"),
    ("找服务 category+price sort", "/services/?category=legal&sort=price"),
    ("找服务 page 50", "/services/?page=50"),
    ("找机构", "/services/institutions/"),
    ("home page", "/"),
    ("我申请的订单 (heavy enterprise)", "/orders/", "bench_enterprise"),
    ("我申请的订单 page 40", "/orders/?page=40", "bench_enterprise"),
    ("收到的订单 待受理 (heavy institution)", "/orders/tab/submitted/", "bench_institution"),
    ("order detail", "ORDER", "bench_enterprise"),
]


def session_cookie(username: str) -> str:
    """A logged-in session for a bench user, made directly in the session store."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smeportal.settings")
    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User

    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def an_order_path(username: str) -> str:
    from accounts.models import User
    from orders.models import Order

    user = User.objects.get(username=username)
    return f"/orders/{Order.objects.filter(enterprise_id=user.organisation_id).values_list('pk', flat=True)[0]}/"


def measure(path: str, cookie: str = "") -> tuple[float, float, float]:
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + TIME_LIMIT
    per_client = REQUESTS // CONCURRENCY

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        for _ in range(per_client):
            if time.monotonic() > deadline:
                break
            started = time.perf_counter()
            connection.request("GET", path, headers={"Host": "localhost", "Cookie": cookie})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status}")
            with lock:
                latencies.append(time.perf_counter() - started)
        connection.close()

    # Warm up (connections, caches), then measure.
    for _ in range(5):
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        connection.request("GET", path, headers={"Host": "localhost", "Cookie": cookie})
        connection.getresponse().read()
        connection.close()
    threads = [threading.Thread(target=client) for _ in range(CONCURRENCY)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    return len(latencies) / elapsed, statistics.median(latencies) * 1000, p95 * 1000


def main() -> int:
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-secret"),
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_HSTS_SECONDS": "0",
    }
    env.pop("DJANGO_DEBUG", None)
    # The bench's own sessions are signed with the same key as the server's.
    os.environ.update(env)
    os.environ.pop("DJANGO_DEBUG", None)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "smeportal.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(50):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        print(f"{'page':<32} {'req/s':>8} {'median ms':>10} {'p95 ms':>8} {'x /healthz':>10}")
        baseline = None
        for label, path, *user in PAGES:
            cookie = session_cookie(user[0]) if user else ""
            if path == "ORDER":
                path = an_order_path(user[0])
            rate, median, p95 = measure(path, cookie)
            baseline = baseline or median
            print(f"{label:<32} {rate:>8.1f} {median:>10.1f} {p95:>8.1f} {median / baseline:>10.1f}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
