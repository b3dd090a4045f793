"""Rate limits of the public survey pages: completed responses per client IP and survey in a
fixed hourly window, kept in the shared cache (the database cache by default, so several web
processes share it). A kiosk is one device answering for many people, so it has its own, higher
limit. Saving a page of a partial response is not limited: it cannot be counted."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from csm.core.errors import RateLimited
from csm.surveys.models import Survey

WINDOW_SECONDS = 3600


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def check(request: HttpRequest, survey: Survey, *, kiosk: bool, completing: bool) -> None:
    """Count one completion for this IP; RateLimited past the limit."""
    if not completing:
        return
    limit = settings.CSM_SURVEY_KIOSK_PER_HOUR if kiosk else settings.CSM_SURVEY_RESPONSES_PER_IP_HOUR
    digest = hashlib.sha256(f"{survey.pk}:{_client_ip(request)}:{kiosk}".encode()).hexdigest()[:32]
    key = f"survey-rate:{digest}"
    if cache.add(key, 1, timeout=WINDOW_SECONDS):
        return
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        return
    if count > limit:
        raise RateLimited()
