"""PostgreSQL restarted under load (issue 15): requests fail with a clean 503 page and
the app recovers by itself. The database is a throwaway cluster of this test's own,
on another port, never the shared server at 5432."""

import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.deploy import stack as st
from tests.deploy.conftest import database_url, needs_postgres_nginx_redis

# django_db: pytest-django sets up the test database (copied into the cluster) only for db tests.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db, pytest.mark.xdist_group("loopback-services")]

PG_BIN = Path(shutil.which("initdb") or "/usr/lib/postgresql/15/bin/initdb").resolve().parent
CACHE_DB = 11  # this module's own Redis database


def as_postgres(*args, **kwargs):
    return subprocess.run(["runuser", "-u", "postgres", "--", *map(str, args)], check=True, timeout=120, **kwargs)  # noqa: S603,S607


@pytest.fixture(scope="module")
def own_postgres(django_db_setup):
    """A PostgreSQL cluster in a tmp dir on a free port, holding a copy of the test database."""
    needs_postgres_nginx_redis()
    if os.geteuid() != 0:
        st.require(False, "the throwaway PostgreSQL cluster is made with runuser, which needs root")
    base = Path(tempfile.mkdtemp(prefix="smeportal-pg-"))
    base.chmod(0o755)
    data, socket_dir = base / "data", base / "socket"
    socket_dir.mkdir()
    shutil.chown(socket_dir, "postgres")
    port = st.free_port()
    options = f"-p {port} -k {socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"

    def pg_ctl(*args):
        as_postgres(PG_BIN / "pg_ctl", "-D", data, "-l", base / "postgres.log", "-w", "-t", "60", *args)

    try:
        shutil.chown(base, "postgres")
        as_postgres(
            PG_BIN / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync", stdout=subprocess.DEVNULL
        )
        pg_ctl("-o", options, "start")
        url = f"postgres://postgres@127.0.0.1:{port}"
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "smeportal"], check=True, timeout=60
        )  # noqa: S603,S607
        dump = subprocess.run(["pg_dump", "-Fc", database_url()], check=True, capture_output=True, timeout=120)  # noqa: S603,S607
        subprocess.run(  # noqa: S603,S607
            ["pg_restore", "--no-owner", "-d", f"{url}/smeportal"], input=dump.stdout, check=True, timeout=120
        )
        yield {
            "url": f"{url}/smeportal",
            "stop": lambda: pg_ctl("-m", "fast", "stop"),
            "start": lambda: pg_ctl("-o", options, "start"),
        }
    finally:
        subprocess.run(  # noqa: S603
            ["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
            check=False,
        )
        shutil.rmtree(base, ignore_errors=True)


def test_postgres_restart_gives_clean_503_pages_then_recovers_without_restarting_the_app(own_postgres, tmp_path):
    st.flush_redis(CACHE_DB)
    port = st.free_port()
    for folder in ("media", "private_media", "staticfiles"):
        (tmp_path / folder).mkdir()
    env = st.app_env(
        database_url=own_postgres["url"],
        tmp=tmp_path,
        smtp_port=st.free_port(),
        site_url=f"http://127.0.0.1:{port}",
        REDIS_URL=f"redis://127.0.0.1:6379/{CACHE_DB}",
        DJANGO_CONN_MAX_AGE=60,
    )
    env.pop("CELERY_BROKER_URL")
    # Whitenoise's manifest storage needs the collected files to render a page.
    st.collectstatic(env)
    app = st.gunicorn("app", port, env, tmp_path, workers=2)
    statuses, bodies, stop = [], {}, threading.Event()
    try:
        st.wait_http(port, app)
        base = f"http://127.0.0.1:{port}"
        assert requests.get(base + "/", timeout=10).status_code == 200
        pid = app.popen.pid

        def load():
            # Bounded: at most 600 requests or 60 s.
            deadline = time.monotonic() + 60
            for _ in range(600):
                if stop.is_set() or time.monotonic() > deadline:
                    return
                try:
                    # 通知公告 reads the database on every request (找服务 may be served
                    # from the anonymous page cache, which needs no database).
                    response = requests.get(base + "/windows/notices/", timeout=10)
                    statuses.append(response.status_code)
                    bodies.setdefault(response.status_code, response)
                except requests.RequestException as exc:
                    statuses.append(type(exc).__name__)
                time.sleep(0.05)

        thread = threading.Thread(target=load)
        thread.start()
        time.sleep(1)
        own_postgres["stop"]()
        st.wait_until(lambda: 503 in statuses, timeout=20, what="a 503 while the database is down")
        ready = requests.get(base + "/readyz", timeout=10)
        assert ready.status_code == 503
        assert "database" in ready.text
        own_postgres["start"]()
        st.wait_until(lambda: statuses[-3:] == [200, 200, 200], timeout=30, what="pages again after the restart")
        stop.set()
        thread.join(timeout=30)
        # The same app server all along: it recovered by itself, nobody restarted it.
        assert app.popen.poll() is None
        assert app.popen.pid == pid
    finally:
        stop.set()
        app.kill()
        st.flush_redis(CACHE_DB)
    assert set(statuses) <= {200, 503}, statuses
    page = bodies[503]
    assert page.headers["Retry-After"].isdigit()
    assert "服务暂时不可用" in page.text, page.text[:500]
    assert "Traceback" not in page.text
