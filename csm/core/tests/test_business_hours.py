import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csm.core import business_hours as bh

T = dt.time
WARSAW = ZoneInfo("Europe/Warsaw")
SHANGHAI = ZoneInfo("Asia/Shanghai")
HOUR = 3600


def weekdays(*intervals: tuple[dt.time, dt.time], days: range = range(5)) -> list[tuple[int, dt.time, dt.time]]:
    return [(day, start, end) for day in days for start, end in intervals]


def calendar(rows, timezone="Europe/Warsaw", holidays=(), worked=()) -> bh.Calendar:
    return bh.Calendar(bh.WeeklySchedule.from_rows(rows), timezone, frozenset(holidays), frozenset(worked))


# Mon-Fri 09:00-12:00 + 13:00-17:00 in Warsaw (7 working hours a day); Monday 2026-03-09 is a holiday.
OFFICE = calendar(weekdays((T(9), T(12)), (T(13), T(17))), holidays=[dt.date(2026, 3, 9)])
# Split shifts: Mon-Sat 06:00-10:00 + 18:00-22:00, Sunday 10:00-14:00.
SHIFTS = calendar([*weekdays((T(6), T(10)), (T(18), T(22)), days=range(6)), (6, T(10), T(14))])
# Shanghai Mon-Fri 09:00-18:00, no DST; 2026-10-01 (National Day, a Thursday) is a holiday.
SHANGHAI_OFFICE = calendar(weekdays((T(9), T(18))), "Asia/Shanghai", [dt.date(2026, 10, 1)])
# China's National Day week 2026 as the holidays package gives it: 1-2, 3 (Sat), 5-7 October off;
# Sunday 20 September and Saturday 10 October are make-up working days (调休).
CN_GOLDEN_WEEK = calendar(
    weekdays((T(9), T(12)), (T(13), T(18))), "Asia/Shanghai",
    [dt.date(2026, 10, d) for d in (1, 2, 3, 5, 6, 7)], worked=[dt.date(2026, 9, 20), dt.date(2026, 10, 10)])
# Every day 01:00-04:00 in Warsaw: crosses the spring-forward and fall-back hours.
NIGHT = calendar(weekdays((T(1), T(4)), days=range(7)))


def warsaw(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=WARSAW)


def shanghai(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("cal", "start", "hours", "due"),
    [
        # Friday 16:30: 0.5h Fri, Monday holiday, 7h Tue, 7h Wed, 1.5h Thu → Thursday 10:30.
        (OFFICE, warsaw(2026, 3, 6, 16, 30), 16, warsaw(2026, 3, 12, 10, 30)),
        # Exactly using up the morning ends at 12:00, not at 13:00.
        (OFFICE, warsaw(2026, 3, 10, 9, 0), 3, warsaw(2026, 3, 10, 12, 0)),
        (OFFICE, warsaw(2026, 3, 10, 11, 0), 1.5, warsaw(2026, 3, 10, 13, 30)),
        # Saturday start: the clock starts on Tuesday (Monday is the holiday).
        (OFFICE, warsaw(2026, 3, 7, 10, 0), 2, warsaw(2026, 3, 10, 11, 0)),
        # Starting inside lunch.
        (OFFICE, warsaw(2026, 3, 10, 12, 15), 0.5, warsaw(2026, 3, 10, 13, 30)),
        (OFFICE, warsaw(2026, 3, 10, 12, 15), 0, warsaw(2026, 3, 10, 13, 0)),
        # Split shifts: 09:00 Tue → 1h to 10:00, 4h evening, then 3h Wed morning → Wed 09:00.
        (SHIFTS, warsaw(2026, 3, 10, 9, 0), 8, warsaw(2026, 3, 11, 9, 0)),
        # Saturday 21:00 → 1h Sat evening, Sunday 10:00-14:00 (4h) → 5h ends Sunday 14:00.
        (SHIFTS, warsaw(2026, 3, 14, 21, 0), 5, warsaw(2026, 3, 15, 14, 0)),
        (SHIFTS, warsaw(2026, 3, 14, 21, 0), 6, warsaw(2026, 3, 16, 7, 0)),
        # Shanghai: Wednesday 17:00 → 1h Wed, Thursday holiday, Friday 09:00 + 8h → Friday 17:00.
        (SHANGHAI_OFFICE, shanghai(2026, 9, 30, 17, 0), 9, shanghai(2026, 10, 2, 17, 0)),
        (SHANGHAI_OFFICE, shanghai(2026, 10, 2, 17, 0), 2, shanghai(2026, 10, 5, 10, 0)),
        # Spring forward (Sunday 2026-03-29 02:00 → 03:00): 01:00-04:00 holds only 2 hours.
        (NIGHT, warsaw(2026, 3, 29, 1, 0), 2, warsaw(2026, 3, 29, 4, 0)),
        (NIGHT, warsaw(2026, 3, 29, 1, 0), 2.5, warsaw(2026, 3, 30, 1, 30)),
        # Fall back (Sunday 2026-10-25 03:00 → 02:00): 01:00-04:00 holds 4 hours.
        (NIGHT, warsaw(2026, 10, 25, 1, 0), 4, warsaw(2026, 10, 25, 4, 0)),
    ],
)
def test_it_finds_the_due_moment(cal, start, hours, due):
    result = bh.add_working_time(cal, start, hours * HOUR)
    assert result == due
    assert result.tzinfo is dt.UTC


