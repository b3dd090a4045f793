"""Step deadlines: fetch (policy, calendar, pauses from the timeline) → compute (`sla`) → persist.

Pauses are not stored as state but read from the append-only timeline, so a deadline can always be
recomputed from the record: when the calendar, the policy or the status changes, `apply_clocks`
runs again and writes the four due dates, `next_due_at` (the earliest deadline of a step not yet
done, which orders the handler's queue) and `sla_check_at` (when the SLA sweep next has something to
do). Rules, on top of those of `sla`:

* Every clock starts at receipt. The clock stops while the complaint is in a pause status
  (paused → resumed events) and while it was closed before a reopening (closed → reopened events):
  the time it spent closed does not count against the organisation.
* A step already done is not moved by pauses that began after it was done.
* While a pause is open, a step due after the pause began has no due date (None): `sla.due_at`
  cannot know when the clock will run again. So a paused complaint sorts last in the queue.
* A target the calendar cannot count (a calendar without working time) gives no due date.
* Reminder: once the next deadline's clock enters its warning share (the organisation's
  `reminder_before_percent` of the target, `sla.warning_time`), unless a reminder was sent since.
  A reminder is pointless once the deadline has passed: escalation takes over.
* Escalation: one tier up (the lowest tier above the current level) once the next deadline has
  passed and, above level 0, once the current tier's own time limit (counted on the same calendar
  from the moment the complaint reached the tier) has run out too.
* Reminders and escalations happen in working time only, so `sla_check_at` is moved to the next
  working moment (`sla.next_notification_time`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from csm.complaints import sla
from csm.complaints.config_selectors import get_settings, policy_for
from csm.complaints.models import (
    Complaint,
    ComplaintEvent,
    ComplaintSettings,
    EscalationTier,
    EventKind,
    SlaPolicy,
)
from csm.complaints.workflow import Status
from csm.core.business_hours import Calendar
from csm.core.models import BusinessCalendar
from csm.core.selectors import calendar_for_computation

STEP_FIELDS = {
    sla.Step.ACKNOWLEDGE: ("acknowledge_target", "acknowledge_due_at", "acknowledged_at"),
    sla.Step.ASSESS: ("assess_target", "assess_due_at", "assessed_at"),
    sla.Step.RESPOND: ("respond_target", "respond_due_at", "responded_at"),
    sla.Step.RESOLVE: ("resolve_target", "resolve_due_at", "closed_at"),
}
DUE_FIELDS = tuple(fields[1] for fields in STEP_FIELDS.values())
# (starts, ends) event kinds of the intervals that stop the clocks.
_STOPS = ((EventKind.PAUSED, EventKind.RESUMED), (EventKind.CLOSED, EventKind.REOPENED))

Clocks = dict[sla.Step, sla.Explanation]


@dataclass(frozen=True)
class SlaContext:
    """What timing a complaint needs besides the complaint: its policy, the policy's calendar (pure),
    the reminder share and the escalation ladder (lowest level first)."""

    policy: SlaPolicy | None
    calendar: Calendar | None
    warn_fraction: float
    tiers: tuple[EscalationTier, ...]


@dataclass(frozen=True)
class Timing:
    """A complaint's step clocks and the pauses they were computed with."""

    clocks: Clocks
    pauses: tuple[sla.Pause, ...]


# Fetch ------------------------------------------------------------------------------------------

def pure_calendar(calendar: BusinessCalendar, around: dt.datetime) -> Calendar:
    return calendar_for_computation(calendar=calendar, years=range(around.year - 1, around.year + 3))


def context_for(complaint: Complaint, settings: ComplaintSettings | None = None) -> SlaContext:
    """The context from the database: the most specific active policy for the complaint's category
    and priority (`policy_for`), the organisation's settings (read unless given) and tiers."""
    policy = policy_for(organization_id=complaint.organization_id, category_id=complaint.category_id,
                        priority=complaint.priority)
    calendar = pure_calendar(policy.calendar, complaint.received_at) if policy else None
    settings = settings or get_settings(organization_id=complaint.organization_id)
    percent = settings.reminder_before_percent
    tiers = EscalationTier.objects.filter(organization_id=complaint.organization_id).order_by("level", "id")
    return SlaContext(policy, calendar, percent / 100, tuple(tiers))


def pauses_of(complaint: Complaint) -> list[sla.Pause]:
    """The intervals from the timeline that stop the clocks: each "paused" event up to the next
    "resumed" one (still open when none came yet), and each "closed" event up to a "reopened" one
    (a closure not reopened is the end, not a pause)."""
    return pauses_by_complaint([complaint])[complaint.pk]


