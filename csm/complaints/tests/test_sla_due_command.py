"""`csm sla-due`: explains a due date on a stored business calendar."""

import datetime as dt
import io
import json

import holidays
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from csm.complaints import sla
from csm.core import business_hours as bh
from csm.core.models import BusinessCalendar
from csm.core.tests.factories import BusinessCalendarFactory, CalendarHolidayFactory, office_calendar

pytestmark = pytest.mark.django_db
OFFICE_HOURS = ((dt.time(9), dt.time(12)), (dt.time(13), dt.time(17)))


def run(*args: str) -> str:
    """The command's standard output."""
    out = io.StringIO()
    call_command("sla-due", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def office(acme) -> BusinessCalendar:
    """Mon-Fri 09:00-12:00 + 13:00-17:00 Europe/Warsaw with Polish public holidays."""
    return office_calendar(acme, name="Warsaw office")


def test_it_explains_a_due_date_over_a_long_weekend(office):
    # Thu 30 Apr 18:30; Fri 1 May and Sun 3 May are holidays; Mon 7 h + Tue 7 h + Wed 09:00-11:00.
    output = run("--calendar", str(office.pk), "--start", "2026-04-30T18:30", "--target", "16h")

    assert output == (
        f"Calendar {office.pk} “Warsaw office” (Europe/Warsaw), target 16 working hours:\n"
        "  Thu 2026-04-30 18:30 CEST Received outside working time.\n"
        "  Fri 2026-05-01            Holiday: no working time.\n"
        "  Sun 2026-05-03            Holiday on a day off.\n"
        "  Mon 2026-05-04 09:00 CEST The clock starts: the first working moment.\n"
        "  Wed 2026-05-06 11:00 CEST Due.\n"
        "Due: Wed 2026-05-06 11:00 CEST (Europe/Warsaw) = 2026-05-06 09:00 UTC\n"
    )


def test_it_counts_pauses_and_working_days(office):
    # 5 wd end Fri 8 May 17:00; the pause holds Mon 4 May 10:00-12:00 (2 h) → Mon 11 May 11:00.
    output = run("--calendar", str(office.pk), "--start", "2026-04-30T18:30", "--target", "5wd",
                 "--pause", "2026-05-04T10:00/2026-05-04T12:00")

    assert output.splitlines()[5:] == [
        "  Mon 2026-05-04 10:00 CEST Paused until Mon 2026-05-04 12:00 CEST: 2h 00m of counted time.",
        "  Fri 2026-05-08 17:00 CEST End of day 5 counted (the day of receipt does not count).",
        "  Mon 2026-05-11 11:00 CEST Due, 2h 00m later for the pauses.",
        "Due: Mon 2026-05-11 11:00 CEST (Europe/Warsaw) = 2026-05-11 09:00 UTC",
    ]


def test_an_open_pause_leaves_no_due_date(office):
    output = run("--calendar", str(office.pk), "--start", "2026-05-11T09:00", "--target", "16h",
                 "--pause", "2026-05-12T10:00/")

    assert output.splitlines()[1:] == [
        "  Mon 2026-05-11 09:00 CEST Received in working time.",
        "  Tue 2026-05-12 10:00 CEST Paused, still waiting: 8h 00m left when the clock restarts.",
        "No due date yet: the clock is paused.",
    ]


def test_it_prints_json_for_machines(office):
    output = run("--calendar", str(office.pk), "--start", "2026-05-11T09:00+02:00", "--target", "15d",
                 "--json")

    data = json.loads(output)
    # The end of Tue 26 May (the day of receipt does not count) = 00:00 CEST Wed 27 May.
    assert (data["calendar"], data["target"], data["state"]) == (office.pk, "15d", "scheduled")
    assert (data["due"], data["due_local"]) == ("2026-05-26T22:00:00+00:00", "2026-05-27T00:00:00+02:00")
    assert [step["kind"] for step in data["steps"]] == ["received", "calendar_days", "due"]
    assert data["steps"][0] == {"kind": "received", "at": "2026-05-11T07:00:00+00:00", "detail": {},
                                "at_local": "2026-05-11T09:00:00+02:00"}


def test_a_time_with_an_offset_is_taken_as_given(office):
    def due(start: str) -> str:
        output = run("--calendar", str(office.pk), "--start", start, "--target", "8h", "--json")
        return json.loads(output)["due"]

    # Mon 7 h + Tue 09:00-10:00 CEST, whether the start is written in local time or in UTC.
    assert due("2026-05-11T09:00") == due("2026-05-11T07:00Z") == "2026-05-12T08:00:00+00:00"


def test_it_speaks_the_requested_language(office):
    output = run("--calendar", str(office.pk), "--start", "2026-04-30T18:30", "--target", "16h",
                 "--language", "pl")

    # Weekday names come from Django's Polish locale; our messages follow once locale/ translates them.
    assert output.splitlines()[1].startswith("  Czw 2026-04-30 18:30 CEST ")
    assert output.splitlines()[-1] == "Termin: Śr 2026-05-06 11:00 CEST (Europe/Warsaw) = 2026-05-06 09:00 UTC"


def test_it_uses_manual_holidays_and_public_holidays_of_later_years(acme):
    calendar = office_calendar(acme, name="Office")
    CalendarHolidayFactory(calendar=calendar, date=dt.date(2026, 5, 12), name="Company day")
    rows = [(day, start, end) for day in range(5) for start, end in OFFICE_HOURS]
    dates = frozenset([*holidays.country_holidays("PL", years=range(2025, 2031)), dt.date(2026, 5, 12)])
    pure = bh.Calendar(bh.WeeklySchedule.from_rows(rows), "Europe/Warsaw", dates)
    start = dt.datetime(2026, 5, 11, 9, tzinfo=dt.UTC)
    expected = sla.due_at(start=start, target=sla.Target(600, "working_days"), calendar=pure).due

    data = json.loads(run("--calendar", str(calendar.pk), "--start", "2026-05-11T09:00Z", "--target", "600wd",
                          "--json"))

    # 600 working days reach 2028: the holidays of 2027 and 2028 were fetched as the count went on.
    assert data["due"] == expected.isoformat()
    assert expected.year == 2028
    holiday_dates = [step["detail"]["date"] for step in data["steps"] if step["kind"] == "holiday"]
    assert {"2026-05-12", "2027-11-11", "2028-05-03"} <= set(holiday_dates)


MONDAY = ["--start", "2026-05-11T09:00"]


@pytest.mark.parametrize(("args", "message"), [
    (["--start", "2026-13-01T09:00", "--target", "16h"],
     "--start: '2026-13-01T09:00' is not an ISO 8601 date and time (e.g. 2026-05-04T09:30 or "
     "2026-05-04T09:30+02:00)."),
    (["--start", "yesterday", "--target", "16h"], "--start: 'yesterday' is not an ISO 8601 date"),
    ([*MONDAY, "--target", "16x"], "--target: '16x' is not a target"),
    ([*MONDAY, "--target", "0h"], "--target: A target in working_hours is a whole number from 1 to 9999."),
    ([*MONDAY, "--target", "16h", "--pause", "2026-05-11T10:00/2026-05-11T09:00"],
     "--pause: A pause cannot end before it starts."),
    ([*MONDAY, "--target", "16h", "--pause", "later/"], "--pause: 'later' is not an ISO 8601 date"),
])
def test_it_rejects_bad_input_clearly(office, args, message):
    with pytest.raises(CommandError) as error:
        run("--calendar", str(office.pk), *args)

    assert str(error.value).startswith(message)


def test_it_rejects_a_missing_calendar(office):
    with pytest.raises(CommandError, match=r"^Calendar 999999 does not exist\.$"):
        run("--calendar", "999999", *MONDAY, "--target", "16h")


def test_it_rejects_a_calendar_without_working_time(acme):
    calendar = BusinessCalendarFactory(organization=acme)

    with pytest.raises(CommandError, match=r"^This calendar has no working time\.$"):
        run("--calendar", str(calendar.pk), "--start", "2026-05-11T09:00", "--target", "16h")
