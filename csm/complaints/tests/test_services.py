"""Complaint services through a complaint's whole life, with hand-worked deadlines.

The office calendar is Mon-Fri 09:00-12:00 + 13:00-17:00 Europe/Warsaw (UTC+1 until 29 March 2026,
then UTC+2). The complaint comes in on Monday 2 March 2026 at 10:30 Warsaw time.
"""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection

from csm.accounts.roles import Role
from csm.accounts.tests.factories import UnitFactory
from csm.catalogue.tests.factories import ServiceFactory, TouchPointFactory
from csm.complaints import services
from csm.complaints.config_selectors import get_settings
from csm.complaints.models import (
    Complaint,
    ComplaintEvent,
    CustomerReaction,
    EventKind,
    Notification,
    Priority,
)
from csm.complaints.services import intake as intake_module
from csm.complaints.tests.factories import (
    ComplaintCategoryFactory,
    ComplaintFactory,
    RemedyFactory,
    SlaPolicyFactory,
    intake,
    member,
)
from csm.complaints.tracking import tracking_token
from csm.complaints.workflow import Status
from csm.core import business_hours, clock
from csm.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from csm.core.models import AuditEvent

WARSAW = ZoneInfo("Europe/Warsaw")
HOUR = 3600


def warsaw(month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, second, tzinfo=WARSAW).astimezone(dt.UTC)


T0 = warsaw(3, 2, 10, 30)  # Monday


def utc(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=dt.UTC)


@pytest.fixture
def policy(acme):
    """For any complaint: acknowledge 1wd, assess 2wd, respond 16h, resolve 15d."""
    return SlaPolicyFactory(organization=acme, name="Default")


@pytest.fixture
def billing(acme):
    return ComplaintCategoryFactory(organization=acme, name="Billing")


@pytest.fixture
def urgent_billing(acme, policy, billing):
    """The most specific policy for billing complaints of high priority."""
    return SlaPolicyFactory(organization=acme, name="Urgent billing", calendar=policy.calendar, category=billing,
                            priority=Priority.HIGH, acknowledge_target="1wd", assess_target="3wd",
                            respond_target="24h", resolve_target="30d")


@pytest.fixture
def dora(acme):
    """A quality manager at acme."""
    return member(acme, Role.QUALITY_MANAGER, "dora@acme.test")


@pytest.fixture
def voucher(acme):
    return RemedyFactory(organization=acme, name="Voucher", default_cost=Decimal("50.00"),
                         approval_limit=Decimal("100.00"))


def at(moment: dt.datetime):
    return clock.frozen(moment)


def registered(organization, moment=T0, **fields) -> Complaint:
    with at(moment):
        return ComplaintFactory(organization=organization, **fields)


def state(complaint: Complaint) -> tuple[dict, int, int, int]:
    """Every stored field of the complaint, and how many events, notifications and audit events."""
    fresh = Complaint.objects.get(pk=complaint.pk)
    fields = {field.attname: getattr(fresh, field.attname) for field in Complaint._meta.concrete_fields}
    return (fields, ComplaintEvent.objects.filter(complaint=fresh).count(),
            Notification.objects.filter(complaint=fresh).count(), AuditEvent.objects.count())


def kinds(complaint: Complaint) -> list[str]:
    return list(ComplaintEvent.objects.filter(complaint=complaint).order_by("id").values_list("kind", flat=True))


def templates(complaint: Complaint) -> list[str]:
    return list(Notification.objects.filter(complaint=complaint).order_by("id").values_list("template", flat=True))


def due_dates(complaint: Complaint) -> tuple:
    complaint.refresh_from_db()
    return (complaint.acknowledge_due_at, complaint.assess_due_at, complaint.respond_due_at,
            complaint.resolve_due_at, complaint.next_due_at)


# Registration and acknowledgement ---------------------------------------------------------------

