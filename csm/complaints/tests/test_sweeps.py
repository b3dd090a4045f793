"""The SLA sweeps: deadlines recomputed after configuration changes, and reminders and escalations
sent in working time only.

The office calendar is Mon-Fri 09:00-12:00 + 13:00-17:00 Europe/Warsaw (UTC+1 in March 2026).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from csm.accounts.roles import Role
from csm.complaints import config_services, services, sweeps
from csm.complaints.config_selectors import get_settings
from csm.complaints.models import Complaint, ComplaintEvent, EventKind, Notification
from csm.complaints.periodic import COMPLAINT_SWEEPS
from csm.complaints.tests.factories import (
    ComplaintCategoryFactory,
    ComplaintFactory,
    EscalationTierFactory,
    SlaPolicyFactory,
    member,
)
from csm.core import clock
from csm.core import services as calendar_services

WARSAW = ZoneInfo("Europe/Warsaw")
MINUTE = dt.timedelta(minutes=1)


def warsaw(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=WARSAW).astimezone(dt.UTC)


T0 = warsaw(2, 10, 30)  # Monday
SETUP = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)  # configuration is older than every complaint


@pytest.fixture(autouse=True)
def _readers_of_english(bob):
    bob.user.preferred_language = "en"
    bob.user.save()


def registered(organization, moment=T0, **fields) -> Complaint:
    with clock.frozen(moment):
        return ComplaintFactory(organization=organization, **fields)


def run(sweep, moment, **kwargs) -> int:
    with clock.frozen(moment):
        return sweep.call(**kwargs)


def fresh(complaint: Complaint) -> Complaint:
    return Complaint.objects.get(pk=complaint.pk)


def events(complaint: Complaint, kind: str) -> list[ComplaintEvent]:
    return list(ComplaintEvent.objects.filter(complaint=complaint, kind=kind).order_by("id"))


def test_the_sweeps_are_scheduled():
    assert [(s.name, s.every, s.task) for s in COMPLAINT_SWEEPS][1:3] == [
        ("sla_sweep", MINUTE, sweeps.sla_sweep),
        ("refresh_stale_deadlines", 5 * MINUTE, sweeps.refresh_stale_deadlines),
    ]


# Stale deadlines --------------------------------------------------------------------------------

@pytest.fixture
def policy(acme):
    """For any complaint: acknowledge 1wd, assess 2wd, respond 16h, resolve 15d."""
    with clock.frozen(SETUP):
        return SlaPolicyFactory(organization=acme, name="Default")


CHANGED_AT = warsaw(2, 12, 0)


def test_an_edited_policy_moves_the_deadlines_of_open_complaints_at_the_next_sweep(acme, alice, policy):
    complaint = registered(acme)
    assert complaint.respond_due_at == warsaw(4, 13, 30)  # 16h
    with clock.frozen(CHANGED_AT):
        config_services.update_sla_policy(actor=alice.actor, sla_policy=policy, respond_target="8h")
    assert fresh(complaint).respond_due_at == warsaw(4, 13, 30)  # nothing until the sweep

    assert run(sweeps.refresh_stale_deadlines, CHANGED_AT + 5 * MINUTE) == 1

    refreshed = fresh(complaint)
    assert (refreshed.respond_due_at, refreshed.next_due_at) == (warsaw(3, 11, 30), warsaw(3, 11, 30))
    assert refreshed.deadlines_computed_at == CHANGED_AT + 5 * MINUTE
    [event] = events(complaint, EventKind.DEADLINES)
    assert event.data == {"respond_due_at": [warsaw(4, 13, 30).isoformat(), warsaw(3, 11, 30).isoformat()],
                          "next_due_at": [warsaw(4, 13, 30).isoformat(), warsaw(3, 11, 30).isoformat()]}
    assert run(sweeps.refresh_stale_deadlines, CHANGED_AT + 10 * MINUTE) == 0


def test_a_complaint_computed_just_after_a_change_is_computed_once_more(acme, alice, policy):
    complaint = registered(acme)
    with clock.frozen(CHANGED_AT):
        config_services.update_sla_policy(actor=alice.actor, sla_policy=policy, respond_target="8h")
    # Within STALE_GRACE of the change: the change might not have been visible yet.
    assert run(sweeps.refresh_stale_deadlines, CHANGED_AT + MINUTE) == 1
    assert run(sweeps.refresh_stale_deadlines, CHANGED_AT + 6 * MINUTE) == 1
    assert run(sweeps.refresh_stale_deadlines, CHANGED_AT + 11 * MINUTE) == 0
    assert len(events(complaint, EventKind.DEADLINES)) == 1


def test_a_holiday_added_to_the_calendar_moves_the_deadlines(acme, alice, policy):
    complaint = registered(acme)
    with clock.frozen(CHANGED_AT):
        calendar_services.add_holiday(actor=alice.actor, calendar=policy.calendar, date=dt.date(2026, 3, 4),
                                      name="Company day")

    assert run(sweeps.refresh_stale_deadlines, CHANGED_AT + 5 * MINUTE) == 1

    refreshed = fresh(complaint)
    assert (refreshed.assess_due_at, refreshed.respond_due_at) == (warsaw(5, 17), warsaw(5, 13, 30))


def test_changed_working_hours_move_the_deadlines(acme, alice, policy):
    complaint = registered(acme)
    with clock.frozen(CHANGED_AT):
        calendar_services.set_working_intervals(actor=alice.actor, calendar=policy.calendar, intervals=[
            (day, dt.time(9), dt.time(17)) for day in range(5)])

    assert run(sweeps.refresh_stale_deadlines, CHANGED_AT + 5 * MINUTE) == 1
    assert fresh(complaint).respond_due_at == warsaw(4, 10, 30)  # Mon 6.5h + Tue 8h + Wed 1.5h


def test_a_changed_calendar_setting_moves_the_deadlines(acme, alice, policy):
    thursday = dt.datetime(2026, 4, 2, 10, 30, tzinfo=WARSAW)  # before Easter Monday, 6 April
    complaint = registered(acme, moment=thursday)
    assert complaint.assess_due_at == dt.datetime(2026, 4, 7, 17, tzinfo=WARSAW)  # 2wd: Friday, Tuesday
    with clock.frozen(thursday + dt.timedelta(hours=1)):
        calendar_services.update_calendar(actor=alice.actor, calendar=policy.calendar, include_public_holidays=False)

    assert run(sweeps.refresh_stale_deadlines, thursday + dt.timedelta(hours=2)) == 1
    assert fresh(complaint).assess_due_at == dt.datetime(2026, 4, 6, 17, tzinfo=WARSAW)


def test_a_new_policy_for_a_category_takes_over_its_open_complaints(acme, alice, bob, policy):
    billing = ComplaintCategoryFactory(organization=acme, name="Billing")
    complaint = registered(acme)
    with clock.frozen(T0):
        services.assess_complaint(actor=bob.actor, complaint=complaint, category=billing)
    with clock.frozen(CHANGED_AT):
        special = config_services.create_sla_policy(actor=alice.actor, name="Billing", calendar=policy.calendar,
                                                    category=billing, respond_target="4h")

    assert run(sweeps.refresh_stale_deadlines, CHANGED_AT + 5 * MINUTE) == 1
    refreshed = fresh(complaint)
    assert (refreshed.sla_policy, refreshed.respond_due_at) == (special, warsaw(2, 15, 30))
    assert events(complaint, EventKind.DEADLINES)[0].data["sla_policy"] == [policy.pk, special.pk]


def test_an_edited_escalation_tier_makes_the_deadlines_stale_too(acme, alice, policy):
    with clock.frozen(SETUP):
        tier = EscalationTierFactory(organization=acme, level=1)
    complaint = registered(acme)
    with clock.frozen(CHANGED_AT):
        config_services.update_escalation_tier(actor=alice.actor, escalation_tier=tier, time_limit="1wd")
    assert run(sweeps.refresh_stale_deadlines, CHANGED_AT + 5 * MINUTE) == 1
    assert fresh(complaint).deadlines_computed_at == CHANGED_AT + 5 * MINUTE


def test_closed_complaints_and_other_organisations_keep_their_deadlines(acme, globex, alice, bob, policy):
    with clock.frozen(SETUP):
        SlaPolicyFactory(organization=globex)
    closed = registered(acme)
    with clock.frozen(T0):
        services.close_complaint(actor=bob.actor, complaint=closed, reason="Withdrawn.")
    theirs = registered(globex)
    with clock.frozen(CHANGED_AT):
        config_services.update_sla_policy(actor=alice.actor, sla_policy=policy, respond_target="8h")

    assert run(sweeps.refresh_stale_deadlines, CHANGED_AT + 5 * MINUTE) == 0
    assert (fresh(closed).deadlines_computed_at, fresh(theirs).deadlines_computed_at) == (T0, T0)


def test_the_stale_sweep_works_in_bounded_batches_lowest_id_first(acme, alice, policy, monkeypatch):
    monkeypatch.setattr(sweeps, "BATCH_SIZE", 2)
    complaints = [registered(acme) for _ in range(5)]
    with clock.frozen(CHANGED_AT):
        config_services.update_sla_policy(actor=alice.actor, sla_policy=policy, respond_target="8h")

    assert run(sweeps.refresh_stale_deadlines, CHANGED_AT + 5 * MINUTE, limit=3) == 3
    assert [fresh(c).respond_due_at for c in complaints] == [warsaw(3, 11, 30)] * 3 + [warsaw(4, 13, 30)] * 2
    assert run(sweeps.refresh_stale_deadlines, CHANGED_AT + 6 * MINUTE, limit=3) == 2
    assert run(sweeps.refresh_stale_deadlines, CHANGED_AT + 7 * MINUTE, limit=3) == 0


# Reminders and escalations ----------------------------------------------------------------------

@pytest.fixture
def hourly(acme):
    """Acknowledge within 16 working hours; the other steps much later."""
    with clock.frozen(SETUP):
        return SlaPolicyFactory(organization=acme, name="Hourly", acknowledge_target="16h", assess_target="5wd",
                            respond_target="10wd", resolve_target="15wd")


@pytest.fixture
def ladder(acme):
    with clock.frozen(SETUP):
        return [EscalationTierFactory(organization=acme, level=1, name="Team lead",
                                      owner_role=Role.QUALITY_MANAGER, time_limit="2wd"),
                EscalationTierFactory(organization=acme, level=2, name="Management", owner_role=Role.ORG_ADMIN,
                                      time_limit="5wd")]


@pytest.fixture
def dora(acme):
    dora = member(acme, Role.QUALITY_MANAGER, "dora@acme.test")
    dora.user.preferred_language = "en"
    dora.user.save()
    return dora


THURSDAY = warsaw(5, 9)
FRIDAY_15 = warsaw(6, 15)  # 12 of the 16 hours gone: 25 % left
SATURDAY_3 = warsaw(7, 3)
MONDAY_905 = warsaw(9, 9, 5)
DUE = warsaw(9, 11)  # Thu 7h + Fri 7h + Mon 2h


@pytest.fixture
def waiting(acme, bob, hourly, ladder):
    """Received on Thursday 09:00 by phone (so not acknowledged), assigned to bob."""
    complaint = registered(acme, moment=THURSDAY, complainant_email="", complainant_phone="+48 600 100 200")
    with clock.frozen(THURSDAY):
        services.assign_complaint(actor=bob.actor, complaint=complaint, assignee=bob.user)
    mail.outbox.clear()
    return fresh(complaint)


def test_the_next_check_is_the_reminder_time_of_the_next_deadline(waiting):
    assert (waiting.acknowledge_due_at, waiting.sla_check_at) == (DUE, FRIDAY_15)


def test_a_reminder_due_at_the_weekend_goes_out_on_monday_once(waiting, bob):
    assert run(sweeps.sla_sweep, FRIDAY_15 - MINUTE) == 0
    assert run(sweeps.sla_sweep, SATURDAY_3) == 0
    assert (mail.outbox, fresh(waiting).sla_check_at) == ([], warsaw(9, 9))

    assert run(sweeps.sla_sweep, MONDAY_905) == 1
    [email] = mail.outbox
    assert (email.to, email.subject) == (["bob@acme.test"], f"[{waiting.reference}] Reminder: a complaint is due soon")
    [event] = events(waiting, EventKind.REMINDER)
    assert (event.data, event.actor_label) == ({"step": "acknowledge", "to": "bob@acme.test"}, "system")
    assert (fresh(waiting).last_reminded_at, fresh(waiting).sla_check_at) == (MONDAY_905, DUE)

    assert run(sweeps.sla_sweep, MONDAY_905 + MINUTE) == 0
    assert len(mail.outbox) == 1


def test_a_breached_deadline_escalates_one_tier_in_working_time_only(waiting, dora, alice):
    with clock.frozen(FRIDAY_15):
        sweeps.sla_sweep.call()  # the reminder
    mail.outbox.clear()

    assert run(sweeps.sla_sweep, DUE) == 0  # at the due moment it is still on time
    assert run(sweeps.sla_sweep, DUE + MINUTE) == 1
    complaint = fresh(waiting)
    assert (complaint.escalation_level, complaint.escalated_at) == (1, DUE + MINUTE)
    [event] = events(waiting, EventKind.ESCALATED)
    assert (event.body, event.data) == ("Team lead", {"from": 0, "to": 1, "tier": "Team lead", "step": "acknowledge"})
    [email] = mail.outbox
    assert email.to == ["dora@acme.test"]
    assert "Reason: The deadline to acknowledge the complaint has passed." in email.body
    # The team lead has two working days (to Wednesday 17:00) before it goes up again; the next
    # working moment after that is Thursday 09:00.
    assert complaint.sla_check_at == warsaw(12, 9)

    assert run(sweeps.sla_sweep, DUE + 2 * MINUTE) == 0
    assert run(sweeps.sla_sweep, warsaw(11, 17, 1)) == 0
    assert run(sweeps.sla_sweep, warsaw(12, 9)) == 1
    assert (fresh(waiting).escalation_level, fresh(waiting).sla_check_at) == (2, None)  # the top of the ladder
    assert [m.to for m in mail.outbox] == [["dora@acme.test"], ["alice@acme.test"]]


def test_an_escalation_due_at_the_weekend_goes_out_on_monday_once(acme, ladder, dora):
    with clock.frozen(SETUP):
        SlaPolicyFactory(organization=acme, name="Daily", acknowledge_target="1wd", assess_target="5wd",
                         respond_target="10wd", resolve_target="15wd")
    complaint = registered(acme, moment=warsaw(5, 10), complainant_email="")
    assert complaint.acknowledge_due_at == warsaw(6, 17)  # Friday evening

    assert run(sweeps.sla_sweep, SATURDAY_3) == 0
    assert (events(complaint, EventKind.ESCALATED), mail.outbox) == ([], [])
    assert run(sweeps.sla_sweep, MONDAY_905) == 1
    assert run(sweeps.sla_sweep, MONDAY_905 + MINUTE) == 0
    assert [e.data["to"] for e in events(complaint, EventKind.ESCALATED)] == [1]
    assert [m.to for m in mail.outbox] == [["dora@acme.test"]]
    assert events(complaint, EventKind.REMINDER) == []  # too late for a reminder


def test_a_reminder_without_an_assignee_is_recorded_but_not_mailed(acme, hourly):
    complaint = registered(acme, moment=THURSDAY, complainant_email="")
    assert run(sweeps.sla_sweep, FRIDAY_15) == 1
    assert (events(complaint, EventKind.REMINDER)[0].data, mail.outbox) == ({"step": "acknowledge", "to": None}, [])
    assert Notification.objects.filter(complaint=complaint).count() == 0


def test_a_paused_complaint_gets_no_reminder(waiting, bob):
    with clock.frozen(THURSDAY):
        services.request_information(actor=bob.actor, complaint=waiting, body="Your room?")
    mail.outbox.clear()
    assert fresh(waiting).sla_check_at is None
    assert run(sweeps.sla_sweep, MONDAY_905) == 0
    assert events(waiting, EventKind.REMINDER) == []


def test_no_reminder_is_planned_without_a_policy(acme):
    complaint = registered(acme, moment=THURSDAY, complainant_email="")
    assert (complaint.sla_policy, complaint.next_due_at, complaint.sla_check_at) == (None, None, None)


def test_the_reminder_share_follows_the_organisations_setting(acme, hourly):
    settings = get_settings(organization_id=acme.pk)
    settings.reminder_before_percent = 50  # 8 of 16 hours left: Friday 10:00
    settings.save()
    complaint = registered(acme, moment=THURSDAY, complainant_email="")
    assert complaint.sla_check_at == warsaw(6, 10)


def test_deferring_outside_working_time_costs_the_same_queries_for_one_or_many(acme, hourly):
    def deferring_queries(count: int) -> int:
        for _ in range(count):
            registered(acme, moment=THURSDAY, complainant_email="")
        with CaptureQueriesContext(connection) as queries, clock.frozen(SATURDAY_3):
            assert sweeps.sla_sweep.call() == 0
        return len(queries)

    assert deferring_queries(1) == deferring_queries(3)
    assert set(Complaint.objects.values_list("sla_check_at", flat=True)) == {warsaw(9, 9)}


# Query counts ------------------------------------------------------------------------------------

WEDNESDAY = warsaw(4, 9)


@pytest.fixture
def database_tasks(settings):
    """Send tasks are only stored, as in production: the immediate backend would send each mail
    inside the sweep and count its queries too."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_sla_sweep_costs_the_same_queries_for_10_or_50_due_complaints(acme, bob, hourly, ladder, dora,
                                                                           database_tasks):
    def sweep_queries(count: int) -> int:
        """`count` complaints due for a reminder (assigned, the deadline today at 11:00) and as many
        for an escalation (their deadline passed last Thursday), swept on Monday at 09:05."""
        for _ in range(count):
            complaint = registered(acme, moment=THURSDAY, complainant_email="")
            with clock.frozen(THURSDAY):
                services.assign_complaint(actor=bob.actor, complaint=complaint, assignee=bob.user)
            registered(acme, moment=WEDNESDAY, complainant_email="")
        with CaptureQueriesContext(connection) as queries, clock.frozen(MONDAY_905):
            assert sweeps.sla_sweep.call() == 2 * count
        return len(queries)

    assert sweep_queries(5) == sweep_queries(25)
    assert (ComplaintEvent.objects.filter(kind=EventKind.REMINDER).count(),
            ComplaintEvent.objects.filter(kind=EventKind.ESCALATED).count()) == (30, 30)
    # The sweep renders no mail: each batch enqueued one task that does, in queries of its own.
    assert not Notification.objects.filter(template__in=["reminder", "escalation"]).exists()
    batches = DBTaskResult.objects.filter(task_path="csm.complaints.sweeps.send_sla_notifications")
    assert [len(task.args_kwargs["args"][0]) for task in batches.order_by("enqueued_at")] == [10, 50]

    def mail_queries(task: DBTaskResult) -> int:
        with CaptureQueriesContext(connection) as queries, clock.frozen(MONDAY_905):
            sweeps.send_sla_notifications.call(*task.args_kwargs["args"])
        return len(queries)

    assert len({mail_queries(task) for task in batches}) == 1
    sent = Notification.objects.filter(template__in=["reminder", "escalation"])
    assert sorted(sent.values_list("template", "to").distinct()) == [("escalation", "dora@acme.test"),
                                                                      ("reminder", "bob@acme.test")]
    tasks = [task.args_kwargs["args"][0] for task in DBTaskResult.objects.filter(task_path__endswith="send_notification")]
    assert (sent.count(), sorted(tasks)) == (60, sorted(sent.values_list("pk", flat=True)))


def test_the_stale_sweep_costs_the_same_queries_for_2_or_10_stale_complaints(acme, alice, policy):
    def refresh_queries(count: int, changed_at: dt.datetime) -> int:
        """Register `count` more complaints, change the policy, and sweep every open one."""
        for _ in range(count):
            registered(acme)
        with clock.frozen(changed_at):
            config_services.update_sla_policy(actor=alice.actor, sla_policy=policy, respond_target=f"{count}h")
        with CaptureQueriesContext(connection) as queries:
            assert run(sweeps.refresh_stale_deadlines, changed_at + 5 * MINUTE) == Complaint.objects.count()
        return len(queries)

    assert refresh_queries(2, CHANGED_AT) == refresh_queries(8, CHANGED_AT + dt.timedelta(hours=1))
    assert ComplaintEvent.objects.filter(kind=EventKind.DEADLINES).count() == 2 + 10
