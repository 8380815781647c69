"""Several app servers working as one (issue 15): nginx in front of two gunicorn
instances and a Celery worker, all real processes on loopback, on PostgreSQL and Redis."""

import json
import os
import re
import signal
import threading
import uuid

import psycopg
import pytest
from django.db import connection

from notifications.models import Notification
from orders.models import Order, OrderLog
from tests.deploy import stack as st
from tests.deploy.conftest import real_password
from tests.factories import (
    PASSWORD,
    PDF_BYTES,
    certified_enterprise,
    certified_institution,
    organisation_user,
    published_service,
    window,
)

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("loopback-services")]


@pytest.fixture
def world(race_db):
    institution = certified_institution("yinchuan")
    institution.email = f"inst-{uuid.uuid4().hex[:8]}@example.cn"
    institution.save(update_fields=["email"])
    service = published_service(institution, title="企业信息化咨询")
    enterprise, other = certified_enterprise(), certified_enterprise()
    for user in (institution, enterprise, other):
        real_password(user, PASSWORD)
    return {"institution": institution, "service": service, "enterprise": enterprise, "other": other}


def direct(request_id=None) -> dict:
    """Headers for a request sent to one gunicorn instance, as nginx would send them."""
    headers = {"X-Forwarded-For": "127.0.0.1"}
    if request_id:
        headers["X-Request-ID"] = request_id
    return headers


def place_order(browser, base_url, service, request_id=None):
    # The 我要申请 form carries a one-time submission token (smeportal.idempotency).
    form = browser.get(f"/orders/apply/{service.pk}/", base_url=base_url, headers=direct())
    token = re.search(r'name="submission_token" value="([^"]+)"', form.text)
    assert token, "no submission token on the 我要申请 form"
    return browser.post(
        f"/orders/apply/{service.pk}/",
        base_url=base_url,
        headers=direct(request_id),
        data={
            "window": window("yinchuan").pk,
            "quantity": "1",
            "requirements": "需要上门服务。",
            "submission_token": token.group(1),
        },
        files={"attachments": ("需求说明.pdf", PDF_BYTES, "application/pdf")},
    )


def emails_to(smtp, address):
    return [m for m in smtp.messages if address.encode() in m]


