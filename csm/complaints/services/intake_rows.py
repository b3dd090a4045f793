"""The rows a new complaint starts with, written as cheaply as the database allows.

A complaint's row (with its Idempotency-Key and, for the worker, its `intake_pending` flag), its
reference ("C-<year>-<id>", which needs the id) and its count against the intake's rate limits: on
PostgreSQL one statement (data-modifying CTEs, the id drawn first from the table's sequence), on
SQLite a few (it has neither, and runs in-process, so a statement costs little there). The column
lists and table names come from the models (so the statement follows migrations, and no text from
a request is ever part of it: every value is a parameter). Used by services/intake.py; see
decision 0010 for why the public intake writes SQL of its own.
"""

from __future__ import annotations

import functools
import json
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connection

from csm.complaints import intake_limits
from csm.complaints.models import Complaint
from csm.core import clock
from csm.core.db_adapters import prepared_cursor
from csm.core.writes import insert_rows, json_record


@dataclass(frozen=True)
class NewComplaint:
    """What to write: the complaint's columns (attribute names; no reference), its reference's
    prefix and the rate-limit count (or None)."""

    row: dict[str, Any]
    reference_prefix: str
    count: intake_limits.Count | None = None


def reference(prefix: str, pk: int) -> str:
    return f"{prefix}{pk:06d}"


def one_statement(*, uploads: bool = False) -> bool:
    """Whether `write` is a single statement, atomic by itself: then a caller with nothing else to
    write (`uploads`) needs no transaction around it, and saves the BEGIN and COMMIT round trips."""
    return connection.vendor == "postgresql" and not uploads


def write(new: NewComplaint) -> int:
    """Write the rows and return the complaint's id. A reused Idempotency-Key raises IntegrityError
    and a count over its limit RateLimited; either leaves nothing written by a single statement
    (`one_statement`), and otherwise the caller's transaction must roll back."""
    return _one_statement(new) if connection.vendor == "postgresql" else _statements(new)


def _statements(new: NewComplaint) -> int:
    """SQLite: the rows, then the count, judged here (the caller's transaction undoes a refusal)."""
    (pk,) = insert_rows(Complaint, [{**new.row, "reference": f"tmp-{secrets.token_hex(8)}"}])
    Complaint.objects.filter(pk=pk).update(reference=reference(new.reference_prefix, pk))
    if new.count is not None:
        intake_limits.refuse_if_over(new.count, intake_limits.increment(new.count))
    return pk


def _one_statement(new: NewComplaint) -> int:
    """Each row goes in as one JSON parameter (`json_record`), completed inside the statement with
    what only the statement knows: the complaint's id, and the reference and references built on it."""
    now = clock.now()
    params: list[Any] = [Complaint._meta.db_table, str(Complaint._meta.pk.column),
                         json.dumps(json_record(Complaint, {**new.row, "reference": ""}, now)), new.reference_prefix]
    if new.count is not None:
        params += new.count.params
        for key, window in new.count.keys.items():
            params += [key, window.limit]
    sql = _statement(new.count.sql if new.count is not None else None,
                     len(new.count.keys) if new.count is not None else 0)
    try:
        with prepared_cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    except DatabaseError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == intake_limits.REFUSED_SQLSTATE:
            raise intake_limits.refusal() from None
        raise
    (pk,) = [row[0] for row in rows if row[0] is not None]  # the counts' rows passed their limits
    return int(pk)


@functools.cache
def _statement(count_sql: str | None, keys: int) -> str:
    """The statement's text for a shape of submission, built once: the same text every time, so
    psycopg parses it once and PostgreSQL plans it once per connection."""
    pk = str(Complaint._meta.pk.column)
    reference = "%s || lpad(n.id::text, greatest(6, length(n.id::text)), '0')"
    complaint = _insert(Complaint, "n", f"jsonb_build_object('{pk}', n.id, 'reference', {reference})")
    parts = [
        "n AS (SELECT nextval(pg_get_serial_sequence(%s, %s)) AS id)",
        f"c AS ({complaint} RETURNING {_quote(pk)} AS id)",
    ]
    select = "SELECT id, NULL::text, NULL::integer FROM c"
    if count_sql is not None:
        # Each key's new count against its limit: one over it fails the statement, which undoes it.
        limits = ", ".join(["(%s, %s::integer)"] * keys)
        parts.append(f"l AS ({count_sql})")
        select += (" UNION ALL SELECT NULL, l.key, CASE WHEN l.count > v.max "  # noqa: S608 - constants
                   f"THEN {intake_limits.REFUSE_FUNCTION}() ELSE l.count END "
                   f"FROM l JOIN (VALUES {limits}) AS v (key, max) ON v.key = l.key")
    return f"WITH {', '.join(parts)} {select}"



def _insert(model: Any, source: str, completion: str) -> str:
    """INSERT one whole row of `model` (every column, its key too) from a JSON parameter merged with
    `completion`, built from `source`'s columns."""
    table = _quote(model._meta.db_table)
    return (f"INSERT INTO {table} SELECT r.* FROM {source}, "  # noqa: S608 - names from the model
            f"jsonb_populate_record(NULL::{table}, %s::jsonb || {completion}) r")


def _quote(name: str) -> str:
    return str(connection.ops.quote_name(name))
