"""Private tracking links.

Each complaint stores a random `tracking_secret`; the token in the complainant's link is an HMAC of
it under the server's SECRET_KEY. So any service can rebuild the link later (for the decision or
rating e-mail), a copy of the database alone does not reveal working links, and rotating the
SECRET_KEY revokes them all.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.urls import reverse


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
