"""Writes for business calendars. Each runs in one transaction, requires EDIT_CALENDARS, refuses
another organisation's calendar (as not found), validates the timezone, country, subdivision and
weekly intervals with field-level 422s, and records an audit event on the calendar (working hours
and manual holidays included, as before/after values), so the calendar's history tells it all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.core import business_hours
from csm.core.audit import record_event
from csm.core.errors import InvalidInput, NotFound
from csm.core.models import BusinessCalendar, CalendarHoliday, Weekday, WorkingInterval
from csm.core.public_holidays import supported_countries, time_zones
from csm.core.writes import create_audited, delete_audited, update_audited, validate

CALENDAR_FIELDS = ("name", "timezone", "country", "subdivision", "include_public_holidays", "is_default")
IntervalRow = tuple[int, dt.time, dt.time]


def _check_own(actor: Actor, calendar: BusinessCalendar) -> None:
    actor.require(roles.EDIT_CALENDARS)
    if calendar.organization_id != actor.organization_id:
        raise NotFound()


def _check_fields(actor: Actor, data: dict[str, Any], calendar: BusinessCalendar | None) -> None:
    """Field-level checks the model cannot make: timezone, country, subdivision, unique name."""
    errors: list[dict[str, str]] = []
    if "timezone" in data and data["timezone"] not in time_zones():
        errors.append({"field": "timezone", "message": _("Unknown time zone; use an IANA name such as Europe/Warsaw.")})
    country = data.get("country", calendar.country if calendar else "")
    subdivision = data.get("subdivision", calendar.subdivision if calendar else "")
    if country not in supported_countries():
        if "country" in data:
            errors.append({"field": "country", "message": _("Unknown country; use an ISO 3166 code such as PL.")})
    elif subdivision and subdivision not in supported_countries()[country]:
        errors.append({"field": "subdivision", "message": _("This country has no such subdivision.")})
    if "name" in data and _name_taken(actor, data["name"], calendar):
        errors.append({"field": "name", "message": _("A calendar with this name already exists.")})
    if errors:
        raise InvalidInput(errors=errors)


def _name_taken(actor: Actor, name: str, calendar: BusinessCalendar | None) -> bool:
    qs = BusinessCalendar.objects.filter(organization_id=actor.organization_id, name=name)
    return qs.exclude(pk=calendar.pk).exists() if calendar else qs.exists()


def _normalise(data: dict[str, Any], calendar: BusinessCalendar | None) -> dict[str, Any]:
    """Country codes in upper case; a subdivision spelt as the holidays package spells it."""
    if isinstance(data.get("country"), str):
        data["country"] = data["country"].strip().upper()
    if isinstance(data.get("subdivision"), str):
        country = data.get("country", calendar.country if calendar else "")
        known = {code.upper(): code for code in supported_countries().get(country, ())}
        text = data["subdivision"].strip()
        data["subdivision"] = known.get(text.upper(), text.upper())
    return data


@transaction.atomic
def create_calendar(*, actor: Actor, intervals: Sequence[IntervalRow] | None = None, **data: Any) -> BusinessCalendar:
    """A new calendar; with `intervals`, its working hours too. `is_default` demotes the old default."""
    actor.require(roles.EDIT_CALENDARS)
    data = _normalise(data, None)
    _check_fields(actor, data, None)
    calendar = BusinessCalendar(organization=actor.organization, **data)
    if calendar.is_default:
        _demote_default(actor, keep=None)
    create_audited(calendar, actor=actor.user, fields=CALENDAR_FIELDS, organization_id=actor.organization_id)
    if intervals:
        set_working_intervals(actor=actor, calendar=calendar, intervals=intervals)
    return calendar


@transaction.atomic
def update_calendar(*, actor: Actor, calendar: BusinessCalendar, **data: Any) -> BusinessCalendar:
    _check_own(actor, calendar)
    data = _normalise(data, calendar)
    _check_fields(actor, data, calendar)
    if data.get("is_default") and not calendar.is_default:
        _demote_default(actor, keep=calendar)
    update_audited(calendar, actor=actor.user, data=data, fields=CALENDAR_FIELDS,
                   organization_id=actor.organization_id)
    return calendar


@transaction.atomic
def delete_calendar(*, actor: Actor, calendar: BusinessCalendar) -> None:
    _check_own(actor, calendar)
    delete_audited(calendar, actor=actor.user, organization_id=actor.organization_id)


@transaction.atomic
def make_default(*, actor: Actor, calendar: BusinessCalendar) -> BusinessCalendar:
    """Make this the organisation's one default calendar (the previous default is demoted)."""
    return update_calendar(actor=actor, calendar=calendar, is_default=True)