@pytest.mark.parametrize(
    ("cal", "start", "end", "hours"),
    [
        (OFFICE, warsaw(2026, 3, 6, 16, 30), warsaw(2026, 3, 12, 10, 30), 16),
        (OFFICE, warsaw(2026, 3, 10, 0, 0), warsaw(2026, 3, 11, 0, 0), 7),
        (OFFICE, warsaw(2026, 3, 9, 0, 0), warsaw(2026, 3, 10, 0, 0), 0),
        (OFFICE, warsaw(2026, 3, 10, 12, 0), warsaw(2026, 3, 10, 13, 0), 0),
        (OFFICE, warsaw(2026, 3, 11, 0, 0), warsaw(2026, 3, 10, 0, 0), -7),
        (SHIFTS, warsaw(2026, 3, 15, 0, 0), warsaw(2026, 3, 16, 0, 0), 4),
        (NIGHT, warsaw(2026, 3, 29, 0, 0), warsaw(2026, 3, 30, 0, 0), 2),
        (NIGHT, warsaw(2026, 10, 25, 0, 0), warsaw(2026, 10, 26, 0, 0), 4),
        (SHANGHAI_OFFICE, shanghai(2026, 9, 28, 0, 0), shanghai(2026, 10, 5, 0, 0), 36),
    ],
)
def test_it_counts_working_time_between_two_moments(cal, start, end, hours):
    assert bh.working_seconds_between(cal, start, end) == hours * HOUR


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # The day of receipt does not count; Monday is a holiday; Tue, Wed → end of Wednesday.
        (warsaw(2026, 3, 6, 10, 0), 2, warsaw(2026, 3, 11, 17, 0)),
        (warsaw(2026, 3, 7, 10, 0), 1, warsaw(2026, 3, 10, 17, 0)),
        (warsaw(2026, 3, 10, 8, 0), 1, warsaw(2026, 3, 11, 17, 0)),
        (warsaw(2026, 3, 10, 8, 0), 0, warsaw(2026, 3, 10, 17, 0)),
        (warsaw(2026, 3, 10, 18, 0), 0, warsaw(2026, 3, 11, 17, 0)),
        (warsaw(2026, 3, 13, 9, 0), 5, warsaw(2026, 3, 20, 17, 0)),
    ],
)
def test_it_adds_working_days(start, days, due):
    assert bh.add_working_days(OFFICE, start, days) == due


def test_it_splits_an_interval_that_starts_in_the_skipped_hour():
    cal = calendar([(6, T(2, 30), T(5))])
    spans = list(bh.working_intervals(cal, warsaw(2026, 3, 29), warsaw(2026, 3, 30)))
    assert spans == [(warsaw(2026, 3, 29, 3, 0), warsaw(2026, 3, 29, 5, 0))]


def test_it_takes_the_repeated_hour_in_full_on_fall_back():
    cal = calendar([(6, T(2, 30), T(5))])
    spans = list(bh.working_intervals(cal, warsaw(2026, 10, 25), warsaw(2026, 10, 26)))
    first_half_past_two = dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)
    assert spans == [(first_half_past_two, warsaw(2026, 10, 25, 5, 0))]
    assert spans[0][1] - spans[0][0] == dt.timedelta(hours=3, minutes=30)


def test_it_drops_an_interval_entirely_inside_the_skipped_hour():
    cal = calendar([(6, T(2, 10), T(2, 50)), (6, T(9), T(10))])
    spans = list(bh.working_intervals(cal, warsaw(2026, 3, 29), warsaw(2026, 3, 30)))
    assert spans == [(warsaw(2026, 3, 29, 9), warsaw(2026, 3, 29, 10))]


