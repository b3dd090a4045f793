"""Cursor (keyset) pagination on the primary key.

A page is `limit` rows with id greater than the cursor's, in id order; `next_cursor` is opaque
(base64 of the last id) and None on the last page. Keyset pages stay fast at any depth, and a row
inserted while paging is never returned twice.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext

from csm.core.errors import InvalidInput

T = TypeVar("T")

# Primary keys are signed 64-bit integers; a cursor outside that range is forged, not stale.
MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True).decode()
        kind, _, value = text.partition(":")
        last_id = int(value) if kind == "id" and value.isascii() and value.isdigit() else -1
    except (ValueError, binascii.Error, UnicodeDecodeError):
        last_id = -1
    if not 0 <= last_id <= MAX_ID:
        raise InvalidInput("cursor", gettext("This cursor is not valid; use next_cursor from a previous page."))
    return last_id


def clamp_limit(limit: int | None) -> int:
    if limit is None:
        return int(settings.CSM_API_PAGE_SIZE)
    if limit < 1 or limit > settings.CSM_API_MAX_PAGE_SIZE:
        raise InvalidInput("limit", gettext("limit must be between 1 and %(max)d.") % {"max": settings.CSM_API_MAX_PAGE_SIZE})
    return limit


def paginate(queryset: QuerySet[Any, T], *, cursor: str | None, limit: int | None) -> Page[T]:
    size = clamp_limit(limit)
    qs = queryset.order_by("pk")
    if cursor:
        qs = qs.filter(pk__gt=decode_cursor(cursor))
    rows = list(qs[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    return Page(items=rows, next_cursor=encode_cursor(_row_id(rows[-1])) if has_more else None)


def _row_id(row: object) -> int:
    """The primary key of a model instance or of a `.values()` dict (which must include "id")."""
    return int(row["id"] if isinstance(row, dict) else row.pk)  # type: ignore[attr-defined]
