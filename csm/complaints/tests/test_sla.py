"""SLA clocks: hand-worked tables (every expected moment worked out in the comments), then properties."""

import datetime as dt
import json
from dataclasses import replace
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from csm.complaints import sla
from csm.complaints.sla import ClockStatus, Pause, Step, Target
from csm.core import business_hours as bh

T = dt.time
UTC = dt.UTC
WARSAW = ZoneInfo("Europe/Warsaw")
SHANGHAI = ZoneInfo("Asia/Shanghai")
HOUR = 3600


def calendar(intervals, timezone, holiday_dates=(), days=range(5)) -> bh.Calendar:
    rows = [(day, start, end) for day in days for start, end in intervals]
    return bh.Calendar(bh.WeeklySchedule.from_rows(rows), timezone, frozenset(holiday_dates))


# Mon-Fri 09:00-12:00 + 13:00-17:00 Warsaw (7 h a day) with the real Polish public holidays of 2026:
# Fri 1 May, Sun 3 May, Thu 4 Jun, Sun 1 Nov, Wed 11 Nov, ...
PL = calendar([(T(9), T(12)), (T(13), T(17))], "Europe/Warsaw", holidays.country_holidays("PL", years=2026))
# Shanghai split shift Mon-Fri 09:00-12:00 + 13:30-18:00 (7.5 h a day), real Chinese holidays of 2026:
# Qingming Sun 5 + Mon 6 Apr, National Day 1-7 Oct (the weekdays among them), ...
CN = calendar([(T(9), T(12)), (T(13, 30), T(18))], "Asia/Shanghai",
              holidays.country_holidays("CN", years=2026))
# Every day 01:00-04:00 in Warsaw: working time that crosses the DST hours.
NIGHT = calendar([(T(1), T(4))], "Europe/Warsaw", days=range(7))


def warsaw(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=WARSAW)


def shanghai(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def due(start, code, cal=PL, pauses=()) -> dt.datetime | None:
    return sla.due_at(start=start, target=sla.parse_target(code), calendar=cal, pauses=pauses).due


# Targets ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "target"), [
    ("16h", Target(16, "working_hours")),
    ("5wd", Target(5, "working_days")),
    ("15d", Target(15, "calendar_days")),
    ("48ch", Target(48, "calendar_hours")),
    (" 0WD ", Target(0, "working_days")),
    ("0d", Target(0, "calendar_days")),
])
def test_it_parses_targets_and_writes_them_back(text, target):
    assert sla.parse_target(text) == target
    assert sla.parse_target(target.code) == target
    assert str(target) == target.code


@pytest.mark.parametrize("text", ["", "16", "h", "16x", "1.5h", "-2h", "16 h", "10000h", "5 wd", "wd5"])
def test_it_rejects_a_malformed_target(text):
    with pytest.raises(ValueError, match="is not a target"):
        sla.parse_target(text)


@pytest.mark.parametrize(("amount", "unit"), [
    (0, "working_hours"), (0, "calendar_hours"), (-1, "working_days"), (10000, "calendar_days"),
    (True, "working_days"), (1.5, "working_hours"), (3, "weeks"),
])
def test_it_rejects_an_impossible_target(amount, unit):
    with pytest.raises(ValueError):
        Target(amount, unit)


def test_it_rejects_naive_times_and_pauses_that_end_before_they_start():
    with pytest.raises(ValueError, match="timezone-aware"):
        sla.due_at(start=dt.datetime(2026, 5, 4, 9), target=Target(1, "calendar_hours"), calendar=PL)
    with pytest.raises(ValueError, match="cannot end before"):
        Pause(warsaw(2026, 5, 4, 10), warsaw(2026, 5, 4, 9))


# (a) A complaint filed before Polish public holidays -------------------------------------------

