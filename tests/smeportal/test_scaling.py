"""Issue 15 in one process (SQLite and PostgreSQL): the e-mail task, the request id,
/metrics, X-Accel-Redirect responses, the 503 page and /readyz's new checks.
tests/deploy/ runs the same with real processes."""

import json
import logging
import smtplib
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import OperationalError, models
from django.db.models.fields.files import FieldFile
from django.test import override_settings
from django.urls import path

from notifications.actions import notification_send_email, notify
from notifications.tasks import send_notification_email
from smeportal.celery import app as celery_app
from smeportal.observability import RequestIdFilter, current_request_id
from smeportal.uploads import private_storage, serve_private_document, serve_private_file
from tests.factories import EnterpriseUserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("loopback-services")]


def _notification(email="boss@example.com"):
    user = EnterpriseUserFactory(email=email)
    return notify(recipient=user, title="订单已受理", body="您的订单已受理。", url="/orders/1/")


def test_the_email_is_sent_once_however_often_the_task_runs(mailoutbox):
    notification = _notification()
    assert notification_send_email(notification.pk) is True
    assert notification_send_email(notification.pk) is False  # redelivered: nothing more
    send_notification_email.apply(args=[notification.pk])
    assert len(mailoutbox) == 1
    assert mailoutbox[0].extra_headers["Message-ID"] == f"<notification-{notification.pk}@smeportal.local>"


def test_a_failing_mail_server_is_retried_by_a_worker_with_backoff(settings):
    notification = _notification()
    settings.NOTIFICATION_EMAIL_RETRY_BACKOFF = 30
    failing = mock.patch("django.core.mail.message.EmailMessage.send", side_effect=smtplib.SMTPConnectError(421, "no"))
    task = send_notification_email
    # As a worker runs it (not eagerly): the failure becomes a Retry with a countdown.
    with failing, mock.patch.object(task, "retry", side_effect=Retry("again")) as retry:
        task.push_request(is_eager=False, retries=2)
        try:
            with pytest.raises(Retry):
                task.run(notification.pk)
        finally:
            task.pop_request()
    kwargs = retry.call_args.kwargs
    assert isinstance(kwargs["exc"], smtplib.SMTPConnectError)
    assert 1 <= kwargs["countdown"] <= 120  # full jitter up to 30 s x 2^2
    assert kwargs["max_retries"] == settings.NOTIFICATION_EMAIL_MAX_RETRIES
    notification.refresh_from_db()
    assert notification.emailed_at is None


