"""The response and the decision (ISO 10002 7.7-7.9): propose, approve, communicate, close and
reopen."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.models import User
from csm.complaints import notifications
from csm.complaints.config_selectors import get_settings
from csm.complaints.models import Complaint, CustomerReaction, EventKind, Remedy
from csm.complaints.services import moves
from csm.complaints.tracking import rating_link
from csm.complaints.workflow import Status
from csm.core import clock
from csm.core.errors import Conflict, InvalidInput, NotFound
from csm.core.writes import validate


def needs_approval(complaint: Complaint) -> bool:
    """A remedy costing more than its approval limit needs a quality manager's approval."""
    return bool(complaint.remedy and complaint.remedy_cost is not None
                and complaint.remedy_cost > complaint.remedy.approval_limit)


@transaction.atomic
def propose_response(*, actor: Actor, complaint: Complaint, remedy: Remedy | None, cost: Decimal | None,
                     outcome: str, decision_text: str) -> Complaint:
    """Propose the response (7.7): a remedy from the catalogue, its cost (default: the remedy's),
    the outcome and the text the complainant will read. A new proposal withdraws any approval."""
    complaint = moves.require_handler(actor, complaint)
    moves.check_same_organization(actor.organization_id, {"remedy": remedy})
    if cost is not None and cost < 0:
        raise InvalidInput("cost", _("The cost cannot be negative."))
    text = moves.require_text("decision_text", decision_text, _("Write the decision the complainant will read."))
    complaint.remedy, complaint.outcome, complaint.decision_text = remedy, outcome, text
    complaint.remedy_cost = cost if cost is not None else (remedy.default_cost if remedy else None)
    complaint.remedy_approved_by, complaint.remedy_approved_at = None, None
    validate(complaint)
    if complaint.status != Status.RESPONSE_PROPOSED:
        moves.move(complaint, Status.RESPONSE_PROPOSED, actor=actor.user)
    moves.event(complaint, EventKind.REMEDY_PROPOSED, actor=actor.user, body=text,
                data={"remedy": remedy.pk if remedy else None, "cost": str(complaint.remedy_cost),
                      "outcome": outcome, "needs_approval": needs_approval(complaint)})
    moves.save(complaint)
    return complaint


@transaction.atomic
def approve_response(*, actor: Actor, complaint: Complaint) -> Complaint:
    """A quality manager (`complaints.approve`) approves the proposed response and its cost."""
    actor.require(roles.COMPLAINTS_APPROVE)
    if complaint.organization_id != actor.organization_id:
        raise NotFound()
    complaint = moves.lock(complaint)
    if complaint.status != Status.RESPONSE_PROPOSED:
        raise Conflict(_("Only a proposed response can be approved."), code="transition_not_allowed")
    complaint.remedy_approved_by, complaint.remedy_approved_at = actor.user, clock.now()
    complaint.save(update_fields=["remedy_approved_by", "remedy_approved_at"])
    moves.event(complaint, EventKind.REMEDY_APPROVED, actor=actor.user, data={"cost": str(complaint.remedy_cost)})
    return complaint


@transaction.atomic
def communicate_decision(*, actor: Actor, complaint: Complaint) -> Complaint:
    """Send the decision (7.8); a remedy above its approval limit must be approved first."""
    complaint = moves.require_handler(actor, complaint)
    if complaint.status == Status.RESPONSE_PROPOSED and needs_approval(complaint) \
            and complaint.remedy_approved_at is None:
        raise Conflict(_("A quality manager must approve this remedy's cost first."), code="approval_required")
    moves.move(complaint, Status.DECISION_COMMUNICATED, actor=actor.user)
    complaint.customer_reaction = CustomerReaction.NONE
    moves.event(complaint, EventKind.DECISION, actor=actor.user, body=complaint.decision_text, visible=True,
                data={"outcome": complaint.outcome})
    moves.save(complaint)
    notifications.queue_notification(complaint=complaint, template="decision", context=moves.links(complaint))
    return complaint


def close(complaint: Complaint, *, actor: User | None, label: str, reason: str) -> None:
    """Close (the caller holds the lock) and ask the complainant to rate the handling."""
    moves.move(complaint, Status.CLOSED, actor=actor, label=label, body=reason)
    complaint.closure_reason = reason
    moves.event(complaint, EventKind.CLOSED, actor=actor, label=label, body=reason, visible=True)
    moves.save(complaint)
    context: dict[str, object] = dict(moves.links(complaint))
    if rating_link(complaint) is not None:
        # A survey replaces the 1-5 rating: the mail says it follows instead of offering the scores.
        context.update(rating_url="", survey_follows=True)
    notifications.queue_notification(complaint=complaint, template="rating_request", context=context)


@transaction.atomic
def close_complaint(*, actor: Actor, complaint: Complaint, reason: str) -> Complaint:
    """Close with a reason (7.9): after the decision, after referral, or when withdrawn."""
    complaint = moves.require_handler(actor, complaint)
    close(complaint, actor=actor.user, label="",
          reason=moves.require_text("reason", reason, _("Give the reason for closing.")))
    return complaint


@transaction.atomic
def reopen_complaint(*, actor: Actor, complaint: Complaint, reason: str) -> Complaint:
    """Reopen a closed complaint within the organisation's reopen window (counted from closure; at
    the window's last moment it still may). The time it spent closed does not count on the clocks."""
    complaint = moves.require_handler(actor, complaint)
    window = dt.timedelta(days=get_settings(organization_id=complaint.organization_id).reopen_window_days)
    if complaint.closed_at and clock.now() - complaint.closed_at > window:
        raise Conflict(_("The reopen window of %(days)s days has passed; register a new complaint.")
                       % {"days": window.days}, code="reopen_window_passed")
    text = moves.require_text("reason", reason, _("Give the reason for reopening."))
    moves.move(complaint, Status.REOPENED, actor=actor.user, body=text)
    complaint.reopen_count += 1
    moves.event(complaint, EventKind.REOPENED, actor=actor.user, body=text)
    moves.save(complaint)
    return complaint
