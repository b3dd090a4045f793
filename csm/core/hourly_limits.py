"""A fixed-window counter in the shared cache: "at most N a window per key", for public pages that
only read (certificate verification, survey opt-out links). Writes that must count exactly use a
database counter instead (complaints.intake_limits)."""

from __future__ import annotations

import hashlib

from django.core.cache import cache

WINDOW_SECONDS = 3600


def allow(*, prefix: str, identity: str, limit: int, window_seconds: int = WINDOW_SECONDS) -> bool:
    """Count one more for `identity` (hashed, never stored as is); False once it is past `limit`."""
    key = f"{prefix}:{hashlib.sha256(identity.encode()).hexdigest()[:32]}"
    if cache.add(key, 1, timeout=window_seconds):
        return True
    try:
        return int(cache.incr(key)) <= limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        return True
