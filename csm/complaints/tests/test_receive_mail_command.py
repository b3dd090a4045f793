"""`csm receive-mail` and `csm fetch-mail` as an operator runs them."""

from __future__ import annotations

import io
import sys
from email.message import EmailMessage

import pytest
from django.core.management import CommandError, call_command

from csm.complaints import mailbox
from csm.complaints.models import Complaint, InboundMail
from csm.complaints.tests.imap_double import FakeImap, raw_mail


def test_it_reads_eml_files_once_each(acme, tmp_path):
    first, second = tmp_path / "a.eml", tmp_path / "b.eml"
    first.write_bytes(raw_mail(1))
    second.write_bytes(raw_mail(2))
    out = io.StringIO()
    call_command("receive-mail", "--organization", acme.slug, str(first), str(second), str(first), stdout=out)
    lines = out.getvalue().splitlines()
    complaints = list(Complaint.objects.order_by("id").values_list("reference", flat=True))
    assert lines == [
        f"{first}\tnew_complaint\t{complaints[0]}\t<g1@mail.example>",
        f"{second}\tnew_complaint\t{complaints[1]}\t<g2@mail.example>",
        f"{first}\tnew_complaint\t{complaints[0]}\t<g1@mail.example> (already read)",
    ]


def test_it_reads_one_message_from_standard_input(acme, monkeypatch):
    message = EmailMessage()
    message["From"] = "bot@example.com"
    message["Auto-Submitted"] = "auto-replied"
    message["Message-ID"] = "<ooo@example.com>"
    message.set_content("Out of office")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(bytes(message))))
    out = io.StringIO()
    call_command("receive-mail", "--organization", acme.slug, stdout=out)
    assert out.getvalue() == "-\tautomatic\t-\t<ooo@example.com>\tAuto-Submitted: auto-replied\n"
    assert Complaint.objects.count() == 0


def test_an_unknown_organisation_or_file_is_a_clear_error(acme, tmp_path):
    with pytest.raises(CommandError, match="No organisation with the slug 'nope'"):
        call_command("receive-mail", "--organization", "nope", str(tmp_path / "x.eml"))
    with pytest.raises(CommandError, match=r"Cannot read .*missing\.eml: No such file or directory"):
        call_command("receive-mail", "--organization", acme.slug, str(tmp_path / "missing.eml"))
    assert InboundMail.objects.count() == 0


def test_fetch_mail_needs_the_password_in_the_environment(acme, monkeypatch):
    monkeypatch.delenv("CSM_IMAP_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="Set the mailbox password in the environment variable CSM_IMAP_PASSWORD"):
        call_command("fetch-mail", "--organization", acme.slug, "--host", "h", "--user", "u")


def test_fetch_mail_reports_what_it_read(acme, monkeypatch):
    monkeypatch.setenv("CSM_IMAP_PASSWORD", "secret")
    imap = FakeImap({1: raw_mail(1), 2: raw_mail(2)})
    seen = {}
    monkeypatch.setattr(mailbox, "connect", lambda settings: seen.setdefault("settings", settings) and imap)
    out = io.StringIO()
    call_command("fetch-mail", "--organization", acme.slug, "--host", "imap.acme.example", "--user", "u",
                 stdout=out)
    assert out.getvalue() == "fetch-mail: read 2 (new_complaint 2; failed 0)\n"
    assert (seen["settings"].host, seen["settings"].password, seen["settings"].security) == (
        "imap.acme.example", "secret", "ssl")


def test_fetch_mail_turns_a_mailbox_failure_into_a_command_error(acme, monkeypatch):
    monkeypatch.setenv("CSM_IMAP_PASSWORD", "secret")

    def refuse(settings):
        raise mailbox.MailboxError("Cannot sign in to h: refused")

    monkeypatch.setattr(mailbox, "connect", refuse)
    with pytest.raises(CommandError, match="Cannot sign in to h: refused"):
        call_command("fetch-mail", "--organization", acme.slug, "--host", "h", "--user", "u")