def test_a_public_complaint_with_an_email_is_acknowledged_and_mailed_at_once(acme, policy):
    with at(T0):
        result = services.register_complaint(organization=acme, data=intake())
    complaint = result.complaint

    assert result.created is True
    assert result.tracking_token == tracking_token(complaint.tracking_secret)
    assert complaint.reference == f"C-2026-{complaint.pk:06d}"
    assert (complaint.status, complaint.received_at, complaint.acknowledged_at) == (Status.ACKNOWLEDGED, T0, T0)
    assert kinds(complaint) == [EventKind.RECEIVED, EventKind.STATUS_CHANGED]
    received = ComplaintEvent.objects.get(complaint=complaint, kind=EventKind.RECEIVED)
    assert (received.actor, received.actor_label, received.is_customer_visible) == (None, "complainant", True)
    [notification] = Notification.objects.filter(complaint=complaint)
    assert (notification.template, notification.to, notification.status) == ("acknowledgement", "jan@example.com",
                                                                              "sent")
    [email] = mail.outbox
    assert email.subject == f"[{complaint.reference}] We have received your complaint"
    assert f"/c/acme/track/{complaint.reference}/{result.tracking_token}/" in email.body
    audit = AuditEvent.objects.get(object_type="complaints.complaint")
    assert (audit.action, audit.actor_label, audit.organization_id) == ("created", "complainant", acme.pk)


def test_a_complaint_without_an_email_waits_for_a_handler_to_acknowledge_it(acme, bob, policy):
    complaint = registered(acme, complainant_email="", complainant_phone="+48 600 100 200", channel="phone")
    assert (complaint.status, complaint.acknowledged_at) == (Status.RECEIVED, None)
    assert templates(complaint) == []
    assert complaint.next_due_at == utc(3, 3, 16)  # acknowledge within 1 working day: Tuesday 17:00

    with at(warsaw(3, 2, 14)):
        services.acknowledge_complaint(actor=bob.actor, complaint=complaint, note="Called back.")
    assert (complaint.status, complaint.acknowledged_at) == (Status.ACKNOWLEDGED, warsaw(3, 2, 14))
    assert complaint.next_due_at == utc(3, 4, 12, 30)  # now the response: 16 working hours


def test_the_deadlines_are_counted_on_the_policys_calendar_from_receipt(acme, policy):
    complaint = registered(acme)
    assert complaint.sla_policy == policy
    assert due_dates(complaint) == (
        utc(3, 3, 16),  # 1wd: the end of Tuesday, 17:00
        utc(3, 4, 16),  # 2wd: the end of Wednesday
        utc(3, 4, 12, 30),  # 16h: Mon 5.5 + Tue 7 + Wed 3.5 = Wednesday 13:30
        utc(3, 17, 23),  # 15d: the end of 17 March, local midnight
        utc(3, 4, 12, 30),  # acknowledged already, so the response is next
    )
    assert complaint.deadlines_computed_at == T0


def test_a_handler_registers_a_letter_received_earlier(acme, bob, policy):
    received = warsaw(2, 27, 9)
    with at(T0):
        complaint = services.register_complaint(organization=acme, actor=bob.actor, received_at=received,
                                                data=intake(channel="letter", complainant_email="")).complaint
    assert (complaint.status, complaint.received_at, complaint.acknowledge_due_at) == (
        Status.RECEIVED, received, utc(3, 2, 16))
    event = ComplaintEvent.objects.get(complaint=complaint, kind=EventKind.RECEIVED)
    assert (event.actor, event.actor_label) == (bob.user, "bob@acme.test")


def test_a_complaint_cannot_be_received_in_the_future(acme, bob):
    with at(T0), pytest.raises(InvalidInput) as caught:
        services.register_complaint(organization=acme, actor=bob.actor, received_at=T0 + dt.timedelta(seconds=1),
                                    data=intake())
    assert caught.value.detail == [{"field": "received_at",
                                    "message": "A complaint cannot be received in the future."}]
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("persona", ["carol", "charlie"])
def test_only_a_handler_of_the_organisation_registers_for_it(acme, persona, request):
    actor = request.getfixturevalue(persona).actor
    with pytest.raises(PermissionDenied):
        services.register_complaint(organization=acme, actor=actor, data=intake())
    assert not Complaint.objects.exists()


