"""The two checks every selector and service repeats, in one place.

`get_or_not_found` fetches one row of an already organisation-scoped queryset; a missing id, a
malformed one and another organisation's all raise the same NotFound, so nothing leaks.
`check_same_organization` refuses a referenced object of another organisation as a 422 on the field.
`loaded` builds many instances from a few columns for a sweep, without Model.__init__'s cost.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.db.models.base import ModelState
from django.utils.translation import gettext as _

from csm.core.errors import InvalidInput, NotFound

M = TypeVar("M", bound=models.Model)


def get_or_not_found(queryset: QuerySet[M], pk: object) -> M:
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def check_same_organization(organization_id: int, field: str, obj: Any) -> None:
    if obj is not None and obj.organization_id != organization_id:
        raise InvalidInput(field, str(_("No such object in this organisation.")))


def loaded(model: type[M], attnames: Sequence[str], rows: Iterable[Sequence[Any]], *, using: str = "default") -> list[M]:
    """Saved instances of `model` from `rows` of the columns `attnames` (attribute names, as
    `values_list` returns them), every other field deferred: reading one loads it, as after
    `only()`. What `from_db` makes, for a fraction of the cost: Model.__init__ walks every field of
    the model for each row, which for a wide model costs more than reading the row (the SLA sweep
    loads thousands at a time)."""
    if model._meta.pk.attname not in attnames:
        raise ValueError(f"{model._meta.label}: the primary key must be among the columns.")
    instances = []
    for row in rows:
        instance = model.__new__(model)
        instance.__dict__.update(zip(attnames, row, strict=True))
        instance._state = ModelState()
        instance._state.adding, instance._state.db = False, using
        instances.append(instance)
    return instances
