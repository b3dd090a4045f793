"""Invitation tokens: the secret in a personal survey link, and the one in its opt-out link.

Each invitation stores a random `token_salt`; its token is an HMAC of the salt under the server's
SECRET_KEY, and only the token's SHA-256 (`token_digest`) is looked up. So the send sweep can
rebuild the link for a reminder, a copy of the database alone holds no working link, and the
opt-out link (a second HMAC of the same salt, checked with the invitation's id) needs no column of
its own. Rotating SECRET_KEY changes every token: the invitations already mailed keep working
(their digests are stored), and a reminder gives the invitation a new salt, so its new link works
and its old one stops (docs/decisions/0013-survey-invitation-tokens.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings

from csm.surveys.models import Invitation
from csm.surveys.services.responding import token_digest


def _mac(purpose: str, salt: str) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), f"csm-survey-{purpose}:{salt}".encode(), hashlib.sha256).digest()


def invitation_token(salt: str) -> str:
    """The token of the personal link: 32 URL-safe characters (192 bits)."""
    return base64.urlsafe_b64encode(_mac("invitation", salt)).decode()[:32]


def opt_out_token(salt: str) -> str:
    return base64.urlsafe_b64encode(_mac("opt-out", salt)).decode()[:32]


def issue(invitation: Invitation) -> str:
    """Give an (unsaved or re-keyed) invitation a new salt and digest; returns its token."""
    invitation.token_salt = secrets.token_urlsafe(16)
    token = invitation_token(invitation.token_salt)
    invitation.token_digest = token_digest(token)
    return token


def current_token(invitation: Invitation) -> str | None:
    """The invitation's token rebuilt from its salt, or None when it no longer matches the stored
    digest (SECRET_KEY was rotated): the caller re-keys it with `issue`."""
    if not invitation.token_salt:
        return None
    token = invitation_token(invitation.token_salt)
    return token if hmac.compare_digest(token_digest(token), invitation.token_digest) else None


def opt_out_matches(invitation: Invitation, token: str) -> bool:
    expected = opt_out_token(invitation.token_salt) if invitation.token_salt else "-"
    return hmac.compare_digest(expected, token)
