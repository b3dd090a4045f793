"""Handling a complaint (ISO 10002 7.5-7.6): assessment, status moves, assignment, notes,
messages, requests for information, referral and duplicates. Staff only (`complaints.handle`)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.models import Membership, User
from csm.complaints import notifications
from csm.complaints.models import Complaint, ComplaintEvent, EventKind
from csm.complaints.services import moves
from csm.complaints.workflow import Status
from csm.core.errors import InvalidInput
from csm.core.writes import validate

ASSESSMENT_FIELDS = ("category", "severity", "priority", "safety_impact", "financial_impact", "legal_impact",
                     "reputational_impact", "immediate_action", "touch_point", "characteristic", "unit")
# Re-assessing in these statuses changes the assessment but not the status.
REASSESSABLE = frozenset({Status.ASSESSED, Status.INVESTIGATING})
# Statuses with their own service, which records what the status needs (a decision, a reason…).
ACTION_STATUSES = frozenset({Status.AWAITING_CUSTOMER, Status.RESPONSE_PROPOSED, Status.DECISION_COMMUNICATED,
                             Status.CLOSED, Status.REOPENED, Status.REFERRED})


@transaction.atomic
def assess_complaint(*, actor: Actor, complaint: Complaint, **fields: Any) -> Complaint:
    """The initial assessment (7.5): severity, impacts, priority, category and what it concerns. The
    deadlines follow the policy for the new category and priority."""
    complaint = moves.require_handler(actor, complaint)
    moves.reject_unknown(fields, ASSESSMENT_FIELDS)
    moves.check_same_organization(actor.organization_id, fields)
    for name, value in fields.items():
        setattr(complaint, name, value)
    validate(complaint)
    if complaint.status not in REASSESSABLE:
        moves.move(complaint, Status.ASSESSED, actor=actor.user)
    moves.event(complaint, EventKind.ASSESSED, actor=actor.user,
                data={name: getattr(value, "pk", value) for name, value in fields.items()})
    moves.save(complaint)
    return complaint


@transaction.atomic
def change_status(*, actor: Actor, complaint: Complaint, status: str, note: str = "") -> Complaint:
    """A plain move along the status machine (start investigating, resume after waiting…); the
    statuses in ACTION_STATUSES have their own service. The complainant is told by e-mail."""
    complaint = moves.require_handler(actor, complaint)
    try:
        target = Status(status)
    except ValueError:
        raise InvalidInput("status", _("Unknown status.")) from None
    if target in ACTION_STATUSES:
        raise InvalidInput("status", _("Use the action made for this status."))
    moves.move(complaint, target, actor=actor.user, body=note.strip())
    moves.save(complaint)
    notifications.queue_notification(complaint=complaint, template="status_changed", context=moves.links(complaint))
    return complaint


@transaction.atomic
def assign_complaint(*, actor: Actor, complaint: Complaint, assignee: User | None) -> Complaint:
    """Give the complaint to an active member who handles complaints (None: unassign)."""
    complaint = moves.require_handler(actor, complaint)
    moves.require_open(complaint)
    if assignee is not None and not _handles_complaints(actor.organization_id, assignee):
        raise InvalidInput("assignee", _("Assign to an active member who handles complaints."))
    before = complaint.assignee_id
    complaint.assignee = assignee
    complaint.save(update_fields=["assignee"])
    moves.event(complaint, EventKind.ASSIGNED, actor=actor.user,
                data={"from": before, "to": assignee.pk if assignee else None})
    return complaint


def _handles_complaints(organization_id: int, user: User) -> bool:
    member = Membership.objects.filter(organization_id=organization_id, user=user, is_active=True,
                                       user__is_active=True).first()
    return member is not None and roles.role_allows(member.role, roles.COMPLAINTS_HANDLE)


@transaction.atomic
def add_note(*, actor: Actor, complaint: Complaint, body: str) -> ComplaintEvent:
    """An internal note (also on a closed complaint: it adds to the record, it changes nothing)."""
    complaint = moves.require_handler(actor, complaint)
    return moves.event(complaint, EventKind.NOTE, actor=actor.user, body=moves.require_text(
        "body", body, _("Write the note.")))


@transaction.atomic
def send_message(*, actor: Actor, complaint: Complaint, body: str) -> ComplaintEvent:
    """A message the complainant sees on the tracking page and receives by e-mail."""
    complaint = moves.require_handler(actor, complaint)
    moves.require_open(complaint)
    text = moves.require_text("body", body, _("Write the message."))
    sent = notifications.queue_notification(complaint=complaint, template="message",
                                            context={**moves.links(complaint), "message": text})
    return moves.event(complaint, EventKind.MESSAGE_OUT, actor=actor.user, body=text, visible=True,
                       message_id=sent.message_id if sent else "")


@transaction.atomic
def request_information(*, actor: Actor, complaint: Complaint, body: str) -> Complaint:
    """Ask the complainant for information; the clocks stop while we wait (if the organisation's
    pause statuses include "awaiting customer", the default)."""
    complaint = moves.require_handler(actor, complaint)
    text = moves.require_text("body", body, _("Say what information you need."))
    moves.move(complaint, Status.AWAITING_CUSTOMER, actor=actor.user)
    moves.save(complaint)
    sent = notifications.queue_notification(complaint=complaint, template="information_requested",
                                            context={**moves.links(complaint), "message": text})
    moves.event(complaint, EventKind.MESSAGE_OUT, actor=actor.user, body=text, visible=True,
                message_id=sent.message_id if sent else "")
    return complaint


@transaction.atomic
def refer_complaint(*, actor: Actor, complaint: Complaint, body: str = "") -> Complaint:
    """Refer outside (ISO 10003) when internal handling has not settled it; the record is then kept
    under legal hold (never purged by retention)."""
    complaint = moves.require_handler(actor, complaint)
    moves.move(complaint, Status.REFERRED, actor=actor.user, body=body.strip())
    complaint.legal_hold = True
    moves.save(complaint)
    return complaint


@transaction.atomic
def mark_duplicate(*, actor: Actor, complaint: Complaint, original: Complaint) -> Complaint:
    """Link the complaint to the one it repeats (another complaint of this organisation that is not
    itself a duplicate of this one)."""
    complaint = moves.require_handler(actor, complaint)
    moves.require_open(complaint)
    if (original.organization_id != complaint.organization_id or original.pk == complaint.pk
            or original.duplicate_of_id == complaint.pk):
        raise InvalidInput("duplicate_of", _("Choose another complaint of this organisation."))
    complaint.duplicate_of = original
    complaint.save(update_fields=["duplicate_of"])
    moves.event(complaint, EventKind.DUPLICATE, actor=actor.user, data={"original": original.reference})
    return complaint
