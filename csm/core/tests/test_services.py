import datetime as dt

import pytest

from csm.core import services
from csm.core.errors import InvalidInput, NotFound, PermissionDenied
from csm.core.models import AuditEvent, BusinessCalendar, CalendarHoliday, WorkingInterval
from csm.core.tests.factories import BusinessCalendarFactory, CalendarHolidayFactory, office_calendar

pytestmark = pytest.mark.django_db

T = dt.time
CALENDAR = {"name": "Head office", "timezone": "Europe/Warsaw", "country": "PL"}


def events_for(calendar):
    return list(
        AuditEvent.objects.filter(object_type="core.businesscalendar", object_id=str(calendar.pk))
        .order_by("id").values_list("action", "changes")
    )


def test_it_creates_a_calendar_and_audits_it(alice):
    calendar = services.create_calendar(actor=alice.actor, **CALENDAR, intervals=[(0, T(9), T(17))])
    assert (calendar.name, calendar.organization_id, calendar.is_default) == ("Head office", alice.organization.pk, False)
    assert events_for(calendar) == [
        ("created", {"name": [None, "Head office"], "timezone": [None, "Europe/Warsaw"], "country": [None, "PL"],
                     "include_public_holidays": [None, True], "is_default": [None, False]}),
        ("updated", {"intervals": [[], ["Mon 09:00-17:00"]]}),
    ]
    event = AuditEvent.objects.filter(object_id=str(calendar.pk)).first()
    assert (event.actor_id, event.organization_id) == (alice.user.pk, alice.organization.pk)


def test_it_upper_cases_country_and_subdivision(alice):
    calendar = services.create_calendar(actor=alice.actor, name="Bavaria", timezone="Europe/Berlin",
                                        country="de", subdivision="by")
    assert (calendar.country, calendar.subdivision) == ("DE", "BY")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"timezone": "Europe/Atlantis"}, "timezone", "Unknown time zone; use an IANA name such as Europe/Warsaw."),
        ({"country": "XX"}, "country", "Unknown country; use an ISO 3166 code such as PL."),
        ({"subdivision": "ZZ", "country": "DE"}, "subdivision", "This country has no such subdivision."),
        ({"name": ""}, "name", "This field cannot be blank."),
    ],
)
def test_it_rejects_bad_calendar_fields_naming_them(alice, data, field, message):
    with pytest.raises(InvalidInput) as caught:
        services.create_calendar(actor=alice.actor, **{**CALENDAR, **data})
    assert caught.value.detail == [{"field": field, "message": message}]
    assert not BusinessCalendar.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_rejects_a_duplicate_name_in_the_same_organisation_only(alice, charlie):
    services.create_calendar(actor=alice.actor, **CALENDAR)
    with pytest.raises(InvalidInput) as caught:
        services.create_calendar(actor=alice.actor, **CALENDAR)
    assert caught.value.detail == [{"field": "name", "message": "A calendar with this name already exists."}]
    services.create_calendar(actor=charlie.actor, **CALENDAR)
    assert BusinessCalendar.objects.count() == 2


def test_it_refuses_writes_to_roles_without_edit_calendars(alice, bob):
    calendar = office_calendar(alice.organization)
    with pytest.raises(PermissionDenied):
        services.create_calendar(actor=bob.actor, **CALENDAR)
    with pytest.raises(PermissionDenied):
        services.update_calendar(actor=bob.actor, calendar=calendar, name="Renamed")
    with pytest.raises(PermissionDenied):
        services.add_holiday(actor=bob.actor, calendar=calendar, date=dt.date(2026, 5, 4), name="Closed")
    calendar.refresh_from_db()
    assert calendar.name != "Renamed"
    assert not AuditEvent.objects.exists()


def test_it_treats_another_organisations_calendar_as_missing(alice, charlie):
    calendar = office_calendar(alice.organization)
    with pytest.raises(NotFound):
        services.update_calendar(actor=charlie.actor, calendar=calendar, name="Mine now")
    with pytest.raises(NotFound):
        services.set_working_intervals(actor=charlie.actor, calendar=calendar, intervals=[])
    with pytest.raises(NotFound):
        services.delete_calendar(actor=charlie.actor, calendar=calendar)
    assert WorkingInterval.objects.filter(calendar=calendar).count() == 10
    assert not AuditEvent.objects.exists()


def test_it_audits_only_the_changed_fields(alice):
    calendar = office_calendar(alice.organization, name="Old")
    services.update_calendar(actor=alice.actor, calendar=calendar, name="New", country="PL")
    assert events_for(calendar) == [("updated", {"name": ["Old", "New"]})]


def test_it_keeps_one_default_calendar_per_organisation(alice, charlie):
    first = office_calendar(alice.organization, name="First", is_default=True)
    theirs = office_calendar(charlie.organization, name="Theirs", is_default=True)
    second = office_calendar(alice.organization, name="Second")
    services.make_default(actor=alice.actor, calendar=second)
    first.refresh_from_db(), second.refresh_from_db(), theirs.refresh_from_db()
    assert (first.is_default, second.is_default, theirs.is_default) == (False, True, True)
    assert events_for(first) == [("updated", {"is_default": [True, False]})]
    assert events_for(second) == [("updated", {"is_default": [False, True]})]


