"""The current request id, carried in a context variable so services can stamp audit events."""

from __future__ import annotations

import contextvars
import uuid

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("csm_request_id", default="")


def current_request_id() -> str:
    return _request_id.get()


def set_request_id(value: str | None) -> contextvars.Token[str]:
    clean = (value or "").strip()[:64]
    if not clean or not all(ch.isalnum() or ch in "-_." for ch in clean):
        clean = uuid.uuid4().hex
    return _request_id.set(clean)


def reset_request_id(token: contextvars.Token[str]) -> None:
    _request_id.reset(token)
