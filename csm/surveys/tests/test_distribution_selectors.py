"""Distribution reads: what became of an invitation, and the live counts, for anonymous surveys too."""

from __future__ import annotations

import datetime as dt

import pytest

from csm.core import clock
from csm.surveys import invitation_tokens
from csm.surveys.distribution_selectors import distribution_counts, invitation_status
from csm.surveys.models import Contact, Invitation
from csm.surveys.services.distribution import ContactData, ServiceEvent, record_service_event
from csm.surveys.services.responding import Submission, submit_response
from csm.surveys.tests.factories import full_answers, new_key, published_survey

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 5, 4, 8, 0, tzinfo=dt.UTC)


def status_of(**state) -> str:
    contact = Contact(opted_out_at=state.pop("opted_out_at", None))
    return invitation_status(Invitation(contact=contact, **state))


@pytest.mark.parametrize(("state", "status"), [
    ({}, "queued"),
    ({"sent_at": T0}, "sent"),
    ({"sent_at": T0, "reminders_sent": 1}, "reminded"),
    ({"sent_at": T0, "reminders_sent": 1, "opted_out_at": T0}, "opted_out"),
    ({"sent_at": T0, "started_at": T0, "opted_out_at": T0}, "started"),
    ({"sent_at": T0, "started_at": T0, "spent_at": T0, "opted_out_at": T0}, "completed"),
])
def test_an_invitation_shows_the_furthest_step_it_reached(state, status):
    assert status_of(**state) == status


def test_an_anonymous_surveys_invitation_counts_as_completed_though_its_response_is_unlinked(alice):
    survey = published_survey(alice, anonymous=True)
    with clock.frozen(T0):
        invitation = record_service_event(actor=alice.actor, survey=survey, event=ServiceEvent(
            event_ref="e1", occurred_at=T0, customer=ContactData(email="guest@example.com"))).invitation
        token = invitation_tokens.current_token(invitation)
        response = submit_response(survey=survey, submission=Submission(
            full_answers(), new_key(), complete=True, channel="invitation", invitation_token=token)).response
    invitation.refresh_from_db()
    assert response.invitation_id is None and response.contact_id is None
    assert invitation_status(invitation) == "completed"
    counts = distribution_counts(actor=alice.actor, survey=survey)
    assert (counts.invited, counts.completed, counts.responses) == (1, 1, 1)
