"""What every page's layout needs: the side navigation for the current actor, the organisation
switcher and the language choices. Works on pages without an actor (sign-in, error pages)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from csm.accounts.context import Actor
from csm.accounts.selectors import user_memberships
from csm.web.navigation import SECTIONS, org_url

# Each language is offered in its own name, so a reader can find theirs whatever the page language.
LANGUAGE_NAMES = (("en", "English"), ("pl", "Polski"), ("zh-hans", "简体中文"))


@dataclass(frozen=True)
class Link:
    label: Any
    url: str
    is_current: bool = False


def _nav_sections(actor: Actor, path: str) -> list[tuple[Any, list[Link]]]:
    slug = actor.organization.slug
    sections = []
    for section in SECTIONS:
        allowed = [item for item in section.items if actor.can(item.permission)]
        items = [(item.label, url) for item in allowed if (url := org_url(item.url_name, slug))]
        sections.append((section.label, items))
    # The deepest page whose URL starts the current path is the active one (a unit's edit page
    # marks "Units"; every page starts with the dashboard's URL).
    matches = [url for _, items in sections for _, url in items if path.startswith(url)]
    current = max(matches, key=len, default=None)
    return [
        (label, [Link(text, url, url == current) for text, url in items])
        for label, items in sections
        if items
    ]


def _organisations(request: HttpRequest, actor: Actor | None) -> list[Link]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    current_id = actor.organization_id if actor else None
    return [
        Link(m.organization.name, reverse("dashboard", kwargs={"org_slug": m.organization.slug}),
             m.organization_id == current_id)
        for m in user_memberships(user=user)
    ]


def navigation(request: HttpRequest) -> dict[str, Any]:
    actor: Actor | None = getattr(request, "actor", None)
    return {
        "nav_sections": _nav_sections(actor, request.path) if actor else [],
        "nav_organisations": _organisations(request, actor),
        "current_organization": actor.organization if actor else None,
        "language_names": LANGUAGE_NAMES,
    }
