import csv
import datetime as dt
import io

import pytest

from csm.core import clock
from csm.core.models import AuditEvent, BusinessCalendar, CalendarHoliday, WorkingInterval
from csm.core.tests.factories import CalendarHolidayFactory, office_calendar

pytestmark = pytest.mark.django_db

JSON = "application/json"
NEW_CALENDAR = {
    "name": "Head office", "timezone": "Europe/Warsaw", "country": "PL",
    "intervals": [{"weekday": 0, "start": "09:00", "end": "12:00"}, {"weekday": 0, "start": "13:00", "end": "17:00"}],
}


def test_it_creates_a_calendar_with_intervals(alice):
    response = alice.api().post("/api/v1/calendars", NEW_CALENDAR, content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert {k: v for k, v in body.items() if k not in {"id", "created_at", "updated_at"}} == {
        "name": "Head office", "timezone": "Europe/Warsaw", "country": "PL", "subdivision": "",
        "include_public_holidays": True, "is_default": False,
        "intervals": [{"weekday": 0, "start": "09:00", "end": "12:00"}, {"weekday": 0, "start": "13:00", "end": "17:00"}],
        "holidays": [],
    }
    assert BusinessCalendar.objects.get().organization == alice.organization


def test_it_names_a_bad_timezone_in_the_422(alice):
    response = alice.api().post("/api/v1/calendars", {**NEW_CALENDAR, "timezone": "Europe/Atlantis"}, content_type=JSON)
    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"field": "timezone", "message": "Unknown time zone; use an IANA name such as Europe/Warsaw."}],
        "code": "validation_error",
    }
    assert not BusinessCalendar.objects.exists()


def test_it_names_the_overlapping_interval_in_the_422(alice):
    calendar = office_calendar(alice.organization)
    rows = [{"weekday": 2, "start": "09:00", "end": "12:00"}, {"weekday": 2, "start": "11:30", "end": "15:00"}]
    response = alice.api().put(f"/api/v1/calendars/{calendar.pk}/intervals", {"intervals": rows}, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "intervals.1", "message": "11:30-15:00 overlaps 09:00-12:00 on the same day."}
    ]
    assert WorkingInterval.objects.filter(calendar=calendar).count() == 10


def test_it_names_an_out_of_range_weekday_in_the_422(alice):
    calendar = office_calendar(alice.organization)
    rows = [{"weekday": 7, "start": "09:00", "end": "12:00"}]
    response = alice.api().put(f"/api/v1/calendars/{calendar.pk}/intervals", {"intervals": rows}, content_type=JSON)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["intervals.0.weekday"]


def test_it_replaces_the_intervals(alice):
    calendar = office_calendar(alice.organization)
    rows = [{"weekday": 5, "start": "10:00", "end": "14:00"}]
    response = alice.api().put(f"/api/v1/calendars/{calendar.pk}/intervals", {"intervals": rows}, content_type=JSON)
    assert response.status_code == 200, response.content
    assert response.json()["intervals"] == rows


def test_it_shows_alice_her_calendar_with_holidays(alice):
    calendar = office_calendar(alice.organization, name="Office")
    holiday = CalendarHolidayFactory(calendar=calendar, date=dt.date(2026, 5, 4), name="Bridge")
    api = alice.api()
    assert api.get(f"/api/v1/calendars/{calendar.pk}").json()["holidays"] == [
        {"id": holiday.pk, "date": "2026-05-04", "name": "Bridge"}
    ]
    listing = api.get("/api/v1/calendars").json()
    assert [item["name"] for item in listing["items"]] == ["Office"]
    assert listing["next_cursor"] is None


@pytest.mark.parametrize(
    ("method", "suffix", "payload"),
    [
        ("get", "", None),
        ("patch", "", {"name": "Mine"}),
        ("delete", "", None),
        ("put", "/intervals", {"intervals": []}),
        ("post", "/holidays", {"date": "2026-05-04", "name": "Mine"}),
        ("get", "/preview", None),
        ("get", "/due?hours=1", None),
    ],
)
def test_charlie_gets_404_for_acmes_calendar(alice, charlie, method, suffix, payload):
    calendar = office_calendar(alice.organization, name="Office")
    kwargs = {"data": payload, "content_type": JSON} if payload is not None else {}
    response = getattr(charlie.api(), method)(f"/api/v1/calendars/{calendar.pk}{suffix}", **kwargs)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}
    calendar.refresh_from_db()
    assert calendar.name == "Office"
    assert WorkingInterval.objects.filter(calendar=calendar).count() == 10
    assert not CalendarHoliday.objects.exists()


def test_charlie_cannot_remove_acmes_holiday(alice, charlie):
    calendar = office_calendar(alice.organization)
    holiday = CalendarHolidayFactory(calendar=calendar)
    response = charlie.api().delete(f"/api/v1/calendars/{calendar.pk}/holidays/{holiday.pk}")
    assert response.status_code == 404
    assert CalendarHoliday.objects.count() == 1


def test_charlie_lists_none_of_acmes_calendars(alice, charlie):
    office_calendar(alice.organization)
    assert charlie.api().get("/api/v1/calendars").json()["items"] == []