def test_two_instances_share_sessions_files_and_the_worker_sends_the_mail(cluster, world):
    browser = st.Browser(cluster.web)
    # Logged in through instance A ...
    response = browser.login(world["enterprise"].username, PASSWORD, base_url=cluster.a)
    assert response.status_code == 302, response.text[:500]
    # ... and still logged in on instance B.
    center = browser.get("/accounts/center/", base_url=cluster.b, headers=direct())
    assert center.status_code == 200, center.status_code

    # An order with an attachment, placed through A, with a request id of our own.
    request_id = uuid.uuid4().hex
    response = place_order(browser, cluster.a, world["service"], request_id)
    assert response.status_code == 302, response.text[:800]
    order = Order.objects.get(service=world["service"])
    attachment = order.attachments.get()
    path = f"/orders/attachments/{attachment.pk}/"

    # Instance B answers the download with X-Accel-Redirect and no body ...
    from_b = browser.get(path, base_url=cluster.b, headers=direct())
    assert from_b.status_code == 200
    assert from_b.headers["X-Accel-Redirect"].startswith("/_private/")
    assert from_b.content == b""
    # ... and through nginx the file arrives, with the safe headers, whichever instance answered.
    for _ in range(2):
        through_nginx = browser.get(path)
        assert through_nginx.status_code == 200
        assert through_nginx.content == PDF_BYTES
        assert "X-Accel-Redirect" not in through_nginx.headers
        assert through_nginx.headers["Content-Type"] == "application/pdf"
        assert through_nginx.headers["Content-Disposition"].startswith("attachment;")
        assert through_nginx.headers["X-Content-Type-Options"] == "nosniff"
        assert through_nginx.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert "no-store" in through_nginx.headers["Cache-Control"]
    # The internal location cannot be asked for from outside.
    assert st.Browser(cluster.web).get(from_b.headers["X-Accel-Redirect"]).status_code == 404

    # Another organisation is refused, on either instance.
    other = st.Browser(cluster.web)
    assert other.login(world["other"].username, PASSWORD, base_url=cluster.b).status_code == 302
    refused = other.get(path)
    assert refused.status_code == 404
    assert PDF_BYTES not in refused.content
    assert "X-Accel-Redirect" not in other.get(path, base_url=cluster.a, headers=direct()).headers

    # The institution's e-mail, sent by the worker, exactly once.
    address = world["institution"].email
    st.wait_until(lambda: emails_to(cluster.smtp, address), timeout=120, what="the institution's e-mail")
    assert len(emails_to(cluster.smtp, address)) == 1
    assert Notification.objects.get(recipient=world["institution"], url=order.get_absolute_url()).emailed_at
    # The request id of the click is on the worker's JSON log lines of that task.
    lines = [json.loads(line) for line in cluster.worker.log().splitlines() if line.startswith("{")]
    assert any(line.get("request_id") == request_id for line in lines), cluster.worker.log()[-2000:]

    # Metrics for the internal network (here: loopback through nginx), added up over workers.
    assert st.Browser(cluster.web).get("/metrics").status_code == 200
    # Each instance adds up its own workers; the order was placed on A.
    metrics = st.Browser(cluster.a).get("/metrics", headers=direct())
    assert metrics.status_code == 200
    assert re.search(r"^smeportal_orders_placed_total [1-9]", metrics.text, re.MULTILINE), metrics.text[:500]
    assert "django_http_requests_total_by_method_total" in metrics.text
    # Django refuses it to an outside address even if a proxy let it through.
    outside = st.Browser(cluster.a).get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert outside.status_code == 404
    assert st.Browser(cluster.web).get("/readyz").text == "ok"


def test_a_worker_killed_while_sending_sends_the_mail_once_after_a_restart(cluster, world):
    browser = st.Browser(cluster.web)
    assert browser.login(world["enterprise"].username, PASSWORD, base_url=cluster.a).status_code == 302
    cluster.smtp.hold.clear()
    cluster.smtp.release.clear()  # the mail server stops answering in the middle of the message
    try:
        assert place_order(browser, cluster.b, world["service"]).status_code == 302
        st.wait_until(cluster.smtp.hold.is_set, timeout=120, what="the worker to start sending")
        cluster.worker.kill()  # kill -9, worker and all: no warm shutdown, no ack
    finally:
        cluster.smtp.release.set()
    address = world["institution"].email
    assert emails_to(cluster.smtp, address) == []
    notification = Notification.objects.filter(recipient=world["institution"], url__startswith="/orders/").get()
    assert notification.emailed_at is None

    cluster.restart_worker()
    # The broker gives the unacknowledged task back after the visibility timeout (4 s here),
    # once the restarted worker is up: on a loaded two-core machine (CI runs another test
    # worker beside this one) starting Celery with Django alone can take half a minute.
    st.wait_until(lambda: emails_to(cluster.smtp, address), timeout=120, what="the e-mail after the restart")
    st.wait_until(
        lambda: Notification.objects.filter(pk=notification.pk, emailed_at__isnull=False).exists(),
        timeout=10,
        what="emailed_at",
    )
    ids = [i for m, i in zip(cluster.smtp.messages, cluster.smtp.message_ids(), strict=True) if address.encode() in m]
    assert ids == [f"<notification-{notification.pk}@smeportal.local>"]


