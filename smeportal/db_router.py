"""Reads of some pages on a PostgreSQL read replica, off by default.

Set DATABASE_REPLICA_URL and the `replica` database exists; code that only reads
and may show data a second or so old (the 监管看板's aggregates) runs under
`@replica_reads`, and its queries go to the replica. Everything else — writes,
reads inside a transaction (an action reading its own rows), and every page not
marked — stays on `default`, so nobody ever misses their own change.
"""

import contextvars
import functools
from contextlib import contextmanager

from django.conf import settings
from django.db import connections

REPLICA = "replica"
_reading_from_replica = contextvars.ContextVar("reading_from_replica", default=False)


@contextmanager
def replica_reads_block():
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def replica_reads(view_or_function):
    """Run a read-only view or selector with its queries on the replica (when configured)."""

    @functools.wraps(view_or_function)
    def wrapper(*args, **kwargs):
        with replica_reads_block():
            return view_or_function(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not (_reading_from_replica.get() and getattr(settings, "DATABASE_REPLICA_ENABLED", False)):
            return None
        if connections["default"].in_atomic_block:
            return None  # inside a transaction: read what it wrote
        return REPLICA

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"
