"""Reading an inbound e-mail (RFC 5322 bytes) into what complaint handling needs. No Django.

`parse_mail` never raises on a malformed message: headers it cannot read are empty, a body in an
unknown or wrong charset is decoded with replacement characters, and an HTML-only body is turned
into text. What it guarantees:
- `message_id` is the Message-ID header in angle brackets, or, when there is none, one derived from
  the SHA-256 of the raw bytes, so that fetching the same message twice is recognised either way;
- `references` lists In-Reply-To first, then References from the newest back, without repeats;
- `automatic_reason` is non-empty for mail no person wrote, which must never get an answer (RFC 3834
  Auto-Submitted other than "no", Precedence bulk/junk/auto_reply, X-Autoreply/X-Autorespond,
  delivery and read reports (multipart/report, RFC 3462), and mail from a mailer daemon);
- `text` is the new part of the message: quoted lines ("> …"), the attribution line that introduces
  them ("On … wrote:", "W dniu … napisał(a):", "在 … 写道：") and everything after a forwarded or
  original-message separator or a signature delimiter ("-- ") are removed;
- `attachments` are the parts with a filename (inline images included), with their decoded bytes.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
from dataclasses import dataclass
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_ATTRIBUTION = re.compile(
    r"^(On\s.+\swrote:|W dniu\s.+\snapisał(\(a\))?:|.*napisał(\(a\))?:$|在.+写道[:：]|.+于.+写道[:：])\s*$")
_SEPARATOR = re.compile(r"^\s*(-{2,}\s*(Original Message|Forwarded message|Wiadomość oryginalna|原始邮件)\s*-{2,}"
                        r"|_{10,}|From:\s.+|Od:\s.+|发件人[:：].+)\s*$", re.IGNORECASE)
_DAEMONS = ("mailer-daemon", "postmaster")
_AUTOMATIC_PRECEDENCE = frozenset({"bulk", "junk", "auto_reply"})
_BLOCK_TAGS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})
# A reply's quote sits in a <blockquote> (Gmail, Apple Mail, Thunderbird): like "> " lines, not new text.
_SKIPPED_TAGS = frozenset({"script", "style", "head", "blockquote"})


@dataclass(frozen=True)
class MailAttachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class InboundMail:
    message_id: str
    references: tuple[str, ...]
    from_name: str
    from_address: str
    to_addresses: tuple[str, ...]
    subject: str
    text: str
    attachments: tuple[MailAttachment, ...]
    automatic_reason: str
    size: int

    @property
    def is_automatic(self) -> bool:
        return bool(self.automatic_reason)


def parse_mail(raw: bytes) -> InboundMail:
    """The parts of `raw` complaint handling uses (see the module docstring for the guarantees)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    from_name, from_address = parseaddr(_header(message, "From"))
    return InboundMail(
        message_id=_message_id(message, raw), references=_references(message),
        from_name=from_name.strip(), from_address=from_address.strip().lower(),
        to_addresses=tuple(address.lower() for _name, address in getaddresses(
            [_header(message, "To"), _header(message, "Cc")]) if address),
        subject=" ".join(_header(message, "Subject").split()), text=new_text(_body_text(message)),
        attachments=tuple(_attachments(message)), automatic_reason=automatic_reason(message, from_address),
        size=len(raw),
    )


def automatic_reason(message: Message, from_address: str = "") -> str:
    """Why `message` was written by a machine (an empty string when a person wrote it)."""
    auto_submitted = _header(message, "Auto-Submitted").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return f"Auto-Submitted: {auto_submitted}"
    precedence = _header(message, "Precedence").strip().lower()
    if precedence in _AUTOMATIC_PRECEDENCE:
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        value = _header(message, name).strip()
        if value and (name != "X-Auto-Response-Suppress" or "all" in value.lower()):
            return f"{name}: {value}"
    if message.get_content_type() == "multipart/report":
        return "a delivery or read report"
    local_part = (from_address or parseaddr(_header(message, "From"))[1]).split("@")[0].lower()
    if local_part in _DAEMONS:
        return f"sent by {local_part}"
    return ""


def new_text(text: str) -> str:
    """`text` without the quoted earlier messages and the signature (see the module docstring). A
    message that would be left empty (it starts with what looks like a separator) keeps its
    unquoted lines instead."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for line in lines:
        stripped = line.strip()
        if line.rstrip() == "--" or _SEPARATOR.match(line) or _ATTRIBUTION.match(stripped):
            break
        if not stripped.startswith(">"):
            kept.append(line.rstrip())
    result = _tidy(kept)
    return result or _tidy([line.rstrip() for line in lines if not line.strip().startswith(">")])


def _tidy(lines: list[str]) -> str:
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> str:
    """The visible text of an HTML body: tags dropped, block elements on their own lines, scripts,
    styles and quoted blocks removed, entities decoded."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError):  # a header the policy cannot parse
        value = message.get_all(name, [""])[0] if hasattr(message, "get_all") else ""
    return str(value or "")


def _message_id(message: Message, raw: bytes) -> str:
    found = _MESSAGE_ID.search(_header(message, "Message-ID"))
    if found:
        return found.group(0)[:255]
    return f"<sha256.{hashlib.sha256(raw).hexdigest()}@no-message-id>"


def _references(message: Message) -> tuple[str, ...]:
    ids = _MESSAGE_ID.findall(_header(message, "In-Reply-To"))
    ids += list(reversed(_MESSAGE_ID.findall(_header(message, "References"))))
    return tuple(dict.fromkeys(ids))


def _body_text(message: Message) -> str:
    if not isinstance(message, EmailMessage):
        return ""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except (KeyError, LookupError):
        part = None
    if part is None:
        return ""
    text = _decoded(part)
    return html_to_text(text) if part.get_content_type() == "text/html" else text


def _decoded(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return str(part.get_payload() or "")
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # an unknown charset name
        return payload.decode("utf-8", errors="replace")


def _attachments(message: Message) -> list[MailAttachment]:
    found = []
    for part in message.walk():
        filename = part.get_filename()
        if part.is_multipart() or not filename:
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            found.append(MailAttachment(filename=str(filename).strip()[-200:],
                                        content_type=part.get_content_type(), content=payload))
    return found


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)