def test_the_public_form_can_be_switched_off(acme):
    settings = get_settings(organization_id=acme.pk)
    settings.public_intake_enabled = False
    settings.save()
    with pytest.raises(PermissionDenied) as caught:
        services.register_complaint(organization=acme, data=intake())
    assert caught.value.code == "public_intake_disabled"
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("field", ["unit", "service", "touch_point"])
def test_a_reference_to_another_organisations_object_is_a_422_and_writes_nothing(acme, globex, field):
    service = ServiceFactory(organization=globex)
    foreign = {"unit": UnitFactory(organization=globex), "service": service,
               "touch_point": TouchPointFactory(service=service)}[field]
    with pytest.raises(InvalidInput) as caught:
        services.register_complaint(organization=acme, data=intake(**{field: foreign}))
    assert caught.value.detail == [{"field": field, "message": "No such object in this organisation."}]
    assert (Complaint.objects.count(), ComplaintEvent.objects.count(), Notification.objects.count(),
            AuditEvent.objects.count()) == (0, 0, 0, 0)


def test_an_unknown_intake_field_is_a_422(acme):
    with pytest.raises(InvalidInput) as caught:
        services.register_complaint(organization=acme, data=intake(status="closed"))
    assert caught.value.detail == [{"field": "status", "message": "Unknown field."}]
    assert not Complaint.objects.exists()


def test_text_is_stored_verbatim_for_the_views_to_escape(acme):
    script = "<script>alert('x')</script> & <b>bold</b>"
    complaint = registered(acme, description=script, complainant_name="<i>Jan</i>")
    complaint.refresh_from_db()
    assert (complaint.description, complaint.complainant_name) == (script, "<i>Jan</i>")
    assert ComplaintEvent.objects.get(complaint=complaint, kind=EventKind.RECEIVED).body == script


# Idempotency ------------------------------------------------------------------------------------

def test_a_retry_with_the_same_key_and_payload_returns_the_first_complaint(acme):
    first = services.register_complaint(organization=acme, data=intake(), idempotency_key="k-1")
    again = services.register_complaint(organization=acme, data=intake(), idempotency_key="k-1")
    assert (again.complaint.pk, again.created, again.tracking_token) == (
        first.complaint.pk, False, first.tracking_token)
    assert (Complaint.objects.count(), Complaint.objects.exclude(idempotency_key="").count(), Notification.objects.count()) == (1, 1, 1)


def test_the_same_key_with_another_payload_is_a_conflict(acme):
    services.register_complaint(organization=acme, data=intake(), idempotency_key="k-1")
    with pytest.raises(Conflict) as caught:
        services.register_complaint(organization=acme, data=intake(description="Other"), idempotency_key="k-1")
    assert caught.value.code == "idempotency_conflict"
    assert Complaint.objects.count() == 1


def test_a_payload_is_fingerprinted_by_the_ids_of_the_objects_it_names(acme):
    one, other = UnitFactory(organization=acme, name="Same"), UnitFactory(organization=acme, name="Same")
    assert services.request_digest({"unit": one}) == services.request_digest({"unit": one.pk})
    assert services.request_digest({"unit": one}) != services.request_digest({"unit": other})


