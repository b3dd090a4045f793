"""The rows a new complaint starts with, written as cheaply as the database allows.

A complaint's row, its reference ("C-<year>-<id>", which needs the id), its Idempotency-Key, the
task that completes it in the worker and its count against the intake's rate limits: on
PostgreSQL one statement (data-modifying CTEs, the id drawn first from the table's sequence), on
SQLite a few (it has neither, and runs in-process, so a statement costs little there). The column
lists and table names come from the models (so the statement follows migrations, and no text from
a request is ever part of it: every value is a parameter). Used by services/intake.py; see
decision 0010 for why the public intake writes SQL of its own.
"""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django_tasks_db.models import DBTaskResult

from csm.complaints import intake_limits
from csm.complaints.models import Complaint, IdempotencyKey
from csm.core import clock, queueing
from csm.core.writes import insert_rows, insert_values


@dataclass(frozen=True)
class NewComplaint:
    """What to write: the complaint's columns (attribute names; no reference), its reference's
    prefix, the Idempotency-Key row's columns (or None), a task to enqueue with the complaint's id
    (or None) and the rate-limit count (or None)."""

    row: dict[str, Any]
    reference_prefix: str
    key: dict[str, Any] | None = None
    task: Any = None
    count: intake_limits.Count | None = None


def reference(prefix: str, pk: int) -> str:
    return f"{prefix}{pk:06d}"


def write(new: NewComplaint) -> int:
    """Write the rows and return the complaint's id. A reused Idempotency-Key raises IntegrityError
    and a count over its limit RateLimited: the caller's transaction must roll back either."""
    on_database = new.task is not None and queueing.on_database(new.task)
    if connection.vendor == "postgresql":
        pk, counts = _one_statement(new, task=new.task if on_database else None)
    else:
        pk, counts = _statements(new, task=new.task if on_database else None)
    if new.count is not None:
        intake_limits.refuse_if_over(new.count, counts)
    if new.task is not None and not on_database:
        new.task.enqueue(pk)  # another backend (the immediate one in tests) runs or queues it its way
    return pk


def _statements(new: NewComplaint, *, task: Any) -> tuple[int, dict[str, int]]:
    (pk,) = insert_rows(Complaint, [{**new.row, "reference": f"tmp-{secrets.token_hex(8)}"}])
    Complaint.objects.filter(pk=pk).update(reference=reference(new.reference_prefix, pk))
    if new.key is not None:
        insert_rows(IdempotencyKey, [{**new.key, "complaint_id": pk}])
    if task is not None:
        queueing.enqueue_many(task, [(pk,)])
    return pk, intake_limits.increment(new.count) if new.count is not None else {}


def _one_statement(new: NewComplaint, *, task: Any) -> tuple[int, dict[str, int]]:
    quote, now = connection.ops.quote_name, clock.now()
    table, _pk_column = Complaint._meta.db_table, str(Complaint._meta.pk.column)
    complaint = [(f, v) for f, v in insert_values(Complaint, {**new.row, "reference": ""}, now)
                 if f.attname != "reference"]
    parts = [
        "n AS (SELECT nextval(pg_get_serial_sequence(%s, %s)) AS id)",
        f"c AS (INSERT INTO {quote(table)} ({quote(_pk_column)}, {quote('reference')}, "  # noqa: S608
        f"{_columns(complaint)}) SELECT n.id, %s || lpad(n.id::text, greatest(6, length(n.id::text)), '0'), "
        f"{_placeholders(complaint)} FROM n RETURNING {quote(_pk_column)} AS id)",
    ]
    params: list[Any] = [table, _pk_column, new.reference_prefix, *(v for _f, v in complaint)]
    if new.key is not None:
        key = [(f, v) for f, v in insert_values(IdempotencyKey, {**new.key, "complaint_id": 0}, now)
               if f.attname != "complaint_id"]
        parts.append(f"k AS (INSERT INTO {quote(IdempotencyKey._meta.db_table)} ({_columns(key)}, "  # noqa: S608
                     f"{quote('complaint_id')}) SELECT {_placeholders(key)}, c.id FROM c)")
        params += [v for _f, v in key]
    if task is not None:
        # The args are the complaint's id, known only inside the statement: built there instead.
        row = queueing.task_row(task, ())
        result = [(f, v) for f, v in insert_values(DBTaskResult, row, now) if f.attname != "args_kwargs"]
        parts.append(f"t AS (INSERT INTO {quote(DBTaskResult._meta.db_table)} ({_columns(result)}, "  # noqa: S608
                     f"{quote('args_kwargs')}) SELECT {_placeholders(result)}, "
                     "jsonb_build_object('args', jsonb_build_array(c.id), 'kwargs', '{}'::jsonb) FROM c)")
        params += [v for _f, v in result]
    select = "SELECT id, NULL::text, NULL::integer FROM c"
    if new.count is not None:
        parts.append(f"l AS ({new.count.sql})")
        params += new.count.params
        select += " UNION ALL SELECT NULL, key, count FROM l"
    with _prepared_cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)} {select}", params)
        rows = cursor.fetchall()
    (pk,) = [row[0] for row in rows if row[0] is not None]
    return int(pk), {key: count for pk_, key, count in rows if pk_ is None}


def _prepared_cursor() -> Any:
    """A Django cursor (so the statement is logged like any other) over a psycopg cursor that binds
    its parameters on the server and prepares the statement: its text is the same for every
    submission of the same shape, so PostgreSQL plans it once per connection, not per request."""
    connection.ensure_connection()
    return connection._prepare_cursor(_prepared_cursor_class()(connection.connection))  # type: ignore[attr-defined]


@functools.cache
def _prepared_cursor_class() -> type:
    from django.db.backends.postgresql.base import ServerBindingCursor  # PostgreSQL only

    class PreparedCursor(ServerBindingCursor):  # type: ignore[misc, valid-type]
        def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None,
                    binary: bool | None = None) -> Any:
            return super().execute(query, params, prepare=True, binary=binary)  # type: ignore[misc]

    return PreparedCursor


def _columns(pairs: list[tuple[Any, Any]]) -> str:
    return ", ".join(connection.ops.quote_name(str(field.column)) for field, _value in pairs)


def _placeholders(pairs: list[tuple[Any, Any]]) -> str:
    return ", ".join(["%s"] * len(pairs))
