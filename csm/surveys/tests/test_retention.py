"""Retention and erasure of survey personal data: words and links go, numbers stay."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from csm.complaints.models import Notification
from csm.complaints.privacy import anonymise_complaint
from csm.core import clock
from csm.core.errors import NotFound, PermissionDenied
from csm.core.models import AuditEvent
from csm.surveys import invitation_tokens
from csm.surveys.models import Answer, Contact, Invitation, Response
from csm.surveys.services.closure import invite_closed_complaints
from csm.surveys.services.distribution import ContactData, ServiceEvent, email_digest, record_service_event
from csm.surveys.services.responding import Submission, submit_response
from csm.surveys.services.retention import erase_contact, free_text_keys, retention_sweep
from csm.surveys.services.sending import send_survey_invitations
from csm.surveys.tests.factories import (
    closed_complaint,
    closure_survey,
    full_answers,
    new_key,
    published_survey,
)

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 5, 4, 8, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _frozen():
    with clock.frozen(T0):
        yield


def answered(persona, survey, email: str, **overrides) -> Response:
    """A complete response by invitation, as `email`."""
    event = ServiceEvent(event_ref=email, occurred_at=clock.now(), customer=ContactData(email=email, name="Guest"))
    invitation = record_service_event(actor=persona.actor, survey=survey, event=event).invitation
    token = invitation_tokens.current_token(invitation)
    submission = Submission(full_answers(contact_me=1, **{"contact_me.name": "Jan", "contact_me.phone": "+48 1"},
                                         **overrides), new_key(), complete=True, channel="invitation",
                            invitation_token=token)
    return submit_response(survey=survey, submission=submission).response


def answers_of(response: Response) -> dict[str, tuple[float | None, str]]:
    return {key: (number, text) for key, number, text in
            Answer.objects.filter(response=response).values_list("key", "number", "text")}


def test_free_text_keys_are_text_questions_and_contact_details(alice):
    content = published_survey(alice).current_version.content
    assert free_text_keys(content) == {"why_low", "comment", "contact_me.name", "contact_me.email", "contact_me.phone"}


def test_old_responses_lose_their_words_and_links_but_keep_their_numbers(alice):
    survey = published_survey(alice, retention_days=30)
    old = answered(alice, survey, "old@example.com", comment="Room 12 smelled, ask Jan")
    with clock.frozen(T0 + 20 * DAY):
        recent = answered(alice, survey, "new@example.com")
    retention_sweep(now=T0 + 31 * DAY)
    old.refresh_from_db()
    assert (old.contact_id, old.invitation_id, old.erased_at) == (None, None, T0 + 31 * DAY)
    words = answers_of(old)
    assert words["comment"] == (None, "") and words["contact_me.name"] == (None, "")
    assert words["overall"] == (4.0, "") and words["purpose"] == (None, "business") and words["nps"] == (9.0, "")
    recent.refresh_from_db()
    assert recent.erased_at is None and answers_of(recent)["comment"] == (None, "Lovely stay")
    event = AuditEvent.objects.get(action="responses_erased")
    assert event.changes["responses"] == [None, [old.pk]]


def test_contacts_with_no_recent_invitation_are_erased(alice):
    survey = published_survey(alice, retention_days=30)
    answered(alice, survey, "old@example.com")
    with clock.frozen(T0 + 20 * DAY):
        answered(alice, survey, "new@example.com")
    retention_sweep(now=T0 + 31 * DAY)
    old = Contact.objects.get(invitations__event_ref="old@example.com")
    assert (old.email, old.name, old.erased_at) == ("", "", T0 + 31 * DAY)
    assert Contact.objects.get(invitations__event_ref="new@example.com").email == "new@example.com"
    assert AuditEvent.objects.get(action="erased").object_repr == f"contact #{old.pk}"


def test_the_sweep_erases_nothing_twice(alice):
    survey = published_survey(alice, retention_days=30)
    answered(alice, survey, "old@example.com")
    assert retention_sweep(now=T0 + 31 * DAY) == 2  # one response, one contact
    assert retention_sweep(now=T0 + 32 * DAY) == 0


def test_a_person_who_asks_is_erased_with_their_answers_words_and_mails(alice):
    survey = published_survey(alice, event_delay_minutes=0)
    response = answered(alice, survey, "jan@example.com", comment="I am Jan Kowalski")
    contact = response.contact
    Contact.objects.filter(pk=contact.pk).update(opted_out_at=T0)
    Invitation.objects.filter(contact=contact).update(spent_at=None)
    send_survey_invitations.call()  # nothing: opted out
    Notification.objects.create(organization=alice.organization, template="survey_invitation", to="jan@example.com",
                                subject="s", body="b", message_id="<m1@x>")
    erased = erase_contact(actor=alice.actor, contact=contact)
    assert (erased.email, erased.name, erased.opt_out_digest) == ("", "", email_digest("jan@example.com"))
    assert answers_of(response)["comment"] == (None, "") and not Notification.objects.exists()
    response.refresh_from_db()
    assert response.contact_id is None and response.erased_at == T0
    event = AuditEvent.objects.get(action="erased")
    assert "jan" not in event.object_repr and event.changes["responses"] == [None, [response.pk]]
    assert mail.outbox == []


def test_only_survey_managers_of_the_organisation_erase_contacts(alice, bob, charlie):
    survey = published_survey(alice)
    contact = answered(alice, survey, "jan@example.com").contact
    with pytest.raises(PermissionDenied):
        erase_contact(actor=bob.actor, contact=contact)
    with pytest.raises(NotFound):
        erase_contact(actor=charlie.actor, contact=contact)
    assert Contact.objects.get(pk=contact.pk).email == "jan@example.com"


def test_a_complainant_anonymised_by_the_complaints_app_is_erased_here_too(alice):
    closure_survey(alice)
    complaint = closed_complaint(alice.organization, closed_at=T0 + DAY)
    invite_closed_complaints(now=T0 + 2 * DAY)
    contact = Invitation.objects.get(complaint=complaint).contact
    retention_sweep(now=T0 + 3 * DAY)
    assert Contact.objects.get(pk=contact.pk).erased_at is None
    anonymise_complaint(complaint=complaint, reason="Asked to be forgotten.")
    retention_sweep(now=T0 + 3 * DAY)
    contact.refresh_from_db()
    assert (contact.email, contact.erased_at) == ("", T0 + 3 * DAY)
