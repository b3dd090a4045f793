"""Typed parsing of environment variables with one-line errors.

Every setting CSM reads from the environment goes through these helpers, so a bad value stops
start-up with a message that names the variable and what was expected, never a traceback deep in
Django.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class EnvError(ImproperlyConfigured):
    """A configuration variable is missing or malformed."""


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    source = os.environ if environ is None else environ
    return source.get(name)


def env_str(name: str, default: str | None = None, *, environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ)
    if value is None or value == "":
        if default is None:
            raise EnvError(f"{name} must be set.")
        return default
    return value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise EnvError(f"{name} must be a boolean (true/false, 1/0, yes/no), got {value!r}.")


def env_int(name: str, default: int, *, environ: Mapping[str, str] | None = None) -> int:
    value = _raw(name, environ)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise EnvError(f"{name} must be a whole number, got {value!r}.") from None


def env_list(name: str, default: list[str], *, environ: Mapping[str, str] | None = None) -> list[str]:
    value = _raw(name, environ)
    if value is None or value.strip() == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


_DB_SCHEMES = {"postgres", "postgresql", "pgsql", "sqlite"}


def parse_database_url(name: str, value: str) -> dict[str, object]:
    """Turn a DATABASE_URL into a Django DATABASES entry, or raise a one-line EnvError."""
    import dj_database_url

    scheme = urlsplit(value).scheme
    if scheme not in _DB_SCHEMES:
        raise EnvError(
            f"{name} must look like postgres://user:password@host:5432/dbname or sqlite:///path.db, "
            f"got scheme {scheme!r}."
        )
    try:
        config: dict[str, object] = dict(dj_database_url.parse(value, conn_max_age=60, conn_health_checks=True))
    except (ValueError, KeyError) as exc:
        raise EnvError(f"{name} is malformed: {exc}.") from None
    if scheme != "sqlite" and not config.get("NAME"):
        raise EnvError(f"{name} must name a database, e.g. postgres://postgres@127.0.0.1:5432/csm.")
    return config
