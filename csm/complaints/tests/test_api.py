import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client

from config.tests.endpoints import NOT_FOUND, PERMISSION_DENIED, database_state
from conftest import Persona
from csm.accounts.roles import Role
from csm.accounts.tests.factories import MembershipFactory, UnitFactory, UserFactory
from csm.catalogue.tests.factories import ServiceFactory
from csm.complaints import services
from csm.complaints.models import Complaint, ComplaintCategory, EventKind, Remedy
from csm.complaints.workflow import Status
from csm.core import clock

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
MASK = "•••"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with clock.frozen(NOW):
        yield


@pytest.fixture
def dave(acme):
    """A viewer at acme."""
    user = UserFactory(email="dave@acme.test")
    return Persona(user=user, membership=MembershipFactory(organization=acme, user=user, role=Role.VIEWER))


def make_complaint(org, **data) -> Complaint:
    fields = {"channel": "phone", "complainant_name": "Jan Kowalski", "complainant_phone": "+48 600 000 000",
              "complainant_email": "jan@example.com", "description": "The room was not cleaned.", **data}
    return services.register_complaint(organization=org, data=fields).complaint


def post(client: Client, url: str, body: dict | None = None, **headers):
    return client.post(url, json.dumps(body or {}), content_type="application/json", headers=headers)


def warm(client: Client) -> Client:
    assert client.get("/api/v1/me").status_code == 200
    return client


def url(complaint: Complaint, action: str = "") -> str:
    return f"/api/v1/complaints/{complaint.pk}" + (f"/{action}" if action else "")


# Reading ----------------------------------------------------------------------------------------

def test_the_list_holds_only_the_callers_organisation(acme, globex, alice, charlie):
    mine = make_complaint(acme)
    theirs = make_complaint(globex)
    assert [c["id"] for c in alice.api().get("/api/v1/complaints").json()["items"]] == [mine.pk]
    assert [c["id"] for c in charlie.api().get("/api/v1/complaints").json()["items"]] == [theirs.pk]


def test_the_list_filters(acme, alice, bob):
    category = ComplaintCategory.objects.create(organization=acme, name="Noise")
    unit = UnitFactory(organization=acme)
    noisy = make_complaint(acme, description="Loud music at night.", unit=unit)
    services.assess_complaint(actor=alice.actor, complaint=noisy, category=category)
    services.assign_complaint(actor=alice.actor, complaint=noisy, assignee=bob.user)
    quiet = make_complaint(acme, description="Cold shower.")
    closed = make_complaint(acme, description="Rude staff.")
    services.close_complaint(actor=alice.actor, complaint=closed, reason="Withdrawn.")
    client = alice.api()

    def ids(query: str) -> list[int]:
        return [c["id"] for c in client.get("/api/v1/complaints?" + query).json()["items"]]

    assert ids("") == [noisy.pk, quiet.pk, closed.pk]
    assert ids("status=closed") == [closed.pk]
    assert ids(f"assignee_id={bob.user.pk}") == [noisy.pk]
    assert ids(f"unit_id={unit.pk}") == [noisy.pk]
    assert ids(f"category_id={category.pk}") == [noisy.pk]
    assert ids("q=shower") == [quiet.pk]
    assert ids(f"q={closed.reference}") == [closed.pk]


def test_the_overdue_filter_lists_open_complaints_past_their_next_deadline(acme, alice):
    late, on_time, closed = make_complaint(acme), make_complaint(acme), make_complaint(acme)
    Complaint.objects.filter(pk=late.pk).update(next_due_at=NOW - dt.timedelta(minutes=1))
    Complaint.objects.filter(pk=on_time.pk).update(next_due_at=NOW + dt.timedelta(minutes=1))
    Complaint.objects.filter(pk=closed.pk).update(next_due_at=NOW - dt.timedelta(days=1), status=Status.CLOSED)
    items = alice.api().get("/api/v1/complaints?overdue=true").json()["items"]
    assert [c["id"] for c in items] == [late.pk]


