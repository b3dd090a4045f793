"""The main navigation. Each later module adds its section here; items show only to roles allowed
to open them (the same permission the view checks)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.functional import Promise

from csm.accounts import roles


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    permission: str


@dataclass(frozen=True)
class NavSection:
    label: str | Promise
    items: tuple[NavItem, ...]


SECTIONS: tuple[NavSection, ...] = (
    NavSection(_("Organisation"), (
        NavItem(_("Overview"), "accounts:dashboard", roles.VIEW_ORG),
        NavItem(_("Units and clients"), "accounts:units", roles.VIEW_ORG),
        NavItem(_("Members"), "accounts:members", roles.VIEW_ORG),
        NavItem(_("Business calendars"), "core:calendars", roles.VIEW_CALENDARS),
    )),
    NavSection(_("Service blueprint"), (
        NavItem(_("Blueprint"), "catalogue:blueprint", roles.VIEW_CATALOGUE),
        NavItem(_("Services"), "catalogue:services", roles.VIEW_CATALOGUE),
        NavItem(_("Touch points"), "catalogue:touch_points", roles.VIEW_CATALOGUE),
        NavItem(_("Touch lines"), "catalogue:touch_lines", roles.VIEW_CATALOGUE),
        NavItem(_("Touch faces"), "catalogue:touch_faces", roles.VIEW_CATALOGUE),
        NavItem(_("Service characteristics"), "catalogue:characteristics", roles.VIEW_CATALOGUE),
    )),
    NavSection(_("Administration"), (
        NavItem(_("Audit trail"), "core:audit", roles.VIEW_AUDIT),
        NavItem(_("API tokens"), "accounts:tokens", roles.USE_API),
    )),
)
