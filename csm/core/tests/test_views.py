import csv
import datetime as dt
import io

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from csm.core import clock, services
from csm.core.models import AuditEvent, BusinessCalendar, CalendarHoliday, WorkingInterval
from csm.core.tests.factories import CalendarHolidayFactory, office_calendar

pytestmark = pytest.mark.django_db


def url(name, org="acme", **kwargs):
    return reverse(name, kwargs={"org_slug": org, **kwargs})


def interval_post(rows, extra_empty=1):
    """Formset data for the working-hours page: `rows` of (weekday, start, end[, delete])."""
    data = {"intervals-TOTAL_FORMS": str(len(rows) + extra_empty), "intervals-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        data |= {f"intervals-{index}-weekday": str(row[0]), f"intervals-{index}-start": row[1],
                 f"intervals-{index}-end": row[2]}
        if len(row) > 3:
            data[f"intervals-{index}-DELETE"] = "on"
    for index in range(len(rows), len(rows) + extra_empty):
        data |= {f"intervals-{index}-weekday": "", f"intervals-{index}-start": "", f"intervals-{index}-end": ""}
    return data


@pytest.fixture
def calendar(alice):
    return office_calendar(alice.organization, name="Head office")


# Access ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["core:calendar", "core:calendar_edit", "core:calendar_hours",
                                  "core:calendar_holiday_add", "core:calendar_delete"])
def test_alice_opens_every_calendar_page(alice, calendar, name):
    assert alice.browser().get(url(name, calendar_id=calendar.pk)).status_code == 200


def test_alice_opens_the_list_create_and_audit_pages(alice):
    browser = alice.browser()
    for name in ("core:calendars", "core:calendar_create", "core:audit"):
        assert browser.get(url(name)).status_code == 200


@pytest.mark.parametrize("name", ["core:calendar", "core:calendar_edit", "core:calendar_hours",
                                  "core:calendar_holiday_add", "core:calendar_delete"])
def test_charlie_gets_404_for_acmes_calendar_even_in_his_own_organisation(charlie, calendar, name):
    browser = charlie.browser()
    assert browser.get(url(name, org="globex", calendar_id=calendar.pk)).status_code == 404
    assert browser.get(url(name, org="acme", calendar_id=calendar.pk)).status_code == 404


def test_charlie_cannot_post_to_acmes_calendar(charlie, calendar):
    browser = charlie.browser()
    response = browser.post(url("core:calendar_edit", org="globex", calendar_id=calendar.pk),
                            {"name": "Mine", "timezone": "Asia/Shanghai", "country": "CN"})
    assert response.status_code == 404
    calendar.refresh_from_db()
    assert calendar.name == "Head office"


def test_charlie_sees_no_acme_pages(charlie):
    browser = charlie.browser()
    assert browser.get(url("core:calendars")).status_code == 404
    assert browser.get(url("core:audit")).status_code == 404
    assert browser.get(url("core:audit_csv")).status_code == 404


@pytest.mark.parametrize("name", ["core:calendar_edit", "core:calendar_hours", "core:calendar_holiday_add",
                                  "core:calendar_delete"])
def test_bob_reads_calendars_but_gets_403_on_edit_pages(bob, calendar, name):
    browser = bob.browser()
    assert browser.get(url("core:calendar", calendar_id=calendar.pk)).status_code == 200
    assert browser.get(url(name, calendar_id=calendar.pk)).status_code == 403


def test_bob_gets_403_on_writes_and_nothing_changes(bob, calendar):
    browser = bob.browser()
    holiday = CalendarHolidayFactory(calendar=calendar)
    assert browser.post(url("core:calendar_create"), {"name": "X"}).status_code == 403
    assert browser.post(url("core:calendar_make_default", calendar_id=calendar.pk)).status_code == 403
    assert browser.post(url("core:calendar_delete", calendar_id=calendar.pk)).status_code == 403
    remove = url("core:calendar_holiday_remove", calendar_id=calendar.pk, holiday_id=holiday.pk)
    assert browser.post(remove).status_code == 403
    assert list(BusinessCalendar.objects.values_list("name", "is_default")) == [("Head office", False)]
    assert CalendarHoliday.objects.count() == 1


