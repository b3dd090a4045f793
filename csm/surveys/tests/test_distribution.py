"""Invitations from contact lists and service events, the contacts they go to, and opting out."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.core import mail

from csm.complaints.models import Notification
from csm.core import clock
from csm.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from csm.core.models import AuditEvent
from csm.surveys.models import Contact, Invitation, InvitationSource, SurveyStatus
from csm.surveys.services.distribution import (
    ContactData,
    ContactListInvalid,
    ServiceEvent,
    email_digest,
    import_contacts,
    opt_out,
    record_service_event,
)
from csm.surveys.tests.factories import contact_list, published_survey

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 5, 4, 8, 0, tzinfo=dt.UTC)
LINK = re.compile(r"http://testserver/s/i/([A-Za-z0-9_-]+)/")


@pytest.fixture(autouse=True)
def _frozen(settings):
    settings.CSM_BASE_URL = "http://testserver"
    with clock.frozen(T0):
        yield


def invited_emails(survey) -> list[str]:
    return sorted(Invitation.objects.filter(survey=survey).values_list("contact__email", flat=True))


# A contact list ------------------------------------------------------------------------------------

def test_it_invites_everyone_on_a_list_and_mails_each_in_their_language(alice):
    survey = published_survey(alice)
    result = import_contacts(actor=alice.actor, survey=survey, content=contact_list(
        "anna@example.com,Anna,en,", "Piotr@Example.com,Piotr,pl,vip", "wang@example.cn,王芳,zh-Hans,"))
    assert (result.invited, result.new_contacts, result.reused_contacts, result.opted_out) == (3, 3, 0, 0)
    assert invited_emails(survey) == ["anna@example.com", "piotr@example.com", "wang@example.cn"]
    assert Contact.objects.get(email="piotr@example.com").segment == "vip"
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {"anna@example.com": "How was your experience?", "piotr@example.com": "Jak oceniasz naszą obsługę?",
                        "wang@example.cn": "您对我们的服务满意吗？"}
    assert all(invitation.sent_at == T0 and invitation.source == InvitationSource.CSV
               for invitation in Invitation.objects.all())


def test_only_the_digest_of_the_mailed_token_is_stored(alice):
    survey = published_survey(alice)
    import_contacts(actor=alice.actor, survey=survey, content=contact_list("anna@example.com,Anna,en,"))
    body = mail.outbox[0].body
    token = LINK.search(body).group(1)
    invitation = Invitation.objects.get()
    assert invitation.token_digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (invitation.token_salt, invitation.token_digest)
    assert "/s/o/" in body and "Dear Anna," in body
    # The stored copy of the sent mail keeps no working link.
    assert token not in Notification.objects.get().body


def test_a_list_with_one_bad_row_imports_nothing(alice):
    survey = published_survey(alice)
    with pytest.raises(ContactListInvalid) as caught:
        import_contacts(actor=alice.actor, survey=survey, content=contact_list("anna@example.com,Anna,en,",
                                                                               "nobody,Bad,en,"))
    assert [(e.row, e.column) for e in caught.value.row_errors] == [(3, "email")]
    assert (Contact.objects.count(), Invitation.objects.count(), len(mail.outbox)) == (0, 0, 0)


def test_known_contacts_are_reused_and_those_who_opted_out_are_not_invited(alice):
    survey = published_survey(alice)
    Contact.objects.create(organization=alice.organization, email="anna@example.com", name="Anna", language="en")
    Contact.objects.create(organization=alice.organization, email="olek@example.com", opted_out_at=T0)
    result = import_contacts(actor=alice.actor, survey=survey, content=contact_list(
        "anna@example.com,Anna Nowak,pl,", "olek@example.com,Olek,pl,", "new@example.com,,,"))
    assert (result.invited, result.new_contacts, result.reused_contacts, result.opted_out) == (2, 1, 2, 1)
    assert invited_emails(survey) == ["anna@example.com", "new@example.com"]
    assert Contact.objects.get(email="anna@example.com").name == "Anna Nowak"
    assert Contact.objects.get(email="new@example.com").language == "pl"  # acme writes Polish by default
    assert sorted(message.to[0] for message in mail.outbox) == ["anna@example.com", "new@example.com"]


def test_importing_a_list_again_invites_only_the_new_people(alice):
    survey = published_survey(alice)
    import_contacts(actor=alice.actor, survey=survey, content=contact_list("anna@example.com,Anna,en,"))
    again = import_contacts(actor=alice.actor, survey=survey, content=contact_list(
        "anna@example.com,Anna,en,", "bea@example.com,Bea,en,"))
    assert (again.invited, again.already_invited) == (1, 1)
    assert Invitation.objects.count() == 2 and len(mail.outbox) == 2


def test_an_erased_contact_who_had_opted_out_is_never_invited_again(alice):
    survey = published_survey(alice)
    Contact.objects.create(organization=alice.organization, erased_at=T0, opted_out_at=T0,
                           opt_out_digest=email_digest("gone@example.com"))
    result = import_contacts(actor=alice.actor, survey=survey, content=contact_list("Gone@example.com,,,"))
    assert (result.invited, result.opted_out) == (0, 1)
    assert Contact.objects.get(email="gone@example.com").opted_out_at == T0


def test_a_closed_survey_invites_nobody(alice):
    survey = published_survey(alice)
    survey.status = SurveyStatus.CLOSED
    survey.save()
    with pytest.raises(Conflict):
        import_contacts(actor=alice.actor, survey=survey, content=contact_list("anna@example.com,,,"))
    assert (Contact.objects.count(), Invitation.objects.count()) == (0, 0)


def test_only_survey_managers_of_the_organisation_import_lists(alice, bob, charlie):
    survey = published_survey(alice)
    with pytest.raises(PermissionDenied):
        import_contacts(actor=bob.actor, survey=survey, content=contact_list("anna@example.com,,,"))
    with pytest.raises(NotFound):
        import_contacts(actor=charlie.actor, survey=survey, content=contact_list("anna@example.com,,,"))
    assert Invitation.objects.count() == 0


def test_an_import_is_audited_with_its_counts(alice):
    survey = published_survey(alice)
    import_contacts(actor=alice.actor, survey=survey, content=contact_list("anna@example.com,,,"))
    event = AuditEvent.objects.get(action="contacts_imported")
    assert event.changes["invited"] == [None, 1] and event.object_id == str(survey.pk)


# Service events ------------------------------------------------------------------------------------------

def event(ref: str = "stay-1", email: str = "guest@example.com", **fields) -> ServiceEvent:
    return ServiceEvent(event_ref=ref, occurred_at=T0 - dt.timedelta(minutes=10),
                        customer=ContactData(email=email, name="Guest", language=fields.pop("language", "")), **fields)


def test_a_service_event_invites_after_the_surveys_delay(alice):
    survey = published_survey(alice, event_delay_minutes=120)
    outcome = record_service_event(actor=alice.actor, survey=survey, event=event())
    invitation = outcome.invitation
    assert outcome.created and invitation.source == InvitationSource.SERVICE_EVENT
    assert invitation.send_after == T0 + dt.timedelta(minutes=110) and invitation.sent_at is None
    assert invitation.contact.email == "guest@example.com" and mail.outbox == []


def test_a_retried_event_returns_the_same_invitation(alice):
    survey = published_survey(alice)
    first = record_service_event(actor=alice.actor, survey=survey, event=event())
    again = record_service_event(actor=alice.actor, survey=survey, event=event(email="GUEST@example.com"))
    assert not again.created and again.invitation.pk == first.invitation.pk
    assert Invitation.objects.count() == 1 and Contact.objects.count() == 1


def test_an_event_reference_used_for_another_customer_is_a_conflict(alice):
    survey = published_survey(alice)
    record_service_event(actor=alice.actor, survey=survey, event=event())
    with pytest.raises(Conflict) as caught:
        record_service_event(actor=alice.actor, survey=survey, event=event(email="other@example.com"))
    assert caught.value.code == "idempotency_conflict" and Invitation.objects.count() == 1


@pytest.mark.parametrize(("changed", "field"), [
    ({"occurred_at": dt.datetime(2026, 5, 4, 8, 0)}, "occurred_at"),
    ({"occurred_at": T0 + dt.timedelta(days=2)}, "occurred_at"),
    ({"customer": ContactData(email="nobody")}, "customer.email"),
    ({"customer": ContactData(email="a@example.com", language="fr")}, "customer.language"),
    ({"event_ref": "  "}, "event_ref"),
])
def test_a_bad_event_is_refused_by_field(alice, changed, field):
    survey = published_survey(alice)
    bad = ServiceEvent(**{**vars(event()), **changed})
    with pytest.raises(InvalidInput) as caught:
        record_service_event(actor=alice.actor, survey=survey, event=bad)
    assert caught.value.detail[0]["field"] == field and Invitation.objects.count() == 0


# Opting out ------------------------------------------------------------------------------------------------

def test_opting_out_is_recorded_once(alice):
    survey = published_survey(alice)
    invitation = record_service_event(actor=alice.actor, survey=survey, event=event()).invitation
    opt_out(invitation=invitation)
    with clock.frozen(T0 + dt.timedelta(days=1)):
        contact = opt_out(invitation=invitation)
    assert contact.opted_out_at == T0
    audit = AuditEvent.objects.filter(action="opted_out")
    assert audit.count() == 1 and "guest" not in audit.get().object_repr
