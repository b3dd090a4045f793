"""Core endpoints: business calendars and the audit trail.

Datetimes given without an offset (`start`, `since`, `until`) are read in the calendar's time
zone, or the organisation's for the audit trail. The audit list pages oldest first by id, so a
client can follow new events with `next_cursor`; the CSV export streams the same filter.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from ninja import Field, Query, Router, Status

from csm.accounts.context import Actor
from csm.core import business_hours, clock, selectors, services
from csm.core.api_schemas import (
    AuditEventOut,
    AuditPageQuery,
    AuditQuery,
    CalendarIn,
    CalendarOut,
    CalendarPatch,
    DueOut,
    HolidayIn,
    HolidayOut,
    IntervalIn,
    IntervalsIn,
    PreviewOut,
)
from csm.core.audit_csv import csv_response
from csm.core.models import BusinessCalendar
from csm.core.pagination import paginate
from csm.core.schemas import ERRORS, InputSchema, PageOut

router = Router(tags=["calendars and audit"])


def _actor(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _aware(value: dt.datetime, timezone: str) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=ZoneInfo(timezone))


def _rows(intervals: list[IntervalIn]) -> list[tuple[int, dt.time, dt.time]]:
    return [(i.weekday, i.start, i.end) for i in intervals]


def _fresh(actor: Actor, calendar: BusinessCalendar) -> BusinessCalendar:
    return selectors.access_calendar(actor=actor, calendar_id=calendar.pk)


# Calendars -------------------------------------------------------------------------------------

@router.get("/calendars", response={200: PageOut[CalendarOut], **ERRORS})
def list_calendars(request: HttpRequest, cursor: str | None = None, limit: int | None = None) -> Any:
    return paginate(selectors.list_calendars(actor=_actor(request)), cursor=cursor, limit=limit)


@router.post("/calendars", response={201: CalendarOut, **ERRORS})
def create_calendar(request: HttpRequest, payload: CalendarIn) -> Any:
    actor = _actor(request)
    data = payload.dict(exclude={"intervals"})
    calendar = services.create_calendar(actor=actor, intervals=_rows(payload.intervals), **data)
    return Status(201, _fresh(actor, calendar))


@router.get("/calendars/{calendar_id}", response={200: CalendarOut, **ERRORS})
def get_calendar(request: HttpRequest, calendar_id: int) -> Any:
    return selectors.access_calendar(actor=_actor(request), calendar_id=calendar_id)


@router.patch("/calendars/{calendar_id}", response={200: CalendarOut, **ERRORS})
def update_calendar(request: HttpRequest, calendar_id: int, payload: CalendarPatch) -> Any:
    actor = _actor(request)
    calendar = selectors.access_calendar(actor=actor, calendar_id=calendar_id)
    services.update_calendar(actor=actor, calendar=calendar, **payload.dict(exclude_unset=True))
    return _fresh(actor, calendar)


@router.delete("/calendars/{calendar_id}", response={204: None, **ERRORS})
def delete_calendar(request: HttpRequest, calendar_id: int) -> Any:
    actor = _actor(request)
    services.delete_calendar(actor=actor, calendar=selectors.access_calendar(actor=actor, calendar_id=calendar_id))
    return Status(204, None)


@router.put("/calendars/{calendar_id}/intervals", response={200: CalendarOut, **ERRORS})
def set_intervals(request: HttpRequest, calendar_id: int, payload: IntervalsIn) -> Any:
    """Replace the whole weekly schedule; a 422 names the bad row as `intervals.<index>`."""
    actor = _actor(request)
    calendar = selectors.access_calendar(actor=actor, calendar_id=calendar_id)
    services.set_working_intervals(actor=actor, calendar=calendar, intervals=_rows(payload.intervals))
    return _fresh(actor, calendar)


@router.post("/calendars/{calendar_id}/holidays", response={201: HolidayOut, **ERRORS})
def add_holiday(request: HttpRequest, calendar_id: int, payload: HolidayIn) -> Any:
    actor = _actor(request)
    calendar = selectors.access_calendar(actor=actor, calendar_id=calendar_id)
    return Status(201, services.add_holiday(actor=actor, calendar=calendar, date=payload.date, name=payload.name))


@router.delete("/calendars/{calendar_id}/holidays/{holiday_id}", response={204: None, **ERRORS})
def remove_holiday(request: HttpRequest, calendar_id: int, holiday_id: int) -> Any:
    actor = _actor(request)
    calendar = selectors.access_calendar(actor=actor, calendar_id=calendar_id)
    holiday = selectors.access_calendar_holiday(actor=actor, calendar=calendar, holiday_id=holiday_id)
    services.remove_holiday(actor=actor, calendar=calendar, holiday=holiday)
    return Status(204, None)


class PreviewQuery(InputSchema):
    start: dt.datetime | None = Field(None, description="Default: now.")
    days: int = Field(14, ge=1, le=366)


@router.get("/calendars/{calendar_id}/preview", response={200: PreviewOut, **ERRORS})
def preview_calendar(request: HttpRequest, calendar_id: int, query: Query[PreviewQuery]) -> Any:
    """The working intervals in [start, start + days), in the calendar's timezone, with the public
    and manual holidays of those dates."""
    calendar = selectors.access_calendar(actor=_actor(request), calendar_id=calendar_id)
    zone = ZoneInfo(calendar.timezone)
    start = _aware(query.start or clock.now(), calendar.timezone).astimezone(zone)
    end = (start + dt.timedelta(days=query.days)).astimezone(zone)
    years = range(start.year, end.year + 1)
    computed = selectors.calendar_for_computation(calendar=calendar, years=years)
    spans = [(a.astimezone(zone), b.astimezone(zone)) for a, b in business_hours.working_intervals(computed, start, end)]
    last_date = (end - dt.timedelta(microseconds=1)).date()
    holidays = [h for h in selectors.calendar_holidays(calendar=calendar, years=years)
                if start.date() <= h.date <= last_date]
    return {
        "calendar_id": calendar.pk, "timezone": calendar.timezone, "start": start, "end": end,
        "working_seconds": sum((b - a).total_seconds() for a, b in spans),
        "intervals": [{"start": a, "end": b} for a, b in spans], "holidays": holidays,
    }


class DueQuery(InputSchema):
    start: dt.datetime | None = Field(None, description="Default: now.")
    hours: float = Field(ge=0, le=20000, description="Working hours to add.")


@router.get("/calendars/{calendar_id}/due", response={200: DueOut, **ERRORS})
def due_moment(request: HttpRequest, calendar_id: int, query: Query[DueQuery]) -> Any:
    """When `hours` of working time will have elapsed after `start` (inside or at the end of a
    working interval; public holidays included when the calendar uses them)."""
    calendar = selectors.access_calendar(actor=_actor(request), calendar_id=calendar_id)
    zone = ZoneInfo(calendar.timezone)
    start = _aware(query.start or clock.now(), calendar.timezone)
    due = selectors.working_time_due(calendar=calendar, start=start, seconds=query.hours * 3600)
    return {"calendar_id": calendar.pk, "start": start.astimezone(zone), "hours": query.hours,
            "due": due.astimezone(zone)}


# Audit trail -----------------------------------------------------------------------------------

def _audit_filter(actor: Actor, query: AuditQuery) -> selectors.AuditFilter:
    timezone = actor.organization.timezone
    return selectors.AuditFilter(
        object_type=query.object_type, object_id=query.object_id, actor_id=query.actor_id, action=query.action,
        since=_aware(query.since, timezone) if query.since else None,
        until=_aware(query.until, timezone) if query.until else None,
    )


@router.get("/audit-events", response={200: PageOut[AuditEventOut], **ERRORS})
def list_audit_events(request: HttpRequest, query: Query[AuditPageQuery]) -> Any:
    actor = _actor(request)
    events = selectors.filter_audit_events(actor=actor, filters=_audit_filter(actor, query))
    return paginate(events, cursor=query.cursor, limit=query.limit)


@router.get("/audit-events.csv", response={200: None, **ERRORS})
def export_audit_events(request: HttpRequest, query: Query[AuditQuery]) -> Any:
    """The filtered audit trail as CSV (header row first, oldest event first), streamed."""
    actor = _actor(request)
    events = selectors.filter_audit_events(actor=actor, filters=_audit_filter(actor, query))
    return csv_response(events, filename=f"audit-{actor.organization.slug}.csv")