@pytest.mark.parametrize(("start", "code", "expected"), [
    # Thu 30 Apr 18:30 (after hours); Fri 1 May holiday; Sat; Sun 3 May holiday → clock starts Mon 4 May
    # 09:00. 16 h = Mon 7 h + Tue 7 h + Wed 09:00-11:00 → Wed 6 May 11:00 CEST = 09:00 UTC.
    (warsaw(2026, 4, 30, 18, 30), "16h", utc(2026, 5, 6, 9, 0)),
    # The day of receipt does not count: Mon 4 (1), Tue 5 (2), Wed 6 (3), Thu 7 (4), Fri 8 (5) → its end,
    # Fri 8 May 17:00 CEST = 15:00 UTC.
    (warsaw(2026, 4, 30, 18, 30), "5wd", utc(2026, 5, 8, 15, 0)),
    # Fri 6 Nov 19:00 CET; Mon 9 7 h, Tue 10 7 h, Wed 11 Nov Independence Day, Thu 12 09:00-11:00
    # → Thu 12 Nov 11:00 CET = 10:00 UTC.
    (warsaw(2026, 11, 6, 19, 0), "16h", utc(2026, 11, 12, 10, 0)),
    # Mon 9 (1), Tue 10 (2), [Wed 11 holiday], Thu 12 (3), Fri 13 (4), Mon 16 (5) → 17:00 CET = 16:00 UTC.
    (warsaw(2026, 11, 6, 19, 0), "5wd", utc(2026, 11, 16, 16, 0)),
    # 1 working day from Thursday evening: Mon 4 May 17:00 CEST; 0 working days: the next working day.
    (warsaw(2026, 4, 30, 18, 30), "1wd", utc(2026, 5, 4, 15, 0)),
    (warsaw(2026, 4, 30, 18, 30), "0wd", utc(2026, 5, 4, 15, 0)),
    # 0 working days during a working day: the end of that day, Mon 11 May 17:00 CEST.
    (warsaw(2026, 5, 11, 10, 0), "0wd", utc(2026, 5, 11, 15, 0)),
])
def test_it_skips_weekends_and_polish_holidays(start, code, expected):
    assert due(start, code) == expected


def test_it_explains_each_step_of_a_due_date_over_a_long_weekend():
    explanation = sla.due_at(start=warsaw(2026, 4, 30, 18, 30), target=Target(16, "working_hours"),
                             calendar=PL)

    assert [(step.kind, step.at, step.detail) for step in explanation.steps] == [
        ("received", utc(2026, 4, 30, 16, 30), {"working_time": False}),
        ("holiday", utc(2026, 4, 30, 22, 0), {"date": "2026-05-01", "working_day": True}),
        ("holiday", utc(2026, 5, 2, 22, 0), {"date": "2026-05-03", "working_day": False}),
        ("clock_starts", utc(2026, 5, 4, 7, 0), {}),
        ("due", utc(2026, 5, 6, 9, 0), {"target_seconds": 16 * HOUR, "paused_seconds": 0}),
    ]
    assert (explanation.state, explanation.timezone) == ("scheduled", "Europe/Warsaw")
    assert explanation.target_seconds == 16 * HOUR
    assert explanation.start == utc(2026, 4, 30, 16, 30)


def test_it_explains_the_working_days_it_counted():
    explanation = sla.due_at(start=warsaw(2026, 4, 30, 18, 30), target=Target(5, "working_days"), calendar=PL)

    # 5 days x 7 h of working time, counted from Monday 09:00.
    assert explanation.target_seconds == 35 * HOUR
    assert [(step.kind, step.at, step.detail) for step in explanation.steps][-2:] == [
        ("working_days", utc(2026, 5, 8, 15, 0), {"days": 5, "last_day": "2026-05-08"}),
        ("due", utc(2026, 5, 8, 15, 0), {"target_seconds": 35 * HOUR, "paused_seconds": 0}),
    ]


# (b) Lunch breaks ------------------------------------------------------------------------------

@pytest.mark.parametrize(("start", "code", "expected"), [
    # Mon 11 May 11:00 + 2 h: 11:00-12:00, lunch, 13:00-14:00 → 14:00 CEST = 12:00 UTC.
    (warsaw(2026, 5, 11, 11, 0), "2h", utc(2026, 5, 11, 12, 0)),
    # Received during lunch (12:30): the clock starts at 13:00 → 1 h later, 14:00 CEST.
    (warsaw(2026, 5, 11, 12, 30), "1h", utc(2026, 5, 11, 12, 0)),
    # Received exactly at 12:00 (an interval's end is not working time): same, 14:00 CEST.
    (warsaw(2026, 5, 11, 12, 0), "1h", utc(2026, 5, 11, 12, 0)),
    # Using up the morning ends at 12:00, not at 13:00 when work resumes.
    (warsaw(2026, 5, 11, 9, 0), "3h", utc(2026, 5, 11, 10, 0)),
    # 8 h from Mon 09:00: Mon 7 h, Tue 09:00-10:00 → Tue 12 May 10:00 CEST.
    (warsaw(2026, 5, 11, 9, 0), "8h", utc(2026, 5, 12, 8, 0)),
])
def test_it_leaves_out_the_lunch_break(start, code, expected):
    assert due(start, code) == expected


# (c) Pauses while waiting for the customer -----------------------------------------------------

MONDAY_9 = warsaw(2026, 5, 11, 9, 0)  # 16 h from here is Wed 13 May 11:00 CEST without pauses.


