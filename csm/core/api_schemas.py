"""API schemas for business calendars and the audit trail.

Times of day are "HH:MM" strings in the calendar's own timezone. Patch schemas follow the house
rule: a field that may not be empty is typed without None, so an explicit null is a 422 while an
absent field leaves the value unchanged.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from csm.core.models import WorkingInterval
from csm.core.schemas import InputSchema, omittable

_TZ = "An IANA time zone, e.g. Europe/Warsaw."
_COUNTRY = "ISO 3166 alpha-2 code the holidays package supports, e.g. PL."


class IntervalIn(InputSchema):
    weekday: int = Field(ge=0, le=6, description="0 is Monday, 6 is Sunday.")
    start: dt.time = Field(description='Local time "HH:MM".')
    end: dt.time = Field(description='Local time "HH:MM", after start.')


class IntervalOut(Schema):
    weekday: int
    start: str
    end: str

    @staticmethod
    def resolve_start(obj: WorkingInterval) -> str:
        return f"{obj.start:%H:%M}"

    @staticmethod
    def resolve_end(obj: WorkingInterval) -> str:
        return f"{obj.end:%H:%M}"


class IntervalsIn(InputSchema):
    intervals: list[IntervalIn] = Field(description="The full weekly schedule; it replaces the current one.")


class HolidayIn(InputSchema):
    date: dt.date
    name: str = Field(min_length=1, max_length=120)


class HolidayOut(Schema):
    id: int
    date: dt.date
    name: str


class CalendarIn(InputSchema):
    name: str = Field(min_length=1, max_length=120)
    timezone: str = Field(min_length=1, max_length=64, description=_TZ)
    country: str = Field(min_length=2, max_length=2, description=_COUNTRY)
    subdivision: str = Field("", max_length=10)
    include_public_holidays: bool = True
    is_default: bool = False
    intervals: list[IntervalIn] = Field(default_factory=list)


class CalendarPatch(InputSchema):
    name: str = omittable(min_length=1, max_length=120)
    timezone: str = omittable(min_length=1, max_length=64, description=_TZ)
    country: str = omittable(min_length=2, max_length=2, description=_COUNTRY)
    subdivision: str = omittable(max_length=10)
    include_public_holidays: bool = omittable()
    is_default: bool = omittable()


class CalendarOut(Schema):
    id: int
    name: str
    timezone: str
    country: str
    subdivision: str
    include_public_holidays: bool
    is_default: bool
    intervals: list[IntervalOut]
    holidays: list[HolidayOut] = Field(description="Manual holidays; public ones are listed by /preview.")
    created_at: dt.datetime
    updated_at: dt.datetime


class SpanOut(Schema):
    start: dt.datetime
    end: dt.datetime


class PreviewHolidayOut(Schema):
    date: dt.date
    name: str
    is_public: bool
    holiday_id: int | None


class PreviewOut(Schema):
    calendar_id: int
    timezone: str
    start: dt.datetime
    end: dt.datetime
    working_seconds: float
    intervals: list[SpanOut]
    holidays: list[PreviewHolidayOut]


class DueOut(Schema):
    calendar_id: int
    start: dt.datetime
    hours: float
    due: dt.datetime = Field(description="In the calendar's timezone.")


class AuditEventOut(Schema):
    id: int
    created_at: dt.datetime
    actor_id: int | None
    actor_label: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict[str, Any]
    request_id: str


class AuditQuery(InputSchema):
    object_type: str | None = Field(None, description='e.g. "core.businesscalendar".')
    object_id: str | None = None
    actor_id: int | None = None
    action: str | None = None
    since: dt.datetime | None = Field(None, description="Inclusive; without an offset, the organisation's time zone.")
    until: dt.datetime | None = Field(None, description="Exclusive; without an offset, the organisation's time zone.")


class AuditPageQuery(AuditQuery):
    cursor: str | None = None
    limit: int | None = None