@pytest.mark.django_db(transaction=True)
def test_two_racing_requests_with_one_key_create_one_complaint(acme, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers, so the two requests cannot overlap there.")
    both_inserting = threading.Barrier(2, timeout=10)
    original = intake_module._insert

    def insert_together(*args, **kwargs):  # both inside their transactions, neither committed
        both_inserting.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(intake_module, "_insert", insert_together)
    results = []

    def register():
        try:
            results.append(services.register_complaint(organization=acme, data=intake(), idempotency_key="k-1"))
        finally:
            connection.close()

    threads = [threading.Thread(target=register) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Complaint.objects.count() == 1
    assert sorted(result.created for result in results) == [False, True]
    assert {result.complaint.pk for result in results} == {Complaint.objects.get().pk}


# Assessment -------------------------------------------------------------------------------------

MONDAY_11 = warsaw(3, 2, 11)


def assess(actor, complaint, moment=MONDAY_11, **fields):
    with at(moment):
        return services.assess_complaint(actor=actor, complaint=complaint, **fields)


def test_the_assessment_moves_the_deadlines_to_the_policy_for_its_category_and_priority(acme, bob, billing,
                                                                                        urgent_billing):
    complaint = assess(bob.actor, registered(acme), category=billing, priority=Priority.HIGH, severity="high")

    assert (complaint.status, complaint.assessed_at, complaint.sla_policy) == (
        Status.ASSESSED, warsaw(3, 2, 11), urgent_billing)
    assert due_dates(complaint) == (
        utc(3, 3, 16),  # 1wd
        utc(3, 5, 16),  # 3wd: the end of Thursday
        utc(3, 5, 13, 30),  # 24h: Mon 5.5 + Tue 7 + Wed 7 + Thu 4.5 = Thursday 14:30
        utc(4, 1, 22),  # 30d: the end of 1 April, CEST since 29 March
        utc(3, 5, 13, 30),
    )
    assert kinds(complaint)[-2:] == [EventKind.STATUS_CHANGED, EventKind.ASSESSED]
    assert ComplaintEvent.objects.get(complaint=complaint, kind=EventKind.ASSESSED).data == {
        "category": billing.pk, "priority": "high", "severity": "high"}


def test_a_reassessment_while_investigating_keeps_the_status(acme, bob, billing, policy):
    complaint = assess(bob.actor, registered(acme))
    services.change_status(actor=bob.actor, complaint=complaint, status=Status.INVESTIGATING)
    assess(bob.actor, complaint, priority=Priority.URGENT)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.priority) == (Status.INVESTIGATING, Priority.URGENT)


def test_an_assessment_with_another_organisations_category_is_a_422(acme, globex, bob, policy):
    complaint = registered(acme)
    before = state(complaint)
    with pytest.raises(InvalidInput) as caught:
        assess(bob.actor, complaint, category=ComplaintCategoryFactory(organization=globex))
    assert caught.value.detail == [{"field": "category", "message": "No such object in this organisation."}]
    assert state(complaint) == before


def test_another_organisation_cannot_touch_the_complaint(acme, charlie, policy):
    complaint = registered(acme)
    before = state(complaint)
    with pytest.raises(NotFound):
        assess(charlie.actor, complaint)
    assert state(complaint) == before


# Waiting for the complainant: the clocks pause --------------------------------------------------

@pytest.fixture
def assessed(acme, bob, billing, urgent_billing):
    return assess(bob.actor, registered(acme), category=billing, priority=Priority.HIGH)


PAUSED_AT = warsaw(3, 3, 10)  # Tuesday
RESUMED_AT = warsaw(3, 5, 11)  # Thursday: 2 + 4 + 7 + 2 = 15 working hours later


def test_asking_for_information_pauses_the_clocks(assessed, bob):
    with at(PAUSED_AT):
        complaint = services.request_information(actor=bob.actor, complaint=assessed, body="Your room number?")

    assert (complaint.status, complaint.resume_status, complaint.paused_since) == (
        Status.AWAITING_CUSTOMER, Status.ASSESSED, PAUSED_AT)
    assert kinds(complaint)[-3:] == [EventKind.STATUS_CHANGED, EventKind.PAUSED, EventKind.MESSAGE_OUT]
    assert templates(complaint)[-1] == "information_requested"
    # Steps done before the pause keep their deadlines; the open ones have none while paused, so
    # the complaint sorts last in the queue and the SLA sweep leaves it alone.
    assert due_dates(complaint) == (utc(3, 3, 16), utc(3, 5, 16), None, None, None)
    assert complaint.sla_check_at is None


def test_the_complainants_answer_resumes_the_clocks_exactly_where_they_stopped(assessed, bob):
    with at(PAUSED_AT):
        services.request_information(actor=bob.actor, complaint=assessed, body="Your room number?")
    with at(RESUMED_AT):
        complaint = services.add_information(complaint=assessed, body="Room 12.")

    assert (complaint.status, complaint.resume_status, complaint.paused_since) == (Status.ASSESSED, "", None)
    assert kinds(complaint)[-3:] == [EventKind.MESSAGE_IN, EventKind.STATUS_CHANGED, EventKind.RESUMED]
    assert due_dates(complaint) == (
        utc(3, 3, 16), utc(3, 5, 16),  # done before the pause: unchanged
        utc(3, 9, 14, 30),  # Thursday 14:30 + 15 working hours = Monday 9 March 15:30
        utc(4, 3, 23),  # 1 April 24:00 + 49 calendar hours (Tue 10:00 to Thu 11:00)
        utc(3, 9, 14, 30),
    )
    calendar = business_hours.Calendar(business_hours.WeeklySchedule.from_rows(
        (day, dt.time(start), dt.time(end)) for day in range(5) for start, end in ((9, 12), (13, 17))),
        "Europe/Warsaw", frozenset())
    assert business_hours.working_seconds_between(calendar, utc(3, 5, 13, 30), complaint.respond_due_at) == 15 * HOUR


def test_information_sent_while_not_waiting_adds_to_the_record_only(assessed):
    before = due_dates(assessed)
    complaint = services.add_information(complaint=assessed, body="Also, the towels.")
    assert (complaint.status, kinds(complaint)[-1]) == (Status.ASSESSED, EventKind.MESSAGE_IN)
    assert due_dates(complaint) == before


# The response, its approval and the decision ----------------------------------------------------

@pytest.fixture
def proposed(assessed, bob, voucher):
    with at(warsaw(3, 3, 9)):
        return services.propose_response(actor=bob.actor, complaint=assessed, remedy=voucher,
                                         cost=Decimal("250.00"), outcome="upheld", decision_text="We refund the night.")


def test_a_remedy_above_its_limit_waits_for_a_quality_managers_approval(proposed, bob, dora):
    assert (proposed.status, services.needs_approval(proposed)) == (Status.RESPONSE_PROPOSED, True)
    before = state(proposed)
    with pytest.raises(Conflict) as caught:
        services.communicate_decision(actor=bob.actor, complaint=proposed)
    assert caught.value.code == "approval_required"
    with pytest.raises(PermissionDenied):
        services.approve_response(actor=bob.actor, complaint=proposed)
    assert state(proposed) == before

    with at(warsaw(3, 4, 9)):
        approved = services.approve_response(actor=dora, complaint=proposed)
    assert (approved.remedy_approved_by, approved.remedy_approved_at) == (dora.user, warsaw(3, 4, 9))

    with at(warsaw(3, 4, 10)):
        decided = services.communicate_decision(actor=bob.actor, complaint=proposed)
    assert (decided.status, decided.responded_at, decided.customer_reaction) == (
        Status.DECISION_COMMUNICATED, warsaw(3, 4, 10), CustomerReaction.NONE)
    assert templates(decided)[-1] == "decision"
    assert decided.next_due_at == decided.resolve_due_at  # only the resolution is left


def test_a_remedy_within_its_limit_needs_no_approval(assessed, bob, voucher):
    complaint = services.propose_response(actor=bob.actor, complaint=assessed, remedy=voucher, cost=None,
                                          outcome="upheld", decision_text="A voucher.")
    assert (complaint.remedy_cost, services.needs_approval(complaint)) == (Decimal("50.00"), False)
    assert services.communicate_decision(actor=bob.actor, complaint=complaint).status == Status.DECISION_COMMUNICATED


def test_a_new_proposal_withdraws_the_approval(proposed, bob, dora, voucher):
    services.approve_response(actor=dora, complaint=proposed)
    complaint = services.propose_response(actor=bob.actor, complaint=proposed, remedy=voucher,
                                          cost=Decimal("300.00"), outcome="upheld", decision_text="More.")
    assert (complaint.remedy_approved_by, complaint.remedy_approved_at) == (None, None)


@pytest.fixture
def decided(proposed, bob, dora):
    with at(warsaw(3, 4, 9)):
        services.approve_response(actor=dora, complaint=proposed)
    with at(warsaw(3, 4, 10)):
        return services.communicate_decision(actor=bob.actor, complaint=proposed)


def test_accepting_the_decision_closes_the_complaint_and_asks_for_a_rating(decided):
    with at(warsaw(3, 6, 9)):
        complaint = services.respond_to_decision(complaint=decided, accept=True, comment="Thanks")
    assert (complaint.status, complaint.customer_reaction, complaint.closed_at) == (
        Status.CLOSED, CustomerReaction.ACCEPTED, warsaw(3, 6, 9))
    assert complaint.closure_reason == "Decision accepted by the complainant."
    assert kinds(complaint)[-3:] == [EventKind.ACCEPTED, EventKind.STATUS_CHANGED, EventKind.CLOSED]
    assert templates(complaint)[-1] == "rating_request"
    assert (complaint.next_due_at, complaint.sla_check_at) == (None, None)

    with at(warsaw(3, 6, 10)):
        rated = services.rate_complaint(complaint=complaint, rating=5, comment="Quick.")
    assert (rated.rating, rated.rating_comment, rated.rated_at) == (5, "Quick.", warsaw(3, 6, 10))
    before = state(rated)
    with pytest.raises(Conflict) as caught:
        services.rate_complaint(complaint=rated, rating=1)
    assert caught.value.code == "already_rated"
    assert state(rated) == before


def test_rejecting_the_decision_keeps_the_complaint_open(decided, bob):
    complaint = services.respond_to_decision(complaint=decided, accept=False, comment="Not enough.")
    assert (complaint.status, complaint.customer_reaction) == (Status.DECISION_COMMUNICATED, CustomerReaction.REJECTED)
    assert kinds(complaint)[-1] == EventKind.REJECTED
    with pytest.raises(Conflict) as caught:
        services.respond_to_decision(complaint=complaint, accept=True)
    assert caught.value.code == "transition_not_allowed"

    assert complaint.next_due_at is not None
    referred = services.refer_complaint(actor=bob.actor, complaint=complaint, body="To the ombudsman.")
    assert (referred.status, referred.legal_hold) == (Status.REFERRED, True)
    referred.refresh_from_db()
    assert referred.next_due_at is None  # the external body's limits apply now: out of our deadline order


@pytest.mark.parametrize("rating", [0, 6, True])
def test_a_rating_is_from_1_to_5(decided, rating):
    complaint = services.respond_to_decision(complaint=decided, accept=True)
    with pytest.raises(InvalidInput):
        services.rate_complaint(complaint=complaint, rating=rating)
    complaint.refresh_from_db()
    assert complaint.rated_at is None


def test_an_open_complaint_cannot_be_rated(assessed):
    with pytest.raises(Conflict) as caught:
        services.rate_complaint(complaint=assessed, rating=4)
    assert caught.value.code == "not_closed"


# Closing and reopening --------------------------------------------------------------------------

CLOSED_AT = warsaw(3, 4, 15)


@pytest.fixture
def closed(decided):
    with at(CLOSED_AT):
        return services.respond_to_decision(complaint=decided, accept=True)


def test_a_closed_complaint_reopens_within_the_window_and_not_after(closed, bob):
    window = dt.timedelta(days=30)
    before = state(closed)
    with at(CLOSED_AT + window + dt.timedelta(seconds=1)), pytest.raises(Conflict) as caught:
        services.reopen_complaint(actor=bob.actor, complaint=closed, reason="Still dirty.")
    assert caught.value.code == "reopen_window_passed"
    assert state(closed) == before

    with at(CLOSED_AT + window):
        complaint = services.reopen_complaint(actor=bob.actor, complaint=closed, reason="Still dirty.")
    assert (complaint.status, complaint.closed_at, complaint.reopen_count) == (Status.REOPENED, None, 1)
    assert kinds(complaint)[-2:] == [EventKind.STATUS_CHANGED, EventKind.REOPENED]


def test_the_time_spent_closed_does_not_count_on_the_clocks(closed, bob):
    resolve_due = closed.resolve_due_at
    with at(CLOSED_AT + dt.timedelta(days=10)):
        complaint = services.reopen_complaint(actor=bob.actor, complaint=closed, reason="Still dirty.")
    assert complaint.resolve_due_at == resolve_due + dt.timedelta(days=10)
    assert complaint.next_due_at == complaint.resolve_due_at


def test_a_closed_complaint_cannot_change_without_reopening(closed, bob):
    before = state(closed)
    for attempt in (lambda: services.add_information(complaint=closed, body="More."),
                    lambda: services.assign_complaint(actor=bob.actor, complaint=closed, assignee=bob.user),
                    lambda: services.send_message(actor=bob.actor, complaint=closed, body="Hello.")):
        with pytest.raises(Conflict) as caught:
            attempt()
        assert caught.value.code == "complaint_closed"
    assert state(closed) == before


def test_a_note_may_still_be_added_to_a_closed_complaint(closed, bob):
    note = services.add_note(actor=bob.actor, complaint=closed, body="  Called to apologise.  ")
    assert (note.kind, note.body, note.is_customer_visible) == (EventKind.NOTE, "Called to apologise.", False)


# Forbidden moves change nothing -----------------------------------------------------------------

FORBIDDEN = {
    "assess a complaint not acknowledged": ("received", lambda c, a, r: services.assess_complaint(actor=a, complaint=c)),
    "propose before assessing": ("acknowledged", lambda c, a, r: services.propose_response(
        actor=a, complaint=c, remedy=r, cost=None, outcome="upheld", decision_text="Yes.")),
    "decide before proposing": ("acknowledged", lambda c, a, r: services.communicate_decision(actor=a, complaint=c)),
    "approve before proposing": ("acknowledged", lambda c, a, r: services.approve_response(actor=a, complaint=c)),
    "refer before assessing": ("acknowledged", lambda c, a, r: services.refer_complaint(actor=a, complaint=c)),
    "reopen an open complaint": ("acknowledged", lambda c, a, r: services.reopen_complaint(
        actor=a, complaint=c, reason="Why?")),
    "investigate before assessing": ("acknowledged", lambda c, a, r: services.change_status(
        actor=a, complaint=c, status="investigating")),
    "acknowledge twice": ("acknowledged", lambda c, a, r: services.acknowledge_complaint(actor=a, complaint=c)),
    "answer a decision not sent": ("acknowledged", lambda c, a, r: services.respond_to_decision(
        complaint=c, accept=True)),
    "close an assessed complaint": ("assessed", lambda c, a, r: services.close_complaint(
        actor=a, complaint=c, reason="Done.")),
    "ask a closed complaint for information": ("closed", lambda c, a, r: services.request_information(
        actor=a, complaint=c, body="More?")),
    "assess a closed complaint": ("closed", lambda c, a, r: services.assess_complaint(actor=a, complaint=c)),
    "close twice": ("closed", lambda c, a, r: services.close_complaint(actor=a, complaint=c, reason="Again.")),
}


@pytest.fixture
def in_status(acme, alice, policy):
    def make(status: str) -> Complaint:
        complaint = registered(acme, complainant_email="" if status == "received" else "jan@example.com")
        if status in ("assessed", "closed"):
            services.assess_complaint(actor=alice.actor, complaint=complaint)
        if status == "closed":
            services.refer_complaint(actor=alice.actor, complaint=complaint)
            services.close_complaint(actor=alice.actor, complaint=complaint, reason="Settled outside.")
        assert complaint.status == status
        return complaint
    return make


@pytest.mark.parametrize("case", FORBIDDEN)
def test_a_forbidden_move_is_a_conflict_and_changes_nothing(case, in_status, alice, voucher):
    status, attempt = FORBIDDEN[case]
    complaint = in_status(status)
    before = state(complaint)
    with pytest.raises(Conflict) as caught:
        attempt(complaint, alice.actor, voucher)
    assert caught.value.code == "transition_not_allowed"
    assert state(complaint) == before


@pytest.mark.parametrize(("status", "message"), [
    ("closed", "Use the action made for this status."),
    ("awaiting_customer", "Use the action made for this status."),
    ("response_proposed", "Use the action made for this status."),
    ("lost", "Unknown status."),
])
def test_change_status_leaves_the_dedicated_moves_to_their_actions(in_status, alice, status, message):
    complaint = in_status("acknowledged")
    before = state(complaint)
    with pytest.raises(InvalidInput) as caught:
        services.change_status(actor=alice.actor, complaint=complaint, status=status)
    assert caught.value.detail == [{"field": "status", "message": message}]
    assert state(complaint) == before


def test_change_status_tells_the_complainant(in_status, alice):
    complaint = services.change_status(actor=alice.actor, complaint=in_status("assessed"), status="investigating",
                                       note="Checking the cleaning log.")
    assert complaint.status == Status.INVESTIGATING
    assert templates(complaint)[-1] == "status_changed"
    event = ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.STATUS_CHANGED).last()
    assert (event.from_status, event.to_status, event.body) == ("assessed", "investigating", "Checking the cleaning log.")


