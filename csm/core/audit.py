"""Writing audit events. Services call `record_event`; nothing else writes AuditEvent rows.

`snapshot` and `diff` turn model state into the JSON `changes` map {field: [old, new]} so every
update records exactly the fields it changed.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from csm.core.models import AuditEvent
from csm.core.request_context import current_request_id

JSONValue = Any


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