@pytest.mark.parametrize(
    ("method", "suffix", "payload"),
    [
        ("patch", "", {"name": "Bob's"}),
        ("delete", "", None),
        ("put", "/intervals", {"intervals": []}),
        ("post", "/holidays", {"date": "2026-05-04", "name": "Bob's"}),
    ],
)
def test_bob_may_read_but_not_change_calendars(alice, bob, method, suffix, payload):
    calendar = office_calendar(alice.organization, name="Office")
    api = bob.api()
    assert api.get(f"/api/v1/calendars/{calendar.pk}").status_code == 200
    kwargs = {"data": payload, "content_type": JSON} if payload is not None else {}
    response = getattr(api, method)(f"/api/v1/calendars/{calendar.pk}{suffix}", **kwargs)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    calendar.refresh_from_db()
    assert calendar.name == "Office"
    assert WorkingInterval.objects.filter(calendar=calendar).count() == 10
    assert not CalendarHoliday.objects.exists()


def test_bob_cannot_create_a_calendar(bob):
    response = bob.api().post("/api/v1/calendars", NEW_CALENDAR, content_type=JSON)
    assert response.status_code == 403
    assert not BusinessCalendar.objects.exists()


def test_it_updates_and_deletes_a_calendar(alice):
    calendar = office_calendar(alice.organization, name="Office")
    api = alice.api()
    response = api.patch(f"/api/v1/calendars/{calendar.pk}", {"name": "HQ", "is_default": True}, content_type=JSON)
    assert response.status_code == 200, response.content
    assert (response.json()["name"], response.json()["is_default"]) == ("HQ", True)
    assert api.delete(f"/api/v1/calendars/{calendar.pk}").status_code == 204
    assert not BusinessCalendar.objects.exists()


def test_it_adds_and_removes_a_holiday(alice):
    calendar = office_calendar(alice.organization)
    api = alice.api()
    response = api.post(f"/api/v1/calendars/{calendar.pk}/holidays", {"date": "2026-05-04", "name": "Bridge"},
                        content_type=JSON)
    assert response.status_code == 201, response.content
    holiday_id = response.json()["id"]
    assert response.json() == {"id": holiday_id, "date": "2026-05-04", "name": "Bridge"}
    assert api.delete(f"/api/v1/calendars/{calendar.pk}/holidays/{holiday_id}").status_code == 204
    assert not CalendarHoliday.objects.exists()


def test_it_computes_the_due_moment(alice):
    calendar = office_calendar(alice.organization)
    CalendarHolidayFactory(calendar=calendar, date=dt.date(2026, 3, 9), name="Closed")
    response = alice.api().get(f"/api/v1/calendars/{calendar.pk}/due",
                               {"start": "2026-03-06T16:30:00+01:00", "hours": 16})
    assert response.status_code == 200, response.content
    assert response.json() == {"calendar_id": calendar.pk, "start": "2026-03-06T16:30:00+01:00", "hours": 16.0,
                               "due": "2026-03-12T10:30:00+01:00"}


def test_a_start_without_offset_is_read_in_the_calendars_timezone(alice):
    calendar = office_calendar(alice.organization)
    response = alice.api().get(f"/api/v1/calendars/{calendar.pk}/due", {"start": "2026-03-10T16:00:00", "hours": 2})
    assert response.json()["due"] == "2026-03-11T10:00:00+01:00"


def test_a_calendar_without_working_time_has_no_due_moment(alice):
    calendar = office_calendar(alice.organization)
    WorkingInterval.objects.filter(calendar=calendar).delete()
    response = alice.api().get(f"/api/v1/calendars/{calendar.pk}/due", {"hours": 2})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "intervals", "message": "This calendar has no working time to count."}]


def test_it_previews_working_intervals_and_holidays(alice):
    calendar = office_calendar(alice.organization)
    CalendarHolidayFactory(calendar=calendar, date=dt.date(2026, 11, 12), name="Bridge")
    response = alice.api().get(f"/api/v1/calendars/{calendar.pk}/preview",
                               {"start": "2026-11-10T00:00:00+01:00", "days": 3}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "calendar_id": calendar.pk, "timezone": "Europe/Warsaw",
        "start": "2026-11-10T00:00:00+01:00", "end": "2026-11-13T00:00:00+01:00", "working_seconds": 25200.0,
        "intervals": [{"start": "2026-11-10T09:00:00+01:00", "end": "2026-11-10T12:00:00+01:00"},
                      {"start": "2026-11-10T13:00:00+01:00", "end": "2026-11-10T17:00:00+01:00"}],
        "holidays": [
            {"date": "2026-11-11", "name": "National Independence Day", "is_public": True, "holiday_id": None},
            {"date": "2026-11-12", "name": "Bridge", "is_public": False,
             "holiday_id": CalendarHoliday.objects.get().pk},
        ],
    }


