"""Real processes on loopback for the multi-machine tests: nginx, gunicorn, a Celery
worker, a fake SMTP server, a throwaway PostgreSQL cluster.

Every process binds to 127.0.0.1 on a port chosen at run time, lives in a tmp dir
and is killed by the fixture that started it; every wait is bounded in time.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
# The cluster's Redis databases (sessions/cache and broker), on a private redis-server of
# its own: two clusters on two xdist workers once shared the machine's Redis, and each
# Celery worker took the other's tasks (for a notification its database did not have).
REDIS_CACHE_DB, REDIS_BROKER_DB = 0, 1
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def wait_until(predicate, *, timeout: float, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def require(binary_ok: bool, message: str) -> None:
    """A missing nginx or Redis fails under CI and skips (with the reason) elsewhere."""
    if binary_ok:
        return
    if os.environ.get("CI"):
        pytest.fail(message + " (CI must run these tests: scripts/ensure-system-deps, .ci/run)")
    pytest.skip(message)


def redis_up() -> bool:
    return port_open(REDIS_PORT)


def flush_redis(db: int) -> None:
    import redis

    redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=db).flushdb()


def private_redis(port: int, tmp: Path) -> "Proc":
    """A redis-server on `port` for one fixture only, nothing written to disk."""
    proc = Proc(
        "redis",
        [REDIS_SERVER, "--port", str(port), "--bind", REDIS_HOST, "--save", "", "--appendonly", "no"],
        env=dict(os.environ),
        cwd=tmp,
        log_dir=tmp,
    ).start()
    wait_until(lambda: port_open(port), timeout=30, what="the private redis-server")
    return proc


class Proc:
    """A child process in its own process group, its output in a log file."""

    def __init__(self, name: str, args: list[str], *, env: dict, cwd: Path, log_dir: Path):
        self.name, self.args, self.env, self.cwd = name, args, env, cwd
        self.log_path = log_dir / f"{name}.log"
        self.popen = None

    def start(self):
        log = open(self.log_path, "ab")  # noqa: SIM115  closed with the process
        self.popen = subprocess.Popen(  # noqa: S603  our own fixed command lines
            self.args, env=self.env, cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        return self

    def kill(self, sig=signal.SIGKILL):
        if self.popen and self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, sig)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)

    def stop(self):
        self.kill(signal.SIGTERM)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def child_pids(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


# --- fake SMTP -----------------------------------------------------------------


class FakeSMTP:
    """A minimal SMTP server in this process: records each message it accepted.

    Clearing `release` makes it wait before answering DATA (it sets `hold` when a
    sender is waiting), so a test can kill the worker in the middle of sending;
    a message is only recorded once its data ended, as a real server delivers it.
    """

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages: list[bytes] = []
        self.connections = 0
        self.hold = threading.Event()
        self.release = threading.Event()
        self.release.set()
        self._server = None

    def message_ids(self) -> list[str]:
        found = []
        for message in self.messages:
            match = re.search(rb"^Message-ID:\s*(<[^>]+>)", message, re.MULTILINE | re.IGNORECASE)
            found.append(match.group(1).decode() if match else "")
        return found

    def start(self):
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = 30

            def handle(self):
                outer.connections += 1
                self.wfile.write(b"220 fake ESMTP\r\n")
                data, in_data = [], False
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    if in_data:
                        if line in (b".\r\n", b".\n"):
                            in_data = False
                            outer.messages.append(b"".join(data))
                            data = []
                            self.wfile.write(b"250 queued\r\n")
                        else:
                            data.append(line)
                        continue
                    command = line[:4].upper()
                    if command in (b"EHLO", b"HELO"):
                        self.wfile.write(b"250 fake\r\n")
                    elif command == b"DATA":
                        outer.hold.set()
                        # Bounded: a test that holds releases within 30 s.
                        if not outer.release.wait(timeout=30):
                            return
                        in_data = True
                        self.wfile.write(b"354 go on\r\n")
                    elif command == b"QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    else:
                        self.wfile.write(b"250 ok\r\n")

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        return self

    def stop(self):
        if self._server:
            self.release.set()
            self._server.shutdown()
            self._server.server_close()
            self._server = None


# --- HTTP with a cookie jar that ignores Secure (plain http on loopback) ----------


class Browser:
    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, base_url: str | None = None, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers.setdefault("Referer", (base_url or self.base_url) + path)
            if "csrftoken" in self.cookies:
                kwargs.setdefault("data", {})
                kwargs["data"].setdefault("csrfmiddlewaretoken", self.cookies["csrftoken"])
        response = requests.request(
            method, (base_url or self.base_url) + path, headers=headers, allow_redirects=False, timeout=30, **kwargs
        )
        for header in response.raw.headers.getlist("Set-Cookie"):
            cookie = SimpleCookie()
            cookie.load(header)
            for key, morsel in cookie.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def login(self, username: str, password: str, *, base_url: str | None = None) -> requests.Response:
        page = self.get("/accounts/login/", base_url=base_url)
        assert page.status_code == 200, page.status_code
        hashkey = re.search(r'name="captcha_0"[^>]*value="([0-9a-f]+)"', page.text) or re.search(
            r'value="([0-9a-f]+)"[^>]*name="captcha_0"', page.text
        )
        assert hashkey, "no captcha on the login page"
        return self.post(
            "/accounts/login/",
            base_url=base_url,
            data={"login": username, "password": password, "captcha_0": hashkey.group(1), "captcha_1": "PASSED"},
        )


# --- the app's environment and processes -------------------------------------------


def app_env(
    *, database_url: str, tmp: Path, smtp_port: int, site_url: str, redis_port: int = REDIS_PORT, **extra
) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "PYTEST", "REDIS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="smeportal.settings",
        DJANGO_SECRET_KEY="deploy-test-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_HSTS_SECONDS="0",
        DATABASE_URL=database_url,
        REDIS_URL=f"redis://{REDIS_HOST}:{redis_port}/{REDIS_CACHE_DB}",
        CELERY_BROKER_URL=f"redis://{REDIS_HOST}:{redis_port}/{REDIS_BROKER_DB}",
        CELERY_VISIBILITY_TIMEOUT="4",
        CELERY_UNACKED_RESTORE_INTERVAL="1",
        NOTIFICATION_EMAIL_RETRY_BACKOFF="1",
        CAPTCHA_TEST_MODE="1",
        DJANGO_TRUSTED_PROXY_COUNT="1",
        DJANGO_SENDFILE="nginx",
        DJANGO_MEDIA_ROOT=str(tmp / "media"),
        DJANGO_PRIVATE_MEDIA_ROOT=str(tmp / "private_media"),
        DJANGO_STATIC_ROOT=str(tmp / "staticfiles"),
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_USE_TLS="0",
        EMAIL_TIMEOUT="5",
        SITE_URL=site_url,
        DJANGO_LOG_FORMAT="json",
        PYTHONUNBUFFERED="1",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def collectstatic(env: dict) -> None:
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=180
    )


def gunicorn(name: str, port: int, env: dict, tmp: Path, workers: int = 1) -> Proc:
    metrics_dir = tmp / f"metrics-{port}"
    env = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    args = [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")]
    return Proc(name, args, env=env, cwd=ROOT, log_dir=tmp).start()


def celery_worker(name: str, env: dict, tmp: Path) -> Proc:
    args = [
        str(VENV_BIN / "celery"),
        "-A",
        "smeportal",
        "worker",
        "--pool",
        "solo",
        "--loglevel",
        "INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-n",
        f"{name}@%h",
    ]
    return Proc(name, args, env=env, cwd=ROOT, log_dir=tmp).start()


def wait_http(port: int, proc: Proc, path: str = "/healthz", timeout: float = 60) -> None:
    def up():
        if proc.popen.poll() is not None:
            raise AssertionError(f"{proc.name} exited:\n{proc.log()[-3000:]}")
        try:
            return requests.get(f"http://127.0.0.1:{port}{path}", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    wait_until(up, timeout=timeout, what=f"{proc.name} on port {port}")


def wait_worker_ready(proc: Proc, timeout: float = 60) -> None:
    def ready():
        if proc.popen.poll() is not None:
            raise AssertionError(f"{proc.name} exited:\n{proc.log()[-3000:]}")
        return " ready." in proc.log()

    wait_until(ready, timeout=timeout, what=f"{proc.name} ready")


def nginx_site(*, port: int, upstreams: list[int], static_root: Path, media_root: Path, private_root: Path) -> str:
    """deploy/nginx/smeportal.conf with this run's ports and folders."""
    site = (ROOT / "deploy" / "nginx" / "smeportal.conf").read_text()
    servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;" for p in upstreams)
    site = re.sub(
        r"(?m)^    server 127\.0\.0\.1:800\d[^\n]*\n(    server 127\.0\.0\.1:800\d[^\n]*\n)*", servers + "\n", site
    )
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    site = site.replace("/srv/smeportal/staticfiles/", f"{static_root}/")
    site = site.replace("/srv/smeportal/media/", f"{media_root}/")
    site = site.replace("/srv/smeportal/private_media/", f"{private_root}/")
    assert f"127.0.0.1:{upstreams[0]}" in site and "/srv/" not in site, site
    return site


def nginx(port: int, site: str, tmp: Path) -> Proc:
    conf_dir = tmp / "nginx"
    conf_dir.mkdir(exist_ok=True)
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (conf_dir / sub).mkdir(exist_ok=True)
    (conf_dir / "site.conf").write_text(site)
    (conf_dir / "nginx.conf").write_text(
        f"""
daemon off;
worker_processes 1;
pid {conf_dir}/nginx.pid;
error_log {conf_dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {conf_dir}/access.log;
    client_body_temp_path {conf_dir}/client_body;
    proxy_temp_path {conf_dir}/proxy;
    fastcgi_temp_path {conf_dir}/fastcgi;
    uwsgi_temp_path {conf_dir}/uwsgi;
    scgi_temp_path {conf_dir}/scgi;
    include {conf_dir}/site.conf;
}}
"""
    )
    # Run as root here: worker processes need read access to the tmp folders only.
    args = [NGINX, "-c", str(conf_dir / "nginx.conf"), "-p", str(conf_dir), "-g", "user root;"]
    return Proc("nginx", args, env=dict(os.environ), cwd=tmp, log_dir=tmp).start()
