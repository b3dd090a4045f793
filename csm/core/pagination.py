"""Cursor (keyset) pagination on the primary key.

A page is `limit` rows with id greater than the cursor's, in id order; `next_cursor` is opaque
(base64 of the last id) and None on the last page. Keyset pages stay fast at any depth, and a row
inserted while paging is never returned twice.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.conf import settings
from django.db.models import QuerySet

from csm.core.errors import InvalidInput

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = text.partition(":")
        if kind != "id":
            raise ValueError(kind)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput("cursor", "This cursor is not valid; use next_cursor from a previous page.") from None


def clamp_limit(limit: int | None) -> int:
    if limit is None:
        return int(settings.CSM_API_PAGE_SIZE)
    if limit < 1 or limit > settings.CSM_API_MAX_PAGE_SIZE:
        raise InvalidInput("limit", f"limit must be between 1 and {settings.CSM_API_MAX_PAGE_SIZE}.")
    return limit


def paginate(queryset: QuerySet[T], *, cursor: str | None, limit: int | None) -> Page[T]:
    size = clamp_limit(limit)
    qs = queryset.order_by("pk")
    if cursor:
        qs = qs.filter(pk__gt=decode_cursor(cursor))
    rows = list(qs[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    last = rows[-1] if rows else None
    last_id = (last["id"] if isinstance(last, dict) else last.pk) if last is not None else None  # type: ignore[attr-defined]
    return Page(items=rows, next_cursor=encode_cursor(last_id) if has_more and last_id is not None else None)