def _demote_default(actor: Actor, *, keep: BusinessCalendar | None) -> None:
    defaults = BusinessCalendar.objects.select_for_update().filter(
        organization_id=actor.organization_id, is_default=True
    )
    for other in defaults.exclude(pk=keep.pk) if keep else defaults:
        update_audited(other, actor=actor.user, data={"is_default": False}, fields=CALENDAR_FIELDS,
                       organization_id=actor.organization_id)


# Working hours ---------------------------------------------------------------------------------

def interval_labels(rows: Sequence[IntervalRow]) -> list[str]:
    """Audit values for intervals: "Mon 09:00-12:00", in weekday and time order."""
    return [f"{Weekday(day).name[:3].title()} {start:%H:%M}-{end:%H:%M}" for day, start, end in sorted(rows)]


@transaction.atomic
def set_working_intervals(
    *, actor: Actor, calendar: BusinessCalendar, intervals: Sequence[IntervalRow]
) -> list[WorkingInterval]:
    """Replace all working intervals of the calendar. 422 names the row (`intervals.<index>`) whose
    weekday is out of range, whose start is not before its end, or which overlaps another row."""
    _check_own(actor, calendar)
    schedule = _schedule(intervals)
    existing = WorkingInterval.objects.filter(calendar=calendar)
    before = interval_labels([(i.weekday, i.start, i.end) for i in existing])
    existing.delete()
    created = WorkingInterval.objects.bulk_create(
        WorkingInterval(calendar=calendar, weekday=day, start=start, end=end) for day, start, end in schedule.rows()
    )
    after = interval_labels(schedule.rows())
    if before != after:
        _touch(calendar)
        record_event(organization_id=actor.organization_id, actor=actor.user, action="updated", obj=calendar,
                     changes={"intervals": [before, after]})
    return created


def _schedule(intervals: Sequence[IntervalRow]) -> business_hours.WeeklySchedule:
    try:
        return business_hours.WeeklySchedule.from_rows(intervals)
    except business_hours.ScheduleError as exc:
        raise InvalidInput(f"intervals.{exc.index}", _schedule_message(exc)) from None


def _schedule_message(exc: business_hours.ScheduleError) -> str:
    if exc.kind == "overlap":
        interval, other = exc.labels
        return _("%(interval)s overlaps %(other)s on the same day.") % {"interval": interval, "other": other}
    if exc.kind == "weekday":
        return _("The weekday must be 0 (Monday) to 6 (Sunday).")
    return _("The start must be before the end.")


# Manual holidays -------------------------------------------------------------------------------

@transaction.atomic
def _touch(calendar: BusinessCalendar) -> None:
    """Mark the calendar changed, so deadlines computed on it are recomputed (complaints sweep)."""
    calendar.save(update_fields=["updated_at"])


def add_holiday(*, actor: Actor, calendar: BusinessCalendar, date: dt.date, name: str) -> CalendarHoliday:
    """A manual non-working day; 422 on `date` when the calendar already has one on that date."""
    _check_own(actor, calendar)
    if CalendarHoliday.objects.filter(calendar=calendar, date=date).exists():
        raise InvalidInput("date", _("This calendar already has a holiday on this date."))
    holiday = CalendarHoliday(calendar=calendar, date=date, name=name.strip())
    validate(holiday)
    holiday.save()
    _touch(calendar)
    record_event(organization_id=actor.organization_id, actor=actor.user, action="holiday_added", obj=calendar,
                 changes={"holiday": [None, f"{holiday.date.isoformat()} {holiday.name}"]})
    return holiday


@transaction.atomic
def remove_holiday(*, actor: Actor, calendar: BusinessCalendar, holiday: CalendarHoliday) -> None:
    _check_own(actor, calendar)
    if holiday.calendar_id != calendar.pk:
        raise NotFound()
    label = f"{holiday.date.isoformat()} {holiday.name}"
    holiday.delete()
    _touch(calendar)
    record_event(organization_id=actor.organization_id, actor=actor.user, action="holiday_removed", obj=calendar,
                 changes={"holiday": [label, None]})
