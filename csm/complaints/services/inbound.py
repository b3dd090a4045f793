"""Mail read from an organisation's complaints mailbox (ISO 10002 7.2, the e-mail channel).

`receive_mail` takes one raw message and guarantees:
- each Message-ID is handled once per organisation: reading it again, or two pollers reading it at
  once, returns the first outcome and writes nothing (an `InboundMail` row, unique per
  organisation and Message-ID, is written in the same transaction as the rest);
- mail no person wrote (auto-replies, delivery reports, bulk mail) and our own mail coming back are
  recorded and ignored, so CSM never answers a machine and no mail loop starts;
- a reply joins its complaint when it references one of our notifications or an earlier message
  of the complaint (In-Reply-To or References), or, failing that, when its subject carries the
  complaint's reference and it comes from the complainant's address. An open complaint gets the
  message as information from the complainant (which resumes a clock paused for them); a closed one
  keeps it on its timeline, flagged as received after closure, without reopening;
- any other mail becomes a new complaint on the e-mail channel, acknowledged with a reply to it,
  subject to the per-address intake limit;
- attachments pass the same checks as on the web form; one that fails is left out and named in an
  internal note, the rest of the mail is kept;
- a mail that cannot be taken (too large, no sender, over the limit) is recorded as rejected with
  the reason, and nothing else is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from csm.accounts.models import Organization
from csm.catalogue.models import Channel
from csm.complaints import attachments, intake_limits
from csm.complaints.config_selectors import get_settings
from csm.complaints.mail_parsing import InboundMail as ParsedMail
from csm.complaints.mail_parsing import parse_mail
from csm.complaints.models import (
    Complaint,
    ComplaintEvent,
    EventKind,
    InboundMail,
    InboundOutcome,
    Notification,
)
from csm.complaints.services import moves
from csm.complaints.services.intake import register_complaint
from csm.complaints.services.public import COMPLAINANT, add_information
from csm.complaints.workflow import Status
from csm.core.errors import DomainError

MAX_MAIL_BYTES = 30 * 1024 * 1024
_REFERENCE = re.compile(r"\[(C-\d{4}-\d{6,})\]")
_VIA_EMAIL = "email"


@dataclass(frozen=True)
class Received:
    message_id: str
    outcome: str
    complaint: Complaint | None
    detail: str
    is_repeat: bool  # this Message-ID had been read before; nothing was written


def receive_mail(*, organization: Organization, raw: bytes) -> Received:
    """Handle one message from the organisation's mailbox (see the module docstring)."""
    mail = parse_mail(raw)
    if (earlier := _earlier(organization, mail.message_id)) is not None:
        return earlier
    try:
        with transaction.atomic():
            return _receive(organization, mail)
    except IntegrityError:
        earlier = _earlier(organization, mail.message_id)
        if earlier is None:
            raise
        return earlier


def _earlier(organization: Organization, message_id: str) -> Received | None:
    found = InboundMail.objects.filter(organization=organization, message_id=message_id).select_related(
        "complaint").first()
    if found is None:
        return None
    return Received(message_id=message_id, outcome=found.outcome, complaint=found.complaint, detail=found.detail,
                    is_repeat=True)


def _receive(organization: Organization, mail: ParsedMail) -> Received:
    record = InboundMail.objects.create(
        organization=organization, message_id=mail.message_id, from_address=mail.from_address[:254],
        subject=mail.subject[:255], outcome=InboundOutcome.REJECTED)
    try:
        with transaction.atomic():
            outcome, complaint, detail = _handle(organization, mail)
    except DomainError as error:
        outcome, complaint, detail = InboundOutcome.REJECTED, None, error.as_text()
    record.outcome, record.complaint, record.detail = outcome, complaint, detail[:255]
    record.save(update_fields=["outcome", "complaint", "detail"])
    return Received(message_id=mail.message_id, outcome=outcome, complaint=complaint, detail=record.detail,
                    is_repeat=False)


