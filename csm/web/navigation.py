"""The main navigation. Each later module adds its section here; items show only to roles allowed
to open them (the same permission the view checks)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

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
        NavItem(_("Overview"), "dashboard", roles.VIEW_ORG),
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
    NavSection(_("Complaints"), (
        NavItem(_("Queue"), "complaints:queue", roles.COMPLAINTS_VIEW),
        NavItem(_("New complaint"), "complaints:create", roles.COMPLAINTS_HANDLE),
        NavItem(_("Import complaints"), "complaints:import", roles.COMPLAINTS_HANDLE),
        NavItem(_("Complaint analytics"), "complaints:analytics", roles.COMPLAINTS_ANALYTICS),
        NavItem(_("SLA calculator"), "complaints:sla_calculator", roles.COMPLAINTS_CONFIGURE),
        NavItem(_("Complaint settings"), "complaints:config_home", roles.COMPLAINTS_CONFIGURE),
        NavItem(_("Public complaint page"), "complaints_public:how_to", roles.COMPLAINTS_VIEW),
    )),
    NavSection(_("Surveys"), (
        NavItem(_("Surveys"), "surveys:list", roles.SURVEYS_VIEW),
        NavItem(_("Satisfaction dashboard"), "surveys:dashboard", roles.SURVEYS_ANALYTICS),
        NavItem(_("Follow-ups"), "surveys:follow_ups", roles.SURVEYS_FOLLOW_UP),
        NavItem(_("Item bank"), "surveys:items", roles.SURVEYS_MANAGE),
        NavItem(_("Contacts and invitations"), "surveys:invitations", roles.SURVEYS_MANAGE),
        NavItem(_("Paper forms"), "surveys:paper", roles.SURVEYS_KEY_IN),
        NavItem(_("Sample size calculator"), "surveys:sample_size", roles.SURVEYS_VIEW),
    )),
    NavSection(_("Assessments"), (
        NavItem(_("Assessments"), "assessments:list", roles.ASSESSMENTS_VIEW),
        NavItem(_("Progress over time"), "assessments:progress", roles.ASSESSMENTS_VIEW),
        NavItem(_("Unit benchmark"), "assessments:benchmark", roles.ASSESSMENTS_VIEW),
        NavItem(_("Self vs independent"), "assessments:gap", roles.ASSESSMENTS_VIEW),
        NavItem(_("Improvement items"), "assessments:improvements", roles.ASSESSMENTS_VIEW),
    )),
    NavSection(_("Administration"), (
        NavItem(_("Organisation settings"), "accounts:settings", roles.MANAGE_MEMBERS),
        NavItem(_("Audit trail"), "core:audit", roles.VIEW_AUDIT),
        NavItem(_("API tokens"), "accounts:tokens", roles.USE_API),
    )),
)


def org_url(url_name: str, org_slug: str) -> str | None:
    """The URL of an organisation page, or None while the page does not exist yet (a module not
    installed), so the navigation never breaks because one section is missing."""
    try:
        return reverse(url_name, kwargs={"org_slug": org_slug})
    except NoReverseMatch:
        return None