def test_the_list_pages_with_a_cursor(acme, alice):
    made = [make_complaint(acme).pk for _ in range(3)]
    client = alice.api()
    first = client.get("/api/v1/complaints?limit=2").json()
    second = client.get(f"/api/v1/complaints?limit=2&cursor={first['next_cursor']}").json()
    assert [c["id"] for c in first["items"] + second["items"]] == made
    assert second["next_cursor"] is None


def test_the_list_query_count_does_not_grow_with_rows(acme, alice, django_assert_num_queries):
    client = warm(alice.api())
    for rows in (3, 30):
        while Complaint.objects.count() < rows:
            make_complaint(acme)
        with django_assert_num_queries(2):
            assert len(client.get("/api/v1/complaints?limit=100").json()["items"]) == rows


@pytest.mark.parametrize(("persona", "masked"), [("alice", False), ("bob", False), ("carol", True), ("dave", True)])
def test_personal_fields_are_masked_for_roles_without_personal_data(request, acme, persona, masked):
    complaint = make_complaint(acme, representative_name="Anna")
    client = request.getfixturevalue(persona).api()
    for body in (client.get(url(complaint)).json(), client.get("/api/v1/complaints").json()["items"][0]):
        shown = (body["complainant_name"], body["complainant_email"], body["complainant_phone"],
                 body["complainant_address"], body["representative_name"])
        assert shown == ((MASK, MASK, MASK, "", MASK) if masked else
                         ("Jan Kowalski", "jan@example.com", "+48 600 000 000", "", "Anna"))
        assert body["description"] == "The room was not cleaned."
    assert Complaint.objects.get().complainant_name == "Jan Kowalski"


def test_a_complaint_reads_with_its_labels_and_deadlines(acme, alice):
    complaint = make_complaint(acme)
    body = alice.api().get(url(complaint)).json()
    assert (body["id"], body["reference"], body["status"], body["status_label"], body["channel"]) == (
        complaint.pk, complaint.reference, "acknowledged", "Acknowledged", "phone")
    assert body["received_at"] == "2026-03-02T09:30:00Z"


def test_the_timeline_lists_events_in_order(acme, alice):
    complaint = make_complaint(acme)
    services.add_note(actor=alice.actor, complaint=complaint, body="Called the guest.")
    body = alice.api().get(url(complaint, "timeline")).json()
    assert [(e["kind"], e["body"], e["is_customer_visible"], e["actor_label"]) for e in body["items"]] == [
        ("received", "The room was not cleaned.", True, "complainant"), ("status_changed", "", True, "system"),
        ("note", "Called the guest.", False, "alice@acme.test")]
    assert (body["items"][1]["from_status"], body["items"][1]["to_status"]) == ("received", "acknowledged")


# Intake -----------------------------------------------------------------------------------------

def intake(acme, **overrides) -> dict:
    return {"channel": "letter", "complainant_name": "Jan Kowalski", "complainant_email": "jan@example.com",
            "description": "The room was not cleaned.", "service_id": ServiceFactory(organization=acme).pk,
            "received_at": "2026-02-27T10:00:00Z", "consent_given": True, **overrides}


def test_staff_record_a_complaint_with_its_channel_and_time_of_receipt(acme, bob):
    response = post(bob.api(), "/api/v1/complaints", intake(acme))
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get()
    body = response.json()
    assert (body["id"], body["channel"], body["received_at"], body["status"]) == (
        complaint.pk, "letter", "2026-02-27T10:00:00Z", "acknowledged")
    assert complaint.events.get(kind=EventKind.RECEIVED).actor == bob.user


def test_an_idempotent_retry_returns_the_first_complaint_and_another_body_conflicts(acme, bob):
    client = bob.api()
    body = intake(acme)
    first = post(client, "/api/v1/complaints", body, **{"Idempotency-Key": "order-42"})
    replay = post(client, "/api/v1/complaints", body, **{"Idempotency-Key": "order-42"})
    assert (first.status_code, replay.status_code) == (201, 200)
    assert replay.json() == first.json()
    conflict = post(client, "/api/v1/complaints", {**body, "description": "Other."}, **{"Idempotency-Key": "order-42"})
    assert conflict.status_code == 409
    assert conflict.json() == {"detail": "This Idempotency-Key was already used for a different request.",
                               "code": "idempotency_conflict"}
    assert Complaint.objects.count() == 1
    assert Complaint.objects.get().idempotency_scope == "api"


