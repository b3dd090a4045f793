"""The audit trail as CSV, streamed row by row so a long history never sits in memory.

One row per event, oldest first; times in ISO 8601 UTC; `changes` as JSON. Cells that a
spreadsheet would run as a formula (starting with = + - @, tab or carriage return) are prefixed
with an apostrophe, because object names and change values are typed by users.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from csm.core.models import AuditEvent

HEADER = ["id", "time_utc", "actor", "action", "object_type", "object_id", "object", "changes", "request_id"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def event_row(event: AuditEvent) -> list[str]:
    changes = json.dumps(event.changes, ensure_ascii=False, sort_keys=True) if event.changes else ""
    actor = event.actor.email if event.actor is not None else event.actor_label
    values = [event.pk, event.created_at.astimezone(dt.UTC).isoformat(), actor,
              event.action, event.object_type, event.object_id, event.object_repr, changes, event.request_id]
    return [safe_cell(value) for value in values]


def csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    for event in events:
        yield writer.writerow(event_row(event))


def csv_response(events: QuerySet[AuditEvent], *, filename: str) -> StreamingHttpResponse:
    """Stream the events oldest first as a CSV download."""
    rows = events.order_by("created_at", "id").iterator(chunk_size=1000)
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
