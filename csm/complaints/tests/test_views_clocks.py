"""The clock board behind the queue and the workspace, the explanation sentences and the badges."""

from __future__ import annotations

import datetime as dt

import pytest

from csm.complaints import deadlines, services, sla
from csm.complaints.models import SlaPolicy
from csm.complaints.templatetags.complaints_display import clock_badge
from csm.complaints.tests import test_views_support as support
from csm.complaints.tests.test_views_support import T0, register
from csm.complaints.views.clocks import ClockBoard, StepClock
from csm.complaints.views.explanations import _SENTENCES, explain, format_duration
from csm.core import clock
from csm.core.business_hours import Calendar, WeeklySchedule

# Shared fixtures: pytest finds them in this module's namespace.
frozen, policy = support.frozen, support.policy

HOUR = 3600


@pytest.mark.parametrize(("seconds", "days", "text"), [
    (0, False, "0 min"),
    (59, False, "0 min"),
    (60, False, "1 min"),
    (HOUR, False, "1 h"),
    (1.5 * HOUR, False, "1 h 30 min"),
    (25 * HOUR, False, "25 h"),
    (25 * HOUR, True, "1 d 1 h"),
    (23 * HOUR, True, "23 h"),
    (-2 * HOUR, False, "2 h"),
])
def test_format_duration(seconds, days, text):
    assert format_duration(seconds, days=days) == text


def test_every_explanation_kind_has_a_sentence():
    assert set(_SENTENCES) == set(sla.ExplanationKind)


def _weekday_calendar(*holidays: dt.date) -> Calendar:
    rows = [(day, dt.time(9), dt.time(17)) for day in range(5)]
    return Calendar(WeeklySchedule.from_rows(rows), "Europe/Warsaw", frozenset(holidays))


def test_explain_gives_times_in_the_calendars_timezone():
    saturday_noon = dt.datetime(2026, 2, 28, 11, 0, tzinfo=dt.UTC)
    explanation = sla.due_at(start=saturday_noon, target=sla.parse_target("2h"), calendar=_weekday_calendar())
    steps = explain(explanation)
    assert [(step.kind, step.at.isoformat(), step.text) for step in steps] == [
        ("received", "2026-02-28T12:00:00+01:00", "Received outside working time."),
        ("clock_starts", "2026-03-02T09:00:00+01:00",
         "The clock starts: the first working moment after receipt."),
        ("due", "2026-03-02T11:00:00+01:00", "Due: 2 h of working time counted."),
    ]


def test_explain_names_a_holiday_on_a_day_off():
    friday = dt.datetime(2026, 2, 27, 15, 0, tzinfo=dt.UTC)
    explanation = sla.due_at(start=friday, target=sla.parse_target("1wd"),
                             calendar=_weekday_calendar(dt.date(2026, 2, 28), dt.date(2026, 3, 2)))
    texts = [step.text for step in explain(explanation)]
    assert "Feb. 28, 2026 is a holiday, on a day without working hours anyway." in texts
    assert "March 2, 2026 is a holiday: no working time that day." in texts
    assert texts[-1] == "Due: 9 h of working time counted."


# The board --------------------------------------------------------------------------------------

def test_the_board_builds_each_calendar_once(bob, policy, frozen, monkeypatch):
    calls = []
    real = deadlines.pure_calendar

    def counting(calendar, around):
        calls.append(calendar.pk)
        return real(calendar, around)

    complaints = [register(bob), register(bob), register(bob)]
    monkeypatch.setattr(deadlines, "pure_calendar", counting)
    board = ClockBoard(organization_id=policy.organization_id)
    for complaint in complaints:
        board.clocks(complaint, [])
    assert calls == [policy.calendar_id]


def test_a_pause_after_a_step_was_done_leaves_that_step_met(bob, policy, frozen):
    complaint = register(bob, complainant_email="jan@example.com")  # acknowledged on receipt
    with clock.frozen(T0 + dt.timedelta(hours=1)):
        services.request_information(actor=bob.actor, complaint=complaint, body="Which room?")
        complaint.refresh_from_db()
        pauses = deadlines.pauses_by_complaint([complaint])[complaint.pk]
        clocks = ClockBoard(organization_id=complaint.organization_id).clocks(complaint, pauses)
    assert [c.status for c in clocks] == ["met", "paused", "paused", "paused"]
    assert clocks[0].due == dt.datetime(2026, 3, 3, 16, 0, tzinfo=dt.UTC)
    assert [c.due for c in clocks[1:]] == [None, None, None]


def test_a_complaint_without_a_policy_has_no_clocks(bob, frozen):
    complaint = register(bob)
    assert complaint.sla_policy is None
    clocks = ClockBoard(organization_id=complaint.organization_id).clocks(complaint, [])
    assert [c.status for c in clocks] == ["none"] * 4


def test_steps_a_closed_complaint_never_reached_are_skipped(bob, policy, frozen):
    complaint = register(bob)
    services.close_complaint(actor=bob.actor, complaint=complaint, reason="Withdrawn.")
    clocks = ClockBoard(organization_id=complaint.organization_id).clocks(complaint, [])
    assert [c.status for c in clocks] == ["skipped", "skipped", "skipped", "met"]


def test_a_calendar_without_working_time_makes_the_clocks_unavailable(bob, policy, frozen):
    complaint = register(bob)
    policy.calendar.intervals.all().delete()
    fresh = type(complaint).objects.select_related("sla_policy__calendar").get(pk=complaint.pk)
    clocks = ClockBoard(organization_id=complaint.organization_id).clocks(fresh, [])
    assert [c.status for c in clocks] == ["unavailable"] * 4
    assert isinstance(fresh.sla_policy, SlaPolicy)


# Badges -----------------------------------------------------------------------------------------

def _explanation(target: str) -> sla.Explanation:
    return sla.due_at(start=T0, target=sla.parse_target(target), calendar=_weekday_calendar())


@pytest.mark.parametrize(("status", "remaining", "target", "text"), [
    ("running", 5 * HOUR + 20 * 60, "16h", '<span class="badge info clock clock-running"'),
    ("running", 5 * HOUR + 20 * 60, "16h", "⏱</span> 5 h 20 min left</span>"),
    ("warning", 1800, "16h", '<span class="badge warning clock clock-warning"'),
    ("warning", 1800, "16h", "⚠</span> 30 min left</span>"),
    ("breached", -3 * HOUR, "16h", "⚠</span> Overdue by 3 h</span>"),
    ("running", 50 * HOUR, "15d", "⏱</span> 2 d 2 h left</span>"),
    ("met", 0, "16h", '<span class="badge success clock clock-met"'),
    ("missed", -HOUR, "16h", "✗</span> Done late</span>"),
    ("paused", 0, "16h", "⏸</span> Paused</span>"),
    ("skipped", 0, "16h", "—</span> Not reached</span>"),
])
def test_clock_badges_say_what_they_mean_in_words(status, remaining, target, text):
    explanation = _explanation(target)
    badge = clock_badge(StepClock(sla.Step.ASSESS, status, explanation.due, remaining, explanation))
    assert text in badge


def test_a_clock_badge_names_its_due_time_and_working_hours():
    explanation = _explanation("16h")
    badge = clock_badge(StepClock(sla.Step.ASSESS, "running", explanation.due, HOUR, explanation))
    assert 'title="Assess due 03/04/2026 9 a.m. (time counted in working hours)"' in badge  # in UTC here


def test_a_badge_without_policy_says_so():
    assert "No SLA" in clock_badge(StepClock(sla.Step.RESOLVE, "none"))
