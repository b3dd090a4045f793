"""The benchmarks' own PostgreSQL database: whether the server answers, a fresh database, and
dropping it at the end. Works on the server's `postgres` database, never on the benchmark's."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/csm_bench"


def _name(url: str) -> str:
    name = conninfo_to_dict(url).get("dbname")
    if not name or name == "postgres":
        raise ValueError(f"CSM_BENCH_DATABASE_URL must name a database of its own, got {url!r}.")
    return str(name)


@contextlib.contextmanager
def _server(url: str) -> Iterator[psycopg.Connection]:
    params = {**conninfo_to_dict(url), "dbname": "postgres", "connect_timeout": 5}
    with psycopg.connect(**params, autocommit=True) as connection:  # type: ignore[arg-type]
        yield connection


def unreachable(url: str) -> str | None:
    """Why PostgreSQL at `url` cannot be used for the benchmarks, or None when it can."""
    try:
        _name(url)
        with _server(url) as connection:
            connection.execute("SELECT 1")
    except ValueError as error:
        return str(error)
    except psycopg.Error as error:
        lines = str(error).strip().splitlines() or [type(error).__name__]
        return f"cannot use PostgreSQL: {lines[0]}"
    return None


def create(url: str) -> None:
    """Create the database, dropping a leftover of an interrupted run first."""
    name = sql.Identifier(_name(url))
    with _server(url) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(name))


def drop(url: str) -> None:
    with _server(url) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(_name(url))))