@pytest.mark.parametrize(("pauses", "expected"), [
    # No pause: Mon 7 h + Tue 7 h + Wed 09:00-11:00 → Wed 11:00 CEST = 09:00 UTC.
    ((), utc(2026, 5, 13, 9, 0)),
    # Mon 10:00-12:00 holds 2 working hours → 2 h later: Wed 11:00-12:00, 13:00-14:00 → Wed 14:00 CEST.
    ([Pause(warsaw(2026, 5, 11, 10), warsaw(2026, 5, 11, 12))], utc(2026, 5, 13, 12, 0)),
    # Mon 11:00-14:00 across lunch also holds 2 working hours → Wed 14:00 CEST.
    ([Pause(warsaw(2026, 5, 11, 11), warsaw(2026, 5, 11, 14))], utc(2026, 5, 13, 12, 0)),
    # Overlapping pauses 10:00-11:00 and 10:30-12:00 merge into 10:00-12:00 → Wed 14:00 CEST.
    ([Pause(warsaw(2026, 5, 11, 10, 30), warsaw(2026, 5, 11, 12)),
      Pause(warsaw(2026, 5, 11, 10), warsaw(2026, 5, 11, 11))], utc(2026, 5, 13, 12, 0)),
    # A pause at night (Mon 18:00 - Tue 08:00) holds no working time: unchanged, Wed 11:00 CEST.
    ([Pause(warsaw(2026, 5, 11, 18), warsaw(2026, 5, 12, 8))], utc(2026, 5, 13, 9, 0)),
    # A pause after the due moment changes nothing.
    ([Pause(warsaw(2026, 5, 13, 11), warsaw(2026, 5, 14, 11))], utc(2026, 5, 13, 9, 0)),
    # A pause from before receipt counts only from receipt: Mon 09:00-10:00 is 1 h → Wed 12:00 CEST.
    ([Pause(warsaw(2026, 5, 8, 10), warsaw(2026, 5, 11, 10))], utc(2026, 5, 13, 10, 0)),
    # Tue 16:00 - Wed 10:00: 1 h Tue + 1 h Wed → Wed 14:00 CEST.
    ([Pause(warsaw(2026, 5, 12, 16), warsaw(2026, 5, 13, 10))], utc(2026, 5, 13, 12, 0)),
    # A pause still open but starting at the due moment: the target was reached first.
    ([Pause(warsaw(2026, 5, 13, 11))], utc(2026, 5, 13, 9, 0)),
])
def test_a_pause_moves_the_due_date_by_the_working_time_it_holds(pauses, expected):
    assert due(MONDAY_9, "16h", pauses=pauses) == expected


def test_it_explains_the_pauses():
    pauses = [Pause(warsaw(2026, 5, 11, 11), warsaw(2026, 5, 11, 14)),
              Pause(warsaw(2026, 5, 11, 18), warsaw(2026, 5, 12, 8))]

    explanation = sla.due_at(start=MONDAY_9, target=Target(16, "working_hours"), calendar=PL, pauses=pauses)

    assert [(step.kind, step.at, step.detail) for step in explanation.steps] == [
        ("received", utc(2026, 5, 11, 7, 0), {"working_time": True}),
        ("pause", utc(2026, 5, 11, 9, 0), {"end": "2026-05-11T12:00:00+00:00", "paused_seconds": 2 * HOUR}),
        ("pause", utc(2026, 5, 11, 16, 0), {"end": "2026-05-12T06:00:00+00:00", "paused_seconds": 0}),
        ("due", utc(2026, 5, 13, 12, 0), {"target_seconds": 16 * HOUR, "paused_seconds": 2 * HOUR}),
    ]
    assert explanation.paused_seconds == 2 * HOUR


def test_an_open_pause_leaves_no_due_date_yet():
    # Paused Tue 10:00 after Mon 7 h + Tue 1 h: 8 of 16 hours left when the customer answers.
    explanation = sla.due_at(start=MONDAY_9, target=Target(16, "working_hours"), calendar=PL,
                             pauses=[Pause(warsaw(2026, 5, 12, 10)),
                                     Pause(warsaw(2026, 5, 12, 11), warsaw(2026, 5, 12, 12))])

    assert (explanation.state, explanation.due) == ("paused", None)
    assert explanation.pauses == (Pause(utc(2026, 5, 12, 8, 0)),)
    assert [(step.kind, step.at, step.detail) for step in explanation.steps] == [
        ("received", utc(2026, 5, 11, 7, 0), {"working_time": True}),
        ("open_pause", utc(2026, 5, 12, 8, 0), {"remaining_seconds": 8 * HOUR}),
    ]


