"""SLA clocks for complaints (ISO 10002 7.2-7.7): due dates, pauses, clock states.

Pure: no Django, frozen dataclasses in and out, `now` passed in, timezone-aware datetimes in and
every result in UTC. Working time comes from csm.core.business_hours and follows its conventions.

Rules
-----
* A `Target` is an amount and a unit: "16h" working hours, "5wd" working days, "15d" calendar days,
  "48ch" calendar hours. Working units count the calendar's working time; calendar units ignore the
  calendar and count every second.
* Counted time is the target's time (working time, or all time for calendar units) minus paused
  time. Pauses ("waiting for the customer") are merged when they overlap or touch, clipped to the
  start, and independent of their order. A pause moves the due date by exactly the counted time it
  holds: for working units a pause outside working time changes nothing.
* `due_at` returns the first moment at which the counted time since `start` equals the target:
  - working hours: as `business_hours.add_working_time` (inside a working interval or at its end);
  - working days: the end of the N-th working day after the local date of start, as
    `business_hours.add_working_days` (the day of receipt does not count; 0 = the end of the working
    day in progress); the working time between start and that moment is the target;
  - calendar days: the end (local midnight) of the N-th day after the local date of start, the day
    of receipt not counting, as EU Regulation 1182/71 art. 3, the Polish KPA art. 57 and the
    Chinese Civil Code arts. 201 and 203 count periods in days; wall-clock midnight, so a DST change
    makes the period an hour shorter or longer;
  - calendar hours: N x 3600 elapsed seconds (e.g. GDPR art. 33's 72 hours).
  A pause still open (end None) that starts before the due moment leaves no due date: state
  "paused", due None. An open pause starting at or after the due moment changes nothing.
* `clock_state` at `now`: elapsed = counted time from start to `now` (or to `stopped_at`),
  remaining = target - elapsed (negative once counted time has run past due). Status, in order:
  "met"/"missed" when `stopped_at` is given (met when stopped_at <= due, or while paused before
  due); "breached" when now > due; "paused" when a pause covers now; "warning" when remaining <=
  warn_before (a timedelta of counted time, or a fraction of the target); else "running". At exactly
  the due moment the step is still on time.
* Reminders and escalations go out in working time only (`next_notification_time`).
* Explanations list `ExplanationStep(kind, at, detail)` records for a page or command to render in
  any language; `at` is UTC, `detail` holds only str/int/float/bool/None. Kinds (`ExplanationKind`):
  received {working_time?}, clock_starts {}, holiday {date, working_day}, pause {end, paused_seconds},
  open_pause {remaining_seconds}, working_days {days, last_day}, calendar_days {days, last_day},
  due {target_seconds, paused_seconds}. "received" comes first, the others in time order.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, get_args

from csm.core import business_hours as bh

UTC = dt.UTC
TargetUnit = Literal["working_hours", "working_days", "calendar_days", "calendar_hours"]
UNITS: tuple[TargetUnit, ...] = get_args(TargetUnit)
WORKING_UNITS = frozenset({"working_hours", "working_days"})
DAY_UNITS = frozenset({"working_days", "calendar_days"})
MAX_AMOUNT = 9999
_CODES: dict[str, TargetUnit] = {"h": "working_hours", "wd": "working_days", "d": "calendar_days",
                                 "ch": "calendar_hours"}
_UNIT_CODES = {unit: code for code, unit in _CODES.items()}
_TARGET_RE = re.compile(r"(\d{1,4})(wd|ch|h|d)")
_NEVER = dt.datetime.max.replace(tzinfo=UTC)


# Inputs ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """A time limit: `amount` of `unit`. Day units allow 0 (the end of today); others need >= 1."""

    amount: int
    unit: TargetUnit

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"Unknown target unit {self.unit!r}; use one of {', '.join(UNITS)}.")
        least = 0 if self.unit in DAY_UNITS else 1
        whole = isinstance(self.amount, int) and not isinstance(self.amount, bool)
        if not whole or not least <= self.amount <= MAX_AMOUNT:
            raise ValueError(f"A target in {self.unit} is a whole number from {least} to {MAX_AMOUNT}.")

    @property
    def code(self) -> str:
        """The short form parse_target reads back: "16h", "5wd", "15d", "48ch"."""
        return f"{self.amount}{_UNIT_CODES[self.unit]}"

    def __str__(self) -> str:
        return self.code

    @property
    def is_working(self) -> bool:
        return self.unit in WORKING_UNITS


def parse_target(text: str) -> Target:
    """"16h" (working hours), "5wd" (working days), "15d" (calendar days), "48ch" (calendar hours)."""
    match = _TARGET_RE.fullmatch(text.strip().lower()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{text!r} is not a target: write a whole number and a unit, e.g. 16h (working "
                         "hours), 5wd (working days), 15d (calendar days) or 48ch (calendar hours).")
    return Target(int(match[1]), _CODES[match[2]])


@dataclass(frozen=True)
class Pause:
    """The clock stopped from `start` to `end`; `end` None means it is still stopped."""

    start: dt.datetime
    end: dt.datetime | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", _utc(self.start))
        if self.end is not None:
            object.__setattr__(self, "end", _utc(self.end))
            if self.end < self.start:
                raise ValueError("A pause cannot end before it starts.")

    @property
    def is_open(self) -> bool:
        return self.end is None

    def covers(self, at: dt.datetime) -> bool:
        return self.start <= at < (self.end or _NEVER)


class Step(StrEnum):
    """The four complaint clocks; all start when the complaint is received."""

    ACKNOWLEDGE = "acknowledge"
    ASSESS = "assess"
    RESPOND = "respond"
    RESOLVE = "resolve"


StepTargets = Mapping[Step, Target]


def parse_step_targets(codes: Mapping[str, str]) -> dict[Step, Target]:
    """{"acknowledge": "1wd", "resolve": "15d"} → {Step.ACKNOWLEDGE: Target(1, "working_days"), ...}."""
    unknown = sorted(set(codes) - set(Step))
    if unknown:
        raise ValueError(f"Unknown step {unknown[0]!r}; use one of {', '.join(Step)}.")
    return {Step(step): parse_target(code) for step, code in codes.items()}


# Outputs ---------------------------------------------------------------------------------------

class ExplanationKind(StrEnum):
    RECEIVED = "received"
    CLOCK_STARTS = "clock_starts"
    HOLIDAY = "holiday"
    PAUSE = "pause"
    OPEN_PAUSE = "open_pause"
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    DUE = "due"


@dataclass(frozen=True)
class ExplanationStep:
    kind: ExplanationKind
    at: dt.datetime
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": str(self.kind), "at": self.at.isoformat(), "detail": dict(self.detail)}


class DeadlineState(StrEnum):
    SCHEDULED = "scheduled"
    PAUSED = "paused"


@dataclass(frozen=True)
class Explanation:
    """A due date and how it came about. Seconds are counted time (see the module rules)."""

    start: dt.datetime
    target: Target
    timezone: str
    due: dt.datetime | None
    state: DeadlineState
    target_seconds: float
    paused_seconds: float
    pauses: tuple[Pause, ...]
    steps: tuple[ExplanationStep, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(), "target": self.target.code, "timezone": self.timezone,
            "due": self.due.isoformat() if self.due else None, "state": str(self.state),
            "target_seconds": self.target_seconds, "paused_seconds": self.paused_seconds,
            "steps": [step.as_dict() for step in self.steps],
        }


class ClockStatus(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    WARNING = "warning"
    BREACHED = "breached"
    MET = "met"
    MISSED = "missed"


@dataclass(frozen=True)
class ClockState:
    """Seconds are counted time: working seconds for working targets, all seconds for calendar ones."""

    status: ClockStatus
    due: dt.datetime | None
    remaining_working_seconds: float
    elapsed_working_seconds: float


# Public functions ------------------------------------------------------------------------------

def due_at(*, start: dt.datetime, target: Target, calendar: bh.Calendar,
           pauses: Iterable[Pause] = (), explain: bool = True) -> Explanation:
    """The due moment of `target` counted from `start` minus `pauses`, with its explanation (its
    steps left empty when not `explain`: a sweep timing thousands of complaints reads none)."""
    start = _utc(start)
    merged = merge_pauses(pauses, since=start)
    needed, steps = _target_length(start, target, calendar, explain=explain)
    due, remaining = _walk(calendar, target, start, needed, merged)
    reach = due if due is not None else merged[-1].start
    paused = [(p, _paused_length(calendar, target, p, start, reach)) for p in merged
              if due is None or p.start < due]
    total_paused = sum((length for _, length in paused), dt.timedelta()).total_seconds()
    state = DeadlineState.SCHEDULED if due is not None else DeadlineState.PAUSED
    if not explain:
        return Explanation(start, target, calendar.timezone, due, state, needed.total_seconds(), total_paused,
                           merged, ())
    steps += _pause_steps(paused, remaining)
    steps += _holiday_steps(calendar, start, reach) if target.is_working else []
    if due is not None:
        steps.append(ExplanationStep(ExplanationKind.DUE, due, {
            "target_seconds": needed.total_seconds(), "paused_seconds": total_paused}))
    return Explanation(start, target, calendar.timezone, due, state, needed.total_seconds(), total_paused,
                       merged, _ordered(steps))


def clock_state(*, deadline: Explanation, now: dt.datetime, warn_before: dt.timedelta | float,
                calendar: bh.Calendar, stopped_at: dt.datetime | None = None) -> ClockState:
    """The state of one clock at `now` (or stopped at `stopped_at`), for `deadline` from `due_at`
    computed with the same calendar and the pauses known at `now`."""
    now = _utc(now)
    at = _utc(stopped_at) if stopped_at is not None else now
    elapsed = counted_seconds(calendar=calendar, target=deadline.target, start=deadline.start, end=at,
                              pauses=deadline.pauses)
    remaining = deadline.target_seconds - elapsed
    stopped = at if stopped_at is not None else None
    status = _status(deadline, now, stopped, remaining, _threshold(deadline, warn_before))
    return ClockState(status, deadline.due, remaining, elapsed)


def warning_time(*, deadline: Explanation, warn_before: dt.timedelta | float,
                 calendar: bh.Calendar) -> dt.datetime | None:
    """The moment the clock enters "warning" (remaining == warn_before), None while paused before it.
    A threshold at least the whole target gives the start."""
    left = dt.timedelta(seconds=deadline.target_seconds - _threshold(deadline, warn_before))
    if left <= dt.timedelta():
        return deadline.start
    return _walk(calendar, deadline.target, deadline.start, left, deadline.pauses)[0]


def next_notification_time(*, at: dt.datetime, calendar: bh.Calendar) -> dt.datetime:
    """`at` when it is working time, else the next working moment: no reminders at night."""
    return bh.next_working_time(calendar, at)


def deadlines(*, received_at: dt.datetime, targets: StepTargets, calendar: bh.Calendar,
              pauses: Iterable[Pause] = ()) -> dict[Step, Explanation]:
    """The due date of every step that has a target, all counted from receipt, in Step order."""
    pauses = tuple(pauses)
    return {step: due_at(start=received_at, target=targets[step], calendar=calendar, pauses=pauses)
            for step in Step if step in targets}


def counted_seconds(*, calendar: bh.Calendar, target: Target, start: dt.datetime, end: dt.datetime,
                    pauses: Iterable[Pause] = ()) -> float:
    """Counted time in [start, end) (0 when end <= start): the target's time minus paused time."""
    start, end = _utc(start), _utc(end)
    if end <= start:
        return 0.0
    total = _length(calendar, target, start, end)
    for pause in merge_pauses(pauses, since=start):
        if pause.start < end:
            total -= _length(calendar, target, pause.start, min(pause.end or _NEVER, end))
    return total.total_seconds()


