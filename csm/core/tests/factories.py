import datetime as dt

import factory

from csm.core.models import BusinessCalendar, CalendarHoliday, WorkingInterval


class BusinessCalendarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessCalendar

    name = factory.Sequence(lambda n: f"Calendar {n}")
    timezone = "Europe/Warsaw"
    country = "PL"
    include_public_holidays = True


class WorkingIntervalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingInterval

    weekday = 0
    start = dt.time(9)
    end = dt.time(17)


class CalendarHolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarHoliday

    date = dt.date(2026, 12, 24)
    name = "Christmas Eve"


def office_calendar(organization, **kwargs) -> BusinessCalendar:
    """Mon-Fri 09:00-12:00 and 13:00-17:00."""
    calendar = BusinessCalendarFactory(organization=organization, **kwargs)
    for day in range(5):
        WorkingIntervalFactory(calendar=calendar, weekday=day, start=dt.time(9), end=dt.time(12))
        WorkingIntervalFactory(calendar=calendar, weekday=day, start=dt.time(13), end=dt.time(17))
    return calendar
