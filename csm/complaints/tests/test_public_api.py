"""The public complaint API: /api/v1/public/{org_slug}/complaints, no authentication."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from config.tests.endpoints import NOT_FOUND, database_state
from csm.catalogue.tests.factories import ServiceFactory, TouchPointFactory
from csm.complaints import services
from csm.complaints.config_selectors import get_settings
from csm.complaints.models import Complaint, Notification, SlaPolicy
from csm.complaints.services.intake import complete_intake
from csm.complaints.tracking import tracking_token
from csm.core import clock
from csm.core.tests.factories import office_calendar

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
SEND = "/api/v1/public/acme/complaints"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with clock.frozen(NOW):
        yield


@pytest.fixture(autouse=True)
def _acme_settings(acme):
    """Created on first use; made up front so "nothing changed" compares like with like."""
    return get_settings(organization_id=acme.pk)


@pytest.fixture
def policy(acme):
    return SlaPolicy.objects.create(organization=acme, name="Standard", calendar=office_calendar(acme),
                                    acknowledge_target="16h", respond_target="5wd", resolve_target="15d")


def body(**overrides) -> dict:
    return {"complainant_name": "Jan Kowalski", "complainant_email": "jan@example.com",
            "description": "The room was not cleaned.", "consent_given": True, **overrides}


def post(path: str, data: dict, client: Client | None = None, **headers):
    client = client or Client(enforce_csrf_checks=True)
    return client.post(path, json.dumps(data), content_type="application/json", headers=headers)


def read(complaint: Complaint, token: str | None = None, org: str = "acme"):
    token = tracking_token(complaint.tracking_secret) if token is None else token
    return Client().get(f"/api/v1/public/{org}/complaints/{complaint.reference}?token={token}")


# Sending ----------------------------------------------------------------------------------------

def test_anyone_can_send_a_complaint_without_authentication(acme, policy, settings):
    settings.CSM_BASE_URL = "https://csm.example"
    service = ServiceFactory(organization=acme)
    point = TouchPointFactory(service=service)
    response = post(SEND, body(service_id=service.pk, touch_point_id=point.pk, language="pl"))
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get()
    token = tracking_token(complaint.tracking_secret)
    # The request writes the row; the worker (run at once by the test settings) does the rest.
    assert response.json() == {
        "reference": complaint.reference,
        "tracking_url": f"https://csm.example/c/acme/track/{complaint.reference}/{token}/",
        "status": "received", "status_label": "We have received your complaint",
        "acknowledge_due_at": None, "respond_due_at": None, "resolve_due_at": None,
    }
    tracked = read(complaint).json()
    assert (tracked["status"], tracked["status_label"]) == ("acknowledged", "We are looking into your complaint")
    assert (tracked["acknowledge_due_at"], tracked["respond_due_at"], tracked["resolve_due_at"]) == (
        "2026-03-04T12:30:00Z", "2026-03-09T16:00:00Z", "2026-03-17T23:00:00Z")
    assert complaint.intake_pending is False
    assert (complaint.channel, complaint.service, complaint.touch_point, complaint.language, complaint.consent_given) == (
        "web", service, point, "pl", True)


def test_the_tracking_url_opens_the_tracking_page(acme):
    response = post(SEND, body())
    path = response.json()["tracking_url"].removeprefix("http://127.0.0.1:8000")
    assert Client().get(path).status_code == 200


def test_an_idempotent_retry_returns_the_first_complaint_and_another_body_conflicts(acme):
    first = post(SEND, body(), **{"Idempotency-Key": "k-1"})
    replay = post(SEND, body(), **{"Idempotency-Key": "k-1"})
    assert (first.status_code, replay.status_code) == (201, 200)
    assert (replay.json()["reference"], replay.json()["tracking_url"]) == (
        first.json()["reference"], first.json()["tracking_url"])
    assert replay.json()["status"] == "acknowledged"  # where the complaint is now
    conflict = post(SEND, body(description="Another story."), **{"Idempotency-Key": "k-1"})
    assert (conflict.status_code, conflict.json()["code"]) == (409, "idempotency_conflict")
    assert Complaint.objects.count() == 1
    assert list(Complaint.objects.values_list("idempotency_scope", "idempotency_key")) == [("public", "k-1")]


def test_the_same_key_in_another_organisation_is_another_complaint(acme, globex):
    post(SEND, body(), **{"Idempotency-Key": "k-1"})
    assert post("/api/v1/public/globex/complaints", body(), **{"Idempotency-Key": "k-1"}).status_code == 201
    assert Complaint.objects.count() == 2


def test_the_rate_limit_per_ip_is_a_429_and_nothing_is_saved(acme, settings):
    settings.CSM_INTAKE_PER_IP_PER_HOUR = 2
    client = Client(REMOTE_ADDR="10.0.0.9")
    for n in range(2):
        assert post(SEND, body(complainant_email=f"p{n}@example.com"), client).status_code == 201
    before = database_state()
    response = post(SEND, body(complainant_email="p9@example.com"), client)
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert database_state() == before


def test_the_rate_limit_per_email_is_a_429_and_nothing_is_saved(acme, settings):
    settings.CSM_INTAKE_PER_EMAIL_PER_DAY = 1
    assert post(SEND, body(), Client(REMOTE_ADDR="10.0.0.1")).status_code == 201
    before = database_state()
    response = post(SEND, body(complainant_email="JAN@example.com"), Client(REMOTE_ADDR="10.0.0.2"))
    assert (response.status_code, response.json()["code"]) == (429, "rate_limited")
    assert database_state() == before


@pytest.mark.parametrize(("overrides", "field"), [
    ({"consent_given": False}, "consent_given"), ({"description": "x" * 10_001}, "description"),
    ({"complainant_name": "x" * 201}, "complainant_name"), ({"complainant_email": "nope"}, "complainant_email"),
    ({"language": "de"}, "language"), ({"channel_x": 1, "description": ""}, "description"),
])
def test_a_bad_field_is_a_422_naming_it_and_nothing_is_saved(acme, overrides, field):
    before = database_state()
    response = post(SEND, body(**overrides))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == [field]
    assert database_state() == before


def test_a_service_must_be_an_active_one_of_the_organisation(acme, globex):
    foreign = ServiceFactory(organization=globex)
    retired = ServiceFactory(organization=acme, is_active=False)
    before = database_state()
    for service in (foreign, retired):
        response = post(SEND, body(service_id=service.pk))
        assert response.json()["detail"] == [{"field": "service_id", "message": "No such object in this organisation."}]
    assert database_state() == before


def test_an_unknown_organisation_or_a_closed_form_is_404(acme):
    assert (post("/api/v1/public/nope/complaints", body()).json()) == NOT_FOUND
    settings = get_settings(organization_id=acme.pk)
    settings.public_intake_enabled = False
    settings.save()
    response = post(SEND, body())
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert Complaint.objects.count() == 0


# Reading ----------------------------------------------------------------------------------------

def test_the_complainant_reads_status_dates_and_visible_history_only(acme, alice, policy):
    post(SEND, body(complainant_phone="+48 600 000 000", representative_name="Anna Nowak"))
    complaint = Complaint.objects.get()
    services.add_note(actor=alice.actor, complaint=complaint, body="Internal: VIP guest.")
    services.send_message(actor=alice.actor, complaint=complaint, body="We are checking.")
    response = read(complaint)
    assert (response.status_code, response["Cache-Control"]) == (200, "no-store")
    data = response.json()
    assert (data["reference"], data["status"], data["received_at"], data["respond_due_at"], data["decision"],
            data["decision_waiting"], data["rated"]) == (
        complaint.reference, "acknowledged", "2026-03-02T09:30:00Z", "2026-03-09T16:00:00Z", "", False, False)
    assert [(e["kind"], e["by"], e["body"]) for e in data["timeline"]] == [
        ("received", "you", "The room was not cleaned."), ("status_changed", "organisation", ""),
        ("message_out", "organisation", "We are checking.")]
    text = response.content.decode()
    for private in ("Jan Kowalski", "jan@example.com", "+48 600 000 000", "Anna Nowak", "Internal", "alice@"):
        assert private not in text


def test_the_decision_shows_once_communicated(acme, alice):
    post(SEND, body())
    complaint = Complaint.objects.get()
    services.assess_complaint(actor=alice.actor, complaint=complaint)
    services.propose_response(actor=alice.actor, complaint=complaint, remedy=None, cost=None, outcome="upheld",
                              decision_text="We refund one night.")
    assert read(complaint).json()["decision"] == ""
    services.communicate_decision(actor=alice.actor, complaint=complaint)
    data = read(complaint).json()
    assert (data["decision"], data["decision_waiting"], data["status"]) == (
        "We refund one night.", True, "decision_communicated")


def test_a_wrong_token_reference_or_organisation_is_404(acme, globex):
    post(SEND, body())
    complaint = Complaint.objects.get()
    token = tracking_token(complaint.tracking_secret)
    for response in (read(complaint, token="0" * 40), read(complaint, org="globex"),
                     Client().get(f"/api/v1/public/acme/complaints/C-2026-999999?token={token}")):
        assert (response.status_code, response.json()) == (404, NOT_FOUND)


@pytest.mark.parametrize("token", ["", "ż" * 40, "A" * 40, "0" * 65])
def test_a_malformed_token_is_a_422_on_the_token(acme, token):
    post(SEND, body())
    response = read(Complaint.objects.get(), token=token)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["token"]


def test_charlie_cannot_read_an_acme_complaint_with_his_api_token(acme, charlie):
    post(SEND, body())
    complaint = Complaint.objects.get()
    client = charlie.api()
    for path in (f"/api/v1/public/acme/complaints/{complaint.reference}?token={'0' * 40}",
                 f"/api/v1/public/globex/complaints/{complaint.reference}?token="
                 f"{tracking_token(complaint.tracking_secret)}"):
        response = client.get(path)
        assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_the_public_operations_need_no_authentication_in_the_schema(acme):
    schema = Client().get("/api/v1/openapi.json").json()
    for method, path in (("post", "/api/v1/public/{org_slug}/complaints"),
                         ("get", "/api/v1/public/{org_slug}/complaints/{reference}")):
        operation = schema["paths"][path][method]
        assert "security" not in operation or operation["security"] in ([], [{}])
        assert operation["tags"] == ["public"]


def test_sending_takes_a_fixed_number_of_queries_and_leaves_the_rest_to_the_worker(acme, policy, settings):
    """The request (the organisation already remembered from the first): in one transaction the
    complaint with its Idempotency-Key, its reference and the rate limits (one statement on
    PostgreSQL, three on SQLite); the pending row is the worker's queue, no task is written. The
    worker: the timeline, deadlines, acknowledgement with its sending task, and the audit. Both
    pinned so they cannot creep."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    post(SEND, body(complainant_email="first@example.com"), **{"Idempotency-Key": "first"})
    with CaptureQueriesContext(connection) as queries:
        response = post(SEND, body(), **{"Idempotency-Key": "second"})
    assert response.status_code == 201, response.content
    statements = 1 if connection.vendor == "postgresql" else 3
    assert len(queries.captured_queries) == 2 + statements, "\n".join(q["sql"][:120] for q in queries.captured_queries)
    complaint = Complaint.objects.get(reference=response.json()["reference"])
    assert (complaint.intake_pending, complaint.status, complaint.next_due_at) == (True, "received", None)
    assert not DBTaskResult.objects.filter(task_path__endswith="complete_intake").exists()
    assert complaint.reference == f"C-2026-{complaint.pk:06d}"
    with CaptureQueriesContext(connection) as queries:
        assert complete_intake.call(complaint.pk) is True
    assert len(queries.captured_queries) == 16, "\n".join(q["sql"][:120] for q in queries.captured_queries)
    complaint.refresh_from_db()
    assert (complaint.intake_pending, complaint.status) == (False, "acknowledged")
    assert complaint.next_due_at is not None
    assert Notification.objects.filter(complaint=complaint, template="acknowledgement").count() == 1
    assert complete_intake.call(complaint.pk) is False  # a second run changes nothing
    assert Notification.objects.filter(complaint=complaint, template="acknowledgement").count() == 1
