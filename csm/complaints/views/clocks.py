"""The four SLA clocks of a complaint as the pages show them: fetch (policy, calendar, pauses) →
compute (`sla.due_at` and `sla.clock_state`) → display.

A `ClockBoard` lives for one request: it reads "now" and the warning threshold once and builds each
policy calendar's pure calendar (weekly hours and holidays) once, however many rows share it. Pauses
for a whole page of complaints come from one query on the timeline (`deadlines.pauses_by_complaint`);
each step counts only the pauses begun before it was done (`deadlines.step_pauses`), as the stored
due dates do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from csm.complaints import deadlines, sla
from csm.complaints.config_selectors import get_settings
from csm.complaints.models import Complaint, SlaPolicy
from csm.complaints.workflow import Status
from csm.core import business_hours as bh
from csm.core import clock

STEP_LABELS = {
    sla.Step.ACKNOWLEDGE: _("Acknowledge"),
    sla.Step.ASSESS: _("Assess"),
    sla.Step.RESPOND: _("Respond"),
    sla.Step.RESOLVE: _("Resolve"),
}

# Beyond sla.ClockStatus: a step a closed complaint never reached, no SLA policy, or a calendar
# without working time to count.
SKIPPED, NO_POLICY, UNAVAILABLE = "skipped", "none", "unavailable"


@dataclass(frozen=True)
class StepClock:
    step: sla.Step
    status: str
    due: dt.datetime | None = None
    remaining_seconds: float = 0.0
    explanation: sla.Explanation | None = None

    @property
    def label(self) -> str:
        return str(STEP_LABELS[self.step])

    @property
    def is_working_time(self) -> bool:
        return self.explanation is not None and self.explanation.target.is_working

    @property
    def overdue_seconds(self) -> float:
        return max(0.0, -self.remaining_seconds)


class ClockBoard:
    """The clocks of complaints at one moment, for one request."""

    def __init__(self, *, organization_id: int, now: dt.datetime | None = None) -> None:
        self.now = now or clock.now()
        self.warn_before = get_settings(organization_id=organization_id).reminder_before_percent / 100
        self._calendars: dict[tuple[int, int], bh.Calendar] = {}

    def calendar(self, policy: SlaPolicy, around: dt.datetime) -> bh.Calendar:
        """The policy's pure calendar for the years around `around`, built once per request."""
        key = (policy.calendar_id, around.year)
        if key not in self._calendars:
            self._calendars[key] = deadlines.pure_calendar(policy.calendar, around)
        return self._calendars[key]

    def clocks(self, complaint: Complaint, pauses: Iterable[sla.Pause]) -> list[StepClock]:
        policy = complaint.sla_policy
        if policy is None:
            return [StepClock(step, NO_POLICY) for step in sla.Step]
        pauses = tuple(pauses)
        try:
            calendar = self.calendar(policy, complaint.received_at)
            return [self._clock(complaint, policy, calendar, step, pauses) for step in sla.Step]
        except ValueError:  # a calendar without working time, or a target that no longer parses
            return [StepClock(step, UNAVAILABLE) for step in sla.Step]

    def _clock(self, complaint: Complaint, policy: SlaPolicy, calendar: bh.Calendar, step: sla.Step,
               pauses: tuple[sla.Pause, ...]) -> StepClock:
        target_field, _due_field, done_field = deadlines.STEP_FIELDS[step]
        target = sla.parse_target(getattr(policy, target_field))
        stopped_at = getattr(complaint, done_field)
        explanation = sla.due_at(start=complaint.received_at, target=target, calendar=calendar,
                                 pauses=deadlines.step_pauses(pauses, stopped_at))
        if stopped_at is None and complaint.status == Status.CLOSED:
            return StepClock(step, SKIPPED, explanation.due, 0.0, explanation)
        state = sla.clock_state(deadline=explanation, now=self.now, warn_before=self.warn_before,
                                calendar=calendar, stopped_at=stopped_at)
        return StepClock(step, str(state.status), state.due, state.remaining_working_seconds, explanation)

