"""The send sweep: due invitations, reminders, who is never mailed, and links that survive a
rotated SECRET_KEY."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.core import mail

from csm.core import clock
from csm.surveys import invitation_tokens
from csm.surveys.models import Contact, Invitation, SurveyStatus
from csm.surveys.selectors import invitation_by_token
from csm.surveys.services.distribution import ContactData, ServiceEvent, record_service_event
from csm.surveys.services.sending import mail_language, send_survey_invitations
from csm.surveys.tests.factories import published_survey

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 5, 4, 8, 0, tzinfo=dt.UTC)
LINK = re.compile(r"/s/i/([A-Za-z0-9_-]+)/")
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _frozen():
    with clock.frozen(T0):
        yield


def invite(persona, survey, ref="stay-1", email="guest@example.com", language="en", minutes_ago=120) -> Invitation:
    event = ServiceEvent(event_ref=ref, occurred_at=clock.now() - dt.timedelta(minutes=minutes_ago),
                         customer=ContactData(email=email, name="Guest", language=language))
    return record_service_event(actor=persona.actor, survey=survey, event=event).invitation


def sweep_at(moment: dt.datetime) -> int:
    with clock.frozen(moment):
        return send_survey_invitations.call()


def fresh(invitation: Invitation) -> Invitation:
    return Invitation.objects.get(pk=invitation.pk)


def test_an_invitation_is_mailed_when_its_time_comes_and_only_once(alice):
    survey = published_survey(alice, event_delay_minutes=60)
    invitation = invite(alice, survey, minutes_ago=30)
    assert sweep_at(T0) == 0 and mail.outbox == []
    assert sweep_at(T0 + dt.timedelta(minutes=30)) == 1
    assert sweep_at(T0 + dt.timedelta(minutes=31)) == 0
    assert len(mail.outbox) == 1 and fresh(invitation).sent_at == T0 + dt.timedelta(minutes=30)
    token = LINK.search(mail.outbox[0].body).group(1)
    assert invitation_by_token(token=token).pk == invitation.pk


@pytest.mark.parametrize("block", ["opted_out", "erased", "closed", "started", "no_address"])
def test_nobody_is_mailed_who_opted_out_was_erased_started_or_cannot_be_reached(alice, block):
    survey = published_survey(alice, event_delay_minutes=0)
    invitation = invite(alice, survey)
    contact = invitation.contact
    if block == "opted_out":
        Contact.objects.filter(pk=contact.pk).update(opted_out_at=T0)
    elif block == "erased":
        Contact.objects.filter(pk=contact.pk).update(erased_at=T0)
    elif block == "no_address":
        Contact.objects.filter(pk=contact.pk).update(email="")
    elif block == "closed":
        survey.status = SurveyStatus.CLOSED
        survey.save()
    else:
        Invitation.objects.filter(pk=invitation.pk).update(started_at=T0)
    assert sweep_at(T0) == 0 and mail.outbox == [] and fresh(invitation).sent_at is None


def test_reminders_follow_after_the_surveys_days_up_to_its_maximum(alice):
    survey = published_survey(alice, event_delay_minutes=0, reminder_days=3, max_reminders=2)
    invitation = invite(alice, survey)
    sweep_at(T0)
    assert sweep_at(T0 + 2 * DAY) == 0
    assert sweep_at(T0 + 3 * DAY) == 1
    assert sweep_at(T0 + 5 * DAY) == 0
    assert sweep_at(T0 + 6 * DAY) == 1
    assert sweep_at(T0 + 30 * DAY) == 0
    assert [m.subject for m in mail.outbox] == ["How was your experience?", "Reminder: How was your experience?",
                                                "Reminder: How was your experience?"]
    assert (fresh(invitation).reminders_sent, fresh(invitation).last_sent_at) == (2, T0 + 6 * DAY)
    # Every mail carries the same working link.
    assert len({LINK.search(m.body).group(1) for m in mail.outbox}) == 1


@pytest.mark.parametrize("stop", ["spent", "opted_out", "no_reminders"])
def test_no_reminder_once_answered_opted_out_or_switched_off(alice, stop):
    survey = published_survey(alice, event_delay_minutes=0, reminder_days=0 if stop == "no_reminders" else 3)
    invitation = invite(alice, survey)
    sweep_at(T0)
    if stop == "spent":
        Invitation.objects.filter(pk=invitation.pk).update(spent_at=T0 + DAY)
    elif stop == "opted_out":
        Contact.objects.filter(pk=invitation.contact_id).update(opted_out_at=T0 + DAY)
    assert sweep_at(T0 + 10 * DAY) == 0 and len(mail.outbox) == 1


def test_a_reminder_after_the_secret_key_changed_carries_a_new_working_link(alice, settings):
    survey = published_survey(alice, event_delay_minutes=0, reminder_days=3)
    invitation = invite(alice, survey)
    sweep_at(T0)
    old_token = LINK.search(mail.outbox[0].body).group(1)
    settings.SECRET_KEY = "rotated-" + "k" * 50
    assert invitation_tokens.current_token(fresh(invitation)) is None
    sweep_at(T0 + 3 * DAY)
    new_token = LINK.search(mail.outbox[1].body).group(1)
    assert new_token != old_token
    assert fresh(invitation).token_digest == hashlib.sha256(new_token.encode()).hexdigest()


def test_the_mail_is_in_the_contacts_language_when_the_survey_has_it():
    content = {"languages": ["pl", "en"]}
    assert [mail_language(language, content) for language in ("en", "zh-hans", "PL", "")] == ["en", "pl", "pl", "pl"]


def test_the_mail_names_the_organisation_and_offers_the_opt_out(alice):
    survey = published_survey(alice, event_delay_minutes=0, retention_days=365)
    invite(alice, survey, language="pl")
    sweep_at(T0)
    message = mail.outbox[0]
    assert message.subject == "Jak oceniasz naszą obsługę?"
    assert "Acme Hotels" in message.body and "365" in message.body and "/s/o/" in message.body
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
