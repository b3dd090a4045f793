"""What the handler pages share: the actor, reversing org URLs, and showing every time in the
organisation's timezone."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from csm.accounts.context import Actor

View = Callable[..., HttpResponse]


def actor_of(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def org_url(request: HttpRequest, name: str, **kwargs: Any) -> str:
    return reverse(f"complaints:{name}", kwargs={"org_slug": actor_of(request).organization.slug, **kwargs})


def in_org_timezone(view: View) -> View:
    """Render (and read form times) in the organisation's timezone. Goes inside `@org_view`."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with timezone.override(actor_of(request).organization.timezone):
            return view(request, *args, **kwargs)

    return wrapped