def test_it_clips_working_intervals_to_the_requested_span():
    spans = list(bh.working_intervals(OFFICE, warsaw(2026, 3, 10, 10, 0), warsaw(2026, 3, 10, 14, 0)))
    assert spans == [
        (warsaw(2026, 3, 10, 10, 0), warsaw(2026, 3, 10, 12, 0)),
        (warsaw(2026, 3, 10, 13, 0), warsaw(2026, 3, 10, 14, 0)),
    ]


def test_it_merges_touching_intervals():
    cal = calendar([(0, T(9), T(12)), (0, T(12), T(13))])
    assert list(bh.working_intervals(cal, warsaw(2026, 3, 2), warsaw(2026, 3, 3))) == [
        (warsaw(2026, 3, 2, 9), warsaw(2026, 3, 2, 13))
    ]


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (warsaw(2026, 3, 10, 9, 0), True),
        (warsaw(2026, 3, 10, 11, 59, 59), True),
        (warsaw(2026, 3, 10, 12, 0), False),
        (warsaw(2026, 3, 10, 8, 59), False),
        (warsaw(2026, 3, 9, 10, 0), False),
        (warsaw(2026, 3, 14, 10, 0), False),
        (dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC), True),
    ],
)
def test_it_tells_working_time(at, expected):
    assert bh.is_working_time(OFFICE, at) is expected


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (warsaw(2026, 3, 10, 10, 0), warsaw(2026, 3, 10, 10, 0)),
        (warsaw(2026, 3, 10, 12, 0), warsaw(2026, 3, 10, 13, 0)),
        (warsaw(2026, 3, 6, 17, 0), warsaw(2026, 3, 10, 9, 0)),
    ],
)
def test_it_finds_the_next_working_time(at, expected):
    assert bh.next_working_time(OFFICE, at) == expected


@pytest.mark.parametrize(
    "call",
    [
        lambda: bh.is_working_time(OFFICE, dt.datetime(2026, 3, 10, 10)),
        lambda: bh.add_working_time(OFFICE, dt.datetime(2026, 3, 10, 10), 60),
        lambda: bh.next_working_time(OFFICE, dt.datetime(2026, 3, 10, 10)),
        lambda: list(bh.working_intervals(OFFICE, dt.datetime(2026, 3, 10), warsaw(2026, 3, 11))),
    ],
)
def test_it_rejects_naive_datetimes(call):
    with pytest.raises(ValueError, match="timezone-aware"):
        call()


def test_it_refuses_a_calendar_without_working_time_instead_of_looping():
    empty = bh.Calendar(bh.WeeklySchedule(), "Europe/Warsaw")
    with pytest.raises(ValueError, match="no working time"):
        bh.add_working_time(empty, warsaw(2026, 3, 10), 60)
    with pytest.raises(ValueError, match="no working time"):
        bh.add_working_days(empty, warsaw(2026, 3, 10), 1)


def test_it_gives_up_when_holidays_cover_three_years():
    only_mondays = [(0, T(9), T(10))]
    mondays = {dt.date(2026, 3, 2) + dt.timedelta(weeks=n) for n in range(200)}
    cal = calendar(only_mondays, holidays=mondays)
    with pytest.raises(ValueError, match="No working time within"):
        bh.next_working_time(cal, warsaw(2026, 3, 1))


@pytest.mark.parametrize(
    ("rows", "index", "message"),
    [
        ([(0, T(9), T(12)), (0, T(11), T(13))], 1, "11:00-13:00 overlaps 09:00-12:00"),
        ([(0, T(11), T(13)), (0, T(9), T(12))], 0, "11:00-13:00 overlaps 09:00-12:00"),
        ([(1, T(9), T(12)), (2, T(12), T(9))], 1, "start before it ends"),
        ([(7, T(9), T(12))], 0, "weekday"),
    ],
)
def test_it_rejects_bad_schedules_naming_the_row(rows, index, message):
    with pytest.raises(bh.ScheduleError, match=message) as caught:
        bh.WeeklySchedule.from_rows(rows)
    assert caught.value.index == index


def test_it_rejects_an_unknown_timezone():
    with pytest.raises(ValueError, match="Unknown timezone 'Mars/Olympus'"):
        bh.Calendar(bh.WeeklySchedule(), "Mars/Olympus")