def test_bob_gets_403_on_the_audit_trail(bob):
    browser = bob.browser()
    assert browser.get(url("core:audit")).status_code == 403
    assert browser.get(url("core:audit_csv")).status_code == 403


def test_bob_sees_no_edit_buttons(bob, calendar):
    page = bob.browser().get(url("core:calendar", calendar_id=calendar.pk)).content.decode()
    assert url("core:calendar_hours", calendar_id=calendar.pk) not in page
    assert "No changes recorded" in page


# Calendars -------------------------------------------------------------------------------------

def test_the_list_shows_calendars_and_the_default(alice, calendar):
    services.make_default(actor=alice.actor, calendar=calendar)
    page = alice.browser().get(url("core:calendars")).content.decode()
    assert "Head office" in page
    assert "Default" in page


def test_alice_creates_a_calendar_and_goes_on_to_its_hours(alice):
    response = alice.browser().post(url("core:calendar_create"), {
        "name": "Bavaria office", "timezone": "Europe/Berlin", "country": "DE", "subdivision": "by",
        "include_public_holidays": "on",
    })
    created = BusinessCalendar.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("core:calendar_hours", calendar_id=created.pk)
    assert (created.name, created.timezone, created.country, created.subdivision, created.include_public_holidays,
            created.is_default) == ("Bavaria office", "Europe/Berlin", "DE", "BY", True, False)


def test_a_bad_subdivision_shows_next_to_its_field(alice):
    response = alice.browser().post(url("core:calendar_create"), {
        "name": "Office", "timezone": "Europe/Warsaw", "country": "DE", "subdivision": "ZZ",
    })
    assert response.status_code == 200
    assert response.context["form"].errors == {"subdivision": ["This country has no such subdivision."]}
    assert not BusinessCalendar.objects.exists()


def test_alice_edits_a_calendar(alice, calendar):
    response = alice.browser().post(url("core:calendar_edit", calendar_id=calendar.pk), {
        "name": "HQ", "timezone": "Europe/Warsaw", "country": "PL", "is_default": "on",
    })
    assert response.status_code == 302
    calendar.refresh_from_db()
    assert (calendar.name, calendar.include_public_holidays, calendar.is_default) == ("HQ", False, True)


def test_alice_deletes_a_calendar(alice, calendar):
    response = alice.browser().post(url("core:calendar_delete", calendar_id=calendar.pk))
    assert response.status_code == 302
    assert response["Location"] == url("core:calendars")
    assert not BusinessCalendar.objects.exists()


def test_make_default_is_post_only(alice, calendar):
    browser = alice.browser()
    assert browser.get(url("core:calendar_make_default", calendar_id=calendar.pk)).status_code == 405
    assert browser.post(url("core:calendar_make_default", calendar_id=calendar.pk)).status_code == 302
    calendar.refresh_from_db()
    assert calendar.is_default is True