def test_a_pause_extends_working_days_by_the_working_time_it_holds():
    # 5 wd from Thu 30 Apr 18:30 end Fri 8 May 17:00; Mon 4 May 09:00-11:00 paused (2 h) → Mon 11 May
    # 09:00-11:00 → 11:00 CEST = 09:00 UTC.
    pauses = [Pause(warsaw(2026, 5, 4, 9), warsaw(2026, 5, 4, 11))]
    assert due(warsaw(2026, 4, 30, 18, 30), "5wd", pauses=pauses) == utc(2026, 5, 11, 9, 0)


# (d) Calendar days and hours across DST --------------------------------------------------------

@pytest.mark.parametrize(("start", "code", "expected"), [
    # Fri 20 Mar 10:00 CET + 15 days: the end of Sat 4 Apr (the day of receipt does not count); the
    # clocks went forward on Sun 29 Mar, so midnight is 00:00 CEST = Sat 4 Apr 22:00 UTC (15 d 13 h later).
    (warsaw(2026, 3, 20, 10, 0), "15d", utc(2026, 4, 4, 22, 0)),
    # Tue 20 Oct 10:00 CEST + 7 days: end of Tue 27 Oct; clocks went back on Sun 25 Oct → 00:00 CET =
    # Tue 27 Oct 23:00 UTC.
    (warsaw(2026, 10, 20, 10, 0), "7d", utc(2026, 10, 27, 23, 0)),
    # Calendar days ignore the working calendar: 3 d from Thu 30 Apr → end of Sun 3 May (a holiday).
    (warsaw(2026, 4, 30, 18, 30), "3d", utc(2026, 5, 3, 22, 0)),
    # 0 d: the end of the day of receipt.
    (warsaw(2026, 4, 30, 18, 30), "0d", utc(2026, 4, 30, 22, 0)),
    # Calendar hours are elapsed hours: Sat 28 Mar 12:00 CET (11:00 UTC) + 48 h = Mon 30 Mar 11:00 UTC,
    # which is 13:00 CEST on the wall clock.
    (warsaw(2026, 3, 28, 12, 0), "48ch", utc(2026, 3, 30, 11, 0)),
    # Shanghai has no DST: Thu 2 Apr 15:00 CST + 15 d → end of Fri 17 Apr = 00:00 CST 18 Apr = 16:00 UTC.
    (shanghai(2026, 4, 2, 15, 0), "15d", utc(2026, 4, 17, 16, 0)),
])
def test_calendar_targets_count_every_day(start, code, expected):
    assert due(start, code, cal=CN if start.tzinfo == SHANGHAI else PL) == expected


def test_a_pause_extends_a_calendar_target_even_at_night():
    # 15 d from Fri 20 Mar 10:00 CET ends Sun 5 Apr 00:00 CEST; paused Sat 21 Mar 20:00 - Sun 22 Mar
    # 08:00 CET (12 elapsed hours) → Sun 5 Apr 12:00 CEST = 10:00 UTC.
    pauses = [Pause(warsaw(2026, 3, 21, 20), warsaw(2026, 3, 22, 8))]
    explanation = sla.due_at(start=warsaw(2026, 3, 20, 10), target=Target(15, "calendar_days"), calendar=PL,
                             pauses=pauses)

    assert explanation.due == utc(2026, 4, 5, 10, 0)
    assert [step.kind for step in explanation.steps] == ["received", "pause", "calendar_days", "due"]
    assert explanation.steps[2].detail == {"days": 15, "last_day": "2026-04-04"}
    assert explanation.paused_seconds == 12 * HOUR


# (e) Shanghai split shift with Chinese holidays ------------------------------------------------

@pytest.mark.parametrize(("start", "code", "expected"), [
    # Thu 2 Apr 15:00 CST: Thu 3 h, Fri 3 Apr 7.5 h (10.5), Sat-Sun, Mon 6 Apr Qingming (observed),
    # Tue 7 Apr 09:00-12:00 (13.5), 13:30-16:00 (16) → Tue 7 Apr 16:00 CST = 08:00 UTC.
    (shanghai(2026, 4, 2, 15, 0), "16h", utc(2026, 4, 7, 8, 0)),
    # Fri 3 (1), [Mon 6 holiday], Tue 7 (2), Wed 8 (3), Thu 9 (4), Fri 10 (5) → 18:00 CST = 10:00 UTC.
    (shanghai(2026, 4, 2, 15, 0), "5wd", utc(2026, 4, 10, 10, 0)),
    # Tue 29 Sep 10:00: 2 h + 4.5 h, Wed 30 Sep 7.5 h (14), 1-7 Oct National Day, Thu 8 Oct 09:00-11:00
    # → 11:00 CST = 03:00 UTC.
    (shanghai(2026, 9, 29, 10, 0), "16h", utc(2026, 10, 8, 3, 0)),
    # Received at 12:15 during the 12:00-13:30 break: 1 h from 13:30 → 14:30 CST = 06:30 UTC.
    (shanghai(2026, 4, 7, 12, 15), "1h", utc(2026, 4, 7, 6, 30)),
    # 3 h from 11:00: 11:00-12:00, 13:30-15:30 → 15:30 CST = 07:30 UTC.
    (shanghai(2026, 4, 7, 11, 0), "3h", utc(2026, 4, 7, 7, 30)),
])
def test_it_counts_a_shanghai_split_shift_and_chinese_holidays(start, code, expected):
    assert due(start, code, cal=CN) == expected


