"""The entry pages: `home` sends a signed-in user to an organisation, and the organisation dashboard
(here rather than in accounts because it also counts the catalogue, a higher layer)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from csm.accounts import roles
from csm.accounts import selectors as accounts
from csm.accounts.api_auth import SESSION_ORG_KEY
from csm.accounts.context import Actor
from csm.accounts.decorators import org_view
from csm.accounts.models import Membership
from csm.catalogue import selectors as catalogue
from csm.web.navigation import org_url


def _membership_to_open(request: HttpRequest, memberships: list[Membership]) -> Membership | None:
    """The session's current organisation if still a member, else the only one; None to ask."""
    current = request.session.get(SESSION_ORG_KEY)
    for membership in memberships:
        if membership.organization_id == current:
            return membership
    return memberships[0] if len(memberships) == 1 else None


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    memberships = list(accounts.user_memberships(user=request.user))  # type: ignore[arg-type]
    if not memberships:
        return render(request, "web/no_organisation.html")
    chosen = _membership_to_open(request, memberships)
    if chosen is not None:
        return redirect("dashboard", org_slug=chosen.organization.slug)
    return render(request, "web/pick_organisation.html", {"memberships": memberships})


@dataclass(frozen=True)
class Count:
    label: str | Promise
    value: int
    url: str | None


def _counts(actor: Actor) -> list[Count]:
    slug = actor.organization.slug
    rows: list[tuple[str | Promise, QuerySet, str]] = [
        (_("Units"), accounts.list_units(actor=actor), "accounts:units"),
        (_("Client organisations"), accounts.list_clients(actor=actor), "accounts:units"),
        (_("Active members"), accounts.list_memberships(actor=actor).filter(is_active=True),
         "accounts:members"),
    ]
    if actor.can(roles.VIEW_CATALOGUE):
        rows += [
            (_("Services"), catalogue.list_services(actor=actor), "catalogue:services"),
            (_("Touch points"), catalogue.list_touch_points(actor=actor), "catalogue:touch_points"),
            (_("Touch lines"), catalogue.list_touch_lines(actor=actor), "catalogue:touch_lines"),
            (_("Touch faces"), catalogue.list_touch_faces(actor=actor), "catalogue:touch_faces"),
            (_("Service characteristics"), catalogue.list_characteristics(actor=actor),
             "catalogue:characteristics"),
        ]
    return [Count(label, qs.count(), org_url(url_name, slug)) for label, qs, url_name in rows]


@org_view(roles.VIEW_ORG)
def dashboard(request: HttpRequest) -> HttpResponse:
    actor: Actor = request.actor  # type: ignore[attr-defined]
    context = {
        "organization": actor.organization,
        "counts": _counts(actor),
        "can_manage": actor.can(roles.MANAGE_MEMBERS),
    }
    return render(request, "web/dashboard.html", context)