def test_a_refusing_mail_server_leaves_the_order_placed_and_the_mail_is_retried(cluster, world):
    browser = st.Browser(cluster.web)
    assert browser.login(world["enterprise"].username, PASSWORD, base_url=cluster.b).status_code == 302
    cluster.smtp.stop()  # connections refused
    try:
        response = place_order(browser, cluster.a, world["service"])
        assert response.status_code == 302
        assert Order.objects.filter(service=world["service"]).count() == 1
        st.wait_until(
            lambda: len(re.findall(r"E-mail of notification \d+ failed", cluster.worker.log())) >= 2,
            timeout=120,
            what="two failed tries",
        )
        notification = Notification.objects.filter(recipient=world["institution"], url__startswith="/orders/").get()
        assert notification.emailed_at is None
    finally:
        cluster.smtp.start()
    address = world["institution"].email
    st.wait_until(lambda: emails_to(cluster.smtp, address), timeout=120, what="the retried e-mail")
    assert len(emails_to(cluster.smtp, address)) == 1


def test_a_gunicorn_worker_killed_mid_transition_leaves_the_order_unmoved(cluster, world):
    from tests.factories import order_in_state

    order = order_in_state("submitted", service=world["service"], enterprise=world["enterprise"])
    institution = organisation_user(order.institution)
    browser = st.Browser(cluster.web)
    assert browser.login(institution.username, PASSWORD, base_url=cluster.a).status_code == 302
    logs_before = OrderLog.objects.filter(order=order).count()

    s = connection.settings_dict

    def connect(**options):
        return psycopg.connect(
            host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"], dbname=s["NAME"], **options
        )

    # pg_stat_activity spans the whole server, and the other test workers' databases have
    # an orders_orderlog too: only this database's INSERT is the accept request.
    waiting_sql = (
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        " AND query ILIKE %s AND pid <> %s"
    )
    result = {}
    with connect(autocommit=True) as watcher:
        blocker = connect()
        try:
            # The accept action updates the order, then writes its log row: hold the log
            # table so the request stops between the two, then kill its worker.
            blocker.execute(f"LOCK TABLE {OrderLog._meta.db_table} IN EXCLUSIVE MODE")

            def accept():
                try:
                    result["response"] = browser.post(
                        f"/orders/{order.pk}/accept/", base_url=cluster.a, headers=direct()
                    )
                except Exception as exc:  # noqa: BLE001  the connection dies with the worker
                    result["error"] = exc

            thread = threading.Thread(target=accept)
            thread.start()
            waiting = (f'INSERT INTO "{OrderLog._meta.db_table}"%', blocker.info.backend_pid)
            (request_backend,) = st.wait_until(
                lambda: watcher.execute(waiting_sql, waiting).fetchone(),
                timeout=20,
                what="the accept request to wait on the log table",
            )
            workers = st.child_pids(cluster.app_a.popen.pid)
            assert workers, "gunicorn has no worker"
            for pid in workers:
                os.kill(pid, signal.SIGKILL)
            thread.join(timeout=30)
            assert not thread.is_alive(), "the accept request outlived its killed worker"
        finally:
            blocker.rollback()
            blocker.close()
        # Its database session ends (rolling back) once PostgreSQL sees the closed socket.
        st.wait_until(
            lambda: not watcher.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (request_backend,)).fetchone(),
            timeout=30,
            what="the killed request's database session to end",
        )
    assert "response" not in result or result["response"].status_code >= 500
    order.refresh_from_db()
    assert order.status == "submitted"
    assert OrderLog.objects.filter(order=order).count() == logs_before

    # The arbiter starts a new worker; the same click now moves the order, with its log row.
    st.wait_http(int(cluster.a.rsplit(":", 1)[1]), cluster.app_a)
    response = browser.post(f"/orders/{order.pk}/accept/", base_url=cluster.a, headers=direct())
    assert response.status_code == 302
    assert response.headers["Location"] == order.get_absolute_url()
    order.refresh_from_db()
    assert order.status == "in_service", browser.get(order.get_absolute_url(), base_url=cluster.a).text[-3000:]
    assert OrderLog.objects.filter(order=order).count() == logs_before + 1
