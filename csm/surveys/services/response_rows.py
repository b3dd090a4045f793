"""A completed response written as one statement on PostgreSQL: the response's row, its answers'
rows and the count against the rate limit, with no transaction around it (a statement is atomic by
itself), as the public complaint intake does (decision 0011). A count over its limit calls
`csm_refuse_intake()` (complaints migration 0009), whose error undoes the whole statement; a taken
submission key raises IntegrityError and leaves nothing written either.

Used by `responding.submit_response` for the common case only: a new, complete response with no
invitation, quota or follow-up to write alongside (decision 0014).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

from django.db import DatabaseError, connection

from csm.complaints import intake_limits
from csm.core import clock
from csm.core.db_adapters import prepared_cursor
from csm.core.errors import RateLimited
from csm.core.writes import json_record
from csm.surveys import instrument
from csm.surveys.models import Response


def is_available() -> bool:
    """Whether this database can take a response in one statement (outside any transaction)."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def write(row: Mapping[str, Any], values: Mapping[str, instrument.Value], count: intake_limits.Count,
          refusal: RateLimited) -> int:
    """Insert the response `row` (Response's fields by attname) and its answers, counting it; the
    response's id. RateLimited (`refusal`) when the count passes its limit."""
    now = clock.now()
    answers = [{"key": key, "number": value.number, "text": value.text} for key, value in values.items()]
    params: list[Any] = [json.dumps(json_record(Response, row, now)), json.dumps(answers), *count.params]
    for key, window in count.keys.items():
        params += [key, window.limit]
    try:
        with prepared_cursor() as cursor:
            cursor.execute(_statement(count.sql, len(count.keys)), params)
            rows = cursor.fetchall()
    except DatabaseError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == intake_limits.REFUSED_SQLSTATE:
            raise refusal from None
        raise
    (pk,) = [row[0] for row in rows if row[0] is not None]
    return int(pk)


@functools.cache
def _statement(count_sql: str, keys: int) -> str:
    """Built once per shape, so psycopg parses it once and PostgreSQL plans it once a connection."""
    response, answer = (connection.ops.quote_name(m._meta.db_table) for m in (Response, Response.answers.rel.related_model))
    limits = ", ".join(["(%s, %s::integer)"] * keys)
    # Table names from the models; everything else is constant.
    return (
        "WITH n AS (SELECT nextval(pg_get_serial_sequence('surveys_response', 'id')) AS id), "  # noqa: S608
        f"r AS (INSERT INTO {response} SELECT x.* FROM n, "
        f"jsonb_populate_record(NULL::{response}, %s::jsonb || jsonb_build_object('id', n.id)) x RETURNING id), "
        f"a AS (INSERT INTO {answer} (response_id, key, number, text) "
        "SELECT r.id, y.key, y.number, coalesce(y.text, '') FROM r, "
        "jsonb_to_recordset(%s::jsonb) AS y (key text, number double precision, text text)), "
        f"l AS ({count_sql}) "
        "SELECT id, NULL::text, NULL::integer FROM r "
        "UNION ALL SELECT NULL, l.key, CASE WHEN l.count > v.max "
        f"THEN {intake_limits.REFUSE_FUNCTION}() ELSE l.count END "
        f"FROM l JOIN (VALUES {limits}) AS v (key, max) ON v.key = l.key"
    )
