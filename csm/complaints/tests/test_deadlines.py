"""Step deadlines from the record: pauses read from the timeline, which pauses count for which step,
the next step, the reminder time and the escalation ladder."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from csm.complaints import deadlines, services, sla
from csm.complaints.models import Complaint, EscalationTier
from csm.complaints.tests.factories import BusinessCalendarFactory, ComplaintFactory, SlaPolicyFactory
from csm.complaints.workflow import Status
from csm.core import business_hours as bh
from csm.core import clock

WARSAW = ZoneInfo("Europe/Warsaw")
OFFICE = bh.Calendar(bh.WeeklySchedule.from_rows(
    (day, dt.time(start), dt.time(end)) for day in range(5) for start, end in ((9, 12), (13, 17))),
    "Europe/Warsaw", frozenset())


def warsaw(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=WARSAW).astimezone(dt.UTC)


T0 = warsaw(2, 10, 30)  # Monday


def registered(organization, moment=T0, **fields) -> Complaint:
    with clock.frozen(moment):
        return ComplaintFactory(organization=organization, **fields)


# Pauses from the timeline -----------------------------------------------------------------------

def test_pauses_are_read_from_the_timeline(acme, bob):
    complaint = registered(acme)
    with clock.frozen(warsaw(2, 11)):
        services.request_information(actor=bob.actor, complaint=complaint, body="Room?")
    with clock.frozen(warsaw(2, 14)):
        services.add_information(complaint=complaint, body="12")
    with clock.frozen(warsaw(3, 9)):
        services.request_information(actor=bob.actor, complaint=complaint, body="Date?")
    assert deadlines.pauses_of(complaint) == [sla.Pause(warsaw(2, 11), warsaw(2, 14)), sla.Pause(warsaw(3, 9))]


def test_a_closure_counts_as_a_pause_only_once_reopened(acme, bob):
    complaint = registered(acme)
    with clock.frozen(warsaw(2, 11)):
        services.close_complaint(actor=bob.actor, complaint=complaint, reason="Withdrawn.")
    assert deadlines.pauses_of(complaint) == []
    with clock.frozen(warsaw(4, 11)):
        services.reopen_complaint(actor=bob.actor, complaint=complaint, reason="Not withdrawn after all.")
    assert deadlines.pauses_of(complaint) == [sla.Pause(warsaw(2, 11), warsaw(4, 11))]


def test_the_pauses_of_many_complaints_come_from_one_query(acme, bob):
    complaints = [registered(acme) for _ in range(3)]
    with clock.frozen(warsaw(2, 11)):
        services.request_information(actor=bob.actor, complaint=complaints[1], body="Room?")
    with CaptureQueriesContext(connection) as queries:
        found = deadlines.pauses_by_complaint(complaints)
    assert len(queries) == 1
    assert found == {complaints[0].pk: [], complaints[1].pk: [sla.Pause(warsaw(2, 11))], complaints[2].pk: []}


@pytest.mark.parametrize(("done_at", "counted"), [
    (None, 2), (warsaw(3, 9), 1), (warsaw(2, 11), 1), (warsaw(2, 10), 0)])
def test_a_step_counts_only_the_pauses_begun_before_it_was_done(done_at, counted):
    pauses = [sla.Pause(warsaw(2, 10), warsaw(2, 12)), sla.Pause(warsaw(4, 9))]
    assert deadlines.step_pauses(pauses, done_at) == pauses[:counted]


# Computing and the next step --------------------------------------------------------------------

def test_there_are_no_deadlines_without_a_policy(acme):
    complaint = registered(acme)
    assert deadlines.compute_deadlines(complaint, None) == dict.fromkeys(deadlines.DUE_FIELDS)
    assert (complaint.sla_policy, complaint.next_due_at, complaint.sla_check_at) == (None, None, None)


def test_a_calendar_without_working_time_gives_no_working_deadlines_and_no_error(acme):
    calendar = BusinessCalendarFactory(organization=acme, intervals=[])
    calendar.intervals.all().delete()
    SlaPolicyFactory(organization=acme, calendar=calendar, resolve_target="15d")
    complaint = registered(acme)
    assert (complaint.acknowledge_due_at, complaint.assess_due_at, complaint.respond_due_at) == (None, None, None)
    assert complaint.resolve_due_at == dt.datetime(2026, 3, 17, 23, tzinfo=dt.UTC)  # calendar days still count
    assert complaint.sla_check_at is None


def step_complaint(**fields) -> Complaint:
    return Complaint(**{"received_at": T0, "status": Status.ACKNOWLEDGED, **fields})


def test_the_next_step_is_the_open_one_due_first_the_earlier_step_on_a_tie():
    due = warsaw(4, 17)
    complaint = step_complaint(acknowledge_due_at=warsaw(3, 17), acknowledged_at=T0, assess_due_at=due,
                               respond_due_at=due, resolve_due_at=warsaw(20, 0))
    assert (deadlines.next_step(complaint), deadlines.next_due(complaint)) == (sla.Step.ASSESS, due)
    complaint.assessed_at = T0
    assert deadlines.next_step(complaint) == sla.Step.RESPOND
    assert deadlines.next_step(step_complaint()) is None


def test_the_next_step_timing_has_the_next_steps_clock_only_the_same_as_all_clocks_have(acme):
    policy = SlaPolicyFactory(organization=acme)
    ctx = deadlines.SlaContext(policy, deadlines.pure_calendar(policy.calendar, T0), 0.25, ())
    complaint = step_complaint(acknowledged_at=T0, acknowledge_due_at=warsaw(3, 17), assess_due_at=warsaw(4, 17),
                               respond_due_at=warsaw(4, 13, 30), resolve_due_at=warsaw(17, 0))
    pauses = (sla.Pause(start=warsaw(2, 12), end=warsaw(2, 13, 30)),)
    every = deadlines.step_clocks(complaint, ctx, pauses)
    timing = deadlines.next_step_timing(complaint, ctx, pauses)
    # The same clock without its explanation's steps, which the sweep never reads.
    assert (timing.clocks, timing.pauses) == ({sla.Step.RESPOND: replace(every[sla.Step.RESPOND], steps=())}, pauses)
    assert every[sla.Step.RESPOND].steps
    assert deadlines.next_step_timing(step_complaint(), ctx, ()).clocks == {}  # no step with a deadline


# Reminders and escalations ----------------------------------------------------------------------

def clocks_for(complaint: Complaint, target: str = "16h") -> deadlines.Clocks:
    return {sla.Step.ACKNOWLEDGE: sla.due_at(start=complaint.received_at, target=sla.parse_target(target),
                                             calendar=OFFICE)}


def context(*tiers: EscalationTier, fraction: float = 0.25) -> deadlines.SlaContext:
    return deadlines.SlaContext(None, OFFICE, fraction, tiers)


def waiting() -> Complaint:
    """Received Monday 10:30; acknowledge within 16 working hours: Wednesday 13:30."""
    return step_complaint(status=Status.RECEIVED, acknowledge_due_at=warsaw(4, 13, 30), next_due_at=warsaw(4, 13, 30))


@pytest.mark.parametrize(("fraction", "expected"), [
    (0.25, warsaw(3, 16, 30)),  # 4 of 16 hours left: Mon 5.5 + Tue 6.5 gone
    (0.5, warsaw(3, 11, 30)),  # 8 left: Mon 5.5 + Tue 2.5 gone
    (1.0, T0),  # remind at once
])
def test_the_reminder_comes_when_the_share_of_the_target_is_left(fraction, expected):
    complaint = waiting()
    assert deadlines.reminder_time(complaint, clocks_for(complaint), context(fraction=fraction)) == expected


def test_a_reminder_is_pending_until_sent_and_never_after_the_deadline():
    complaint, ctx = waiting(), context()
    clocks = clocks_for(complaint)
    assert deadlines.is_reminder_pending(complaint, clocks, ctx, now=T0) == warsaw(3, 16, 30)
    assert deadlines.is_reminder_pending(complaint, clocks, ctx, now=warsaw(4, 13, 31)) is None
    complaint.last_reminded_at = warsaw(3, 16, 30)
    assert deadlines.is_reminder_pending(complaint, clocks, ctx, now=warsaw(4, 10)) is None
    complaint.last_reminded_at = warsaw(3, 16, 29)  # reminded for an earlier deadline
    assert deadlines.is_reminder_pending(complaint, clocks, ctx, now=warsaw(4, 10)) == warsaw(3, 16, 30)


def tier(level: int, time_limit: str = "2wd") -> EscalationTier:
    return EscalationTier(level=level, name=f"Tier {level}", time_limit=time_limit)


def test_escalation_climbs_one_tier_after_the_deadline_then_after_each_tiers_limit():
    complaint, ladder = waiting(), (tier(1, "2wd"), tier(3, "8h"))
    assert deadlines.escalation_time(complaint, context(*ladder), ()) == warsaw(4, 13, 30)
    assert deadlines.next_tier(complaint, context(*ladder)) == ladder[0]

    complaint.escalation_level, complaint.escalated_at = 1, warsaw(4, 14)
    assert deadlines.escalation_time(complaint, context(*ladder), ()) == warsaw(6, 17)  # 2wd: Thu, Fri
    assert deadlines.next_tier(complaint, context(*ladder)) == ladder[1]  # levels may skip numbers

    complaint.escalation_level = 3
    assert deadlines.escalation_time(complaint, context(*ladder), ()) is None  # the top


def test_a_tiers_limit_never_comes_before_the_deadline_itself():
    complaint = waiting()
    complaint.escalation_level, complaint.escalated_at = 1, warsaw(2, 11)
    ladder = (tier(1, "1h"), tier(2))
    assert deadlines.escalation_time(complaint, context(*ladder), ()) == warsaw(4, 13, 30)


def test_there_is_no_escalation_without_a_ladder_or_a_deadline():
    assert deadlines.escalation_time(waiting(), context(), ()) is None
    assert deadlines.escalation_time(step_complaint(), context(tier(1)), ()) is None


def test_the_next_check_is_in_working_time_and_none_while_paused_or_closed():
    complaint, ctx = waiting(), context(tier(1))
    timing = deadlines.Timing(clocks_for(complaint, "1wd"), ())
    complaint.acknowledge_due_at = complaint.next_due_at = warsaw(3, 17)
    # 1wd is 12.5 working hours from receipt; with 25 % (3h07m30s) left it is Tuesday 13:52:30.
    reminder = warsaw(3, 13, 52) + dt.timedelta(seconds=30)
    assert deadlines.next_check(complaint, timing, ctx, now=T0) == reminder
    complaint.last_reminded_at = reminder
    # Only the escalation is left: after Tuesday 17:00, so Wednesday 09:00 in working time.
    assert deadlines.next_check(complaint, timing, ctx, now=T0) == warsaw(4, 9)
    complaint.paused_since = T0
    assert deadlines.next_check(complaint, timing, ctx, now=T0) is None
    complaint.paused_since, complaint.status = None, Status.CLOSED
    assert deadlines.next_check(complaint, timing, ctx, now=T0) is None
