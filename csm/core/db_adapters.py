"""Reading many rows of timestamps faster on PostgreSQL.

Django reads every timestamptz through a loader of its own, a Python subclass of psycopg's pure
Python loader that then sets the tzinfo to UTC. The psycopg binary package has the same loader in
C, which gives the same datetime (aware, `datetime.timezone.utc`) when the session's time zone is
UTC, as Django makes it with USE_TZ; reading thousands of complaints, the Python loader was a
tenth of the SLA sweep's time. Django checks the connection's loader on every cursor (it reads its
`timezone`, which the C class lacks and cannot be given), so the C loader is registered on one
cursor only: `fast_rows` runs a `values_list` query on such a cursor, elsewhere as Django would.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.db.models import QuerySet


@functools.cache
def fast_timestamptz_loader() -> type | None:
    """psycopg's C timestamptz loader, or None without the binary package."""
    try:
        import psycopg  # noqa: F401 - psycopg_binary must be imported after it
        from psycopg_binary import _psycopg
    except ImportError:
        return None
    loader: type = getattr(_psycopg, "TimestamptzLoader")  # noqa: B009 - untyped extension module
    return loader


def fast_rows(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a `values_list` queryset whose columns need no Django converter (plain columns:
    text, numbers, booleans, dates and times; no JSON), timestamps read by the C loader where it
    gives what Django's gives; elsewhere the queryset's own rows."""
    connection = connections[queryset.db]
    loader = fast_timestamptz_loader()
    if connection.vendor != "postgresql" or not settings.USE_TZ or loader is None:
        return list(queryset)
    connection.ensure_connection()
    if (connection.connection.pgconn.parameter_status(b"TimeZone") or b"").upper() not in (b"UTC", b"ETC/UTC"):
        return list(queryset)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.cursor.adapters.register_loader("timestamptz", loader)
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def prepared_cursor() -> Any:
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
