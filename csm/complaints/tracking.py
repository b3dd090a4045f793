"""Private tracking links.

Each complaint stores a random `tracking_secret`; the token in the complainant's link is an HMAC of
it under the server's SECRET_KEY. So any service can rebuild the link later (for the decision or
rating e-mail), a copy of the database alone does not reveal working links, and rotating the
SECRET_KEY revokes them all.

After closure the tracking page asks how the complaint was handled: with the simple 1-5 rating of
this app, or, when a higher app registers a provider (`register_rating_link`, from its
AppConfig.ready()) that offers a link for the complaint, with that instead. The surveys app does
this when the organisation runs a complaint-closure survey; this app never imports it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse

if TYPE_CHECKING:
    from csm.complaints.models import Complaint


def new_tracking_secret() -> str:
    return secrets.token_hex(16)


def tracking_token(secret: str) -> str:
    mac = hmac.new(settings.SECRET_KEY.encode(), f"csm-tracking:{secret}".encode(), hashlib.sha256)
    return mac.hexdigest()[:40]


def token_matches(secret: str, token: str) -> bool:
    return hmac.compare_digest(tracking_token(secret), token)


def tracking_path(*, organization_slug: str, reference: str, secret: str) -> str:
    return reverse("complaints_public:track", kwargs={
        "org_slug": organization_slug, "reference": reference, "token": tracking_token(secret)})


def tracking_url(*, organization_slug: str, reference: str, secret: str) -> str:
    return settings.CSM_BASE_URL.rstrip("/") + tracking_path(
        organization_slug=organization_slug, reference=reference, secret=secret)


@dataclass(frozen=True)
class RatingLink:
    """Where the complainant is asked how the complaint was handled, instead of the 1-5 rating:
    a button that posts to `url`, or a thank-you once `is_answered`."""

    url: str
    is_answered: bool = False


RatingLinkProvider = Callable[["Complaint"], RatingLink | None]
_rating_link_providers: list[RatingLinkProvider] = []


def register_rating_link(provider: RatingLinkProvider) -> None:
    """Offer a provider of rating links (registering the same one again does nothing)."""
    if provider not in _rating_link_providers:
        _rating_link_providers.append(provider)


def rating_link(complaint: Complaint) -> RatingLink | None:
    """The first registered provider's link for this complaint; None: use the 1-5 rating."""
    for provider in _rating_link_providers:
        link = provider(complaint)
        if link is not None:
            return link
    return None
