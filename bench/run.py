"""Measure pages against the bare /healthz view, under the same gunicorn, in one run.

    make bench            # PostgreSQL database $(BENCH_DB), full size (see bench/generate.py)

For each page, BENCH_ROUNDS (3) interleaved rounds: /healthz, then the page, then
/healthz again ..., each with BENCH_CONCURRENCY (4) clients. A round's ratio is the
page's requests per second over /healthz's of the same round, so load from
elsewhere on the machine hits both sides; the table shows the median ratio with
its min–max, the page's p50 / p99 latency over all rounds, errors (non-200
answers) and the SQL statements one uncached request makes (in-process, the
page cache off), then whether the issue's target held.

Then the 监管看板 pages, timed in-process with a cold cache; order transitions
(受理: lock, log row, notification, e-mail queued) per second from 2 processes;
and each gunicorn worker's RSS after all of it. Only 127.0.0.1 is ever
contacted; every loop is bounded in requests and time.
"""

import http.client
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the bench opens sessions through the project's own models
PORT = int(os.environ.get("BENCH_PORT", "8765"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "4"))
ROUNDS = max(3, int(os.environ.get("BENCH_ROUNDS", "3")))
WRITE_SECONDS = float(os.environ.get("BENCH_WRITE_SECONDS", "10"))
TIME_LIMIT = 30.0  # seconds per measurement at most

# label, path, user or "", target ratio to /healthz
PAGES = [
    ("找服务 (newest)", "/services/", "", 0.15),
    ("找服务 q=法律 (2 chars)", "/services/?q=%E6%B3%95%E5%BE%8B", "", 0.15),
    ("找服务 q=税 (1 char)", "/services/?q=%E7%A8%8E", "", 0.15),
    ("找服务 q=知识产权 (4 chars)", "/services/?q=%E7%9F%A5%E8%AF%86%E4%BA%A7%E6%9D%83", "", 0.15),
    ("找服务 category+price sort", "/services/?category=legal&sort=price", "", 0.15),
    ("找服务 page 50", "/services/?page=50", "", 0.15),
    ("找机构", "/services/institutions/", "", 0.15),
    ("需求大厅", "/demands/", "", 0.15),
    ("home page", "/", "", 0.3),
    ("我申请的订单 (heavy enterprise)", "/orders/", "bench_enterprise", 0.1),
    ("我申请的订单 page 40", "/orders/?page=40", "bench_enterprise", 0.1),
    ("收到的订单 待受理 (heavy inst.)", "/orders/tab/submitted/", "bench_institution", 0.1),
    ("order detail", "ORDER", "bench_enterprise", 0.1),
]
DASHBOARD = [
    ("监管看板 overview", "/supervision/dashboard/"),
    ("运行数据", "/supervision/dashboard/economy/"),
]
DASHBOARD_LIMIT_MS = 300
WRITE_TARGET = 200  # transitions per second
RSS_LIMIT_MB = 150


def setup_django():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smeportal.settings")
    django.setup()


def session_cookie(username: str) -> str:
    """A logged-in session for a bench user, made directly in the session store."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    from accounts.models import User

    user = User.objects.get(username=username)
    session = import_string(settings.SESSION_ENGINE + ".SessionStore")()
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


def statements(path: str, username: str) -> int:
    """SQL statements of one request with the page cache off (what a miss costs)."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    client = Client(HTTP_HOST="localhost")
    if username:
        client.force_login(User.objects.get(username=username))
    with override_settings(PAGE_CACHE_SECONDS=0), CaptureQueriesContext(connection) as queries:
        client.get(path)
    return len(queries)


def measure(path: str, cookie: str = "") -> tuple[float, list[float], int]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + TIME_LIMIT
    per_client = REQUESTS // CONCURRENCY

    def client():
        nonlocal errors
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        for _ in range(per_client):
            if time.monotonic() > deadline:
                break
            started = time.perf_counter()
            connection.request("GET", path, headers={"Host": "localhost", "Cookie": cookie})
            response = connection.getresponse()
            response.read()
            with lock:
                latencies.append(time.perf_counter() - started)
                errors += response.status != 200
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(CONCURRENCY)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.perf_counter() - started), latencies, errors


def warm(path: str, cookie: str) -> None:
    for _ in range(5):
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        connection.request("GET", path, headers={"Host": "localhost", "Cookie": cookie})
        connection.getresponse().read()
        connection.close()


def percentile(values: list[float], fraction: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * fraction))] * 1000


def bench_pages() -> bool:
    print(
        f"{'page':<34} {'ratio':>6} {'min–max':>13} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'err':>4} "
        f"{'SQL':>4} {'target':>7}"
    )
    held = True
    cookies = {}
    for label, path, user, target in PAGES:
        if user and user not in cookies:
            cookies[user] = session_cookie(user)
        cookie = cookies.get(user, "")
        if path == "ORDER":
            path = an_order_path(user)
        warm("/healthz", "")
        warm(path, cookie)
        ratios, latencies, errors, rates = [], [], 0, []
        for _ in range(ROUNDS):
            bare, _latencies, _errors = measure("/healthz")
            rate, page_latencies, page_errors = measure(path, cookie)
            ratios.append(rate / bare)
            rates.append(rate)
            latencies += page_latencies
            errors += page_errors
        ratio = statistics.median(ratios)
        ok = ratio >= target and errors == 0
        held &= ok
        print(
            f"{label:<34} {ratio:>6.3f} {min(ratios):>6.3f}–{max(ratios):<6.3f} {statistics.median(rates):>7.1f} "
            f"{percentile(latencies, 0.5):>7.1f} {percentile(latencies, 0.99):>7.1f} {errors:>4} "
            f"{statements(path, user):>4} {'≥' + str(target):>5} {'ok' if ok else 'MISSED'}",
            flush=True,
        )
    return held


