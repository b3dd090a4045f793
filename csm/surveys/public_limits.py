"""Rate limit of the distribution's public pages (opting out, the complaint survey button):
requests per client IP in a fixed hourly window, counted in the shared cache like the sign-in
throttle (accounts/throttle.py) and the respondent pages (respond_limits.py). Guessing a 192-bit
token is hopeless anyway; the limit keeps a script from hammering the database."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from csm.complaints.intake_limits import client_ip
from csm.core import hourly_limits

WINDOW_SECONDS = 3600
DEFAULT_PER_IP_HOUR = 60


def allow(request: HttpRequest, scope: str) -> bool:
    """Count this request; False once the client's IP is past its limit in this window."""
    limit = int(getattr(settings, "CSM_SURVEY_PUBLIC_PER_IP_HOUR", DEFAULT_PER_IP_HOUR))
    return hourly_limits.allow(prefix="survey-public", identity=f"{scope}:{client_ip(request.META)}", limit=limit,
                               window_seconds=WINDOW_SECONDS)
