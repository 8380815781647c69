"""gunicorn settings for one app-server instance (deploy/systemd/smeportal-gunicorn@.service
starts one per port: smeportal-gunicorn@8001, @8002, ...).

Everything can be overridden with GUNICORN_* variables, so the tests run this very file.
"""

import os
import shutil
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
# 2 per core is plenty for a server-rendered site whose time goes to the database.
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
max_requests = 2000  # recycle workers now and then (memory)
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
# The request id nginx sent, in gunicorn's access log too.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms id=%({x-request-id}i)s'
wsgi_app = "smeportal.wsgi:application"

# Prometheus: every worker writes its samples here; /metrics adds them up. Emptied at
# start, as prometheus_client asks.
_metrics_dir = os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", f"/run/smeportal/metrics-{bind.rsplit(':', 1)[-1]}")


def on_starting(server):
    shutil.rmtree(_metrics_dir, ignore_errors=True)
    Path(_metrics_dir).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