def pauses_by_complaint(complaints: Iterable[Complaint]) -> dict[int, list[sla.Pause]]:
    """`pauses_of` for many complaints in one query (for pages that show a list of clocks)."""
    ids = [complaint.pk for complaint in complaints]
    kinds = [kind for pair in _STOPS for kind in pair]
    rows = (ComplaintEvent.objects.filter(complaint_id__in=ids, kind__in=kinds)
            .order_by("complaint_id", "created_at", "id").values_list("complaint_id", "kind", "created_at"))
    events: dict[int, list[tuple[str, dt.datetime]]] = defaultdict(list)
    for complaint_id, kind, at in rows:
        events[complaint_id].append((kind, at))
    return {pk: [*_intervals(events[pk], *_STOPS[0], keep_open=True),
                 *_intervals(events[pk], *_STOPS[1], keep_open=False)] for pk in ids}


def step_pauses(pauses: Iterable[sla.Pause], done_at: dt.datetime | None) -> list[sla.Pause]:
    """The pauses that count for a step done at `done_at` (None: not done): those begun before."""
    return [pause for pause in pauses if done_at is None or pause.start < done_at]


def _intervals(rows: Sequence[tuple[str, dt.datetime]], starts: str, ends: str, *,
               keep_open: bool) -> list[sla.Pause]:
    found: list[sla.Pause] = []
    started: dt.datetime | None = None
    for kind, at in rows:
        if kind == starts and started is None:
            started = at
        elif kind == ends and started is not None:
            found.append(sla.Pause(start=started, end=at))
            started = None
    if started is not None and keep_open:
        found.append(sla.Pause(start=started, end=None))
    return found


# Compute ----------------------------------------------------------------------------------------

def step_clocks(complaint: Complaint, context: SlaContext, pauses: Iterable[sla.Pause],
                steps: Iterable[sla.Step] | None = None, *, explain: bool = True) -> Clocks:
    """Each step's deadline and its explanation (of `steps` only, when given; its steps empty when
    not `explain`); a step the calendar cannot count is left out."""
    if context.policy is None or context.calendar is None:
        return {}
    pauses, clocks = tuple(pauses), Clocks()
    wanted = set(STEP_FIELDS if steps is None else steps)
    for step, (target_field, _due, done_field) in STEP_FIELDS.items():
        if step not in wanted:
            continue
        relevant = step_pauses(pauses, getattr(complaint, done_field))
        try:
            target = sla.parse_target(getattr(context.policy, target_field))
            clocks[step] = sla.due_at(start=complaint.received_at, target=target, calendar=context.calendar,
                                      pauses=relevant, explain=explain)
        except ValueError:
            continue
    return clocks


def compute_deadlines(complaint: Complaint, policy: SlaPolicy | None) -> dict[str, dt.datetime | None]:
    """The due date of each step (None without a policy, or while the clock is paused)."""
    calendar = pure_calendar(policy.calendar, complaint.received_at) if policy else None
    clocks = step_clocks(complaint, SlaContext(policy, calendar, 0, ()), pauses_of(complaint))
    return _due_dates(clocks)


def _due_dates(clocks: Clocks) -> dict[str, dt.datetime | None]:
    return {due_field: clocks[step].due if step in clocks else None
            for step, (_t, due_field, _d) in STEP_FIELDS.items()}


def next_step(complaint: Complaint) -> sla.Step | None:
    """The step not yet done whose deadline comes first (the earlier step on a tie). None once the
    complaint is referred outside: the external body's time limits apply then, not ours, so it
    leaves the queue's deadline order and raises no reminders or escalations."""
    if complaint.status == Status.REFERRED:
        return None
    open_steps = [(getattr(complaint, due_field), step) for step, (_t, due_field, done_field) in STEP_FIELDS.items()
                  if getattr(complaint, done_field) is None and getattr(complaint, due_field) is not None]
    return min(open_steps, key=lambda pair: pair[0], default=(None, None))[1]


def next_due(complaint: Complaint) -> dt.datetime | None:
    step = next_step(complaint)
    return getattr(complaint, STEP_FIELDS[step][1]) if step else None


def reminder_time(complaint: Complaint, clocks: Clocks, context: SlaContext) -> dt.datetime | None:
    """When the next deadline's clock enters its warning share (None: no deadline, or paused)."""
    step = next_step(complaint)
    if step is None or step not in clocks or context.calendar is None:
        return None
    return sla.warning_time(deadline=clocks[step], warn_before=context.warn_fraction, calendar=context.calendar)


