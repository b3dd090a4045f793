"""Reads for core data: the audit trail and business calendars, scoped by organisation."""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.core.models import AuditEvent


def list_audit_events(*, actor: Actor) -> QuerySet[AuditEvent]:
    """All audit events of the actor's organisation, newest first."""
    actor.require(roles.VIEW_AUDIT)
    return AuditEvent.objects.filter(organization_id=actor.organization_id).select_related("actor")


def audit_events_for_object(*, actor: Actor, obj: models.Model) -> QuerySet[AuditEvent]:
    """The history of one object of the actor's organisation, newest first. Empty for roles
    that may not read the audit trail."""
    if not actor.can(roles.VIEW_AUDIT):
        return AuditEvent.objects.none()
    return list_audit_events(actor=actor).filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