def bench_dashboard() -> bool:
    """Server time of the dashboard pages with a cold cache (in-process, median of 3)."""
    from django.core.cache import cache
    from django.test import Client

    from accounts.models import User

    client = Client(HTTP_HOST="localhost")
    admin = User.objects.get(username="bench_admin")
    held = True
    for label, path in DASHBOARD:
        times = []
        for _ in range(3):
            cache.clear()
            client.force_login(admin)  # again: sessions may live in the cache just cleared
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: HTTP {response.status_code}")
        ok = statistics.median(times) <= DASHBOARD_LIMIT_MS
        held &= ok
        print(
            f"{label:<34} server {statistics.median(times):>7.1f} ms (min {min(times):.1f}, max {max(times):.1f}), "
            f"target ≤{DASHBOARD_LIMIT_MS} ms {'ok' if ok else 'MISSED'}",
            flush=True,
        )
    return held


def _accept_orders(ids: list[int], seconds: float, done) -> None:
    setup_django()
    from django.db import connection

    from accounts.models import User
    from orders.actions import order_accept
    from orders.models import Order

    connection.close()  # a fresh connection, not the parent's
    actor = User.objects.get(username="bench_institution")
    count = 0
    started = time.perf_counter()  # after Django's start-up, which is not what is measured
    for pk in ids:
        if time.perf_counter() - started > seconds:
            break
        order_accept(order=Order.objects.get(pk=pk), actor=actor)
        count += 1
    done.put((count, time.perf_counter() - started))


def bench_writes(*, private_redis: bool) -> bool:
    """受理 (order_accept) from 2 processes for WRITE_SECONDS: transitions per second."""
    import redis

    from accounts.models import User
    from notifications.models import Notification
    from orders.models import Order

    institution = User.objects.get(username="bench_institution").organisation_id
    enterprise = User.objects.get(username="bench_enterprise")
    # Orders between the two bench users: each 受理 writes a 站内消息 for bench_enterprise,
    # who has an e-mail address, so an e-mail is queued too, as for a real enterprise.
    pair = Order.objects.filter(institution_id=institution, enterprise_id=enterprise.organisation_id)
    # A rerun on the same database first puts the orders an earlier run accepted back to
    # 待受理 (the generator leaves only about 1,300 of them at full size).
    pair.filter(status="in_service").update(status="submitted", accepted_at=None)
    ids = list(pair.filter(status="submitted").values_list("pk", flat=True)[:20000])
    if len(ids) < 20:
        print("order transitions: fewer than 20 orders to accept, not measured (generate more orders)")
        return False
    # The e-mails go onto a real queue (the bench's private Redis, no worker reading it), as
    # in production; without it they are sent eagerly through the console backend.
    broker = _bench_broker_url() if private_redis else None
    notified_before = Notification.objects.filter(recipient=enterprise).count()
    context = multiprocessing.get_context("spawn")
    done = context.Queue()
    workers = [context.Process(target=_accept_orders, args=(ids[i::2], WRITE_SECONDS, done)) for i in range(2)]
    if broker:
        os.environ["CELERY_BROKER_URL"] = broker
    try:
        for worker in workers:
            worker.start()
    finally:
        os.environ.pop("CELERY_BROKER_URL", None)
    results = [done.get(timeout=WRITE_SECONDS + 120) for _ in workers]
    for worker in workers:
        worker.join()
    total = sum(count for count, _elapsed in results)
    rate = sum(count / elapsed for count, elapsed in results if elapsed)
    notified = Notification.objects.filter(recipient=enterprise).count() - notified_before
    # kombu's Redis transport keeps each queue as a list named after it.
    queued = redis.Redis.from_url(broker).llen("celery") if broker else "sent eagerly"
    ok = rate >= WRITE_TARGET and notified == total
    print(
        f"{'order transitions (受理), 2 procs':<34} {rate:>7.1f}/s ({total} in {WRITE_SECONDS:.0f} s window; "
        f"{notified} notifications, e-mails queued: {queued}), target ≥{WRITE_TARGET}/s {'ok' if ok else 'MISSED'}",
        flush=True,
    )
    if broker:
        redis.Redis.from_url(broker).flushdb()
    return ok


def _bench_broker_url() -> str:
    """Database 1 of the bench's private Redis (its cache is database 0), emptied."""
    import redis

    url = os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/1"
    redis.Redis.from_url(url).flushdb()
    return url


def worker_rss(server_pid: int) -> list[float]:
    children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def start_redis():
    """The cache as in production: a private redis-server for the run, unless REDIS_URL is
    set or BENCH_REDIS=0 (then the database cache, as without Redis)."""
    binary = shutil.which("redis-server")
    if os.environ.get("REDIS_URL") or os.environ.get("BENCH_REDIS") == "0" or not binary:
        return None
    port = os.environ.get("BENCH_REDIS_PORT", "6391")
    process = subprocess.Popen(
        [binary, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    os.environ["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
    time.sleep(0.5)
    return process


def main() -> int:
    redis = start_redis()
    print(f"cache: {os.environ.get('REDIS_URL') or 'database'}")
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
    setup_django()
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
    held = True
    try:
        for _ in range(50):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        held &= bench_pages()
        held &= bench_dashboard()
        held &= bench_writes(private_redis=redis is not None)
        sizes = worker_rss(server.pid)
        ok = bool(sizes) and max(sizes) <= RSS_LIMIT_MB
        held &= ok
        print(
            f"{'worker RSS after the bench':<34} {', '.join(f'{s:.0f} MB' for s in sizes)}, "
            f"target ≤{RSS_LIMIT_MB} MB {'ok' if ok else 'MISSED'}"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=10)
    print("every target held" if held else "some targets were MISSED (see above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
