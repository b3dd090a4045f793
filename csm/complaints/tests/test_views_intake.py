"""Staff intake: a handler registers a complaint received by phone, letter, in person or e-mail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from csm.catalogue.tests.factories import ServiceFactory, TouchPointFactory
from csm.complaints.forms import IntakeForm
from csm.complaints.models import Complaint, ComplaintEvent
from csm.complaints.tests import test_views_support as support
from csm.complaints.tests.test_views_support import T0, url
from csm.complaints.workflow import Status

pytestmark = pytest.mark.django_db

# Shared fixtures: pytest finds them in this module's namespace.
frozen, policy, viewer = support.frozen, support.policy, support.viewer

KEY = "0f8e9c2a4b6d4e0f9a1b2c3d4e5f6a7b"


def form(**changes) -> dict[str, str]:
    data = {"idempotency_key": KEY, "channel": "phone", "received_at": "2026-03-02T08:30",
            "complainant_name": "Jan Kowalski", "complainant_phone": "+48 600 100 200",
            "preferred_contact": "phone", "language": "pl", "description": "The room was not cleaned."}
    return {**data, **changes}


def test_bob_opens_the_form_with_now_in_the_organisations_timezone(bob, frozen):
    response = bob.browser().get(url("create"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="2026-03-02T10:00"' in page  # 09:00 UTC is 10:00 in Warsaw
    assert 'name="idempotency_key"' in page
    assert '<option value="pl" selected>' in page  # acme's default language


def test_every_field_of_the_form_is_in_a_fieldset(bob):
    form = IntakeForm(actor=bob.actor)
    grouped = [field.name for group in form.fieldsets() for field in group.visible_fields]
    assert sorted(grouped) == sorted(field.name for field in form.visible_fields())
    assert len(grouped) == len(set(grouped))


@pytest.mark.parametrize("persona", ["carol", "viewer"])
def test_roles_that_do_not_handle_complaints_get_403(request, persona, frozen):
    who = request.getfixturevalue(persona)
    user = who if persona == "viewer" else who.user
    client = Client()
    client.force_login(user)
    assert client.get(url("create")).status_code == 403
    assert client.post(url("create"), form()).status_code == 403
    assert Complaint.objects.count() == 0


def test_charlie_gets_404_on_acmes_form(charlie, frozen):
    assert charlie.browser().post(url("create"), form()).status_code == 404
    assert Complaint.objects.count() == 0


def test_it_registers_the_complaint_and_goes_to_its_page(acme, bob, policy, frozen):
    service = ServiceFactory(organization=acme, name="Rooms")
    response = bob.browser().post(url("create"), form(service=service.pk, remedy_sought="A refund",
                                                      consent_given="on"))
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", pk=complaint.pk)
    assert complaint.received_at == dt.datetime(2026, 3, 2, 7, 30, tzinfo=dt.UTC)  # 08:30 in Warsaw
    assert (complaint.channel, complaint.language, complaint.service, complaint.consent_given) == (
        "phone", "pl", service, True)
    assert complaint.status == Status.RECEIVED
    assert complaint.sla_policy == policy
    assert ComplaintEvent.objects.get(complaint=complaint).actor == bob.user
    assert Complaint.objects.get().idempotency_scope == "web-staff"


def test_a_second_submit_of_the_same_form_returns_the_first_complaint(bob, policy, frozen):
    client = bob.browser()
    first = client.post(url("create"), form())
    second = client.post(url("create"), form())
    assert Complaint.objects.count() == 1
    assert first["Location"] == second["Location"] == url("detail", pk=Complaint.objects.get().pk)


def test_it_rejects_a_time_of_receipt_in_the_future(bob, frozen):
    response = bob.browser().post(url("create"), form(received_at="2026-03-02T10:01"))
    assert response.status_code == 422
    assert "The time of receipt cannot be in the future." in response.content.decode()
    assert Complaint.objects.count() == 0


def test_it_rejects_a_touch_point_of_another_organisation(bob, charlie, frozen):
    theirs = TouchPointFactory(service=ServiceFactory(organization=charlie.organization))
    response = bob.browser().post(url("create"), form(touch_point=theirs.pk))
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_it_asks_for_a_name_and_a_description(bob, frozen):
    response = bob.browser().post(url("create"), form(complainant_name="", description=""))
    assert response.status_code == 422
    assert response.content.decode().count("This field is required.") == 2
    assert Complaint.objects.count() == 0


def test_an_e_mail_address_gets_the_complaint_acknowledged_at_once(bob, policy, frozen):
    bob.browser().post(url("create"), form(complainant_email="jan@example.com", preferred_contact="email"))
    complaint = Complaint.objects.get()
    assert complaint.status == Status.ACKNOWLEDGED
    assert complaint.acknowledged_at == T0