def test_without_a_key_each_request_is_a_new_complaint(acme, bob):
    client = bob.api()
    body = intake(acme)
    assert [post(client, "/api/v1/complaints", body).status_code for _ in range(2)] == [201, 201]
    assert Complaint.objects.count() == 2


@pytest.mark.parametrize(("field", "value"), [
    ("description", "x" * 10_001), ("complainant_name", "x" * 201), ("remedy_sought", "x" * 10_001),
    ("representative_name", "x" * 201), ("description", ""), ("channel", "pigeon"),
    ("received_at", "2026-02-27T10:00:00"), ("received_at", "2026-03-02T09:31:00Z"),
    ("complainant_email", "not-an-email"),
])
def test_a_bad_field_is_a_422_naming_it_and_nothing_is_created(acme, bob, field, value):
    body = intake(acme, **{field: value})
    client = warm(bob.api())
    before = database_state()
    response = post(client, "/api/v1/complaints", body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == [field]
    assert database_state() == before


@pytest.mark.parametrize("persona", ["carol", "dave"])
def test_roles_without_handling_cannot_record_complaints(request, acme, persona):
    client = warm(request.getfixturevalue(persona).api())
    body = intake(acme)
    before = database_state()
    response = post(client, "/api/v1/complaints", body)
    assert (response.status_code, response.json()) == (403, PERMISSION_DENIED)
    assert database_state() == before


# Actions ----------------------------------------------------------------------------------------

@pytest.fixture
def remedy(acme):
    return Remedy.objects.create(organization=acme, name="Refund", default_cost=Decimal("50"),
                                 approval_limit=Decimal("100"))


def test_a_handler_takes_a_complaint_through_every_step(acme, alice, bob, remedy):
    complaint = make_complaint(acme, complainant_email="")
    category = ComplaintCategory.objects.create(organization=acme, name="Cleanliness")
    client = bob.api()
    steps = [
        ("acknowledge", {"note": "Called back."}, 200, "acknowledged"),
        ("assess", {"category_id": category.pk, "severity": "high", "priority": "urgent", "safety_impact": 2},
         200, "assessed"),
        ("assign", {"assignee_id": bob.user.pk}, 200, "assessed"),
        ("status", {"status": "investigating", "note": ""}, 200, "investigating"),
        ("notes", {"body": "Housekeeping missed room 12."}, 201, None),
        ("messages", {"body": "We are checking with housekeeping."}, 201, None),
        ("request-information", {"body": "Which day was it?"}, 200, "awaiting_customer"),
        ("status", {"status": "investigating"}, 200, "investigating"),
        ("propose", {"remedy_id": remedy.pk, "cost": "150.00", "outcome": "upheld",
                     "decision_text": "We refund the night."}, 200, "response_proposed"),
    ]
    for action, body, status, expected in steps:
        response = post(client, url(complaint, action), body)
        assert response.status_code == status, (action, response.content)
        if expected:
            assert response.json()["status"] == expected, action
    refused = post(client, url(complaint, "decide"))
    assert (refused.status_code, refused.json()["code"]) == (409, "approval_required")
    assert post(bob.api(), url(complaint, "approve")).status_code == 403
    assert post(alice.api(), url(complaint, "approve")).json()["remedy_approved_at"] == "2026-03-02T09:30:00Z"
    assert post(client, url(complaint, "decide")).json()["status"] == "decision_communicated"
    assert post(client, url(complaint, "close"), {"reason": "Refund paid."}).json()["status"] == "closed"
    assert post(client, url(complaint, "reopen"), {"reason": "Refund bounced."}).json()["status"] == "reopened"
    complaint.refresh_from_db()
    assert (complaint.category, complaint.severity, complaint.safety_impact, complaint.assignee, complaint.remedy_cost,
            complaint.reopen_count) == (category, "high", 2, bob.user, Decimal("150.00"), 1)


def test_refer_and_duplicate_of(acme, bob):
    original, repeat = make_complaint(acme), make_complaint(acme)
    services.assess_complaint(actor=bob.actor, complaint=repeat)
    client = bob.api()
    assert post(client, url(repeat, "duplicate-of"), {"original_id": original.pk}).json()["duplicate_of_id"] == original.pk
    referred = post(client, url(repeat, "refer"), {"body": "To the ombudsman."}).json()
    assert (referred["status"], referred["legal_hold"]) == ("referred", True)


def test_references_must_be_the_organisations(acme, globex, bob, charlie):
    complaint = make_complaint(acme)
    foreign = make_complaint(globex)
    foreign_category = ComplaintCategory.objects.create(organization=globex, name="Billing")
    client = warm(bob.api())
    before = database_state()
    for action, body, field in (("duplicate-of", {"original_id": foreign.pk}, "original_id"),
                                ("assess", {"category_id": foreign_category.pk}, "category_id"),
                                ("assign", {"assignee_id": charlie.user.pk}, "assignee_id")):
        response = post(client, url(complaint, action), body)
        assert response.status_code == 422, action
        assert response.json()["detail"] == [{"field": field, "message": "No such object in this organisation."}]
    assert database_state() == before


ACTIONS = [
    ("acknowledge", {}), ("assess", {"severity": "low"}), ("status", {"status": "investigating"}),
    ("assign", {"assignee_id": None}), ("notes", {"body": "x"}), ("messages", {"body": "x"}),
    ("request-information", {"body": "x"}), ("propose", {"outcome": "upheld", "decision_text": "x"}),
    ("approve", {}), ("decide", {}), ("close", {"reason": "x"}), ("reopen", {"reason": "x"}),
    ("refer", {"body": "x"}), ("duplicate-of", {"original_id": 1}),
]
IDS = [a for a, _ in ACTIONS]


@pytest.mark.parametrize("persona", ["carol", "dave"])
@pytest.mark.parametrize(("action", "body"), ACTIONS, ids=IDS)
def test_roles_without_handling_get_403_on_actions_and_nothing_changes(request, acme, persona, action, body):
    complaint = make_complaint(acme)
    if action == "duplicate-of":
        body = {"original_id": make_complaint(acme).pk}
    client = warm(request.getfixturevalue(persona).api())
    before = database_state()
    response = post(client, url(complaint, action), body)
    assert (response.status_code, response.json()) == (403, PERMISSION_DENIED)
    assert database_state() == before


CHANGES = [(a, b) for a, b in ACTIONS if a not in {"notes", "reopen"}]


@pytest.mark.parametrize(("action", "body"), CHANGES, ids=[a for a, _ in CHANGES])
def test_a_closed_complaint_is_not_changed_without_reopening(acme, alice, action, body):
    complaint = make_complaint(acme)
    if action == "duplicate-of":
        body = {"original_id": make_complaint(acme).pk}
    services.close_complaint(actor=alice.actor, complaint=complaint, reason="Withdrawn.")
    client = warm(alice.api())
    before = database_state()
    response = post(client, url(complaint, action), body)
    assert response.status_code == 409, response.content
    assert database_state() == before


def test_a_note_may_still_be_added_to_a_closed_complaint(acme, alice):
    complaint = make_complaint(acme)
    services.close_complaint(actor=alice.actor, complaint=complaint, reason="Withdrawn.")
    assert post(alice.api(), url(complaint, "notes"), {"body": "Refund confirmed."}).status_code == 201


# Isolation --------------------------------------------------------------------------------------

READS = ["", "timeline"]


@pytest.mark.parametrize(("action", "body"), [("", None), ("timeline", None), *ACTIONS], ids=["get", "timeline", *IDS])
def test_charlie_gets_404_on_acme_complaints_for_every_endpoint_and_nothing_changes(acme, globex, charlie,
                                                                                     action, body):
    complaint = make_complaint(acme)
    client = warm(charlie.api())
    before = database_state()
    if action in READS:
        response = client.get(url(complaint, action))
    else:
        response = post(client, url(complaint, action), body)
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert database_state() == before