# Assignment, messages, duplicates ---------------------------------------------------------------

def test_a_complaint_is_assigned_only_to_a_member_who_handles_complaints(in_status, alice, bob, carol, charlie):
    complaint = in_status("acknowledged")
    for outsider in (carol.user, charlie.user):
        with pytest.raises(InvalidInput) as caught:
            services.assign_complaint(actor=alice.actor, complaint=complaint, assignee=outsider)
        assert caught.value.detail[0]["field"] == "assignee"
    services.assign_complaint(actor=alice.actor, complaint=complaint, assignee=bob.user)
    complaint.refresh_from_db()
    assert complaint.assignee == bob.user
    assert ComplaintEvent.objects.get(complaint=complaint, kind=EventKind.ASSIGNED).data == {
        "from": None, "to": bob.user.pk}


def test_a_message_is_mailed_and_threaded_on_the_timeline(in_status, bob):
    complaint = in_status("acknowledged")
    event = services.send_message(actor=bob.actor, complaint=complaint, body=" We are on it. ")
    notification = Notification.objects.filter(complaint=complaint).last()
    assert (event.kind, event.body, event.is_customer_visible, event.message_id) == (
        EventKind.MESSAGE_OUT, "We are on it.", True, notification.message_id)
    assert notification.template == "message"


def test_an_empty_message_is_a_422(in_status, bob):
    with pytest.raises(InvalidInput) as caught:
        services.send_message(actor=bob.actor, complaint=in_status("acknowledged"), body="   ")
    assert caught.value.detail == [{"field": "body", "message": "Write the message."}]


def test_a_duplicate_points_at_another_complaint_of_the_organisation(acme, globex, bob, policy):
    original, repeat = registered(acme), registered(acme)
    foreign = registered(globex)
    for wrong in (repeat, foreign):
        with pytest.raises(InvalidInput):
            services.mark_duplicate(actor=bob.actor, complaint=repeat, original=wrong)
    services.mark_duplicate(actor=bob.actor, complaint=repeat, original=original)
    with pytest.raises(InvalidInput):
        services.mark_duplicate(actor=bob.actor, complaint=original, original=repeat)
    repeat.refresh_from_db()
    original.refresh_from_db()
    assert (repeat.duplicate_of, original.duplicate_of) == (original, None)
