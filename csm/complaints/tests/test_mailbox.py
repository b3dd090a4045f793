"""Reading the complaints mailbox over IMAP, against an in-memory IMAP server double that speaks
the imaplib interface (UID SEARCH/FETCH/STORE/COPY)."""

from __future__ import annotations

import datetime as dt
import imaplib

import pytest
from django.db import DatabaseError

from csm.complaints import mailbox
from csm.complaints.mailbox import MailboxError, MailboxSettings, fetch_new_mail
from csm.complaints.models import Complaint, InboundMail
from csm.complaints.tests.imap_double import FakeImap, raw_mail
from csm.core import clock

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
SETTINGS = MailboxSettings(host="imap.test", user="complaints@acme.example", password="pw")


@pytest.fixture
def frozen():
    with clock.frozen(T0):
        yield


def test_it_reads_unseen_mail_into_complaints_and_marks_it_seen(acme, frozen):
    imap = FakeImap({1: raw_mail(1), 2: raw_mail(2), 3: raw_mail(3)}, seen={2})
    summary = fetch_new_mail(organization=acme, mailbox=SETTINGS, connection=imap)
    assert (dict(summary.outcomes), summary.failed, summary.read) == ({"new_complaint": 2}, 0, 2)
    assert sorted(Complaint.objects.values_list("complainant_email", flat=True)) == [
        "guest1@example.com", "guest3@example.com"]
    assert all("\\Seen" in flags for flags in imap.flags.values())


def test_a_second_run_finds_nothing_new(acme, frozen):
    imap = FakeImap({1: raw_mail(1)})
    fetch_new_mail(organization=acme, mailbox=SETTINGS, connection=imap)
    again = fetch_new_mail(organization=acme, mailbox=SETTINGS, connection=imap)
    assert again.read == 0 and Complaint.objects.count() == 1


def test_mail_left_unseen_by_a_crash_is_read_once(acme, frozen):
    imap = FakeImap({1: raw_mail(1)})
    fetch_new_mail(organization=acme, mailbox=SETTINGS, connection=imap)
    imap.flags[1].discard("\\Seen")  # the previous run died before marking it
    summary = fetch_new_mail(organization=acme, mailbox=SETTINGS, connection=imap)
    assert dict(summary.outcomes) == {"new_complaint": 1}
    assert Complaint.objects.count() == 1 and "\\Seen" in imap.flags[1]


def test_a_database_error_leaves_the_message_unseen(acme, frozen, monkeypatch):
    def broken(**kwargs):
        raise DatabaseError("connection lost")

    monkeypatch.setattr(mailbox, "receive_mail", broken)
    imap = FakeImap({1: raw_mail(1)})
    summary = fetch_new_mail(organization=acme, mailbox=SETTINGS, connection=imap)
    assert (summary.failed, summary.read) == (1, 1)
    assert "\\Seen" not in imap.flags[1]


def test_handled_mail_can_be_moved_to_a_folder(acme, frozen):
    imap = FakeImap({1: raw_mail(1)})
    moved = MailboxSettings(host="imap.test", user="u", password="p", done_folder="Processed")
    fetch_new_mail(organization=acme, mailbox=moved, connection=imap)
    assert imap.messages == {} and imap.folders == {'"Processed"': [raw_mail(1)]}


def test_a_missing_folder_is_a_mailbox_error(acme):
    with pytest.raises(MailboxError, match="Cannot open folder Archive"):
        fetch_new_mail(organization=acme, mailbox=MailboxSettings(host="h", user="u", password="p",
                                                                  folder="Archive"),
                       connection=FakeImap({}))
    assert InboundMail.objects.count() == 0


def test_it_logs_out_of_a_connection_it_opened(acme, frozen, monkeypatch):
    imap = FakeImap({1: raw_mail(1)})
    monkeypatch.setattr(mailbox, "connect", lambda settings: imap)
    fetch_new_mail(organization=acme, mailbox=SETTINGS)
    assert imap.logged_out


def test_a_refused_login_is_a_mailbox_error(monkeypatch):
    class Refusing:
        def __init__(self, *args, **kwargs):
            pass

        def login(self, user, password):
            raise imaplib.IMAP4.error("AUTHENTICATIONFAILED")

    monkeypatch.setattr(imaplib, "IMAP4_SSL", Refusing)
    with pytest.raises(MailboxError, match=r"Cannot sign in to imap\.test: AUTHENTICATIONFAILED"):
        mailbox.connect(SETTINGS)
