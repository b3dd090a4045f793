"""Parsing inbound mail: headers, threading ids, automatic mail, quoted text, HTML, attachments."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csm.complaints.mail_parsing import html_to_text, new_text, parse_mail


def message(body: str = "The shower was broken.", **headers: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = headers.pop("From", "Jan Kowalski <Jan@Example.com>")
    mail["To"] = headers.pop("To", "complaints@hotel.example")
    mail["Subject"] = headers.pop("Subject", "Broken shower")
    mail["Message-ID"] = headers.pop("Message_ID", "<abc@mail.example>")
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(body)
    return mail


def test_it_reads_the_sender_subject_and_ids():
    parsed = parse_mail(bytes(message(In_Reply_To="<one@csm>", References="<zero@csm> <one@csm> <two@csm>")))
    assert (parsed.from_name, parsed.from_address) == ("Jan Kowalski", "jan@example.com")
    assert parsed.subject == "Broken shower"
    assert parsed.message_id == "<abc@mail.example>"
    assert parsed.references == ("<one@csm>", "<two@csm>", "<zero@csm>")
    assert parsed.to_addresses == ("complaints@hotel.example",)
    assert parsed.text == "The shower was broken."
    assert not parsed.is_automatic


def test_a_message_without_message_id_gets_one_from_its_bytes():
    mail = message()
    del mail["Message-ID"]
    raw = bytes(mail)
    first, again = parse_mail(raw), parse_mail(raw)
    assert first.message_id == again.message_id
    assert first.message_id.startswith("<sha256.") and first.message_id.endswith("@no-message-id>")
    assert parse_mail(raw + b"\nmore").message_id != first.message_id


@pytest.mark.parametrize(("headers", "reason"), [
    ({"Auto_Submitted": "auto-replied"}, "Auto-Submitted: auto-replied"),
    ({"Auto_Submitted": "auto-generated"}, "Auto-Submitted: auto-generated"),
    ({"Precedence": "bulk"}, "Precedence: bulk"),
    ({"Precedence": "junk"}, "Precedence: junk"),
    ({"Precedence": "auto_reply"}, "Precedence: auto_reply"),
    ({"X_Autoreply": "yes"}, "X-Autoreply: yes"),
    ({"X_Auto_Response_Suppress": "All"}, "X-Auto-Response-Suppress: All"),
    ({"From": "MAILER-DAEMON@mx.example"}, "sent by mailer-daemon"),
    ({"From": "Mail System <postmaster@mx.example>"}, "sent by postmaster"),
])
def test_it_recognises_mail_no_person_wrote(headers, reason):
    assert parse_mail(bytes(message(**headers))).automatic_reason == reason


@pytest.mark.parametrize("headers", [
    {"Auto_Submitted": "no"}, {"Precedence": "list"}, {"X_Auto_Response_Suppress": "OOF"}, {},
])
def test_a_person_s_mail_is_not_automatic(headers):
    assert parse_mail(bytes(message(**headers))).automatic_reason == ""


def test_a_delivery_report_is_automatic():
    raw = (b"From: bounces@mx.example\r\nSubject: Undelivered Mail\r\nMessage-ID: <dsn@mx>\r\n"
           b"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
           b"--b\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n"
           b"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n--b--\r\n")
    assert parse_mail(raw).automatic_reason == "a delivery or read report"


@pytest.mark.parametrize(("text", "expected"), [
    ("Thanks, here is the photo.\n\nOn Mon, 2 Mar 2026 at 10:00, Hotel <c@h.example> wrote:\n> We need more",
     "Thanks, here is the photo."),
    ("Dziękuję.\n\nW dniu 2.03.2026 o 10:00 Hotel <c@h.example> napisał(a):\n> Potrzebujemy",
     "Dziękuję."),
    ("好的，附件是照片。\n\n在 2026年3月2日 10:00，酒店 <c@h.example> 写道：\n> 我们需要", "好的，附件是照片。"),
    ("Answer first.\n-----Original Message-----\nFrom: Hotel\nOld text", "Answer first."),
    ("Room 12.\n\n-- \nJan Kowalski\n+48 600 000 000", "Room 12."),
    ("Line one\n> quoted\nLine two", "Line one\nLine two"),
    ("From: my point of view the room was dirty.", "From: my point of view the room was dirty."),
    ("a\r\n\r\n\r\n\r\nb", "a\n\nb"),
])
def test_it_keeps_only_the_new_text(text, expected):
    assert new_text(text) == expected


def test_an_html_only_mail_becomes_text_without_scripts_or_quotes():
    mail = message()
    mail.set_content("<html><head><style>p{}</style></head><body><p>Room&nbsp;12 &amp; 14</p>"
                     "<script>alert(1)</script><div>was cold</div>"
                     "<blockquote>old quoted text</blockquote></body></html>", subtype="html")
    assert parse_mail(bytes(mail)).text == "Room 12 & 14\n\nwas cold"


def test_plain_text_is_preferred_over_html():
    mail = message("plain words")
    mail.add_alternative("<p>html words</p>", subtype="html")
    assert parse_mail(bytes(mail)).text == "plain words"


def test_it_decodes_the_declared_charset_and_survives_a_wrong_one():
    raw = (b"From: a@b.example\r\nSubject: =?gb2312?b?zbbL3w==?=\r\nMessage-ID: <x@y>\r\n"
           b"Content-Type: text/plain; charset=gb2312\r\n\r\n\xb7\xbf\xbc\xe4\xba\xdc\xd4\xe0\r\n")
    parsed = parse_mail(raw)
    assert (parsed.subject, parsed.text) == ("投诉", "房间很脏")
    broken = raw.replace(b"charset=gb2312", b"charset=no-such-charset")
    assert "\ufffd" in parse_mail(broken).text


def test_it_collects_attachments_with_their_bytes():
    mail = message()
    mail.add_attachment(b"%PDF-1.4 receipt", maintype="application", subtype="pdf", filename="receipt.pdf")
    mail.add_attachment(b"\x89PNG\r\n\x1a\nrest", maintype="image", subtype="png", filename="../../photo.png")
    parsed = parse_mail(bytes(mail))
    assert [(a.filename, a.content_type, a.content) for a in parsed.attachments] == [
        ("receipt.pdf", "application/pdf", b"%PDF-1.4 receipt"),
        ("../../photo.png", "image/png", b"\x89PNG\r\n\x1a\nrest"),
    ]
    assert parsed.text == "The shower was broken."


def test_html_to_text_decodes_entities():
    assert html_to_text("<p>&lt;script&gt; &#26469;</p>") == "<script> 来"


@given(st.binary(max_size=2000))
def test_any_bytes_parse_without_raising(raw):
    parsed = parse_mail(raw)
    assert parsed.message_id.startswith("<") and parsed.message_id.endswith(">")
    assert parsed.size == len(raw)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_new_text_never_keeps_a_quoted_line(text):
    assert not any(line.strip().startswith(">") for line in new_text(text).split("\n"))
