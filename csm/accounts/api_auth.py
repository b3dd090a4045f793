"""API authentication: `Authorization: Bearer csm_…` tokens, or the browser session plus CSRF.

Both return an `Actor`, so every endpoint works on one organisation: the token's, or the session's
current organisation.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.selectors import actor_for_token, resolve_actor_by_id
from csm.accounts.services import touch_api_token
from csm.core.errors import NotFound

SESSION_ORG_KEY = "csm_current_org"


class BearerTokenAuth(HttpBearer):
    openapi_description = "An API token created under *API tokens*, sent as `Authorization: Bearer csm_…`."

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        found = actor_for_token(raw_token=token)
        if found is None:
            return None
        actor, api_token = found
        if not actor.can(roles.USE_API):
            return None
        touch_api_token(token=api_token)
        request.actor = actor  # type: ignore[attr-defined]
        return actor


class SessionActorAuth(SessionAuth):
    """The signed-in user, in the organisation chosen with the switcher. CSRF is enforced."""

    def _get_key(self, request: HttpRequest) -> str | None:
        # CSRF only guards a signed-in session: without one (e.g. an API client with a revoked
        # token) the answer is 401, not ninja's "CSRF check Failed" 403.
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: Any) -> Actor | None:
        user = request.user
        org_id = request.session.get(SESSION_ORG_KEY)
        if not user.is_authenticated or org_id is None:
            return None
        try:
            actor = resolve_actor_by_id(user=user, organization_id=int(org_id))  # type: ignore[arg-type]
        except NotFound:
            return None
        request.actor = actor  # type: ignore[attr-defined]
        return actor
