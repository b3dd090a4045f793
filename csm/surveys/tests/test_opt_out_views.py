"""Opting out by the link in an invitation mail: confirm, done, idempotent, private and rate-limited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from csm.core import clock
from csm.surveys import invitation_tokens
from csm.surveys.models import Contact
from csm.surveys.services.distribution import ContactData, ServiceEvent, record_service_event
from csm.surveys.tests.factories import published_survey

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 5, 4, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with clock.frozen(T0):
        yield


@pytest.fixture
def invitation(alice):
    survey = published_survey(alice)
    return record_service_event(actor=alice.actor, survey=survey, event=ServiceEvent(
        event_ref="e1", occurred_at=T0, customer=ContactData(email="guest@example.com"))).invitation


def opt_out_url(invitation, token: str | None = None) -> str:
    return f"/s/o/{invitation.pk}/{token or invitation_tokens.opt_out_token(invitation.token_salt)}/"


def test_a_guest_confirms_and_gets_no_more_invitations(invitation):
    client = Client(enforce_csrf_checks=True)
    page = client.get(opt_out_url(invitation))
    assert page.status_code == 200 and "Stop survey invitations" in page.content.decode()
    assert "no-store" in page["Cache-Control"] and Contact.objects.get().opted_out_at is None
    done = client.post(opt_out_url(invitation), {"csrfmiddlewaretoken": page.context["csrf_token"]}, follow=True)
    assert "will send you no more survey invitations" in done.content.decode()
    assert Contact.objects.get().opted_out_at == T0


def test_opting_out_twice_changes_nothing(invitation):
    client = Client()
    client.post(opt_out_url(invitation))
    with clock.frozen(T0 + dt.timedelta(days=1)):
        assert client.post(opt_out_url(invitation)).status_code == 302
    assert Contact.objects.get().opted_out_at == T0


@pytest.mark.parametrize("token", ["x" * 32, "the-invitation-token"])
def test_a_wrong_token_is_not_found(invitation, token):
    if token == "the-invitation-token":  # the survey link's token does not opt out
        token = invitation_tokens.invitation_token(invitation.token_salt)
    assert Client().post(opt_out_url(invitation, token)).status_code == 404
    assert Contact.objects.get().opted_out_at is None


def test_too_many_requests_from_one_address_are_refused(invitation, settings):
    settings.CSM_SURVEY_PUBLIC_PER_IP_HOUR = 2
    client = Client()
    assert [client.get(opt_out_url(invitation, "x" * 32)).status_code for _ in range(3)] == [404, 404, 429]
    assert client.post(opt_out_url(invitation)).status_code == 429
    assert Contact.objects.get().opted_out_at is None
