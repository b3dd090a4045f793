"""The one gate for organisation pages: `@org_view(permission)`.

It requires a signed-in user, resolves the organisation from the URL's `org_slug` through the
membership (404 when not a member, so other tenants stay invisible), checks the role's permission
(403), remembers the organisation as the session's current one, and sets `request.actor`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from csm.accounts.api_auth import SESSION_ORG_KEY
from csm.accounts.selectors import resolve_actor
from csm.core.errors import NotFound, PermissionDenied

View = Callable[..., HttpResponse]


def org_view(permission: str | None = None) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, org_slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                actor = resolve_actor(user=request.user, organization_slug=org_slug)  # type: ignore[arg-type]
                request.actor = actor  # type: ignore[attr-defined]
                if permission:
                    actor.require(permission)
                if request.session.get(SESSION_ORG_KEY) != actor.organization_id:
                    request.session[SESSION_ORG_KEY] = actor.organization_id
                return view(request, *args, **kwargs)
            except NotFound:
                raise Http404() from None
            except PermissionDenied:
                raise DjangoPermissionDenied() from None

        return wrapped

    return decorate
