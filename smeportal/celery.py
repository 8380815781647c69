"""The Celery application: settings from Django's (the CELERY_* block in settings.py).

Without CELERY_BROKER_URL tasks run eagerly in the process that queues them, so
`make run` and the tests need no broker and no worker.
"""

import contextlib
import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smeportal.settings")

app = Celery("smeportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.before_task_publish.connect
def _send_request_id(headers=None, **kwargs):
    # The request that queued a task hands its id to the worker that runs it.
    from smeportal.observability import current_request_id

    if headers is not None:
        headers.setdefault("request_id", current_request_id())


@signals.task_prerun.connect
def _take_request_id(task=None, **kwargs):
    from smeportal.observability import set_request_id

    task.request.request_id_token = set_request_id(getattr(task.request, "request_id", None))


@signals.task_postrun.connect
def _drop_request_id(task=None, **kwargs):
    from smeportal.observability import reset_request_id

    token = getattr(task.request, "request_id_token", None)
    if token is not None:
        # ValueError: set in another context (an eager task inside a request).
        with contextlib.suppress(ValueError):
            reset_request_id(token)