# Clock states ----------------------------------------------------------------------------------

# 16 h from Mon 11 May 09:00 CEST: due Wed 13 May 11:00 CEST.
DEADLINE = sla.due_at(start=MONDAY_9, target=Target(16, "working_hours"), calendar=PL)


@pytest.mark.parametrize(("now", "stopped_at", "status", "remaining", "elapsed"), [
    # Tue 10:00: Mon 7 h + Tue 1 h elapsed, 8 h left.
    (warsaw(2026, 5, 12, 10), None, "running", 8 * HOUR, 8 * HOUR),
    # Wed 09:30: 14.5 h elapsed, 1.5 h left ≤ 2 h.
    (warsaw(2026, 5, 13, 9, 30), None, "warning", 1.5 * HOUR, 14.5 * HOUR),
    # Tue 17:00 - Wed 09:00 is not working time: 2 h left at 08:59 Wed, exactly the threshold.
    (warsaw(2026, 5, 13, 8, 59), None, "warning", 2 * HOUR, 14 * HOUR),
    (warsaw(2026, 5, 12, 16, 59), None, "running", 2 * HOUR + 60, 14 * HOUR - 60),
    # At the due moment itself the step is still on time.
    (warsaw(2026, 5, 13, 11), None, "warning", 0, 16 * HOUR),
    (warsaw(2026, 5, 13, 11, 30), None, "breached", -0.5 * HOUR, 16.5 * HOUR),
    # During lunch after the due moment: breached by the 11:00-12:00 hour only.
    (warsaw(2026, 5, 13, 12, 30), None, "breached", -HOUR, 17 * HOUR),
    # Stopped on time or late; `now` no longer matters.
    (warsaw(2026, 5, 20, 9), warsaw(2026, 5, 13, 10, 59), "met", 60, 16 * HOUR - 60),
    (warsaw(2026, 5, 20, 9), warsaw(2026, 5, 13, 11), "met", 0, 16 * HOUR),
    (warsaw(2026, 5, 20, 9), warsaw(2026, 5, 13, 11, 0, 1), "missed", -1, 16 * HOUR + 1),
    # Before receipt nothing has elapsed.
    (warsaw(2026, 5, 10, 9), None, "running", 16 * HOUR, 0),
])
def test_it_reports_the_clock_state(now, stopped_at, status, remaining, elapsed):
    state = sla.clock_state(deadline=DEADLINE, now=now, warn_before=dt.timedelta(hours=2), calendar=PL,
                            stopped_at=stopped_at)

    assert state.status == status
    assert (state.remaining_working_seconds, state.elapsed_working_seconds) == (remaining, elapsed)
    assert state.due == utc(2026, 5, 13, 9, 0)


@pytest.mark.parametrize(("now", "status"), [
    # A quarter of 16 h is 4 h: Tue 15:00 leaves 4 h (Tue 2 h + Wed 2 h), Tue 14:59 a minute more.
    (warsaw(2026, 5, 12, 15), "warning"),
    (warsaw(2026, 5, 12, 14, 59), "running"),
])
def test_it_warns_at_a_fraction_of_the_target(now, status):
    state = sla.clock_state(deadline=DEADLINE, now=now, warn_before=0.25, calendar=PL)
    assert state.status == status


@pytest.mark.parametrize("warn_before", [dt.timedelta(hours=-1), -0.1, 1.5, True])
def test_it_rejects_a_bad_warning_threshold(warn_before):
    with pytest.raises(ValueError, match="warn_before"):
        sla.clock_state(deadline=DEADLINE, now=MONDAY_9, warn_before=warn_before, calendar=PL)


def test_the_clock_is_paused_while_waiting_for_the_customer():
    deadline = sla.due_at(start=MONDAY_9, target=Target(16, "working_hours"), calendar=PL,
                          pauses=[Pause(warsaw(2026, 5, 12, 10))])

    # Paused since Tue 10:00; at Fri 16:00 still 8 h elapsed and 8 h left; the warning waits.
    state = sla.clock_state(deadline=deadline, now=warsaw(2026, 5, 15, 16), warn_before=dt.timedelta(hours=9),
                            calendar=PL)
    assert state == sla.ClockState("paused", None, 8 * HOUR, 8 * HOUR)
    # Closed while paused: on time, whenever that was.
    stopped = sla.clock_state(deadline=deadline, now=warsaw(2026, 6, 1, 9), warn_before=0.1, calendar=PL,
                              stopped_at=warsaw(2026, 5, 20, 9))
    assert stopped == sla.ClockState("met", None, 8 * HOUR, 8 * HOUR)