def is_reminder_pending(complaint: Complaint, clocks: Clocks, context: SlaContext, *,
                        now: dt.datetime) -> dt.datetime | None:
    """The reminder time, when a reminder is still to be sent for the next deadline (none was sent
    since its warning time and the deadline has not passed yet); else None."""
    return pending_reminder(complaint, reminder_time(complaint, clocks, context), now=now)


def pending_reminder(complaint: Complaint, at: dt.datetime | None, *, now: dt.datetime) -> dt.datetime | None:
    """`is_reminder_pending` with the `reminder_time` already worked out."""
    if at is None or complaint.next_due_at is None or now > complaint.next_due_at:
        return None
    if complaint.last_reminded_at is not None and complaint.last_reminded_at >= at:
        return None
    return at


def next_tier(complaint: Complaint, context: SlaContext) -> EscalationTier | None:
    return next((tier for tier in context.tiers if tier.level > complaint.escalation_level), None)


def escalation_time(complaint: Complaint, context: SlaContext, pauses: Iterable[sla.Pause]) -> dt.datetime | None:
    """After this moment the complaint goes one tier up (None: no tier above, or no deadline)."""
    due = complaint.next_due_at
    if due is None or next_tier(complaint, context) is None or context.calendar is None:
        return None
    current = next((t for t in context.tiers if t.level == complaint.escalation_level), None)
    if current is None or complaint.escalated_at is None:
        return due
    try:
        limit = sla.due_at(start=complaint.escalated_at, target=sla.parse_target(current.time_limit),
                           calendar=context.calendar, pauses=pauses, explain=False).due
    except ValueError:
        return due
    return None if limit is None else max(limit, due)


def next_check(complaint: Complaint, timing: Timing, context: SlaContext, *, now: dt.datetime,
               known: tuple[dt.datetime | None, dt.datetime | None] | None = None) -> dt.datetime | None:
    """When the SLA sweep next has a reminder or an escalation to consider, in working time; None
    for a closed or paused complaint, or when there is nothing left to do. `known`: the complaint's
    `reminder_time` and `escalation_time`, when the caller has worked them out for its state now."""
    calendar = context.calendar
    if complaint.status == Status.CLOSED or complaint.paused_since is not None:
        return None
    if calendar is None or not calendar.schedule.has_working_time:
        return None
    warning, escalation = known if known is not None else (
        reminder_time(complaint, timing.clocks, context), escalation_time(complaint, context, timing.pauses))
    moments = [at for at in (pending_reminder(complaint, warning, now=now), escalation) if at is not None]
    return sla.next_notification_time(at=min(moments), calendar=calendar) if moments else None


# Persist (on the instance; the caller saves) ----------------------------------------------------

def timing_of(complaint: Complaint, context: SlaContext, pauses: Iterable[sla.Pause] | None = None) -> Timing:
    """The step clocks, with the pauses read from the timeline unless given (from
    `pauses_by_complaint`, by a caller timing many complaints)."""
    pauses = tuple(pauses_of(complaint) if pauses is None else pauses)
    return Timing(step_clocks(complaint, context, pauses), pauses)


def next_step_timing(complaint: Complaint, context: SlaContext, pauses: Iterable[sla.Pause]) -> Timing:
    """`timing_of` with the clock of the next step only: all that reminders, escalations and
    `next_check` read, for a quarter of the work (the SLA sweep times thousands at once), and
    without the explanations."""
    pauses = tuple(pauses)
    step = next_step(complaint)
    return Timing(step_clocks(complaint, context, pauses, steps=[step] if step else [], explain=False), pauses)


def apply_clocks(complaint: Complaint, context: SlaContext, *, now: dt.datetime,
                 pauses: Iterable[sla.Pause] | None = None) -> Timing:
    """Write the policy, the due dates, `next_due_at`, `sla_check_at` and `deadlines_computed_at`
    onto the complaint (unsaved) and return the timing they came from (pauses as `timing_of`)."""
    timing = timing_of(complaint, context, pauses)
    complaint.sla_policy = context.policy
    for field, value in _due_dates(timing.clocks).items():
        setattr(complaint, field, value)
    complaint.next_due_at = next_due(complaint)
    complaint.sla_check_at = next_check(complaint, timing, context, now=now)
    complaint.deadlines_computed_at = now
    return timing
