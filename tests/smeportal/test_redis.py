import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
from django.conf import settings
from django.core.cache import cache, caches
from django.test import Client
assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cache", settings.SESSION_ENGINE
cache.set("redis-check", "ok", 5)
assert cache.get("redis-check") == "ok"
from django.core.cache.backends.redis import RedisCache
assert isinstance(caches["default"], RedisCache), type(caches["default"])
response = Client(HTTP_HOST="localhost").get("/readyz")
print("readyz", response.status_code)
"""

# One xdist worker runs every test that uses the shared Redis and loopback servers.
pytestmark = pytest.mark.xdist_group("loopback-services")


def redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def test_redis_url_puts_cache_and_sessions_on_redis(tmp_path):
    if not redis_up():
        if os.environ.get("CI"):
            pytest.fail("Redis is not running at 127.0.0.1:6379 (.ci/run starts it).")
        pytest.skip("Redis is not running at 127.0.0.1:6379: start it with `redis-server` (CI fails here instead)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="smeportal.settings",
        DJANGO_DEBUG="1",
        DJANGO_SECRET_KEY="redis-test-key",
        REDIS_URL="redis://127.0.0.1:6379/15",
        DATABASE_URL=f"sqlite:///{tmp_path / 'redis-check.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "readyz 200" in result.stdout