def test_creating_a_default_calendar_demotes_the_old_one(alice):
    old = office_calendar(alice.organization, name="Old", is_default=True)
    services.create_calendar(actor=alice.actor, **CALENDAR, is_default=True)
    old.refresh_from_db()
    assert old.is_default is False
    assert list(BusinessCalendar.objects.filter(is_default=True).values_list("name", flat=True)) == ["Head office"]


def test_it_replaces_working_intervals_with_before_and_after(alice):
    calendar = office_calendar(alice.organization)
    services.set_working_intervals(
        actor=alice.actor, calendar=calendar, intervals=[(5, T(10), T(14)), (0, T(13), T(18)), (0, T(8), T(12))]
    )
    rows = list(WorkingInterval.objects.filter(calendar=calendar).values_list("weekday", "start", "end"))
    assert rows == [(0, T(8), T(12)), (0, T(13), T(18)), (5, T(10), T(14))]
    [(action, changes)] = events_for(calendar)
    assert action == "updated"
    assert changes["intervals"][1] == ["Mon 08:00-12:00", "Mon 13:00-18:00", "Sat 10:00-14:00"]
    assert changes["intervals"][0][:2] == ["Mon 09:00-12:00", "Mon 13:00-17:00"]
    assert len(changes["intervals"][0]) == 10


def test_setting_the_same_intervals_records_nothing(alice):
    calendar = office_calendar(alice.organization)
    rows = [(day, s, e) for day in range(5) for s, e in ((T(9), T(12)), (T(13), T(17)))]
    services.set_working_intervals(actor=alice.actor, calendar=calendar, intervals=rows)
    assert events_for(calendar) == []


@pytest.mark.parametrize(
    ("rows", "field", "message"),
    [
        ([(0, T(9), T(12)), (0, T(11), T(14))], "intervals.1",
         "11:00-14:00 overlaps 09:00-12:00 on the same day."),
        ([(0, T(9), T(12)), (1, T(12), T(9))], "intervals.1", "The start must be before the end."),
        ([(9, T(9), T(12))], "intervals.0", "The weekday must be 0 (Monday) to 6 (Sunday)."),
    ],
)
def test_it_rejects_bad_intervals_and_keeps_the_old_ones(alice, rows, field, message):
    calendar = office_calendar(alice.organization)
    with pytest.raises(InvalidInput) as caught:
        services.set_working_intervals(actor=alice.actor, calendar=calendar, intervals=rows)
    assert caught.value.detail == [{"field": field, "message": message}]
    assert WorkingInterval.objects.filter(calendar=calendar).count() == 10
    assert events_for(calendar) == []


def test_it_adds_and_removes_a_manual_holiday_on_the_calendars_history(alice):
    calendar = office_calendar(alice.organization)
    holiday = services.add_holiday(actor=alice.actor, calendar=calendar, date=dt.date(2026, 5, 4), name=" Bridge ")
    assert (holiday.date, holiday.name) == (dt.date(2026, 5, 4), "Bridge")
    services.remove_holiday(actor=alice.actor, calendar=calendar, holiday=holiday)
    assert not CalendarHoliday.objects.exists()
    assert events_for(calendar) == [
        ("holiday_added", {"holiday": [None, "2026-05-04 Bridge"]}),
        ("holiday_removed", {"holiday": ["2026-05-04 Bridge", None]}),
    ]


def test_it_rejects_a_second_holiday_on_the_same_date(alice):
    calendar = office_calendar(alice.organization)
    CalendarHolidayFactory(calendar=calendar, date=dt.date(2026, 5, 4), name="Bridge")
    with pytest.raises(InvalidInput) as caught:
        services.add_holiday(actor=alice.actor, calendar=calendar, date=dt.date(2026, 5, 4), name="Again")
    assert caught.value.detail == [{"field": "date", "message": "This calendar already has a holiday on this date."}]
    assert CalendarHoliday.objects.count() == 1


def test_it_refuses_to_remove_a_holiday_through_another_calendar(alice):
    calendar, other = office_calendar(alice.organization), BusinessCalendarFactory(organization=alice.organization)
    holiday = CalendarHolidayFactory(calendar=other)
    with pytest.raises(NotFound):
        services.remove_holiday(actor=alice.actor, calendar=calendar, holiday=holiday)
    assert CalendarHoliday.objects.count() == 1


def test_it_deletes_a_calendar_with_an_audit_event(alice):
    calendar = office_calendar(alice.organization, name="Gone")
    pk = calendar.pk
    services.delete_calendar(actor=alice.actor, calendar=calendar)
    assert not BusinessCalendar.objects.filter(pk=pk).exists()
    assert list(AuditEvent.objects.values_list("action", "object_type", "object_id", "object_repr")) == [
        ("deleted", "core.businesscalendar", str(pk), "Gone")
    ]