def merge_pauses(pauses: Iterable[Pause], *, since: dt.datetime | None = None) -> tuple[Pause, ...]:
    """Pauses sorted, overlapping or touching ones merged, clipped to start no earlier than `since`;
    empty ones dropped."""
    merged: list[Pause] = []
    for pause in sorted(pauses, key=lambda p: p.start):
        last = merged[-1] if merged else None
        if last is not None and pause.start <= (last.end or _NEVER):
            end = None if last.end is None or pause.end is None else max(last.end, pause.end)
            merged[-1] = Pause(last.start, end)
        else:
            merged.append(pause)
    floor = _utc(since) if since is not None else None
    clipped = ((max(p.start, floor) if floor else p.start, p.end) for p in merged)
    return tuple(Pause(start, end) for start, end in clipped if end is None or end > start)


# Internals -------------------------------------------------------------------------------------

def _utc(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("A timezone-aware datetime is required.")
    return at.astimezone(UTC)


def _length(cal: bh.Calendar, target: Target, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """The target's time in [start, end): working time for working units, else all of it."""
    if end <= start:
        return dt.timedelta()
    if not target.is_working:
        return end - start
    return sum((e - s for s, e in bh.working_intervals(cal, start, end)), dt.timedelta())


def _advance(cal: bh.Calendar, target: Target, start: dt.datetime, length: dt.timedelta) -> dt.datetime:
    if not target.is_working:
        return start + length
    return bh.add_working_time(cal, start, length.total_seconds())


def _walk(cal: bh.Calendar, target: Target, start: dt.datetime, needed: dt.timedelta,
          pauses: tuple[Pause, ...]) -> tuple[dt.datetime | None, dt.timedelta]:
    """(due, counted time still needed when an open pause stops the walk; else zero). `pauses` are
    merged and none starts before `start`; `needed` is positive."""
    at, remaining = start, needed
    for pause in pauses:
        available = _length(cal, target, at, pause.start)
        if available >= remaining:
            return _advance(cal, target, at, remaining), dt.timedelta()
        remaining -= available
        if pause.end is None:
            return None, remaining
        at = pause.end
    return _advance(cal, target, at, remaining), dt.timedelta()


def _target_length(start: dt.datetime, target: Target, cal: bh.Calendar, *,
                   explain: bool = True) -> tuple[dt.timedelta, list[ExplanationStep]]:
    """The counted time the target stands for, and the explanation steps of the unpaused count."""
    steps = _start_steps(start, target, cal) if explain else []
    if target.unit in ("working_hours", "calendar_hours"):
        return dt.timedelta(hours=target.amount), steps
    if target.unit == "working_days":
        end = bh.add_working_days(cal, start, target.amount)
        kind = ExplanationKind.WORKING_DAYS
    else:
        end = _end_of_day(cal.local_date(start) + dt.timedelta(days=target.amount), cal)
        kind = ExplanationKind.CALENDAR_DAYS
    if explain:
        last_day = (end - dt.timedelta(microseconds=1)).astimezone(cal.zone).date()
        steps.append(ExplanationStep(kind, end, {"days": target.amount, "last_day": last_day.isoformat()}))
    return _length(cal, target, start, end), steps


def _start_steps(start: dt.datetime, target: Target, cal: bh.Calendar) -> list[ExplanationStep]:
    if not target.is_working:
        return [ExplanationStep(ExplanationKind.RECEIVED, start, {})]
    clock_starts = bh.next_working_time(cal, start)
    steps = [ExplanationStep(ExplanationKind.RECEIVED, start, {"working_time": clock_starts == start})]
    if clock_starts != start:
        steps.append(ExplanationStep(ExplanationKind.CLOCK_STARTS, clock_starts, {}))
    return steps


def _end_of_day(day: dt.date, cal: bh.Calendar) -> dt.datetime:
    """Local midnight at the end of `day` (a midnight skipped by DST becomes the moment of the jump)."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=cal.zone).astimezone(UTC)


def _paused_length(cal: bh.Calendar, target: Target, pause: Pause, start: dt.datetime,
                   reach: dt.datetime) -> dt.timedelta:
    return _length(cal, target, max(pause.start, start), min(pause.end or _NEVER, reach))


def _pause_steps(paused: list[tuple[Pause, dt.timedelta]],
                 remaining: dt.timedelta) -> Iterator[ExplanationStep]:
    for pause, length in paused:
        if pause.end is None:
            yield ExplanationStep(ExplanationKind.OPEN_PAUSE, pause.start,
                                  {"remaining_seconds": remaining.total_seconds()})
        else:
            yield ExplanationStep(ExplanationKind.PAUSE, pause.start,
                                  {"end": pause.end.isoformat(), "paused_seconds": length.total_seconds()})


def _holiday_steps(cal: bh.Calendar, start: dt.datetime, reach: dt.datetime) -> list[ExplanationStep]:
    first, last = cal.local_date(start), cal.local_date(reach)
    return [
        ExplanationStep(ExplanationKind.HOLIDAY, _start_of_day(day, cal),
                        {"date": day.isoformat(), "working_day": bool(cal.schedule.days[day.weekday()])})
        for day in sorted(cal.holidays) if first <= day <= last
    ]


def _start_of_day(day: dt.date, cal: bh.Calendar) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=cal.zone).astimezone(UTC)


def _ordered(steps: list[ExplanationStep]) -> tuple[ExplanationStep, ...]:
    """"received" first, then the rest in time order (stable, so equal moments keep their order)."""
    return (steps[0], *sorted(steps[1:], key=lambda step: step.at))


def _threshold(deadline: Explanation, warn_before: dt.timedelta | float) -> float:
    if isinstance(warn_before, dt.timedelta):
        if warn_before < dt.timedelta():
            raise ValueError("warn_before cannot be negative.")
        return warn_before.total_seconds()
    if isinstance(warn_before, bool) or not 0 <= warn_before <= 1:
        raise ValueError("warn_before is a timedelta or a fraction of the target from 0 to 1.")
    return deadline.target_seconds * warn_before


def _status(deadline: Explanation, now: dt.datetime, stopped_at: dt.datetime | None, remaining: float,
            threshold: float) -> ClockStatus:
    due = deadline.due
    if stopped_at is not None:
        return ClockStatus.MISSED if due is not None and stopped_at > due else ClockStatus.MET
    if due is not None and now > due:
        return ClockStatus.BREACHED
    if any(pause.covers(now) for pause in deadline.pauses):
        return ClockStatus.PAUSED
    return ClockStatus.WARNING if remaining <= threshold else ClockStatus.RUNNING