def test_without_a_broker_a_mail_outage_does_not_break_the_action(caplog, django_capture_on_commit_callbacks):
    with (
        mock.patch("django.core.mail.message.EmailMessage.send", side_effect=ConnectionRefusedError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notification = _notification()
    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert "Could not e-mail notification" in caplog.text


def test_the_request_id_comes_from_the_header_or_is_made(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abcdef0123456789abcdef0123456789")
    assert response["X-Request-ID"] == "abcdef0123456789abcdef0123456789"
    made = client.get("/healthz", HTTP_X_REQUEST_ID='bad"id\nx')["X-Request-ID"]
    assert made != 'bad"id\nx' and len(made) == 32
    assert current_request_id() == "-"  # nothing left behind after the request


def test_log_lines_are_json_with_the_request_id():
    from django.conf import settings as django_settings
    from pythonjsonlogger.json import JsonFormatter

    fmt = django_settings.LOGGING["formatters"]["json"]
    formatter = JsonFormatter(fmt["fmt"], rename_fields=fmt["rename_fields"])
    record = logging.LogRecord("orders", logging.INFO, __file__, 1, "placed %s", ("YC1",), None)
    RequestIdFilter().filter(record)
    line = json.loads(formatter.format(record))
    assert line["message"] == "placed YC1"
    assert line["level"] == "INFO" and line["request_id"] == "-"


def test_metrics_only_for_the_internal_network(client, settings):
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert b"smeportal_orders_placed_total" in response.content
    assert b"django_http_requests_total_by_method_total" in response.content
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # Behind nginx the proxy's own address does not count, the client's does.
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 404


def test_transitions_are_counted():
    from smeportal.metrics import TRANSITIONS
    from tests.factories import order_in_state

    before = TRANSITIONS.labels(model="orders.order", transition="accept", target="in_service")._value.get()
    order_in_state("in_service")
    after = TRANSITIONS.labels(model="orders.order", transition="accept", target="in_service")._value.get()
    assert after == before + 1


@pytest.fixture
def stored(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.SENDFILE_ROOT = str(tmp_path)
    settings.SENDFILE_BACKEND = "django_sendfile.backends.nginx"
    field = models.FileField(storage=private_storage)

    def store(content, name):
        return FieldFile(None, field, field.storage.save(name, ContentFile(content)))

    return store


def test_behind_nginx_a_private_file_is_an_x_accel_redirect_with_the_safe_headers(stored):
    from django_sendfile.utils import _get_sendfile

    _get_sendfile.cache_clear()
    response = serve_private_file(stored(b"\x89PNG...", "certs/abc.png"), download_name="营业执照.png")
    assert response["X-Accel-Redirect"] == "/_private/certs/abc.png"
    assert response.content == b""
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == "inline; filename*=utf-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7.png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, max-age=0, no-store"
    document = serve_private_document(stored(b"%PDF-1.4", "docs/x.pdf"), download_name="说明")
    assert document["X-Accel-Redirect"] == "/_private/docs/x.pdf"
    assert document["Content-Type"] == "application/pdf"
    assert document["Content-Disposition"].startswith("attachment;")


def _down(request):
    raise OperationalError("connection refused")


def _bug(request):
    raise ValueError("a bug")


urlpatterns = [path("down/", _down), path("bug/", _bug)]
handler500 = "smeportal.unavailable.handler500"


@override_settings(ROOT_URLCONF=__name__)
def test_a_database_that_does_not_answer_is_a_clean_503_page(client):
    client.raise_request_exception = False
    response = client.get("/down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "服务暂时不可用" in response.content.decode()
    assert client.get("/bug/").status_code == 500  # other errors stay server errors


def test_readyz_checks_the_broker_and_the_media(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    assert client.get("/readyz").status_code == 200
    assert not any((tmp_path / "media").rglob("*.txt"))  # the probe file is removed
    # A broker nobody listens on (port 1).
    settings.CELERY_TASK_ALWAYS_EAGER = False
    original, celery_app.conf.broker_url = celery_app.conf.broker_url, "redis://127.0.0.1:1/0"
    try:
        response = client.get("/readyz")
    finally:
        celery_app.conf.broker_url = original
    assert response.status_code == 503 and "broker" in response.content.decode()
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with mock.patch("django.core.files.storage.FileSystemStorage.save", side_effect=OSError("stale NFS handle")):
        response = client.get("/readyz")
    assert response.status_code == 503 and "media" in response.content.decode()


def test_run_timers_runs_one_app_or_all(capsys):
    call_command("run_timers", "--app", "orders")
    assert "timer actions." in capsys.readouterr().out
    with pytest.raises(Exception, match="has no timers"):
        call_command("run_timers", "--app", "accounts")
    from smeportal.metrics import TIMER_RUNS
    from smeportal.tasks import run_timers

    runs = TIMER_RUNS._value.get()
    run_timers.apply().get()
    assert run_timers.apply().get() == 0  # idempotent: the second run finds nothing to do
    assert TIMER_RUNS._value.get() == runs + 2


def test_eager_mode_needs_no_broker(settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
    _notification()
    assert len(mail.outbox) == 0  # still inside the test's transaction: nothing before the commit


def test_the_replica_router_is_off_by_default_and_never_reads_inside_a_transaction(settings):
    from django.db import transaction

    from accounts.models import User
    from smeportal.db_router import ReplicaRouter, replica_reads_block

    router = ReplicaRouter()
    with replica_reads_block():
        assert router.db_for_read(User) is None  # no DATABASE_REPLICA_URL: default
        settings.DATABASE_REPLICA_ENABLED = True
        with transaction.atomic():
            assert router.db_for_read(User) is None  # the test runs in a transaction
    assert router.db_for_read(User) is None  # outside @replica_reads
    assert router.db_for_write(User) == "default"
    assert router.allow_migrate("replica", "accounts") is False
