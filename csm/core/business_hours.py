"""Business hours: working time on a weekly schedule, in one timezone, minus holidays.

Pure: no Django, frozen dataclasses in, timezone-aware datetimes in and out. The calendars app
fetches a `Calendar` (selectors.calendar_for_computation) and SLA clocks build on these functions.

Conventions
-----------
* Working time is the union of half-open intervals [start, end). An interval is a pair of local
  wall-clock times on a weekday of the calendar's timezone; a weekday may have several intervals
  (lunch breaks, split shifts). An interval lies within one day: a shift past midnight is written as
  two intervals (e.g. Mon 22:00-23:59 and Tue 00:00-06:00). Touching intervals are merged.
* Holidays are local dates on which there is no working time at all.
* Make-up working days (`extra_working_days`, China's 调休: a weekend day worked in exchange for a
  longer holiday) are local dates that are worked even though their weekday has no intervals; they
  get the intervals of the first weekday that has any (Monday in an office calendar). A date that
  is both a holiday and a make-up day is a holiday; a make-up date whose weekday has intervals
  keeps them.
* Daylight saving time: wall-clock times are kept. An interval crossing a non-existent hour
  (spring forward) is shortened by it; an endpoint inside that hour moves to the moment the clocks
  jump. An interval crossing a repeated hour (fall back) is lengthened by it; a start inside the
  repeated hour is taken at its first occurrence, an end at its second.
* Every input datetime must be timezone-aware (naive input raises ValueError); every result is in
  UTC. Resolution is one microsecond.
* `add_working_time(cal, start, s)` returns the moment when `s` seconds of working time have
  elapsed after `start`. For s > 0 the result is inside a working interval or exactly at its end
  (a target that uses up an interval ends at that interval's end, not at the next one's start).
  For s == 0 it is `next_working_time(start)`. Hence `working_seconds_between(start, result) == s`,
  the result never decreases as s grows, and add(add(t, a), b) == add(t, a + b) for b > 0.
* `add_working_days(cal, start, n)` follows the usual "n working days" rule: the day of `start`
  does not count; the result is the end of the last working interval of the n-th working day
  after the local date of `start`. n == 0 gives the end of the working day in progress (or of the
  next working day when `start` is past today's working time).
* A calendar with no weekly working time raises ValueError; so does any search that finds no
  working time for `MAX_IDLE_DAYS` consecutive days (e.g. every day a holiday), instead of looping.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = dt.UTC
MAX_IDLE_DAYS = 3 * 366
DAYS_IN_WEEK = 7

Span = tuple[dt.datetime, dt.datetime]


class ScheduleError(ValueError):
    """A weekly schedule that cannot be used.

    `kind` is "weekday", "order" (start not before end, or rows out of order) or "overlap";
    `index` is the offending row of `from_rows`; `labels` the intervals involved ("09:00-12:00")."""

    def __init__(self, message: str, *, kind: str, index: int | None = None, labels: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.kind, self.index, self.labels = kind, index, labels


@dataclass(frozen=True, order=True)
class Interval:
    """Working time on one weekday, from `start` to `end` in local wall-clock time."""

    start: dt.time
    end: dt.time

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ScheduleError("Interval times are local wall-clock times and take no timezone.", kind="order")
        if not self.start < self.end:
            raise ScheduleError(f"An interval must start before it ends ({self.label}).", kind="order",
                                labels=(self.label,))

    @property
    def label(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class WeeklySchedule:
    """Seven tuples of intervals, Monday first; each tuple sorted and free of overlaps."""

    days: tuple[tuple[Interval, ...], ...] = ((),) * DAYS_IN_WEEK

    def __post_init__(self) -> None:
        if len(self.days) != DAYS_IN_WEEK:
            raise ScheduleError("A weekly schedule has exactly seven days, Monday first.", kind="weekday")
        for intervals in self.days:
            _check_no_overlap(intervals)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, dt.time, dt.time]]) -> WeeklySchedule:
        """Build from (weekday, start, end) rows in any order; weekday 0 is Monday.

        Raises ScheduleError naming the index of the first bad row (bad weekday, start not before
        end, or overlapping an earlier-starting row of the same weekday)."""
        indexed: list[list[tuple[Interval, int]]] = [[] for _ in range(DAYS_IN_WEEK)]
        for index, (weekday, start, end) in enumerate(rows):
            if not 0 <= weekday < DAYS_IN_WEEK:
                raise ScheduleError("The weekday must be 0 (Monday) to 6 (Sunday).", kind="weekday", index=index)
            try:
                indexed[weekday].append((Interval(start, end), index))
            except ScheduleError as exc:
                raise ScheduleError(str(exc), kind=exc.kind, index=index, labels=exc.labels) from None
        for day in indexed:
            day.sort()
            for (earlier, _), (later, index) in itertools.pairwise(day):
                if later.start < earlier.end:
                    raise _overlap(earlier, later, index)
        return cls(tuple(tuple(interval for interval, _ in day) for day in indexed))

    def rows(self) -> list[tuple[int, dt.time, dt.time]]:
        return [(weekday, i.start, i.end) for weekday, day in enumerate(self.days) for i in day]

    @property
    def has_working_time(self) -> bool:
        return any(self.days)


def _check_no_overlap(intervals: tuple[Interval, ...]) -> None:
    if list(intervals) != sorted(intervals):
        raise ScheduleError("The intervals of a day must be in order of start time.", kind="order")
    for earlier, later in itertools.pairwise(intervals):
        if later.start < earlier.end:
            raise _overlap(earlier, later, None)


def _overlap(earlier: Interval, later: Interval, index: int | None) -> ScheduleError:
    return ScheduleError(f"{later.label} overlaps {earlier.label}.", kind="overlap", index=index,
                         labels=(later.label, earlier.label))


@dataclass(frozen=True)
class Calendar:
    """A weekly schedule in a timezone (an IANA name, e.g. "Europe/Warsaw") minus holiday dates,
    plus make-up working dates."""

    schedule: WeeklySchedule
    timezone: str
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    extra_working_days: frozenset[dt.date] = field(default_factory=frozenset)
    _hash: int = field(init=False, repr=False, compare=False, default=0)
    # This calendar's own day spans: a lookup here never compares calendars (see _day_spans).
    _spans: dict[dt.date, tuple[tuple[dt.datetime, dt.datetime], ...]] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict)

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"Unknown timezone {self.timezone!r}.") from None
        for day in (*self.holidays, *self.extra_working_days):
            if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
                raise ValueError("Holidays and make-up working days are dates, not datetimes.")
        # Calendars key the per-day cache; hashing the schedule and holidays on every lookup was a
        # third of the time of a deadline computation, so the hash is computed once.
        object.__setattr__(self, "_hash", hash((self.schedule, self.timezone, self.holidays,
                                               self.extra_working_days)))

    def __hash__(self) -> int:
        return self._hash

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local_date(self, at: dt.datetime) -> dt.date:
        return _aware(at).astimezone(self.zone).date()


# Public functions -----------------------------------------------------------------------------

def is_working_time(cal: Calendar, at: dt.datetime) -> bool:
    """Whether `at` lies inside a working interval (an interval's end is not working time)."""
    at = _utc(at)
    day = cal.local_date(at)
    spans = _merged(_day_spans(cal, day + dt.timedelta(days=offset)) for offset in (-1, 0, 1))
    return any(start <= at < end for start, end in spans)


def working_intervals(cal: Calendar, start: dt.datetime, end: dt.datetime) -> Iterator[Span]:
    """The working time inside [start, end) as ordered, disjoint UTC (start, end) pairs."""
    start, end = _utc(start), _utc(end)
    if end <= start:
        return
    first_day = cal.local_date(start) - dt.timedelta(days=1)
    day_count = (cal.local_date(end) - first_day).days + 2
    days = (first_day + dt.timedelta(days=n) for n in range(day_count))
    for span_start, span_end in _merged(_day_spans(cal, day) for day in days):
        if span_end > start and span_start < end:
            yield max(span_start, start), min(span_end, end)


def next_working_time(cal: Calendar, at: dt.datetime) -> dt.datetime:
    """`at` itself when it is working time, else the start of the next working interval."""
    return next(_spans_from(cal, _utc(at)))[0]


def working_seconds_between(cal: Calendar, start: dt.datetime, end: dt.datetime) -> float:
    """Seconds of working time in [start, end); negative (and antisymmetric) when end < start."""
    if _utc(end) < _utc(start):
        return -working_seconds_between(cal, end, start)
    total = sum((e - s for s, e in working_intervals(cal, start, end)), dt.timedelta())
    return total.total_seconds()


def add_working_time(cal: Calendar, start: dt.datetime, seconds: float) -> dt.datetime:
    """The moment when `seconds` of working time have elapsed after `start` (see the conventions)."""
    if seconds < 0:
        raise ValueError("Working time to add cannot be negative.")
    remaining = dt.timedelta(seconds=seconds)
    for span_start, span_end in _spans_from(cal, _utc(start)):
        if span_end - span_start >= remaining:
            return span_start + remaining
        remaining -= span_end - span_start
    raise AssertionError("unreachable: _spans_from raises before it runs out")  # pragma: no cover


def add_working_days(cal: Calendar, start: dt.datetime, days: int) -> dt.datetime:
    """The end of the last working interval of the `days`-th working day after start's local date."""
    if days < 0:
        raise ValueError("Working days to add cannot be negative.")
    start = _utc(start)
    today, counted = cal.local_date(start), 0
    for day, spans in _working_days(cal, today):
        if day == today:
            if days == 0 and spans[-1][1] > start:
                return spans[-1][1]
            continue
        counted += 1
        if counted >= max(days, 1):
            return spans[-1][1]
    raise AssertionError("unreachable: _working_days raises before it runs out")  # pragma: no cover


# Internals -------------------------------------------------------------------------------------

def _aware(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("A timezone-aware datetime is required.")
    return at


def _utc(at: dt.datetime) -> dt.datetime:
    return _aware(at).astimezone(UTC)


def _day_spans(cal: Calendar, day: dt.date) -> tuple[Span, ...]:
    """The UTC spans of working time on one local date, in order and merged. Cached twice: on the
    calendar itself, and across equal calendars (the deadline of every complaint walks the same few
    weeks, about 4x faster); the shared cache compares a calendar it meets with the one it holds,
    which costs more than the lookup, so a calendar asked again about a day answers from its own."""
    spans = cal._spans.get(day)
    if spans is None:
        spans = cal._spans[day] = _shared_day_spans(cal, day)
    return spans


@functools.lru_cache(maxsize=8192)
def _shared_day_spans(cal: Calendar, day: dt.date) -> tuple[Span, ...]:
    if day in cal.holidays:
        return ()
    zone, spans = cal.zone, []
    for interval in _intervals_of(cal, day):
        start = _instant(day, interval.start, zone, fold=0)
        end = _instant(day, interval.end, zone, fold=1)
        if start < end:
            spans.append((start, end))
    return tuple(_merged([spans]))


def _intervals_of(cal: Calendar, day: dt.date) -> tuple[Interval, ...]:
    own = cal.schedule.days[day.weekday()]
    if own or day not in cal.extra_working_days:
        return own
    return next((intervals for intervals in cal.schedule.days if intervals), ())


def _merged(groups: Iterable[Iterable[Span]]) -> Iterator[Span]:
    pending: Span | None = None
    for group in groups:
        for start, end in group:
            if pending is not None and start <= pending[1]:
                pending = (pending[0], max(pending[1], end))
                continue
            if pending is not None:
                yield pending
            pending = (start, end)
    if pending is not None:
        yield pending


def _spans_from(cal: Calendar, at: dt.datetime) -> Iterator[Span]:
    """Working spans ending after `at`, the first clipped to start no earlier than `at`; endless,
    but raises ValueError after MAX_IDLE_DAYS consecutive days without working time."""
    days = _working_days(cal, cal.local_date(at) - dt.timedelta(days=1))
    for start, end in _merged(spans for _, spans in days):
        if end > at:
            yield max(start, at), end


def _working_days(cal: Calendar, first: dt.date) -> Iterator[tuple[dt.date, tuple[Span, ...]]]:
    """Each date from `first` on that has working time, with its spans; ValueError once
    MAX_IDLE_DAYS consecutive dates pass without any."""
    if not cal.schedule.has_working_time:
        raise ValueError("This calendar has no working time.")
    day, idle = first, 0
    while idle < MAX_IDLE_DAYS:
        spans = _day_spans(cal, day)
        if spans:
            yield day, spans
        idle = 0 if spans else idle + 1
        day += dt.timedelta(days=1)
    raise ValueError(f"No working time within {MAX_IDLE_DAYS} days of {day.isoformat()}.")


def _instant(day: dt.date, wall: dt.time, zone: ZoneInfo, *, fold: int) -> dt.datetime:
    """The UTC instant of a local wall-clock time; a time that does not exist (the clocks jumped
    over it) becomes the moment of the jump."""
    local = dt.datetime.combine(day, wall, tzinfo=zone).replace(fold=fold)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None):
        return instant
    earlier = local.replace(fold=1).astimezone(UTC)
    later = local.replace(fold=0).astimezone(UTC)
    return _offset_change(min(earlier, later), max(earlier, later), zone)


def _offset_change(before: dt.datetime, after: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The first whole second in (before, after] with a different UTC offset than `before`."""
    offset = before.astimezone(zone).utcoffset()
    low = int(before.timestamp() // 1)
    high = -int(-after.timestamp() // 1)
    while high - low > 1:
        middle = (low + high) // 2
        if dt.datetime.fromtimestamp(middle, zone).utcoffset() == offset:
            low = middle
        else:
            high = middle
    return dt.datetime.fromtimestamp(high, UTC)