def test_a_make_up_saturday_is_worked_with_the_first_working_weekday_s_hours():
    # Wed 30 Sep 10:00 + 5 working days: Thu 8, Fri 9, Sat 10 (make-up), Mon 12, Tue 13 → Tue 18:00.
    assert bh.add_working_days(CN_GOLDEN_WEEK, shanghai(2026, 9, 30, 10), 5) == shanghai(2026, 10, 13, 18)
    without = bh.Calendar(CN_GOLDEN_WEEK.schedule, CN_GOLDEN_WEEK.timezone, CN_GOLDEN_WEEK.holidays)
    assert bh.add_working_days(without, shanghai(2026, 9, 30, 10), 5) == shanghai(2026, 10, 14, 18)
    assert bh.is_working_time(CN_GOLDEN_WEEK, shanghai(2026, 10, 10, 9, 30))
    assert not bh.is_working_time(CN_GOLDEN_WEEK, shanghai(2026, 10, 10, 12, 30))  # the lunch break too
    # Friday 9 Oct 17:00 + 2 working hours: 1h Friday, then Saturday 09:00-10:00.
    assert bh.add_working_time(CN_GOLDEN_WEEK, shanghai(2026, 10, 9, 17), 2 * HOUR) == shanghai(2026, 10, 10, 10)


def test_a_holiday_wins_over_a_make_up_day_and_worked_weekdays_keep_their_hours():
    both = calendar(weekdays((T(9), T(17))), holidays=[dt.date(2026, 3, 7)], worked=[dt.date(2026, 3, 7)])
    assert not bh.is_working_time(both, warsaw(2026, 3, 7, 10))
    weekday = calendar(weekdays((T(9), T(17))), worked=[dt.date(2026, 3, 10)])
    assert bh.working_seconds_between(weekday, warsaw(2026, 3, 10), warsaw(2026, 3, 11)) == 8 * HOUR


def test_make_up_days_are_dates():
    with pytest.raises(ValueError, match="dates, not datetimes"):
        calendar(weekdays((T(9), T(17))), worked=[dt.datetime(2026, 3, 7, 9)])


# Properties ------------------------------------------------------------------------------------

CALENDARS = st.sampled_from([OFFICE, SHIFTS, SHANGHAI_OFFICE, NIGHT, CN_GOLDEN_WEEK])
STARTS = st.datetimes(
    min_value=dt.datetime(2025, 1, 1),
    max_value=dt.datetime(2027, 12, 31),
    timezones=st.sampled_from([dt.UTC, WARSAW, SHANGHAI]),
)
SECONDS = st.integers(min_value=0, max_value=200 * HOUR)


def is_interval_end(cal: bh.Calendar, at: dt.datetime) -> bool:
    spans = bh.working_intervals(cal, at - dt.timedelta(days=2), at + dt.timedelta(days=2))
    return any(end == at for _, end in spans)


@settings(max_examples=60, deadline=None)
@given(cal=CALENDARS, start=STARTS, seconds=SECONDS)
def test_a_due_moment_is_working_time_or_an_interval_end(cal, start, seconds):
    due = bh.add_working_time(cal, start, seconds)
    assert bh.is_working_time(cal, due) or is_interval_end(cal, due)


@settings(max_examples=60, deadline=None)
@given(cal=CALENDARS, start=STARTS, seconds=SECONDS, more=SECONDS)
def test_more_target_never_gives_an_earlier_due_moment(cal, start, seconds, more):
    assert bh.add_working_time(cal, start, seconds) <= bh.add_working_time(cal, start, seconds + more)


@settings(max_examples=60, deadline=None)
@given(cal=CALENDARS, start=STARTS, seconds=SECONDS)
def test_the_working_time_until_the_due_moment_is_the_target(cal, start, seconds):
    assert bh.working_seconds_between(cal, start, bh.add_working_time(cal, start, seconds)) == seconds


@settings(max_examples=60, deadline=None)
@given(cal=CALENDARS, start=STARTS, first=SECONDS, second=SECONDS.filter(bool))
def test_adding_working_time_is_additive(cal, start, first, second):
    stepwise = bh.add_working_time(cal, bh.add_working_time(cal, start, first), second)
    assert stepwise == bh.add_working_time(cal, start, first + second)


@settings(max_examples=40, deadline=None)
@given(cal=CALENDARS, start=STARTS, seconds=SECONDS)
def test_adding_nothing_more_is_additive_away_from_interval_ends(cal, start, seconds):
    due = bh.add_working_time(cal, start, seconds)
    again = bh.add_working_time(cal, due, 0)
    assert again == due or (is_interval_end(cal, due) and again == bh.next_working_time(cal, due))


@settings(max_examples=40, deadline=None)
@given(cal=CALENDARS, start=STARTS, seconds=SECONDS)
def test_working_intervals_are_disjoint_ordered_and_inside_the_span(cal, start, seconds):
    end = start + dt.timedelta(seconds=seconds)
    spans = list(bh.working_intervals(cal, start, end))
    assert all(start <= a < b <= end for a, b in spans)
    assert all(b1 < a2 for (_, b1), (a2, _) in itertools.pairwise(spans))