def test_a_closed_pause_covering_now_pauses_the_clock_and_moves_the_due_date():
    # Paused Tue 10:00-15:00 (4 working hours) → due Wed 11:00 + 4 h: 11:00-12:00, 13:00-16:00
    # → Wed 16:00 CEST.
    deadline = sla.due_at(start=MONDAY_9, target=Target(16, "working_hours"), calendar=PL,
                          pauses=[Pause(warsaw(2026, 5, 12, 10), warsaw(2026, 5, 12, 15))])

    state = sla.clock_state(deadline=deadline, now=warsaw(2026, 5, 12, 12, 30), warn_before=0.0, calendar=PL)

    assert state == sla.ClockState("paused", utc(2026, 5, 13, 14, 0), 8 * HOUR, 8 * HOUR)


def test_a_breach_outranks_a_pause_that_began_after_it():
    deadline = sla.due_at(start=MONDAY_9, target=Target(16, "working_hours"), calendar=PL,
                          pauses=[Pause(warsaw(2026, 5, 14, 9))])

    state = sla.clock_state(deadline=deadline, now=warsaw(2026, 5, 15, 9), warn_before=0.0, calendar=PL)

    # Wed 11:00-12:00, 13:00-17:00 past due (5 h); the pause from Thu stopped further counting.
    assert state == sla.ClockState("breached", utc(2026, 5, 13, 9, 0), -5 * HOUR, 21 * HOUR)


def test_a_calendar_target_counts_every_second_in_its_clock():
    # 48 ch from Mon 11 May 09:00 CEST → Wed 13 May 09:00 CEST; at Tue 09:00, 24 h of 48 remain.
    deadline = sla.due_at(start=MONDAY_9, target=Target(48, "calendar_hours"), calendar=PL)

    state = sla.clock_state(deadline=deadline, now=warsaw(2026, 5, 12, 9), warn_before=0.5, calendar=PL)

    assert state == sla.ClockState("warning", utc(2026, 5, 13, 7, 0), 24 * HOUR, 24 * HOUR)


@pytest.mark.parametrize(("warn_before", "expected"), [
    # 14 of 16 h have elapsed at Tue 17:00 CEST (Mon 7 h + Tue 7 h); from then on 2 h are left (the night
    # holds no working time), so the warning begins then and its notice goes out Wed 09:00.
    (dt.timedelta(hours=2), utc(2026, 5, 12, 15, 0)),
    # A quarter (4 h) before: 12 h elapsed at Tue 15:00 CEST.
    (0.25, utc(2026, 5, 12, 13, 0)),
    (1.0, utc(2026, 5, 11, 7, 0)),
])
def test_it_tells_when_the_warning_begins(warn_before, expected):
    assert sla.warning_time(deadline=DEADLINE, warn_before=warn_before, calendar=PL) == expected


def test_there_is_no_warning_time_while_paused_before_it():
    deadline = sla.due_at(start=MONDAY_9, target=Target(16, "working_hours"), calendar=PL,
                          pauses=[Pause(warsaw(2026, 5, 12, 10))])
    assert sla.warning_time(deadline=deadline, warn_before=dt.timedelta(hours=2), calendar=PL) is None


# Notifications ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("at", "expected"), [
    (warsaw(2026, 5, 12, 10, 15), utc(2026, 5, 12, 8, 15)),  # working time: at once
    (warsaw(2026, 5, 12, 12, 30), utc(2026, 5, 12, 11, 0)),  # lunch → 13:00 CEST
    (warsaw(2026, 5, 16, 0, 0), utc(2026, 5, 18, 7, 0)),  # Saturday midnight → Mon 09:00 CEST
    (warsaw(2026, 4, 30, 23, 59), utc(2026, 5, 4, 7, 0)),  # before the 1 May holiday → Mon 4 May 09:00
])
def test_notifications_wait_for_working_time(at, expected):
    assert sla.next_notification_time(at=at, calendar=PL) == expected


# The four complaint clocks ---------------------------------------------------------------------