def test_preview_starts_now_by_default(alice):
    calendar = office_calendar(alice.organization)
    with clock.frozen(dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC)):
        response = alice.api().get(f"/api/v1/calendars/{calendar.pk}/preview", {"days": 1})
    body = response.json()
    assert (body["start"], body["end"]) == ("2026-03-10T11:00:00+01:00", "2026-03-11T11:00:00+01:00")
    assert body["intervals"][0] == {"start": "2026-03-10T11:00:00+01:00", "end": "2026-03-10T12:00:00+01:00"}


# Audit trail -----------------------------------------------------------------------------------

@pytest.fixture
def calendar_events(alice, charlie):
    """Three acme calendar events at known times, and one of globex's."""
    calendar = office_calendar(alice.organization, name="Office")
    for day, name in ((1, "A"), (2, "B"), (3, "C")):
        with clock.frozen(dt.datetime(2026, 3, day, 9, tzinfo=dt.UTC)):
            AuditEvent.objects.create(organization=alice.organization, actor=alice.user, actor_label=alice.user.email,
                                      object_type="core.businesscalendar", object_id=str(calendar.pk),
                                      object_repr=name, action="updated", changes={"name": ["x", name]})
    AuditEvent.objects.create(organization=charlie.organization, actor=charlie.user, object_type="core.businesscalendar",
                              object_id="1", action="updated")
    return calendar


def test_it_pages_the_audit_trail_with_filters(alice, calendar_events):
    api = alice.api()
    query = {"object_type": "core.businesscalendar", "limit": 2}
    first = api.get("/api/v1/audit-events", query).json()
    assert [e["object_repr"] for e in first["items"]] == ["A", "B"]
    second = api.get("/api/v1/audit-events", {**query, "cursor": first["next_cursor"]}).json()
    assert [e["object_repr"] for e in second["items"]] == ["C"]
    assert second["next_cursor"] is None
    item = second["items"][0]
    assert {k: item[k] for k in ("actor_id", "actor_label", "action", "object_type", "changes")} == {
        "actor_id": alice.user.pk, "actor_label": "alice@acme.test", "action": "updated",
        "object_type": "core.businesscalendar", "changes": {"name": ["x", "C"]},
    }


def test_audit_dates_without_offset_are_in_the_organisations_timezone(alice, calendar_events):
    # 2026-03-02 10:00 in Warsaw is 09:00 UTC: B is included from then on.
    response = alice.api().get("/api/v1/audit-events", {"object_type": "core.businesscalendar",
                                                        "since": "2026-03-02T10:00:00", "until": "2026-03-03T10:00"})
    assert [e["object_repr"] for e in response.json()["items"]] == ["B"]


def test_charlie_sees_none_of_acmes_audit_events(charlie, calendar_events):
    items = charlie.api().get("/api/v1/audit-events", {"object_type": "core.businesscalendar"}).json()["items"]
    assert [(e["actor_id"], e["object_repr"]) for e in items] == [(charlie.user.pk, "")]


def test_bob_may_not_read_the_audit_trail(bob, calendar_events):
    api = bob.api()
    assert api.get("/api/v1/audit-events").status_code == 403
    assert api.get("/api/v1/audit-events.csv").status_code == 403


def test_it_exports_the_audit_trail_as_csv(alice, calendar_events):
    response = alice.api().get("/api/v1/audit-events.csv", {"object_type": "core.businesscalendar",
                                                            "since": "2026-03-02T00:00:00Z"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="audit-acme.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    ids = list(AuditEvent.objects.filter(object_repr__in=["B", "C"]).order_by("id").values_list("id", flat=True))
    assert rows == [
        ["id", "time_utc", "actor", "action", "object_type", "object_id", "object", "changes", "request_id"],
        [str(ids[0]), "2026-03-02T09:00:00+00:00", "alice@acme.test", "updated", "core.businesscalendar",
         str(calendar_events.pk), "B", '{"name": ["x", "B"]}', ""],
        [str(ids[1]), "2026-03-03T09:00:00+00:00", "alice@acme.test", "updated", "core.businesscalendar",
         str(calendar_events.pk), "C", '{"name": ["x", "C"]}', ""],
    ]


def test_the_csv_defuses_spreadsheet_formulas(alice):
    AuditEvent.objects.create(organization=alice.organization, object_type="core.businesscalendar", object_id="9",
                              object_repr="=HYPERLINK(\"http://evil\")", action="updated", actor_label="system")
    response = alice.api().get("/api/v1/audit-events.csv", {"object_id": "9"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][6] == "'=HYPERLINK(\"http://evil\")"


def _query_count(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # the token's first use writes last_used_at once; count a steady request
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_listing_calendars_takes_the_same_queries_for_one_or_many(alice):
    api = alice.api()
    office_calendar(alice.organization, name="One")
    CalendarHolidayFactory(calendar=BusinessCalendar.objects.get())
    one = _query_count(api, "/api/v1/calendars")
    for name in ("Two", "Three"):
        CalendarHolidayFactory(calendar=office_calendar(alice.organization, name=name))
    assert _query_count(api, "/api/v1/calendars") == one


def test_listing_audit_events_takes_the_same_queries_for_one_or_many(alice, calendar_events):
    api = alice.api()
    one = _query_count(api, "/api/v1/audit-events?limit=1")
    assert _query_count(api, "/api/v1/audit-events?limit=50") == one
