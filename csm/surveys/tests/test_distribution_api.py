"""POST /api/v1/service-events and GET /api/v1/surveys/{id}/distribution."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from csm.accounts.models import Unit
from csm.catalogue.tests.factories import ServiceFactory, TouchPointFactory
from csm.core import clock
from csm.surveys.models import Contact, Invitation
from csm.surveys.services.responding import Submission, submit_response
from csm.surveys.services.sending import send_survey_invitations
from csm.surveys.tests.factories import full_answers, new_key, published_survey

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 5, 4, 8, 0, tzinfo=dt.UTC)
URL = "/api/v1/service-events"


@pytest.fixture(autouse=True)
def _frozen():
    with clock.frozen(T0):
        yield


def post(client, body):
    return client.post(URL, json.dumps(body), content_type="application/json")


def body(survey, **changes):
    return {"survey_id": survey.pk, "event_ref": "checkout-881", "occurred_at": "2026-05-04T09:30:00+02:00",
            "customer": {"email": "guest@example.com", "name": "Ewa", "language": "pl", "segment": "vip"}, **changes}


def test_a_service_event_creates_one_invitation_and_a_retry_returns_it(alice):
    survey = published_survey(alice, event_delay_minutes=90)
    touch_point = TouchPointFactory(service__organization=alice.organization)
    client = alice.api()
    first = post(client, body(survey, touch_point_id=touch_point.pk, service_id=touch_point.service_id))
    again = post(client, body(survey, touch_point_id=touch_point.pk, service_id=touch_point.service_id))
    assert (first.status_code, again.status_code) == (201, 200)
    data = first.json()
    assert data == {**again.json()} and Invitation.objects.count() == 1
    invitation = Invitation.objects.get()
    assert data == {"id": invitation.pk, "survey_id": survey.pk, "contact_id": invitation.contact_id,
                    "source": "service_event", "event_ref": "checkout-881", "unit_id": None,
                    "touch_point_id": touch_point.pk, "service_id": touch_point.service_id,
                    "send_after": "2026-05-04T09:00:00Z", "sent_at": None, "status": "queued"}
    contact = Contact.objects.get()
    assert (contact.email, contact.name, contact.language, contact.segment) == ("guest@example.com", "Ewa", "pl", "vip")


@pytest.mark.parametrize("field", ["survey_id", "touch_point_id", "service_id", "unit_id"])
def test_charlie_cannot_point_an_event_at_alices_records(alice, charlie, field):
    survey = published_survey(alice)
    foreign = {
        "survey_id": lambda: published_survey(charlie).pk,
        "touch_point_id": lambda: TouchPointFactory(service__organization=charlie.organization).pk,
        "service_id": lambda: ServiceFactory(organization=charlie.organization).pk,
        "unit_id": lambda: Unit.objects.create(organization=charlie.organization, kind="site", name="HQ").pk,
    }[field]()
    response = post(alice.api(), body(survey, **{field: foreign}))
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": field, "message": "No such object in this organisation."}]
    assert not Invitation.objects.exists() and not Contact.objects.exists()


@pytest.mark.parametrize(("changes", "field"), [
    ({"event_ref": ""}, "event_ref"),
    ({"customer": {"email": "nobody"}}, "customer.email"),
    ({"occurred_at": "2026-05-09T09:30:00+02:00"}, "occurred_at"),
    ({"occurred_at": "2026-05-04T09:30:00"}, "occurred_at"),
])
def test_a_bad_event_is_a_422_and_writes_nothing(alice, changes, field):
    survey = published_survey(alice)
    response = post(alice.api(), body(survey, **changes))
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == field
    assert not Invitation.objects.exists()


def test_a_handler_may_not_post_service_events(alice, bob):
    survey = published_survey(alice)
    assert post(bob.api(), body(survey)).status_code == 403
    assert not Invitation.objects.exists()


def test_an_event_for_a_closed_survey_is_a_409(alice):
    survey = published_survey(alice)
    survey.status = "closed"
    survey.save()
    response = post(alice.api(), body(survey))
    assert response.status_code == 409 and response.json()["code"] == "survey_not_open"


def test_the_distribution_counts_are_live(alice, bob):
    survey = published_survey(alice, event_delay_minutes=0)
    client = alice.api()
    for n in range(3):
        post(client, body(survey, event_ref=f"e{n}", customer={"email": f"g{n}@example.com"}))
    send_survey_invitations.call()
    Contact.objects.filter(email="g2@example.com").update(opted_out_at=T0)
    submit_response(survey=survey, submission=Submission(full_answers(), new_key(), complete=True))
    response = bob.api().get(f"/api/v1/surveys/{survey.pk}/distribution")
    assert response.status_code == 200
    assert response.json() == {"survey_id": survey.pk, "invited": 3, "sent": 3, "reminded": 0, "started": 0,
                               "completed": 0, "opted_out": 1, "responses": 1, "response_rate": 0.0,
                               "margin_of_error": pytest.approx(0.979982, abs=1e-6), "confidence": 0.95}


def test_charlie_sees_nothing_of_alices_distribution(alice, charlie):
    survey = published_survey(alice)
    assert charlie.api().get(f"/api/v1/surveys/{survey.pk}/distribution").status_code == 404
