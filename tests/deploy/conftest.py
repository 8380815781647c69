import os
import types

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from tests.deploy import stack as st


def database_url(name: str | None = None) -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name or s['NAME']}"


def needs_postgres_nginx_redis():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL (CI runs these)")
    st.require(os.path.exists(st.NGINX), f"nginx not found at {st.NGINX}: `apt-get install nginx`")
    st.require(st.redis_up(), "Redis is not running at 127.0.0.1:6379: start it with `redis-server`")


def real_password(user, password: str) -> None:
    """The app servers run the production hashers, not the tests' MD5: store a PBKDF2 hash."""
    user.password = PBKDF2PasswordHasher().encode(password, "deploytestsalt", iterations=1000)
    user.save(update_fields=["password"])


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker, tmp_path_factory):
    """nginx in front of two gunicorn instances and a Celery worker, on the test database."""
    needs_postgres_nginx_redis()
    st.require(os.path.exists(st.REDIS_SERVER), f"redis-server not found at {st.REDIS_SERVER}")
    tmp = tmp_path_factory.mktemp("cluster")
    smtp = st.FakeSMTP().start()
    web_port, a_port, b_port, redis_port = st.free_port(), st.free_port(), st.free_port(), st.free_port()
    env = st.app_env(
        database_url=database_url(),
        tmp=tmp,
        smtp_port=smtp.port,
        site_url=f"http://127.0.0.1:{web_port}",
        redis_port=redis_port,
    )
    for folder in ("media", "private_media"):
        (tmp / folder).mkdir()
    procs = []
    try:
        procs.append(st.private_redis(redis_port, tmp))
        st.collectstatic(env)
        app_a = st.gunicorn("app-a", a_port, env, tmp)
        app_b = st.gunicorn("app-b", b_port, env, tmp)
        procs += [app_a, app_b]
        worker = st.celery_worker("worker", env, tmp)
        procs.append(worker)
        site = st.nginx_site(
            port=web_port,
            upstreams=[a_port, b_port],
            static_root=tmp / "staticfiles",
            media_root=tmp / "media",
            private_root=tmp / "private_media",
        )
        web = st.nginx(web_port, site, tmp)
        procs.append(web)
        st.wait_http(a_port, app_a)
        st.wait_http(b_port, app_b)
        st.wait_http(web_port, web)
        st.wait_worker_ready(worker)

        def restart_worker():
            new = st.celery_worker(f"worker-{len(procs)}", env, tmp)
            procs.append(new)
            st.wait_worker_ready(new)
            ns.worker = new
            return new

        ns = types.SimpleNamespace(
            tmp=tmp,
            env=env,
            smtp=smtp,
            web=f"http://127.0.0.1:{web_port}",
            a=f"http://127.0.0.1:{a_port}",
            b=f"http://127.0.0.1:{b_port}",
            app_a=app_a,
            app_b=app_b,
            worker=worker,
            restart_worker=restart_worker,
        )
        yield ns
    finally:
        for proc in reversed(procs):
            proc.kill()
        smtp.stop()