def test_the_detail_page_shows_hours_holidays_preview_and_history(alice, calendar):
    CalendarHolidayFactory(calendar=calendar, date=dt.date(2026, 3, 12), name="Founders day")
    services.update_calendar(actor=alice.actor, calendar=calendar, name="HQ")
    with clock.frozen(dt.datetime(2026, 3, 10, 8, tzinfo=dt.UTC)):
        response = alice.browser().get(url("core:calendar", calendar_id=calendar.pk), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    grid = dict(response.context["grid"])
    assert [(i.start, i.end) for i in grid["Monday"]] == [(dt.time(9), dt.time(12)), (dt.time(13), dt.time(17))]
    assert grid["Saturday"] == []
    preview = response.context["preview"]
    assert [day.date for day in preview] == [dt.date(2026, 3, 10) + dt.timedelta(days=n) for n in range(14)]
    assert [(s.hour, e.hour) for s, e in preview[0].spans] == [(9, 12), (13, 17)]
    assert preview[2].spans == []
    assert [h.name for h in preview[2].holidays] == ["Founders day"]
    holidays = response.context["holidays"]
    assert {(h.date.year, h.is_public) for h in holidays} == {(2026, True), (2027, True), (2026, False)}
    assert "National Independence Day" in page
    assert "Added by hand" in page
    assert "Head office → HQ" in page
    # Five weekdays in the weekly grid plus nine working days in the preview, in Warsaw time.
    assert page.count("09:00\u201312:00, 13:00\u201317:00") == 14


def test_the_detail_page_names_public_holidays_in_the_users_language(alice, calendar):
    with clock.frozen(dt.datetime(2026, 3, 10, 8, tzinfo=dt.UTC)):
        page = alice.browser().get(url("core:calendar", calendar_id=calendar.pk), HTTP_ACCEPT_LANGUAGE="pl")
    assert "Narodowe Święto Niepodległości" in page.content.decode()


# Working hours ---------------------------------------------------------------------------------

def test_alice_sets_split_working_hours_without_javascript(alice, calendar):
    rows = [(0, "08:00", "11:00"), (0, "15:00", "19:00"), (5, "10:00", "12:00")]
    response = alice.browser().post(url("core:calendar_hours", calendar_id=calendar.pk), interval_post(rows))
    assert response.status_code == 302
    assert list(WorkingInterval.objects.filter(calendar=calendar).values_list("weekday", "start", "end")) == [
        (0, dt.time(8), dt.time(11)), (0, dt.time(15), dt.time(19)), (5, dt.time(10), dt.time(12)),
    ]


def test_a_deleted_row_is_left_out(alice, calendar):
    rows = [(0, "08:00", "11:00"), (1, "08:00", "11:00", "delete")]
    alice.browser().post(url("core:calendar_hours", calendar_id=calendar.pk), interval_post(rows))
    assert list(WorkingInterval.objects.filter(calendar=calendar).values_list("weekday", flat=True)) == [0]


def test_overlapping_rows_show_the_error_on_the_row_and_change_nothing(alice, calendar):
    rows = [(2, "09:00", "12:00"), (2, "11:00", "14:00")]
    response = alice.browser().post(url("core:calendar_hours", calendar_id=calendar.pk), interval_post(rows))
    assert response.status_code == 200
    forms = response.context["formset"].forms
    assert forms[1].non_field_errors() == ["11:00-14:00 overlaps 09:00-12:00 on the same day."]
    assert forms[0].non_field_errors() == []
    assert WorkingInterval.objects.filter(calendar=calendar).count() == 10


def test_the_hours_page_offers_existing_rows_and_more_empty_ones(alice, calendar):
    browser = alice.browser()
    assert len(browser.get(url("core:calendar_hours", calendar_id=calendar.pk)).context["formset"].forms) == 13
    more = browser.get(url("core:calendar_hours", calendar_id=calendar.pk) + "?extra=6")
    assert len(more.context["formset"].forms) == 16


# Holidays --------------------------------------------------------------------------------------

def test_alice_adds_and_removes_a_manual_holiday(alice, calendar):
    browser = alice.browser()
    response = browser.post(url("core:calendar_holiday_add", calendar_id=calendar.pk),
                            {"date": "2026-05-04", "name": "Bridge day"})
    assert response.status_code == 302
    holiday = CalendarHoliday.objects.get()
    assert (holiday.date, holiday.name) == (dt.date(2026, 5, 4), "Bridge day")
    remove = url("core:calendar_holiday_remove", calendar_id=calendar.pk, holiday_id=holiday.pk)
    assert browser.get(remove).status_code == 405
    assert browser.post(remove).status_code == 302
    assert not CalendarHoliday.objects.exists()


def test_a_duplicate_holiday_date_shows_on_the_date_field(alice, calendar):
    CalendarHolidayFactory(calendar=calendar, date=dt.date(2026, 5, 4))
    response = alice.browser().post(url("core:calendar_holiday_add", calendar_id=calendar.pk),
                                    {"date": "2026-05-04", "name": "Again"})
    assert response.context["form"].errors == {"date": ["This calendar already has a holiday on this date."]}
    assert CalendarHoliday.objects.count() == 1


# Audit trail -----------------------------------------------------------------------------------

def _event(org, user, *, at, action="updated", object_type="core.businesscalendar", repr_="Office", changes=None):
    with clock.frozen(at):
        return AuditEvent.objects.create(organization=org, actor=user, actor_label=user.email, action=action,
                                         object_type=object_type, object_id="5", object_repr=repr_,
                                         changes=changes or {})


def test_the_audit_page_shows_events_in_the_organisations_timezone(alice, charlie):
    _event(alice.organization, alice.user, at=dt.datetime(2026, 3, 10, 23, 30, tzinfo=dt.UTC),
           changes={"name": ["Old", "New"]})
    _event(charlie.organization, charlie.user, at=dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC), repr_="Globex thing")
    response = alice.browser().get(url("core:audit"), HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert [e.object_repr for e in response.context["page"].object_list] == ["Office"]
    assert "03/11/2026 12:30 a.m." in page  # 23:30 UTC is 00:30 the next day in Warsaw
    assert "Old → New" in page
    assert "Globex thing" not in page


def test_the_audit_page_filters_by_type_actor_and_date(alice, bob):
    a = _event(alice.organization, alice.user, at=dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), repr_="A")
    _event(alice.organization, bob.user, at=dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC), repr_="B")
    _event(alice.organization, alice.user, at=dt.datetime(2026, 3, 3, 12, tzinfo=dt.UTC), repr_="C",
           object_type="catalogue.service")
    browser = alice.browser()

    def shown(**query):
        return [e.object_repr for e in browser.get(url("core:audit"), query).context["page"].object_list]

    assert shown() == ["C", "B", "A"]
    assert shown(object_type="core.businesscalendar") == ["B", "A"]
    assert shown(actor=str(bob.user.pk)) == ["B"]
    assert shown(since="2026-03-02", until="2026-03-02") == ["B"]
    assert shown(until="2026-03-01") == [a.object_repr]