def test_it_computes_every_step_from_receipt():
    targets = sla.parse_step_targets({"resolve": "15d", "acknowledge": "1wd", "assess": "8h",
                                      "respond": "5wd"})

    result = sla.deadlines(received_at=warsaw(2026, 4, 30, 18, 30), targets=targets, calendar=PL)

    assert list(result) == [Step.ACKNOWLEDGE, Step.ASSESS, Step.RESPOND, Step.RESOLVE]
    assert {step: explanation.due for step, explanation in result.items()} == {
        Step.ACKNOWLEDGE: utc(2026, 5, 4, 15, 0),  # end of Mon 4 May, the first working day after Thursday
        Step.ASSESS: utc(2026, 5, 5, 8, 0),  # Mon 7 h + Tue 09:00-10:00 CEST
        Step.RESPOND: utc(2026, 5, 8, 15, 0),  # end of Fri 8 May
        Step.RESOLVE: utc(2026, 5, 15, 22, 0),  # end of Fri 15 May = 00:00 CEST Sat 16 May
    }


def test_steps_without_a_target_have_no_deadline_and_pauses_apply_to_every_step():
    pauses = [Pause(warsaw(2026, 5, 4, 9), warsaw(2026, 5, 4, 10))]

    targets = {Step.ASSESS: Target(8, "working_hours"), Step.RESOLVE: Target(2, "calendar_days")}

    result = sla.deadlines(received_at=warsaw(2026, 4, 30, 18, 30), targets=targets, calendar=PL,
                           pauses=pauses)

    # Assess: Mon 10:00-17:00 is 6 h, Tue 09:00-11:00 → 11:00 CEST. Resolve: the end of Sat 2 May, before the
    # pause, which therefore changes nothing.
    assert {step: explanation.due for step, explanation in result.items()} == {
        Step.ASSESS: utc(2026, 5, 5, 9, 0), Step.RESOLVE: utc(2026, 5, 2, 22, 0)}


def test_it_merges_overlapping_and_touching_pauses_and_clips_them_to_the_start():
    pauses = [
        Pause(utc(2026, 5, 4, 12), utc(2026, 5, 4, 13)), Pause(utc(2026, 5, 4, 10), utc(2026, 5, 4, 12)),
        Pause(utc(2026, 5, 1, 8), utc(2026, 5, 4, 9)), Pause(utc(2026, 5, 5, 8)), Pause(utc(2026, 5, 6, 8)),
        Pause(utc(2026, 5, 4, 14), utc(2026, 5, 4, 14)), Pause(utc(2026, 5, 1), utc(2026, 5, 1, 1)),
    ]

    assert sla.merge_pauses(pauses, since=utc(2026, 5, 4, 8, 30)) == (
        Pause(utc(2026, 5, 4, 8, 30), utc(2026, 5, 4, 9)),
        Pause(utc(2026, 5, 4, 10), utc(2026, 5, 4, 13)),
        Pause(utc(2026, 5, 5, 8)),
    )
    assert sla.merge_pauses(pauses[:2]) == (Pause(utc(2026, 5, 4, 10), utc(2026, 5, 4, 13)),)


def test_it_rejects_an_unknown_step():
    with pytest.raises(ValueError, match="Unknown step 'investigate'"):
        sla.parse_step_targets({"investigate": "5wd"})


def test_an_explanation_is_plain_data_for_json():
    explanation = sla.due_at(start=MONDAY_9, target=Target(16, "working_hours"), calendar=PL,
                             pauses=[Pause(warsaw(2026, 5, 11, 10), warsaw(2026, 5, 11, 12))])

    data = json.loads(json.dumps(explanation.as_dict()))

    assert data["due"] == "2026-05-13T12:00:00+00:00"
    assert (data["target"], data["state"], data["paused_seconds"]) == ("16h", "scheduled", 2 * HOUR)
    assert data["steps"][1] == {"kind": "pause", "at": "2026-05-11T08:00:00+00:00",
                                "detail": {"end": "2026-05-11T10:00:00+00:00", "paused_seconds": 2 * HOUR}}


# Properties ------------------------------------------------------------------------------------

CALENDARS = st.sampled_from([PL, CN, NIGHT])
MOMENTS = st.integers(0, 360 * 24 * 60).map(lambda minutes: utc(2026, 1, 1) + dt.timedelta(minutes=minutes))
WORKING_TARGETS = st.one_of(st.builds(Target, st.integers(1, 60), st.just("working_hours")),
                            st.builds(Target, st.integers(0, 12), st.just("working_days")))


def ends_working_time(cal: bh.Calendar, at: dt.datetime) -> bool:
    return bh.is_working_time(cal, at) or bh.is_working_time(cal, at - dt.timedelta(microseconds=1))


@settings(max_examples=80, deadline=None)
@given(CALENDARS, MOMENTS, WORKING_TARGETS)
def test_a_due_date_is_in_working_time_or_ends_it(cal, start, target):
    result = sla.due_at(start=start, target=target, calendar=cal).due
    assert ends_working_time(cal, result)


