"""Helpers every service uses to validate, save and audit a model in one step.

They guarantee: a model is fully validated before it is saved (Django ValidationError becomes
InvalidInput naming each field), and an audit event records exactly what changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import ProtectedError

from csm.core.audit import diff, record_event, snapshot
from csm.core.errors import Conflict, InvalidInput, NotFound

M = TypeVar("M", bound=models.Model)
T = TypeVar("T")


def validation_errors(exc: ValidationError) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    if hasattr(exc, "error_dict"):
        for field, field_errors in exc.error_dict.items():
            for error in field_errors:
                errors.extend({"field": field, "message": m} for m in error.messages)
    else:
        errors.extend({"field": "__all__", "message": m} for m in exc.messages)
    return errors


def validate(instance: models.Model, *, exclude: Iterable[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=True, validate_constraints=True)
    except ValidationError as exc:
        raise InvalidInput(errors=validation_errors(exc)) from None


def resolve_reference(field: str, lookup: Callable[[], T]) -> T:
    """Run an access_* lookup for a referenced object; a miss is a 422 on that field, not a 404."""
    try:
        return lookup()
    except NotFound:
        raise InvalidInput(field, "No such object in this organisation.") from None


def create_audited(instance: M, *, actor: Any, fields: Iterable[str], organization_id: int | None) -> M:
    fields = list(fields)
    validate(instance)
    instance.save()
    after = snapshot(instance, fields)
    record_event(
        organization_id=organization_id,
        actor=actor,
        action="created",
        obj=instance,
        changes={k: [None, v] for k, v in after.items() if v not in (None, "", [])},
    )
    return instance


def update_audited(
    instance: M, *, actor: Any, data: Mapping[str, Any], fields: Iterable[str], organization_id: int | None
) -> dict[str, list[Any]]:
    fields = list(fields)
    unknown = set(data) - set(fields)
    if unknown:
        raise InvalidInput(errors=[{"field": f, "message": "This field cannot be changed."} for f in sorted(unknown)])
    before = snapshot(instance, fields)
    for name, value in data.items():
        setattr(instance, name, value)
    validate(instance)
    instance.save()
    changes = diff(before, snapshot(instance, fields))
    if changes:
        record_event(organization_id=organization_id, actor=actor, action="updated", obj=instance, changes=changes)
    return changes


def delete_audited(instance: models.Model, *, actor: Any, organization_id: int | None) -> None:
    label, pk, text = instance._meta.label_lower, str(instance.pk), str(instance)[:255]
    try:
        instance.delete()
    except ProtectedError:
        raise Conflict("Other records still refer to this one; remove or change them first.") from None
    record_event(
        organization_id=organization_id,
        actor=actor,
        action="deleted",
        object_type=label,
        object_id=pk,
        object_repr=text,
    )
