"""Writing audit events. Services call `record_event`; nothing else writes AuditEvent rows.

`snapshot` and `diff` turn model state into the JSON `changes` map {field: [old, new]} so every
update records exactly the fields it changed.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from django.db import models
from django.db.models import QuerySet

from csm.core.models import AuditEvent
from csm.core.request_context import current_request_id

JSONValue = Any

# The permission to read the audit trail; the role table in accounts.roles grants it.
VIEW_AUDIT = "audit.view"


class AuditReader(Protocol):
    """What reading history needs of an actor (accounts.context.Actor satisfies it)."""

    @property
    def organization_id(self) -> int: ...

    def can(self, permission: str) -> bool: ...


def to_json_value(value: Any) -> JSONValue:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        items = [to_json_value(v) for v in value]
        return sorted(items) if isinstance(value, set | frozenset) else items
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, JSONValue]:
    """The JSON value of each named field; a foreign key gives its id."""
    result: dict[str, JSONValue] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        result[name] = to_json_value(getattr(instance, attname))
    return result


def diff(before: Mapping[str, JSONValue], after: Mapping[str, JSONValue]) -> dict[str, list[JSONValue]]:
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def record_event(
    *,
    organization_id: int | None,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    changes: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event, stamped with the current request id."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:255]
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        organization_id=organization_id,
        actor=actor if is_user else None,
        actor_label=(getattr(actor, "email", "") if is_user else str(actor or "system"))[:254],
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:255],
        action=action,
        changes=dict(changes or {}),
        request_id=current_request_id(),
    )


def history_for(*, actor: AuditReader, obj: models.Model) -> QuerySet[AuditEvent]:
    """The history of one object of the actor's organisation, newest first; empty for roles that
    may not read the audit trail (so detail pages can always include it)."""
    if not actor.can(VIEW_AUDIT):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(
        organization_id=actor.organization_id, object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")
