"""The action forms of the complaint workspace: each one moves the complaint through its service;
a refused one shows the error with the right status and changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from csm.complaints import config_services, services
from csm.complaints.forms import decision_template
from csm.complaints.models import Complaint, ComplaintEvent, EventKind, Impact, Notification
from csm.complaints.tests import test_views_support as support
from csm.complaints.tests.test_views_support import T0, action_url, register, reload, url
from csm.complaints.views.actions import ACTIONS
from csm.complaints.workflow import Status

pytestmark = pytest.mark.django_db

# Shared fixtures: pytest finds them in this module's namespace.
frozen, policy, viewer = support.frozen, support.policy, support.viewer


GLOBEX = {"channel": "phone", "complainant_name": "Li", "description": "Slow line."}


@pytest.fixture
def complaint(bob, policy, frozen) -> Complaint:
    return register(bob, complainant_email="jan@example.com")  # acknowledged at once (it has an e-mail)


@pytest.fixture
def received(bob, policy, frozen) -> Complaint:
    return register(bob)


@pytest.fixture
def remedy(alice):
    return config_services.create_remedy(actor=alice.actor, name="Refund", default_cost=Decimal("80.00"),
                                         approval_limit=Decimal("50.00"))


def post(persona, complaint: Complaint, action: str, **fields):
    data = {f"{action}-{name}": value for name, value in fields.items()}
    return persona.browser().post(action_url(complaint, action), data)


def assess(bob, complaint: Complaint) -> Complaint:
    return services.assess_complaint(actor=bob.actor, complaint=complaint, severity="medium")


def propose(bob, complaint: Complaint, remedy=None) -> Complaint:
    return services.propose_response(actor=bob.actor, complaint=assess(bob, complaint), remedy=remedy,
                                     cost=None, outcome="upheld", decision_text="We will refund you.")


def state(complaint: Complaint) -> tuple:
    fresh = reload(complaint)
    events = ComplaintEvent.objects.filter(complaint=complaint).count()
    return fresh.status, fresh.assignee_id, fresh.outcome, fresh.duplicate_of_id, events


# Each action -----------------------------------------------------------------------------------

def test_acknowledge_moves_a_received_complaint_on(bob, received):
    response = post(bob, received, "acknowledge", note="Called back.")
    assert response.status_code == 302
    assert response["Location"] == url("detail", pk=received.pk)
    fresh = reload(received)
    assert (fresh.status, fresh.acknowledged_at) == (Status.ACKNOWLEDGED, T0)
    moved = ComplaintEvent.objects.filter(complaint=received, kind=EventKind.STATUS_CHANGED).last()
    assert moved.body == "Called back."


def test_assess_records_the_assessment(alice, bob, complaint):
    category = config_services.create_category(actor=alice.actor, name="Cleanliness")
    response = post(bob, complaint, "assess", category=category.pk, severity="high", priority="urgent",
                    safety_impact=Impact.MAJOR, financial_impact=0, legal_impact=1, reputational_impact=2,
                    immediate_action="Room changed.")
    assert response.status_code == 302
    fresh = reload(complaint)
    assert (fresh.status, fresh.category, fresh.severity, fresh.priority) == (
        Status.ASSESSED, category, "high", "urgent")
    assert (fresh.safety_impact, fresh.legal_impact, fresh.reputational_impact) == (3, 1, 2)
    assert fresh.immediate_action == "Room changed."


def test_change_status_starts_the_investigation(bob, complaint):
    assess(bob, complaint)
    response = post(bob, complaint, "status", status="investigating", note="Asking housekeeping.")
    assert response.status_code == 302
    assert reload(complaint).status == Status.INVESTIGATING


def test_change_status_refuses_a_status_it_does_not_offer(bob, complaint):
    before = state(complaint)
    response = post(bob, complaint, "status", status="closed")
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert state(complaint) == before


def test_assign_to_a_handler(bob, complaint):
    assert post(bob, complaint, "assign", assignee=bob.user.pk).status_code == 302
    assert reload(complaint).assignee == bob.user


def test_assign_refuses_an_inspector(bob, carol, complaint):
    before = state(complaint)
    response = post(bob, complaint, "assign", assignee=carol.user.pk)
    assert response.status_code == 422
    assert state(complaint) == before


def test_an_internal_note_is_not_shown_to_the_complainant(bob, complaint):
    assert post(bob, complaint, "note", body="Guest is a regular.").status_code == 302
    note = ComplaintEvent.objects.get(complaint=complaint, kind=EventKind.NOTE)
    assert (note.body, note.is_customer_visible, note.actor) == ("Guest is a regular.", False, bob.user)


def test_a_message_goes_to_the_complainant(bob, complaint):
    assert post(bob, complaint, "message", body="We are on it.").status_code == 302
    message = ComplaintEvent.objects.get(complaint=complaint, kind=EventKind.MESSAGE_OUT)
    assert (message.body, message.is_customer_visible) == ("We are on it.", True)
    assert Notification.objects.filter(complaint=complaint, template="message").count() == 1


def test_request_information_waits_for_the_complainant(bob, complaint):
    assert post(bob, complaint, "request_information", body="Which room were you in?").status_code == 302
    assert reload(complaint).status == Status.AWAITING_CUSTOMER


def test_propose_uses_the_remedys_usual_cost_and_the_standard_text(bob, complaint, remedy):
    assess(bob, complaint)
    response = post(bob, complaint, "propose", remedy=remedy.pk, cost="", outcome="not_upheld",
                    decision_text="")
    assert response.status_code == 302
    fresh = reload(complaint)
    assert (fresh.status, fresh.remedy, fresh.remedy_cost, fresh.outcome) == (
        Status.RESPONSE_PROPOSED, remedy, Decimal("80.00"), "not_upheld")
    assert fresh.decision_text == (f"We have reviewed your complaint {complaint.reference} carefully and we "
                                   "have decided not to uphold it. These are the reasons for our decision:")


def test_a_standard_text_left_as_it_was_follows_the_chosen_outcome(bob, complaint):
    assess(bob, complaint)
    upheld = decision_template(complaint, "upheld")
    post(bob, complaint, "propose", remedy="", cost="", outcome="partly_upheld", decision_text=upheld)
    assert reload(complaint).decision_text == decision_template(complaint, "partly_upheld")


def test_the_decision_field_follows_the_outcome_with_htmx(bob, carol, complaint):
    link = url("decision_text", pk=complaint.pk)
    client = bob.browser()
    swapped = client.get(link, {"propose-outcome": "not_upheld",
                                "propose-decision_text": decision_template(complaint, "upheld")})
    assert swapped.status_code == 200
    assert swapped.content.decode().startswith('<textarea name="propose-decision_text"')
    assert "decided not to uphold it" in swapped.content.decode()
    kept = client.get(link, {"propose-outcome": "not_upheld",
                             "propose-decision_text": "My own <b>words</b>."})
    assert "My own &lt;b&gt;words&lt;/b&gt;." in kept.content.decode()
    assert carol.browser().get(link).status_code == 403


def test_propose_keeps_a_written_decision_and_cost(bob, complaint, remedy):
    assess(bob, complaint)
    post(bob, complaint, "propose", remedy=remedy.pk, cost="12.50", outcome="upheld", decision_text="Sorry!")
    fresh = reload(complaint)
    assert (fresh.remedy_cost, fresh.decision_text) == (Decimal("12.50"), "Sorry!")


def test_alice_approves_a_costly_remedy_and_bob_may_not(alice, bob, complaint, remedy):
    propose(bob, complaint, remedy)
    assert post(bob, complaint, "approve").status_code == 403
    assert reload(complaint).remedy_approved_at is None
    assert post(alice, complaint, "approve").status_code == 302
    fresh = reload(complaint)
    assert (fresh.remedy_approved_by, fresh.remedy_approved_at) == (alice.user, T0)


def test_the_decision_waits_for_approval_of_a_costly_remedy(bob, complaint, remedy):
    propose(bob, complaint, remedy)
    before = state(complaint)
    response = post(bob, complaint, "decide")
    assert response.status_code == 409
    assert "A quality manager must approve this remedy&#x27;s cost first." in response.content.decode()
    assert state(complaint) == before


def test_communicating_the_decision(bob, complaint):
    propose(bob, complaint)
    assert post(bob, complaint, "decide").status_code == 302
    assert reload(complaint).status == Status.DECISION_COMMUNICATED


def test_close_and_reopen_with_reasons(bob, complaint):
    assert post(bob, complaint, "close", reason="Withdrawn by the guest.").status_code == 302
    fresh = reload(complaint)
    assert (fresh.status, fresh.closure_reason, fresh.closed_at) == (
        Status.CLOSED, "Withdrawn by the guest.", T0)
    assert post(bob, complaint, "reopen", reason="The guest called again.").status_code == 302
    fresh = reload(complaint)
    assert (fresh.status, fresh.reopen_count, fresh.closed_at) == (Status.REOPENED, 1, None)


def test_refer_puts_the_complaint_on_legal_hold(bob, complaint):
    assess(bob, complaint)
    assert post(bob, complaint, "refer", body="Consumer ombudsman, case 12/2026").status_code == 302
    fresh = reload(complaint)
    assert (fresh.status, fresh.legal_hold) == (Status.REFERRED, True)


def test_mark_duplicate_by_reference(bob, complaint):
    original = register(bob, complainant_email="jan@example.com", description="First call.")
    assert post(bob, complaint, "duplicate", reference=original.reference).status_code == 302
    assert reload(complaint).duplicate_of == original


def test_mark_duplicate_refuses_an_unknown_reference(bob, charlie, complaint, policy):
    theirs = services.register_complaint(organization=charlie.organization, actor=charlie.actor, data=GLOBEX)
    before = state(complaint)
    response = post(bob, complaint, "duplicate", reference=theirs.complaint.reference)
    assert response.status_code == 422
    assert "No complaint of this organisation has this reference." in response.content.decode()
    assert reload(complaint).duplicate_of is None
    assert state(complaint) == before


# Refusals --------------------------------------------------------------------------------------

def test_a_decision_cannot_be_sent_for_a_received_complaint(bob, received):
    before = state(received)
    response = post(bob, received, "decide")
    assert response.status_code == 409
    page = response.content.decode()
    assert "Not done: Communicate the decision" in page
    assert "A complaint cannot go from received to decision_communicated." in page
    assert state(received) == before


def test_an_empty_note_is_refused(bob, complaint):
    before = state(complaint)
    response = post(bob, complaint, "note", body="   ")
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert state(complaint) == before


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_an_inspector_gets_403_on_every_action(carol, complaint, action):
    before = state(complaint)
    assert post(carol, complaint, action, body="x", reason="x", status="investigating").status_code == 403
    assert state(complaint) == before


@pytest.mark.parametrize("action", ["acknowledge", "note", "close", "approve"])
def test_a_viewer_gets_403_on_actions(viewer, complaint, action):
    client = Client()
    client.force_login(viewer)
    before = state(complaint)
    assert client.post(action_url(complaint, action), {f"{action}-body": "x"}).status_code == 403
    assert state(complaint) == before


@pytest.mark.parametrize("action", ["acknowledge", "note", "close"])
def test_charlie_gets_404_on_acmes_actions(charlie, complaint, action):
    before = state(complaint)
    assert post(charlie, complaint, action, body="x", reason="x").status_code == 404
    assert state(complaint) == before


def test_an_unknown_action_is_404_and_a_get_is_405(bob, complaint):
    client = bob.browser()
    assert client.post(action_url(complaint, "explode")).status_code == 404
    assert client.get(action_url(complaint, "note")).status_code == 405


def test_an_action_on_another_organisations_complaint_is_404(alice, charlie, policy, frozen):
    theirs = services.register_complaint(organization=charlie.organization, actor=charlie.actor, data=GLOBEX)
    link = url("action", pk=theirs.complaint.pk, action="note")
    response = alice.browser().post(link, {"note-body": "Mine"})
    assert response.status_code == 404
    assert not ComplaintEvent.objects.filter(kind=EventKind.NOTE).exists()
