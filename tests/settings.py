"""Test settings: the production module with what tests need on top.

The captcha test mode must be on when the settings module is imported, so it
is set in the environment before importing it.
"""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ["CAPTCHA_TEST_MODE"] = "1"
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")

from smeportal.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Per-process memory cache: fast, and cleared between tests by a fixture.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Views under test are rendered every time (tests read response.context); the page
# cache's own tests turn it on (tests/smeportal/test_pagecache.py).
PAGE_CACHE_SECONDS = 0
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

# Uploads of the test run go to a throw-away folder, never into the checkout.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="smeportal-test-media-"))  # noqa: F405
PRIVATE_MEDIA_ROOT = MEDIA_ROOT / "private"

# The engine is django-prometheus's SQLite wrapper (settings: metrics), which pytest-django
# does not recognise as SQLite: it would name each xdist worker's test database
# "test_<path>_gw0", a path that cannot be opened. An in-memory database per worker, as
# Django gives the plain SQLite engine.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"].setdefault("TEST", {})["NAME"] = ":memory:"  # noqa: F405
