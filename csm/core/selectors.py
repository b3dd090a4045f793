"""Reads for core data: the audit trail and business calendars, scoped by organisation.

Calendars follow fetch → compute: `calendar_for_computation` turns a stored calendar (weekly
intervals, manual holidays and, when enabled, the country's public holidays) into the pure
`business_hours.Calendar` that the working-time functions take.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.models import User
from csm.core import business_hours
from csm.core.audit import history_for
from csm.core.errors import InvalidInput, NotFound
from csm.core.lookups import get_or_not_found
from csm.core.models import AuditEvent, BusinessCalendar, CalendarHoliday
from csm.core.public_holidays import makeup_working_days, public_holidays

__all__ = [
    "AuditFilter",
    "HolidayRow",
    "access_calendar",
    "access_calendar_holiday",
    "audit_actions",
    "audit_actors",
    "audit_events_for_object",
    "audit_object_types",
    "calendar_for_computation",
    "calendar_holidays",
    "default_calendar",
    "filter_audit_events",
    "list_audit_events",
    "list_calendars",
    "preview_days",
    "public_holidays",
    "working_time_due",
]


# Audit trail -----------------------------------------------------------------------------------

def list_audit_events(*, actor: Actor) -> QuerySet[AuditEvent]:
    """All audit events of the actor's organisation, newest first."""
    actor.require(roles.VIEW_AUDIT)
    return AuditEvent.objects.filter(organization_id=actor.organization_id).select_related("actor")


def audit_events_for_object(*, actor: Actor, obj: models.Model) -> QuerySet[AuditEvent]:
    """The history of one object of the actor's organisation, newest first (see audit.history_for)."""
    return history_for(actor=actor, obj=obj)


@dataclass(frozen=True)
class AuditFilter:
    """Optional filters of the audit trail; `since` is inclusive, `until` exclusive."""

    object_type: str | None = None
    object_id: str | None = None
    actor_id: int | None = None
    action: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def filter_audit_events(*, actor: Actor, filters: AuditFilter) -> QuerySet[AuditEvent]:
    """The organisation's audit events matching every given filter, newest first."""
    qs = list_audit_events(actor=actor)
    exact = {"object_type": filters.object_type, "object_id": filters.object_id,
             "actor_id": filters.actor_id, "action": filters.action}
    qs = qs.filter(**{name: value for name, value in exact.items() if value not in (None, "")})
    if filters.since is not None:
        qs = qs.filter(created_at__gte=filters.since)
    if filters.until is not None:
        qs = qs.filter(created_at__lt=filters.until)
    return qs


def audit_object_types(*, actor: Actor) -> list[str]:
    """The object types that occur in the organisation's audit trail, sorted."""
    qs = list_audit_events(actor=actor).order_by().values_list("object_type", flat=True).distinct()
    return sorted(qs)


def audit_actions(*, actor: Actor) -> list[str]:
    qs = list_audit_events(actor=actor).order_by().values_list("action", flat=True).distinct()
    return sorted(qs)


def audit_actors(*, actor: Actor) -> QuerySet[User]:
    """Users who appear as actors in the organisation's audit trail."""
    ids = list_audit_events(actor=actor).order_by().values("actor_id")
    return User.objects.filter(pk__in=ids).order_by("full_name", "email")


# Business calendars ----------------------------------------------------------------------------

def list_calendars(*, actor: Actor) -> QuerySet[BusinessCalendar]:
    """The organisation's calendars with their intervals and manual holidays, by name."""
    actor.require(roles.VIEW_CALENDARS)
    return BusinessCalendar.objects.filter(organization_id=actor.organization_id).prefetch_related(
        "intervals", "holidays"
    )


def access_calendar(*, actor: Actor, calendar_id: int) -> BusinessCalendar:
    return get_or_not_found(list_calendars(actor=actor), calendar_id)


def access_calendar_holiday(*, actor: Actor, calendar: BusinessCalendar, holiday_id: int) -> CalendarHoliday:
    """A manual holiday of one of the organisation's calendars."""
    if calendar.organization_id != actor.organization_id:
        raise NotFound()
    return get_or_not_found(CalendarHoliday.objects.filter(calendar=calendar), holiday_id)


