"""Slowing password guessing without locking the owner out.

allauth's own limit (ACCOUNT_RATE_LIMITS["login_failed"]) counts failures per client
address only, set high enough for a company behind one NAT. A per-username limit
would let anybody who knows a username keep its owner out, so there is none. Instead
a client address that keeps failing for one username must wait, longer after each
failure, before it may try that username again: the owner, on another address, never
waits, and every attempt still needs a fresh captcha (each one is deleted when used).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 15 * 60


def _key(client_ip: str, username: str) -> str:
    # Hashed: a typed username may hold anything, cache keys may not.
    digest = hashlib.sha256(f"{client_ip}|{username.strip().lower()}".encode()).hexdigest()
    return f"login-slowdown:{digest}"


def seconds_to_wait(client_ip: str, username: str, *, now: float) -> int:
    """How long this address must still wait before it may try `username` again."""
    state = cache.get(_key(client_ip, username))
    if not state:
        return 0
    failures, last_failure = state
    free = settings.LOGIN_SLOWDOWN_AFTER
    if failures < free:
        return 0
    delay = min(settings.LOGIN_SLOWDOWN_BASE_SECONDS * 2 ** (failures - free), settings.LOGIN_SLOWDOWN_MAX_SECONDS)
    return max(0, int(last_failure + delay - now + 0.999))


def record_failure(client_ip: str, username: str, *, now: float) -> None:
    key = _key(client_ip, username)
    failures, _last = cache.get(key) or (0, now)
    cache.set(key, (failures + 1, now), WINDOW_SECONDS)


def record_success(client_ip: str, username: str) -> None:
    cache.delete(_key(client_ip, username))