@settings(max_examples=60, deadline=None)
@given(CALENDARS, MOMENTS, WORKING_TARGETS, st.integers(0, 20))
def test_more_target_never_gives_an_earlier_due_date(cal, start, target, extra):
    bigger = Target(target.amount + extra, target.unit)
    assert (sla.due_at(start=start, target=target, calendar=cal).due
            <= sla.due_at(start=start, target=bigger, calendar=cal).due)


@settings(max_examples=80, deadline=None)
@given(CALENDARS, MOMENTS, WORKING_TARGETS, st.floats(0, 1), st.floats(0, 1))
def test_a_pause_moves_the_due_date_by_exactly_its_working_time(cal, start, target, at, length):
    plain = sla.due_at(start=start, target=target, calendar=cal).due
    pause_start = start + (plain - start) * at
    pause = Pause(pause_start, pause_start + (plain - pause_start) * length)
    paused = bh.working_seconds_between(cal, pause.start, pause.end)

    result = sla.due_at(start=start, target=target, calendar=cal, pauses=[pause])

    assert result.due == (bh.add_working_time(cal, plain, paused) if paused else plain)
    assert bh.working_seconds_between(cal, plain, result.due) == paused
    assert result.paused_seconds == paused


@settings(max_examples=80, deadline=None)
@given(CALENDARS, MOMENTS, WORKING_TARGETS, MOMENTS, st.floats(0, 1), st.floats(0, 1))
def test_a_pause_outside_working_time_changes_nothing(cal, start, target, moment, first, second):
    assume(not bh.is_working_time(cal, moment))
    gap = bh.next_working_time(cal, moment) - moment
    low, high = sorted((first, second))
    pause = Pause(moment + gap * low, moment + gap * high)

    assert (sla.due_at(start=start, target=target, calendar=cal, pauses=[pause]).due
            == sla.due_at(start=start, target=target, calendar=cal).due)


# (minutes after the start, length in minutes, open?) of up to five pauses.
PAUSES = st.lists(st.tuples(st.integers(0, 30 * 24 * 60), st.integers(0, 3 * 24 * 60), st.booleans()),
                  max_size=5)
ANY_TARGETS = st.one_of(WORKING_TARGETS, st.builds(Target, st.integers(0, 20), st.just("calendar_days")))


@settings(max_examples=60, deadline=None)
@given(CALENDARS, MOMENTS, ANY_TARGETS, PAUSES, st.randoms(use_true_random=False))
def test_deadlines_do_not_depend_on_the_order_of_pauses(cal, start, target, spans, random):
    pauses = [Pause(start + dt.timedelta(minutes=offset), None if is_open and index == 0 else
                    start + dt.timedelta(minutes=offset + length))
              for index, (offset, length, is_open) in enumerate(spans)]
    shuffled = random.sample(pauses, len(pauses))
    targets = {Step.ACKNOWLEDGE: target, Step.RESOLVE: Target(target.amount + 1, target.unit)}

    assert (sla.deadlines(received_at=start, targets=targets, calendar=cal, pauses=shuffled)
            == sla.deadlines(received_at=start, targets=targets, calendar=cal, pauses=pauses))


@settings(max_examples=60, deadline=None)
@given(CALENDARS, MOMENTS, WORKING_TARGETS, PAUSES)
def test_the_counted_time_up_to_the_due_date_is_the_target(cal, start, target, spans):
    pauses = [Pause(start + dt.timedelta(minutes=offset), start + dt.timedelta(minutes=offset + length))
              for offset, length, _ in spans]
    deadline = sla.due_at(start=start, target=target, calendar=cal, pauses=pauses)

    state = sla.clock_state(deadline=deadline, now=deadline.due, warn_before=0.0, calendar=cal)

    assert (state.remaining_working_seconds, state.elapsed_working_seconds) == (0, deadline.target_seconds)
    assert state.status in {ClockStatus.WARNING, ClockStatus.PAUSED}


@given(start=st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 12, 31),
                          timezones=st.just(UTC)),
       amount=st.integers(min_value=1, max_value=40), unit=st.sampled_from(["h", "wd", "d"]))
@settings(max_examples=60, deadline=None)
def test_an_unexplained_deadline_is_the_explained_one_without_its_steps(start, amount, unit):
    target = sla.parse_target(f"{amount}{unit}")
    pauses = (sla.Pause(start=start + dt.timedelta(hours=3), end=start + dt.timedelta(hours=30)),)
    explained = sla.due_at(start=start, target=target, calendar=PL, pauses=pauses)
    lean = sla.due_at(start=start, target=target, calendar=PL, pauses=pauses, explain=False)
    assert lean == replace(explained, steps=())
