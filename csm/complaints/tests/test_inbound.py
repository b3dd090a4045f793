"""Inbound e-mail: new complaints, replies threaded to their complaint, automatic mail ignored, and
each Message-ID handled once."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage

import pytest

from csm.accounts.roles import Role
from csm.complaints import privacy, services
from csm.complaints.config_selectors import get_settings
from csm.complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    EventKind,
    InboundMail,
    InboundOutcome,
    Notification,
)
from csm.complaints.services import inbound
from csm.complaints.services.inbound import receive_mail
from csm.complaints.tests.factories import ComplaintFactory, member
from csm.complaints.workflow import Status
from csm.core import clock

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def mail(body="The shower in room 12 was broken for three days.", *, sender="Jan Kowalski <jan@example.com>",
         subject="Broken shower", message_id="<m1@mail.example>", **headers) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "complaints@acme.example"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return bytes(message)


def with_attachments(raw_files: list[tuple[str, bytes, str]], **kwargs) -> bytes:
    message = EmailMessage()
    message["From"] = "Jan Kowalski <jan@example.com>"
    message["Subject"] = "Photos"
    message["Message-ID"] = kwargs.get("message_id", "<att@mail.example>")
    message.set_content("Photos attached.")
    for filename, content, mime in raw_files:
        maintype, subtype = mime.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return bytes(message)


@pytest.fixture
def frozen():
    with clock.frozen(T0):
        yield


def counts():
    return (Complaint.objects.count(), ComplaintEvent.objects.count(), Notification.objects.count(),
            InboundMail.objects.count())


def test_a_new_mail_becomes_an_acknowledged_email_complaint(acme, frozen):
    received = receive_mail(organization=acme, raw=mail())
    complaint = received.complaint
    assert (received.outcome, received.is_repeat, received.detail) == (InboundOutcome.NEW_COMPLAINT, False, "")
    assert (complaint.channel, complaint.complainant_name, complaint.complainant_email) == (
        "email", "Jan Kowalski", "jan@example.com")
    assert complaint.description == "Broken shower\n\nThe shower in room 12 was broken for three days."
    assert complaint.status == Status.ACKNOWLEDGED
    assert complaint.received_at == T0
    ack = Notification.objects.get(complaint=complaint)
    assert (ack.template, ack.to, ack.in_reply_to) == ("acknowledgement", "jan@example.com", "<m1@mail.example>")
    record = InboundMail.objects.get()
    assert (record.message_id, record.outcome, record.complaint, record.from_address) == (
        "<m1@mail.example>", "new_complaint", complaint, "jan@example.com")


def test_reading_the_same_message_again_writes_nothing(acme, frozen):
    first = receive_mail(organization=acme, raw=mail())
    before = counts()
    again = receive_mail(organization=acme, raw=mail())
    assert (again.is_repeat, again.outcome, again.complaint) == (True, "new_complaint", first.complaint)
    assert counts() == before


def test_the_same_message_id_in_another_organisation_is_another_mail(acme, globex, frozen):
    receive_mail(organization=acme, raw=mail())
    other = receive_mail(organization=globex, raw=mail())
    assert (other.is_repeat, other.complaint.organization) == (False, globex)


def test_a_reply_to_our_mail_adds_information_and_resumes_the_clock(acme, frozen):
    complaint = receive_mail(organization=acme, raw=mail()).complaint
    handler = member(acme, Role.COMPLAINT_HANDLER, "handler@acme.example")
    services.request_information(actor=handler, complaint=complaint, body="Which dates did you stay?")
    asked = Notification.objects.get(complaint=complaint, template="information_requested")
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_CUSTOMER
    reply = mail("From 1 to 4 March.\n\nOn Mon, 2 Mar 2026, ACME wrote:\n> Which dates did you stay?",
                 subject="Re: [C-2026-000001] We need more information", message_id="<m2@mail.example>",
                 In_Reply_To=asked.message_id, References=f"<m1@mail.example> {asked.message_id}")
    received = receive_mail(organization=acme, raw=reply)
    complaint.refresh_from_db()
    assert (received.outcome, received.complaint) == (InboundOutcome.ADDED_TO_COMPLAINT, complaint)
    assert complaint.status == Status.ACKNOWLEDGED
    message = complaint.events.get(kind=EventKind.MESSAGE_IN)
    assert (message.body, message.message_id, message.is_customer_visible, message.data) == (
        "From 1 to 4 March.", "<m2@mail.example>", True, {"via": "email", "from": "jan@example.com"})
    assert Complaint.objects.count() == 1


def test_a_reply_to_an_earlier_message_of_the_thread_joins_it(acme, frozen):
    complaint = receive_mail(organization=acme, raw=mail()).complaint
    Notification.objects.all().delete()  # only the customer's own first message is left to match
    receive_mail(organization=acme, raw=mail("One more thing.", message_id="<m3@mail.example>",
                                             References="<m1@mail.example>"))
    assert list(complaint.events.filter(kind=EventKind.MESSAGE_IN).values_list("body", flat=True)) == [
        "One more thing."]


def test_the_reference_in_the_subject_threads_only_mail_from_the_complainant(acme, frozen):
    complaint = receive_mail(organization=acme, raw=mail()).complaint
    subject = f"Re: [{complaint.reference}] Broken shower"
    receive_mail(organization=acme, raw=mail("Still waiting.", subject=subject, message_id="<m4@mail.example>"))
    stranger = receive_mail(organization=acme, raw=mail(
        "Me too.", subject=subject, message_id="<m5@mail.example>", sender="eve@example.net"))
    assert complaint.events.filter(kind=EventKind.MESSAGE_IN).count() == 1
    assert stranger.outcome == InboundOutcome.NEW_COMPLAINT and stranger.complaint != complaint


def test_a_reply_never_crosses_organisations(acme, globex, frozen):
    complaint = receive_mail(organization=acme, raw=mail()).complaint
    ack = Notification.objects.get(complaint=complaint)
    received = receive_mail(organization=globex, raw=mail("Hi", message_id="<x@mail.example>",
                                                          In_Reply_To=ack.message_id))
    assert received.complaint.organization == globex
    assert not complaint.events.filter(kind=EventKind.MESSAGE_IN).exists()


def test_mail_after_closure_is_kept_without_reopening(acme, frozen):
    complaint = receive_mail(organization=acme, raw=mail()).complaint
    handler = member(acme, Role.COMPLAINT_HANDLER, "handler@acme.example")
    services.close_complaint(actor=handler, complaint=complaint, reason="Withdrawn by phone.")
    ack = Notification.objects.filter(complaint=complaint).first()
    received = receive_mail(organization=acme, raw=mail("Why closed?", message_id="<m6@mail.example>",
                                                        In_Reply_To=ack.message_id))
    complaint.refresh_from_db()
    assert (received.outcome, received.detail, complaint.status) == ("added", "added after closure", Status.CLOSED)
    assert complaint.events.get(kind=EventKind.MESSAGE_IN).data["after_closure"] is True


@pytest.mark.parametrize("headers", [{"Auto_Submitted": "auto-replied"}, {"Precedence": "bulk"}])
def test_automatic_mail_is_ignored_and_never_answered(acme, frozen, headers):
    received = receive_mail(organization=acme, raw=mail("I am out of office.", **headers))
    assert (received.outcome, received.complaint) == (InboundOutcome.IGNORED_AUTOMATIC, None)
    assert counts() == (0, 0, 0, 1)


def test_our_own_mail_coming_back_is_ignored(acme, frozen):
    complaint = receive_mail(organization=acme, raw=mail()).complaint
    ack = Notification.objects.get(complaint=complaint)
    before = counts()
    received = receive_mail(organization=acme, raw=mail("copy", message_id=ack.message_id))
    assert received.outcome == InboundOutcome.IGNORED_OWN
    assert counts()[:3] == before[:3]


def test_it_takes_mail_even_when_the_public_form_is_off(acme, frozen):
    settings_row = get_settings(organization_id=acme.pk)
    settings_row.public_intake_enabled = False
    settings_row.save()
    assert receive_mail(organization=acme, raw=mail()).outcome == InboundOutcome.NEW_COMPLAINT


def test_too_many_mails_from_one_address_are_rejected(acme, frozen, settings):
    settings.CSM_INTAKE_PER_EMAIL_PER_DAY = 1
    receive_mail(organization=acme, raw=mail())
    second = receive_mail(organization=acme, raw=mail("again", message_id="<m7@mail.example>"))
    assert (second.outcome, second.complaint) == (InboundOutcome.REJECTED, None)
    assert "too many complaints" in second.detail
    assert Complaint.objects.count() == 1
    assert InboundMail.objects.get(message_id="<m7@mail.example>").outcome == "rejected"


def test_mail_without_a_sender_is_rejected(acme, frozen):
    received = receive_mail(organization=acme, raw=mail(sender="undisclosed-recipients:;"))
    assert (received.outcome, received.detail) == (InboundOutcome.REJECTED, "no sender address")
    assert counts() == (0, 0, 0, 1)


def test_an_oversized_mail_is_rejected(acme, frozen, monkeypatch):
    monkeypatch.setattr(inbound, "MAX_MAIL_BYTES", 100)
    received = receive_mail(organization=acme, raw=mail())
    assert (received.outcome, received.detail) == (InboundOutcome.REJECTED, "larger than 0 MB")
    assert counts() == (0, 0, 0, 1)


def test_good_attachments_are_kept_and_bad_ones_named_in_a_note(acme, frozen):
    raw = with_attachments([("receipt.pdf", b"%PDF-1.4 receipt", "application/pdf"),
                            ("run-me.exe", b"MZ\x90\x00binary", "application/octet-stream")])
    complaint = receive_mail(organization=acme, raw=raw).complaint
    assert list(ComplaintAttachment.objects.filter(complaint=complaint).values_list("filename", "size")) == [
        ("receipt.pdf", 16)]
    note = complaint.events.get(kind=EventKind.NOTE)
    assert note.body.startswith("Attachments left out of the e-mail:\nrun-me.exe is not an allowed file type.")
    assert not note.is_customer_visible


def test_a_reply_to_an_anonymised_complaint_is_rejected(acme, frozen):
    complaint = receive_mail(organization=acme, raw=mail()).complaint
    privacy.anonymise_complaint(complaint=complaint, reason="test")
    assert InboundMail.objects.get(complaint=complaint).from_address == ""
    received = receive_mail(organization=acme, raw=mail("hello", message_id="<m8@mail.example>",
                                                        References="<m1@mail.example>"))
    assert (received.outcome, received.detail) == ("rejected", "the complaint's personal data was erased")


def test_the_retention_sweep_forgets_old_unlinked_mail(acme):
    with clock.frozen(T0):
        receive_mail(organization=acme, raw=mail("auto", Auto_Submitted="auto-generated"))
        kept = ComplaintFactory(organization=acme)
    with clock.frozen(T0 + dt.timedelta(days=privacy.UNLINKED_MAIL_DAYS - 1)):
        privacy.retention_sweep()
        assert InboundMail.objects.count() == 1
    with clock.frozen(T0 + dt.timedelta(days=privacy.UNLINKED_MAIL_DAYS + 1)):
        privacy.retention_sweep()
        assert InboundMail.objects.count() == 0
    assert Complaint.objects.filter(pk=kept.pk).exists()