def test_the_audit_page_paginates(alice):
    for n in range(51):
        _event(alice.organization, alice.user, at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=n),
               repr_=f"E{n}")
    browser = alice.browser()
    first = browser.get(url("core:audit"), {"action": "updated"})
    assert len(first.context["page"].object_list) == 50
    assert "action=updated&amp;page=2" in first.content.decode()
    second = browser.get(url("core:audit"), {"action": "updated", "page": "2"})
    assert [e.object_repr for e in second.context["page"].object_list] == ["E0"]


def test_the_export_link_keeps_the_filters(alice):
    _event(alice.organization, alice.user, at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    page = alice.browser().get(url("core:audit"), {"object_type": "core.businesscalendar"}).content.decode()
    assert f'href="{url("core:audit_csv")}?object_type=core.businesscalendar"' in page


def test_the_csv_export_has_a_header_and_the_filtered_rows(alice, bob):
    first = _event(alice.organization, alice.user, at=dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), repr_="A",
                   changes={"name": ["Old", "Nowa"]})
    _event(alice.organization, bob.user, at=dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC), repr_="B")
    response = alice.browser().get(url("core:audit_csv"), {"actor": str(alice.user.pk)})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="audit-acme.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [
        ["id", "time_utc", "actor", "action", "object_type", "object_id", "object", "changes", "request_id"],
        [str(first.pk), "2026-03-01T12:00:00+00:00", "alice@acme.test", "updated", "core.businesscalendar", "5",
         "A", '{"name": ["Old", "Nowa"]}', ""],
    ]


# The history partial ----------------------------------------------------------------------------

def _render_history(persona, events):
    request = RequestFactory().get("/")
    request.actor = persona.actor
    return render_to_string("core/_audit_history.html", {"events": events}, request=request)


def test_the_history_partial_says_when_nothing_was_recorded(alice):
    assert "No changes recorded" in _render_history(alice, AuditEvent.objects.none())


def test_the_history_partial_lists_who_when_and_what_changed(alice):
    _event(alice.organization, alice.user, at=dt.datetime(2026, 3, 10, 8, tzinfo=dt.UTC),
           changes={"is_default": [False, True], "subdivision": ["", "BY"]})
    html = _render_history(alice, AuditEvent.objects.all())
    assert "Alice" in html
    assert '<time datetime="2026-03-10T08:00:00+00:00">' in html
    assert "<code>is_default</code>: no → yes" in html
    assert "<code>subdivision</code>: — → BY" in html
    assert "No changes recorded" not in html


def test_an_emptied_row_is_dropped_like_a_deleted_one(alice, calendar):
    rows = [(0, "08:00", "11:00"), ("", "", "")]
    data = interval_post(rows) | {"intervals-INITIAL_FORMS": "2"}
    response = alice.browser().post(url("core:calendar_hours", calendar_id=calendar.pk), data)
    assert response.status_code == 302
    assert WorkingInterval.objects.filter(calendar=calendar).count() == 1