def _handle(organization: Organization, mail: ParsedMail) -> tuple[str, Complaint | None, str]:
    if mail.size > MAX_MAIL_BYTES:
        return InboundOutcome.REJECTED, None, f"larger than {MAX_MAIL_BYTES // 2**20} MB"
    if mail.is_automatic:
        return InboundOutcome.IGNORED_AUTOMATIC, None, mail.automatic_reason
    if _is_ours(organization, mail):
        return InboundOutcome.IGNORED_OWN, None, "our own message"
    complaint = _thread(organization, mail)
    if complaint is not None:
        return _add_to(complaint, mail)
    return _new_complaint(organization, mail)


def _is_ours(organization: Organization, mail: ParsedMail) -> bool:
    own_sender = mail.from_address == str(settings.DEFAULT_FROM_EMAIL).lower()
    return own_sender or Notification.objects.filter(organization=organization, message_id=mail.message_id).exists()


def _thread(organization: Organization, mail: ParsedMail) -> Complaint | None:
    """The complaint this mail answers, by the Message-IDs it references, else by the reference in
    its subject when it comes from the complainant."""
    if mail.references:
        for model in (Notification, ComplaintEvent, InboundMail):
            found = (model.objects.filter(organization=organization, message_id__in=mail.references,
                                          complaint__isnull=False).exclude(message_id="")
                     .values_list("complaint_id", flat=True).first())
            if found:
                return Complaint.objects.get(pk=found)
    match = _REFERENCE.search(mail.subject)
    if match and mail.from_address:
        return Complaint.objects.filter(organization=organization, reference=match.group(1),
                                        complainant_email__iexact=mail.from_address).first()
    return None


def _add_to(complaint: Complaint, mail: ParsedMail) -> tuple[str, Complaint | None, str]:
    if complaint.anonymised_at is not None:
        return InboundOutcome.REJECTED, None, "the complaint's personal data was erased"
    body = mail.text or mail.subject or _("(no text)")
    data = {"via": _VIA_EMAIL, "from": mail.from_address}
    if complaint.status == Status.CLOSED:
        moves.event(moves.lock(complaint), EventKind.MESSAGE_IN, label=COMPLAINANT, body=body, visible=True,
                    message_id=mail.message_id, data={**data, "after_closure": True})
        detail = "added after closure"
    else:
        add_information(complaint=complaint, body=body, message_id=mail.message_id, data=data)
        detail = ""
    _store_attachments(complaint, mail)
    return InboundOutcome.ADDED_TO_COMPLAINT, complaint, detail


def _new_complaint(organization: Organization, mail: ParsedMail) -> tuple[str, Complaint | None, str]:
    if not mail.from_address or "@" not in mail.from_address:
        return InboundOutcome.REJECTED, None, "no sender address"
    intake_limits.check_intake(ip="", email=mail.from_address)
    description = "\n\n".join(part for part in (mail.subject, mail.text) if part) or _("(no text)")
    data = {"channel": Channel.EMAIL, "complainant_name": (mail.from_name or mail.from_address.split("@")[0])[:200],
            "complainant_email": mail.from_address, "language": organization.default_language,
            "description": description}
    registered = register_complaint(organization=organization, data=data, from_mailbox=True,
                                    in_reply_to=mail.message_id, idempotency_key=mail.message_id[:200],
                                    scope="email")
    _store_attachments(registered.complaint, mail)
    return InboundOutcome.NEW_COMPLAINT, registered.complaint, ""


def _store_attachments(complaint: Complaint, mail: ParsedMail) -> None:
    max_mb = get_settings(organization_id=complaint.organization_id).max_attachment_mb
    accepted, refused = [], []
    for attachment in mail.attachments[: attachments.MAX_FILES * 2]:
        upload = SimpleUploadedFile(attachment.filename, attachment.content, attachment.content_type)
        try:
            accepted.extend(attachments.validate_uploads([upload], max_mb=max_mb))
        except DomainError as error:
            refused.append(error.as_text())
    extra = accepted[attachments.MAX_FILES:]
    refused += [_("%(name)s: more than %(max)d files.") % {"name": upload.filename, "max": attachments.MAX_FILES}
                for upload in extra]
    attachments.store_attachments(complaint=complaint, uploads=accepted[: attachments.MAX_FILES])
    if refused:
        moves.event(complaint, EventKind.NOTE, label="system",
                    body=_("Attachments left out of the e-mail:") + "\n" + "\n".join(refused))

