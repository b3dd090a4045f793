"""The two checks every selector and service repeats, in one place.

`get_or_not_found` fetches one row of an already organisation-scoped queryset; a missing id, a
malformed one and another organisation's all raise the same NotFound, so nothing leaks.
`check_same_organization` refuses a referenced object of another organisation as a 422 on the field.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import QuerySet
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
