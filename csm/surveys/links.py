"""Absolute URLs of a survey's public pages, for mails, posters and the distribution page. Every
link CSM hands out starts from CSM_BASE_URL (the address respondents reach CSM at)."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.urls import reverse

from csm.surveys import invitation_tokens
from csm.surveys.models import Invitation, Survey


def absolute(path: str) -> str:
    return settings.CSM_BASE_URL.rstrip("/") + path


def _with_query(url: str, **params: object) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in (None, "", False)})
    return f"{url}?{query}" if query else url


def public_url(survey: Survey, *, touch_point_id: int | None = None, via_qr: bool = False) -> str:
    """The survey's public link; with a touch point it records where it was answered, and `via_qr`
    marks the answers as given by QR code."""
    url = absolute(reverse("surveys_public:respond", kwargs={"public_key": survey.public_key}))
    return _with_query(url, tp=touch_point_id, via="qr" if via_qr else None)


def short_url(survey: Survey) -> str:
    """The public link without its scheme, for people to type from a poster."""
    parts = urlsplit(public_url(survey))
    return parts.netloc + parts.path


def kiosk_url(survey: Survey, *, touch_point_id: int | None = None) -> str:
    url = absolute(reverse("surveys_public:kiosk", kwargs={"public_key": survey.public_key}))
    return _with_query(url, tp=touch_point_id)


def invitation_url(token: str) -> str:
    return absolute(reverse("surveys_public:invitation", kwargs={"token": token}))


def opt_out_url(invitation: Invitation) -> str:
    token = invitation_tokens.opt_out_token(invitation.token_salt)
    return absolute(reverse("surveys_public:opt_out", kwargs={"invitation_id": invitation.pk, "token": token}))