def default_calendar(*, actor: Actor) -> BusinessCalendar | None:
    return list_calendars(actor=actor).filter(is_default=True).first()


@dataclass(frozen=True)
class HolidayRow:
    date: dt.date
    name: str
    is_public: bool
    holiday_id: int | None = None


def calendar_holidays(*, calendar: BusinessCalendar, years: Iterable[int]) -> list[HolidayRow]:
    """Manual holidays and (when the calendar includes them) public holidays in the given years,
    by date; a date both public and manual is listed twice, once for each source."""
    wanted = set(years)
    rows = [HolidayRow(h.date, h.name, False, h.pk) for h in calendar.holidays.all() if h.date.year in wanted]
    if calendar.include_public_holidays:
        for year in sorted(wanted):
            rows.extend(HolidayRow(day, name, True) for day, name in
                        public_holidays(calendar.country, calendar.subdivision, year))
    return sorted(rows, key=lambda row: (row.date, not row.is_public, row.name))


def calendar_for_computation(*, calendar: BusinessCalendar, years: range) -> business_hours.Calendar:
    """The pure calendar: weekly intervals, manual holidays (all of them) and, when the calendar
    includes public holidays, those of `years` with the country's make-up working days (调休).
    Use only for instants inside `years`."""
    schedule = business_hours.WeeklySchedule.from_rows(
        (interval.weekday, interval.start, interval.end) for interval in calendar.intervals.all()
    )
    dates = {holiday.date for holiday in calendar.holidays.all()}
    worked: set[dt.date] = set()
    if calendar.include_public_holidays:
        for year in years:
            dates.update(day for day, _name in public_holidays(calendar.country, calendar.subdivision, year))
            worked.update(makeup_working_days(calendar.country, calendar.subdivision, year))
    return business_hours.Calendar(schedule, calendar.timezone, frozenset(dates), frozenset(worked))


@dataclass(frozen=True)
class PreviewDay:
    """One local date of a calendar: its working spans as local times, its holidays, and whether it
    is a make-up working day."""

    date: dt.date
    spans: list[tuple[dt.datetime, dt.datetime]]
    holidays: list[HolidayRow]
    is_makeup_day: bool = False


def preview_days(*, calendar: BusinessCalendar, first: dt.date, days: int) -> list[PreviewDay]:
    """The working spans (in the calendar's timezone) and holidays of `days` local dates from `first`."""
    dates = [first + dt.timedelta(days=n) for n in range(days)]
    zone = ZoneInfo(calendar.timezone)
    years = range(dates[0].year, dates[-1].year + 1)
    computed = calendar_for_computation(calendar=calendar, years=years)
    start = dt.datetime.combine(dates[0], dt.time(), tzinfo=zone)
    end = dt.datetime.combine(dates[-1] + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    spans: dict[dt.date, list[tuple[dt.datetime, dt.datetime]]] = {day: [] for day in dates}
    for span_start, span_end in business_hours.working_intervals(computed, start, end):
        local = (span_start.astimezone(zone), span_end.astimezone(zone))
        spans.setdefault(local[0].date(), []).append(local)
    holidays = calendar_holidays(calendar=calendar, years=years)
    return [PreviewDay(day, spans[day], [h for h in holidays if h.date == day],
                       is_makeup_day=day in computed.extra_working_days) for day in dates]


def working_time_due(*, calendar: BusinessCalendar, start: dt.datetime, seconds: float) -> dt.datetime:
    """`business_hours.add_working_time` over as many years of public holidays as the result needs.

    A calendar without working time (or none within years) is a 422 on `intervals`."""
    first, last = start.year - 1, start.year + 1
    while True:
        computed = calendar_for_computation(calendar=calendar, years=range(first, last + 1))
        try:
            due = business_hours.add_working_time(computed, start, seconds)
        except ValueError:
            raise InvalidInput("intervals", _("This calendar has no working time to count.")) from None
        if computed.local_date(due).year <= last:
            return due
        last = computed.local_date(due).year + 1
