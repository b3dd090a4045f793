"""Rate limits of the public complaint intake (the web form and the public API).

A fixed window per client IP (CSM_INTAKE_PER_IP_PER_HOUR per clock hour) and per e-mail address
(CSM_INTAKE_PER_EMAIL_PER_DAY per UTC day), counted in the shared cache (the database cache by
default, so the limits hold across several web processes). `check_intake` refuses a submission
over either limit with RateLimited (429) and counts nothing; only an accepted submission counts,
so one refused attempt never pushes a neighbour on the same IP further over the limit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext

from csm.core import clock
from csm.core.errors import RateLimited

HOUR = 3600
DAY = 24 * HOUR


@dataclass(frozen=True)
class Window:
    kind: str
    seconds: int
    limit: int


def _windows() -> tuple[Window, Window]:
    return (Window("ip", HOUR, int(settings.CSM_INTAKE_PER_IP_PER_HOUR)),
            Window("email", DAY, int(settings.CSM_INTAKE_PER_EMAIL_PER_DAY)))


def _key(window: Window, value: str) -> str:
    """One cache key per value and window; the value is hashed so no address sits in the cache."""
    slot = int(clock.now().timestamp()) // window.seconds
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"complaint-intake:{window.kind}:{slot}:{digest}"


def _count(key: str) -> int:
    return int(cache.get(key) or 0)


def _increment(key: str, seconds: int) -> None:
    if not cache.add(key, 1, timeout=seconds):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=seconds)


def check_intake(*, ip: str, email: str) -> None:
    """Count one submission from `ip` and `email` (each when given; mail has no IP), or raise
    RateLimited if either has reached its limit in the current window."""
    ip_window, email_window = _windows()
    keys = [(ip_window, _key(ip_window, ip))] if ip else []
    if email.strip():
        keys.append((email_window, _key(email_window, email)))
    if any(_count(key) >= window.limit for window, key in keys):
        raise RateLimited(gettext(
            "We have received too many complaints from you in a short time. Please try again later, "
            "or contact us by phone or letter."))
    for window, key in keys:
        _increment(key, window.seconds)


def client_ip(meta: dict[str, object]) -> str:
    # REMOTE_ADDR only: X-Forwarded-For can be forged by the client unless a trusted proxy sets it.
    return str(meta.get("REMOTE_ADDR", ""))
