import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from csm.core import business_hours, selectors
from csm.core.audit import record_event
from csm.core.errors import InvalidInput, NotFound, PermissionDenied
from csm.core.tests.factories import (
    BusinessCalendarFactory,
    CalendarHolidayFactory,
    WorkingIntervalFactory,
    office_calendar,
)

pytestmark = pytest.mark.django_db

WARSAW = ZoneInfo("Europe/Warsaw")


def test_it_lists_only_the_actors_calendars(alice, charlie):
    mine = office_calendar(alice.organization, name="Mine")
    office_calendar(charlie.organization, name="Theirs")
    assert list(selectors.list_calendars(actor=alice.actor)) == [mine]


def test_it_hides_another_organisations_calendar_as_missing(alice, charlie):
    calendar = office_calendar(alice.organization)
    with pytest.raises(NotFound):
        selectors.access_calendar(actor=charlie.actor, calendar_id=calendar.pk)
    with pytest.raises(NotFound):
        selectors.access_calendar(actor=alice.actor, calendar_id=calendar.pk + 1000)


def test_it_finds_a_holiday_only_through_its_own_calendar(alice, charlie):
    calendar, other = office_calendar(alice.organization), BusinessCalendarFactory(organization=alice.organization)
    holiday = CalendarHolidayFactory(calendar=calendar)
    assert selectors.access_calendar_holiday(actor=alice.actor, calendar=calendar, holiday_id=holiday.pk) == holiday
    with pytest.raises(NotFound):
        selectors.access_calendar_holiday(actor=alice.actor, calendar=other, holiday_id=holiday.pk)
    with pytest.raises(NotFound):
        selectors.access_calendar_holiday(actor=charlie.actor, calendar=calendar, holiday_id=holiday.pk)


def test_it_builds_the_pure_calendar_with_public_and_manual_holidays(alice):
    calendar = office_calendar(alice.organization, country="PL")
    CalendarHolidayFactory(calendar=calendar, date=dt.date(2026, 5, 4), name="Bridge")
    computed = selectors.calendar_for_computation(calendar=selectors.access_calendar(
        actor=alice.actor, calendar_id=calendar.pk), years=range(2026, 2027))
    assert computed.timezone == "Europe/Warsaw"
    assert computed.schedule.days[0] == (
        business_hours.Interval(dt.time(9), dt.time(12)), business_hours.Interval(dt.time(13), dt.time(17))
    )
    assert computed.schedule.days[5] == ()
    assert dt.date(2026, 5, 4) in computed.holidays
    assert dt.date(2026, 11, 11) in computed.holidays
    assert dt.date(2027, 11, 11) not in computed.holidays
    assert len(computed.holidays) == 15


def test_a_chinese_calendar_has_the_make_up_working_days(alice):
    calendar = office_calendar(alice.organization, country="CN", timezone="Asia/Shanghai")
    computed = selectors.calendar_for_computation(calendar=calendar, years=range(2026, 2027))
    assert computed.extra_working_days == frozenset(
        dt.date(2026, *md) for md in ((1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)))
    preview = selectors.preview_days(calendar=calendar, first=dt.date(2026, 10, 9), days=3)
    assert [(day.date.day, day.is_makeup_day, len(day.spans)) for day in preview] == [
        (9, False, 2), (10, True, 2), (11, False, 0)]
    polish = selectors.calendar_for_computation(calendar=office_calendar(alice.organization, name="PL"),
                                                years=range(2026, 2027))
    assert polish.extra_working_days == frozenset()


def test_it_leaves_out_public_holidays_when_the_calendar_does_not_use_them(alice):
    calendar = office_calendar(alice.organization, include_public_holidays=False)
    CalendarHolidayFactory(calendar=calendar, date=dt.date(2026, 5, 4))
    computed = selectors.calendar_for_computation(calendar=calendar, years=range(2026, 2027))
    assert computed.holidays == frozenset({dt.date(2026, 5, 4)})


def test_it_lists_public_and_manual_holidays_marked_by_source(alice):
    calendar = office_calendar(alice.organization)
    manual = CalendarHolidayFactory(calendar=calendar, date=dt.date(2026, 11, 11), name="Office closed")
    with translation.override("en"):
        rows = selectors.calendar_holidays(calendar=calendar, years=[2026])
    november = [row for row in rows if row.date.month == 11]
    assert november == [
        selectors.HolidayRow(dt.date(2026, 11, 1), "All Saints' Day", True),
        selectors.HolidayRow(dt.date(2026, 11, 11), "National Independence Day", True),
        selectors.HolidayRow(dt.date(2026, 11, 11), "Office closed", False, manual.pk),
    ]


def test_it_computes_a_due_moment_past_the_fetched_years(alice):
    calendar = BusinessCalendarFactory(organization=alice.organization)
    WorkingIntervalFactory(calendar=calendar, weekday=2, start=dt.time(9), end=dt.time(10))
    # One working hour a week; 60 hours from mid-December 2026 land in 2028, past the first fetch.
    start = dt.datetime(2026, 12, 15, tzinfo=WARSAW)
    due = selectors.working_time_due(calendar=calendar, start=start, seconds=60 * 3600)
    full = selectors.calendar_for_computation(calendar=calendar, years=range(2025, 2030))
    assert due == business_hours.add_working_time(full, start, 60 * 3600)
    assert due.astimezone(WARSAW).year == 2028


def test_a_calendar_without_working_time_has_no_due_moment(alice):
    calendar = BusinessCalendarFactory(organization=alice.organization)
    with pytest.raises(InvalidInput) as caught:
        selectors.working_time_due(calendar=calendar, start=dt.datetime(2026, 3, 2, tzinfo=dt.UTC), seconds=60)
    assert caught.value.detail == [{"field": "intervals", "message": "This calendar has no working time to count."}]




def test_it_filters_audit_events(alice, bob, charlie):
    from csm.core import clock

    with clock.frozen(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)):
        early = record_event(organization_id=alice.organization.pk, actor=alice.user, action="created",
                             object_type="core.businesscalendar", object_id="1")
    with clock.frozen(dt.datetime(2026, 3, 5, 12, tzinfo=dt.UTC)):
        late = record_event(organization_id=alice.organization.pk, actor=bob.user, action="updated",
                            object_type="catalogue.service", object_id="7")
        record_event(organization_id=charlie.organization.pk, actor=charlie.user, action="updated",
                     object_type="catalogue.service", object_id="7")

    def find(**filters):
        return list(selectors.filter_audit_events(actor=alice.actor, filters=selectors.AuditFilter(**filters)))

    assert find() == [late, early]
    assert find(object_type="catalogue.service") == [late]
    assert find(object_type="catalogue.service", object_id="8") == []
    assert find(actor_id=alice.user.pk) == [early]
    assert find(action="created") == [early]
    assert find(since=dt.datetime(2026, 3, 5, 12, tzinfo=dt.UTC)) == [late]
    assert find(until=dt.datetime(2026, 3, 5, 12, tzinfo=dt.UTC)) == [early]
    assert selectors.audit_object_types(actor=alice.actor) == ["catalogue.service", "core.businesscalendar"]
    assert selectors.audit_actions(actor=alice.actor) == ["created", "updated"]
    assert list(selectors.audit_actors(actor=alice.actor)) == [alice.user, bob.user]


def test_roles_without_view_audit_cannot_read_the_trail(bob):
    with pytest.raises(PermissionDenied):
        selectors.filter_audit_events(actor=bob.actor, filters=selectors.AuditFilter())
