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


def _serve(request, stored) -> HttpResponse:
    """A stored page with this request's own nonce and CSRF token filled in."""
    content_type, body = stored
    body = body.replace(NONCE_PLACEHOLDER, _nonce(request))
    if CSRF_PLACEHOLDER in body:
        body = body.replace(CSRF_PLACEHOLDER, get_token(request))
    response = HttpResponse(body, content_type=content_type)
    response["X-Page-Cache"] = "hit"
    return response


def _lookup(key, local, seconds):
    stored = local.get(key)
    if stored is None:
        stored = cache.get(key)
        if stored is not None:
            local.set(key, stored, seconds)
    return stored


def _store(request, response, key, local, seconds) -> None:
    """Keep a rendered 200 answer, its per-request values replaced by placeholders."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return
    body = response.content.decode(response.charset)
    nonce = getattr(request, "_csp_nonce", None)
    if nonce:
        body = body.replace(nonce, NONCE_PLACEHOLDER)
    body = CSRF_INPUT.sub(lambda m: m.group(1) + CSRF_PLACEHOLDER + m.group(3), body)
    stored = (response["Content-Type"], body)
    cache.set(key, stored, seconds)
    local.set(key, stored, seconds)
    response["X-Page-Cache"] = "miss"


def cached_for_anonymous(name: str, seconds: int | None = None):
    """Serve the view's 200 answers to anonymous visitors from the cache, kept for at
    most `seconds` (and PAGE_CACHE_SECONDS)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _servable_from_cache(request):
                return view(request, *args, **kwargs)
            key = _key(request, name, _version())
            stored = _lookup(key, local_pages, _seconds(seconds))
            if stored is not None:
                return _serve(request, stored)
            response = view(request, *args, **kwargs)
            _store(request, response, key, local_pages, _seconds(seconds))
            return response

        return wrapper

    return decorator


# Pages of a signed-in user ------------------------------------------------------
#
# 我申请的订单, 收到的订单 and order detail are read far more often than orders change,
# and rendering them (the user-centre chrome, twenty rows with their buttons) costs
# ~40 ms. Each user's copy is kept under three versions: the site-wide one above, their
# organisation's and their own. Any write to a row such a page shows (an order, its
# timeline, a review, a complaint, a notification, the user) sets new versions of the
# organisations and users it concerns once its transaction commits (registered with
# `invalidate_private_on`), so the next request renders afresh: a user never sees a
# copy older than their own last write, nor than the other side's. What only time
# changes is bounded by PRIVATE_PAGE_SECONDS.

PRIVATE_PAGE_SECONDS = 60
private_pages = _LocalPages(LOCAL_PAGES // 2)


def org_scope(organisation_id) -> str:
    return f"pagecache:org:{organisation_id}"


def user_scope(user_id) -> str:
    return f"pagecache:user:{user_id}"


def _private_servable(request) -> bool:
    if _seconds() <= 0 or request.method not in ("GET", "HEAD") or not request.user.is_authenticated:
        return False
    # Staff see every organisation's orders; their few pages are rendered every time
    # rather than versioned by every organisation they look at.
    if not request.user.organisation_id:
        return False
    # A flash message waiting (cookie or session storage) is shown once: render it.
    # (A shown message's cookie is deleted by sending it back empty.)
    return not request.COOKIES.get(getattr(settings, "MESSAGE_COOKIE_NAME", "messages")) and (
        "_messages" not in request.session
    )


def _private_versions(user) -> str:
    keys = [VERSION_KEY, user_scope(user.pk), org_scope(user.organisation_id)]
    versions = cache.get_many(keys)
    for key in keys:
        if key not in versions:
            cache.add(key, time.time_ns(), None)  # never an old version after an eviction
            versions[key] = cache.get(key)
    return ".".join(str(versions[key]) for key in keys)


def cached_per_user(name: str):
    """Serve a signed-in user's own 200 answers of the view from the cache until a
    write concerning them (see above) or PRIVATE_PAGE_SECONDS. Put it below
    @login_required; the key holds the user, so no one is ever served another's page."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _private_servable(request):
                return view(request, *args, **kwargs)
            user = request.user
            seconds = _seconds(PRIVATE_PAGE_SECONDS)
            key = _key(request, f"{name}:u{user.pk}:o{user.organisation_id}", _private_versions(user))
            stored = _lookup(key, private_pages, seconds)
            if stored is not None:
                return _serve(request, stored)
            response = view(request, *args, **kwargs)
            _store(request, response, key, private_pages, seconds)
            return response

        return wrapper

    return decorator


# Scopes named by this thread's writes and not yet renewed: one transaction's writes (an
# order, its log row, a notification) are renewed in one round trip to the cache.
_pending = threading.local()


def invalidate_scopes(scopes) -> None:
    """New versions for these organisations' and users' pages once the transaction
    commits (at once outside one); a rolled-back write changes nothing."""
    scopes = {scope for scope in scopes if scope}
    if not scopes:
        return
    pending_scopes().update(scopes)
    # A callback for every write, not just the first: a rolled-back savepoint drops its
    # callbacks, and the commit must still renew what the rest of the transaction wrote.
    # The first callback to run renews everything pending; the others find nothing. Scopes
    # left over from a rolled-back write are renewed with the next commit: harmless.
    transaction.on_commit(_renew_pending)


def pending_scopes() -> set:
    if not hasattr(_pending, "scopes"):
        _pending.scopes = set()
    return _pending.scopes


def _renew_pending() -> None:
    scopes = pending_scopes()
    if scopes:
        cache.set_many(dict.fromkeys(scopes, time.time_ns()), None)
        scopes.clear()


def invalidate_private_on(model, scopes_of) -> None:
    """Pages of the organisations and users `scopes_of(instance)` names (see org_scope,
    user_scope) show rows of `model`: every save or delete of one gives them new versions.
    Signals, as for the public pages, so admin edits and timers count too."""

    def handler(instance, **_ignored):
        invalidate_scopes(scopes_of(instance))

    uid = f"pagecache:private:{model._meta.label}"
    post_save.connect(handler, sender=model, dispatch_uid=uid + ":save", weak=False)
    post_delete.connect(handler, sender=model, dispatch_uid=uid + ":delete", weak=False)


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
