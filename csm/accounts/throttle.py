"""Login throttling: a fixed window of failed attempts per e-mail and per client IP, kept in the
shared cache (the database cache by default, so it holds across several web processes)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(kind: str, value: str) -> str:
    return "login-fail:" + kind + ":" + hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def _keys(email: str, ip: str) -> list[str]:
    return [_key("email", email), _key("ip", ip)]


def is_locked_out(*, email: str, ip: str) -> bool:
    limit = settings.CSM_LOGIN_MAX_FAILURES
    return any((cache.get(k) or 0) >= limit for k in _keys(email, ip))


def record_failure(*, email: str, ip: str) -> None:
    window = settings.CSM_LOGIN_WINDOW_SECONDS
    for key in _keys(email, ip):
        if not cache.add(key, 1, timeout=window):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=window)


def clear_failures(*, email: str) -> None:
    cache.delete(_key("email", email))
