import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError

ROOT = Path(__file__).resolve().parents[2]


def run_deploy_check(**extra_env):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CAPTCHA_")) and key != "DATABASE_URL"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "smeportal.settings",
            "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-for-the-deploy-check-9f8e7d6c5b4a",
            "DJANGO_ALLOWED_HOSTS": "smenx.example.cn",
            **extra_env,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_prints_no_warning_with_production_settings():
    result = run_deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_captcha_test_mode_is_on():
    result = run_deploy_check(CAPTCHA_TEST_MODE="1")
    assert result.returncode != 0
    assert "smeportal.W001" in result.stdout + result.stderr


def test_settings_refuse_to_start_without_a_secret_key_in_production():
    result = run_deploy_check(DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_healthz_touches_neither_database_nor_session(client):
    # No django_db mark: pytest-django makes any database access fail here.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "sessionid" not in response.cookies
    assert "Vary" not in response  # no session or cookie access


@pytest.mark.django_db
def test_readyz_answers_ok_when_database_and_cache_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200


@pytest.mark.django_db
def test_readyz_answers_503_when_the_database_is_down(client):
    with mock.patch("smeportal.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/readyz")
    assert response.status_code == 503


@pytest.mark.django_db
def test_readyz_answers_503_when_the_cache_is_down(client):
    with mock.patch("smeportal.health.cache.set", side_effect=ConnectionError("down")):
        response = client.get("/readyz")
    assert response.status_code == 503


@pytest.mark.django_db
def test_pages_send_a_strict_content_security_policy(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "object-src 'none'" in policy
