"""Roles and what each may do. One table, read by every view and endpoint through `require`.

Permissions are plain strings "<area>.<verb>". Later modules add their areas here.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from csm.core.audit import VIEW_AUDIT


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", _("Organisation admin")
    QUALITY_MANAGER = "quality_manager", _("Quality manager")
    COMPLAINT_HANDLER = "complaint_handler", _("Complaint handler")
    INSPECTOR = "inspector", _("Inspector")
    ASSESSOR = "assessor", _("Assessor")
    VIEWER = "viewer", _("Viewer")


VIEW_ORG = "organization.view"
MANAGE_MEMBERS = "members.manage"
MANAGE_UNITS = "units.manage"
VIEW_CATALOGUE = "catalogue.view"
EDIT_CATALOGUE = "catalogue.edit"
VIEW_CALENDARS = "calendars.view"
EDIT_CALENDARS = "calendars.edit"
USE_API = "api.use"
COMPLAINTS_VIEW = "complaints.view"
COMPLAINTS_HANDLE = "complaints.handle"
COMPLAINTS_APPROVE = "complaints.approve"
COMPLAINTS_CONFIGURE = "complaints.configure"
COMPLAINTS_PERSONAL_DATA = "complaints.personal_data"
# Aggregates only (ISO 10002 8.2-8.4): for those who monitor and review, not for case handlers.
COMPLAINTS_ANALYTICS = "complaints.analytics"
SURVEYS_VIEW = "surveys.view"
SURVEYS_MANAGE = "surveys.manage"  # build, publish, close, distribute, quotas
SURVEYS_KEY_IN = "surveys.key_in"  # paper forms, typed in by staff
SURVEYS_FOLLOW_UP = "surveys.follow_up"  # the closed loop: follow-up tasks
SURVEYS_ANALYTICS = "surveys.analytics"  # dashboards and exports (aggregates only)
ASSESSMENTS_VIEW = "assessments.view"  # issued reports, certificates, comparisons, improvement items
ASSESSMENTS_CONDUCT = "assessments.conduct"  # open an assessment, score, attach evidence, submit
ASSESSMENTS_MANAGE = "assessments.manage"  # revoke certificates, corrections, improvement owners and dates

_EVERYONE = {VIEW_ORG, VIEW_CATALOGUE, VIEW_CALENDARS, USE_API, COMPLAINTS_VIEW, SURVEYS_VIEW, ASSESSMENTS_VIEW}
_HANDLING = {COMPLAINTS_HANDLE, COMPLAINTS_PERSONAL_DATA, SURVEYS_KEY_IN, SURVEYS_FOLLOW_UP}
_MANAGING = {MANAGE_UNITS, EDIT_CATALOGUE, EDIT_CALENDARS, VIEW_AUDIT, COMPLAINTS_APPROVE, COMPLAINTS_CONFIGURE,
             COMPLAINTS_ANALYTICS, SURVEYS_MANAGE, SURVEYS_ANALYTICS, ASSESSMENTS_CONDUCT, ASSESSMENTS_MANAGE}

PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ORG_ADMIN: frozenset(_EVERYONE | _HANDLING | _MANAGING | {MANAGE_MEMBERS}),
    Role.QUALITY_MANAGER: frozenset(_EVERYONE | _HANDLING | _MANAGING),
    Role.COMPLAINT_HANDLER: frozenset(_EVERYONE | _HANDLING),
    Role.INSPECTOR: frozenset(_EVERYONE | {SURVEYS_KEY_IN}),
    Role.ASSESSOR: frozenset(_EVERYONE | {VIEW_AUDIT, COMPLAINTS_ANALYTICS, SURVEYS_ANALYTICS, ASSESSMENTS_CONDUCT}),
    Role.VIEWER: frozenset(_EVERYONE | {COMPLAINTS_ANALYTICS, SURVEYS_ANALYTICS}),
}


def role_allows(role: str, permission: str) -> bool:
    return permission in PERMISSIONS.get(role, frozenset())
