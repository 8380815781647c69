"""Whole-page cache for anonymous visitors of the busiest public pages.

找服务, 找机构, 需求大厅 and the home page are the same for every visitor who is
not signed in, and rendering them (filter form, twenty cards, the count) costs
far more than serving a stored copy. A visitor without a session or pending
messages gets the stored page of its path, query string and language; everyone
else gets a freshly rendered one, so a signed-in user always sees their own
writes.

Every stored page carries the site-wide version in its key. Any save or delete of
a model the public pages show (registered with `invalidate_on`) sets a new
version, at once and again after the commit, so the next visitor renders afresh;
stale copies simply expire. `PAGE_CACHE_SECONDS` bounds what only time changes
(a bid deadline passing shows after at most that long).

Each worker also keeps the pages it served last in its own memory, under the
same versioned key: a hit then costs one lookup of the version in the shared
cache, and a new version makes every local copy unreachable at once.

The nonce of the Content-Security-Policy and the CSRF token of the language form
differ per request: they are stored as placeholders and filled in on every hit.
"""

import re
import threading
import time
from collections import OrderedDict
from functools import wraps
from hashlib import sha256

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token

from .accessibility import care_mode_enabled

VERSION_KEY = "pagecache:version"
NONCE_PLACEHOLDER = "\x00nonce\x00"
CSRF_PLACEHOLDER = "\x00csrf\x00"
CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")([^"]+)(")')


LOCAL_PAGES = 256  # per worker; a page is 20-60 kB


class _LocalPages:
    """A small per-process LRU of (expiry, page) under versioned keys."""

    def __init__(self, size: int):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            item = self.items.get(key)
            if item is None or item[0] < time.monotonic():
                return None
            self.items.move_to_end(key)
            return item[1]

    def set(self, key, value, seconds: int) -> None:
        with self.lock:
            self.items[key] = (time.monotonic() + seconds, value)
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


local_pages = _LocalPages(LOCAL_PAGES)


def _seconds(limit: int | None = None) -> int:
    seconds = getattr(settings, "PAGE_CACHE_SECONDS", 300)
    return seconds if limit is None else min(seconds, limit)


def _servable_from_cache(request) -> bool:
    if _seconds() <= 0 or request.method not in ("GET", "HEAD"):
        return False
    # No session: certainly anonymous, and no flash message waiting to be shown.
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in cookies
        and not request.user.is_authenticated
    )


def _version():
    version = cache.get(VERSION_KEY)
    if version is None:
        # A cleared or evicted cache starts a new version, never an old one: a
        # worker's memory may still hold pages of the old.
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY)
    return version


def _key(request, name: str, version) -> str:
    path = sha256(request.get_full_path().encode()).hexdigest()[:32]
    # 关怀模式 (a cookie, smeportal.accessibility) renders the same page with other classes.
    care = "care" if care_mode_enabled(request) else "std"
    return f"pagecache:{name}:{version}:{request.LANGUAGE_CODE}:{care}:{path}"


def _nonce(request) -> str:
    return str(getattr(request, "csp_nonce", "") or "")


def cached_for_anonymous(name: str, seconds: int | None = None):
    """Serve the view's 200 answers to anonymous visitors from the cache, kept for at
    most `seconds` (and PAGE_CACHE_SECONDS)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _servable_from_cache(request):
                return view(request, *args, **kwargs)
            version = _version()
            key = _key(request, name, version)
            stored = local_pages.get(key)
            if stored is None:
                stored = cache.get(key)
                if stored is not None:
                    local_pages.set(key, stored, _seconds(seconds))
            if stored is not None:
                content_type, body = stored
                body = body.replace(NONCE_PLACEHOLDER, _nonce(request))
                if CSRF_PLACEHOLDER in body:
                    body = body.replace(CSRF_PLACEHOLDER, get_token(request))
                response = HttpResponse(body, content_type=content_type)
                response["X-Page-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming and not response.cookies:
                body = response.content.decode(response.charset)
                nonce = getattr(request, "_csp_nonce", None)
                if nonce:
                    body = body.replace(nonce, NONCE_PLACEHOLDER)
                body = CSRF_INPUT.sub(lambda m: m.group(1) + CSRF_PLACEHOLDER + m.group(3), body)
                stored = (response["Content-Type"], body)
                cache.set(key, stored, _seconds(seconds))
                local_pages.set(key, stored, _seconds(seconds))
                response["X-Page-Cache"] = "miss"
            return response

        return wrapper

    return decorator


def invalidate(**_ignored) -> None:
    """A new version: every stored page is out of date. Again after the commit,
    so a page rendered from the old rows meanwhile is not kept."""
    cache.set(VERSION_KEY, time.time_ns(), None)
    transaction.on_commit(lambda: cache.set(VERSION_KEY, time.time_ns(), None))


def invalidate_on(*models) -> None:
    """The public pages show these models: any write to them invalidates the pages.

    Signals, not the actions, because admin edits, imports and timers write these
    rows too and a missed write would show stale data; this is cache bookkeeping,
    not business logic."""
    for model in models:
        uid = f"pagecache:{model._meta.label}"
        post_save.connect(invalidate, sender=model, dispatch_uid=uid + ":save", weak=False)
        post_delete.connect(invalidate, sender=model, dispatch_uid=uid + ":delete", weak=False)
        m2m_changed.connect(invalidate, sender=model, dispatch_uid=uid + ":m2m", weak=False)
