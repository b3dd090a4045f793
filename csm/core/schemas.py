"""Schemas shared by every API router: the error shape and the cursor page wrapper."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from ninja import Schema
from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


class ErrorOut(Schema):
    detail: Any
    code: str


class PageOut(BaseModel, Generic[T]):
    model_config = ConfigDict(from_attributes=True)

    items: list[T]
    next_cursor: str | None


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
