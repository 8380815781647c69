"""Our own Prometheus counters, the cache's, and the internal-only /metrics view.

django-prometheus counts requests, latencies and database calls. With several
gunicorn workers set PROMETHEUS_MULTIPROC_DIR (deploy/gunicorn.conf.py does) so
that /metrics adds up every worker of the instance.
"""

import ipaddress

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.http import Http404
from django_prometheus.cache.metrics import (
    django_cache_get_fail_total,
    django_cache_get_total,
    django_cache_hits_total,
    django_cache_misses_total,
)
from django_prometheus.exports import ExportToDjangoView
from prometheus_client import Counter

ORDERS_PLACED = Counter("smeportal_orders_placed_total", "Orders placed (committed).")
TRANSITIONS = Counter(
    "smeportal_transitions_total", "State transitions of the workflows.", ["model", "transition", "target"]
)
EMAILS_QUEUED = Counter("smeportal_emails_queued_total", "Notification e-mails queued after a commit.")
EMAILS_SENT = Counter("smeportal_emails_sent_total", "Notification e-mails the SMTP server accepted.")
EMAILS_FAILED = Counter(
    "smeportal_emails_failed_total", "Notification e-mail attempts that failed (each retry counts)."
)
TIMER_RUNS = Counter("smeportal_timer_runs_total", "Runs of the workflow timers.")
TIMER_ACTIONS = Counter("smeportal_timer_actions_total", "Actions taken by the workflow timers.")


def count_transition(sender, instance, name, source, target, **kwargs):
    """django-fsm's post_transition signal: every transition of every workflow, counted."""
    TRANSITIONS.labels(model=sender._meta.label_lower, transition=name, target=str(target)).inc()


class CountingRedisCache(RedisCache):
    """Django's Redis cache with django-prometheus' hit and miss counters.

    (django-prometheus' own Redis wrapper needs django-redis; Django's native
    backend is what we use.)
    """

    def get(self, key, default=None, version=None):
        django_cache_get_total.labels(backend="redis").inc()
        missing = object()
        try:
            value = super().get(key, missing, version)
        except Exception:
            django_cache_get_fail_total.labels(backend="redis").inc()
            raise
        if value is missing:
            django_cache_misses_total.labels(backend="redis").inc()
            return default
        django_cache_hits_total.labels(backend="redis").inc()
        return value


def _allowed(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in settings.METRICS_ALLOWED_NETWORKS)


def metrics_view(request):
    """Prometheus' scrape endpoint; anyone outside the internal networks gets a 404."""
    if not _allowed(get_adapter(request).get_client_ip(request) or ""):
        raise Http404
    return ExportToDjangoView(request)
