"""Schemas shared by every API router: the error shape, the cursor page wrapper and its query."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from django.conf import settings
from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict, field_validator

T = TypeVar("T")

# Primary keys are positive signed 64-bit integers. Bounding every id in a query or body keeps a
# huge number from overflowing the database driver (a 500) and makes it a 422 naming the field.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class InputSchema(Schema):
    """Base of every request body and query schema: text may not contain NUL characters, which
    PostgreSQL cannot store (a 422 naming the field, never a 500)."""

    @field_validator("*", mode="after")
    @classmethod
    def _reject_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("Text may not contain NUL characters.")
        if isinstance(value, list) and any(isinstance(v, str) and "\x00" in v for v in value):
            raise ValueError("Text may not contain NUL characters.")
        return value


class ErrorOut(Schema):
    detail: Any = Field(description="A message, or for 422 a list of {field, message}, one per bad field.")
    code: str = Field(description="A stable machine code, e.g. not_found, permission_denied, validation_error.")


class PageOut(BaseModel, Generic[T]):
    model_config = ConfigDict(from_attributes=True)

    items: list[T]
    next_cursor: str | None


def omittable(**constraints: Any) -> Any:
    """A patch field that may be left out but not sent as null: its default (None) is never
    validated, so `exclude_unset` drops it, while an explicit null fails the field's type."""
    return Field(None, **constraints)


class PageQuery(InputSchema):
    """Query parameters of every list endpoint; filters subclass it."""

    cursor: str | None = Field(None, description="Pass `next_cursor` of the previous page to get the next.")
    limit: int | None = Field(
        None, ge=1, le=settings.CSM_API_MAX_PAGE_SIZE,
        description=f"Page size (default {settings.CSM_API_PAGE_SIZE}).",
    )


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
