"""What the complainant does (no login; the caller found the complaint by its tracking token):
add information, answer the decision, rate the handling."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from csm.complaints.models import Complaint, CustomerReaction, EventKind
from csm.complaints.services import moves
from csm.complaints.services.decision import close
from csm.complaints.workflow import Status
from csm.core import clock
from csm.core.errors import Conflict, InvalidInput

COMPLAINANT = "complainant"


@transaction.atomic
def add_information(*, complaint: Complaint, body: str, message_id: str = "",
                    data: dict[str, Any] | None = None) -> Complaint:
    """The complainant adds information; if we were waiting for it, the complaint goes back to the
    status it had and the clocks run again. `message_id` is the e-mail's, when it came by mail."""
    complaint = moves.lock(complaint)
    moves.require_open(complaint)
    text = moves.require_text("body", body, _("Write your message."))
    moves.event(complaint, EventKind.MESSAGE_IN, label=COMPLAINANT, body=text, visible=True,
                message_id=message_id, data=data)
    if complaint.status == Status.AWAITING_CUSTOMER:
        moves.move(complaint, Status(complaint.resume_status or Status.ACKNOWLEDGED), actor=None,
                   label=COMPLAINANT)
        moves.save(complaint)
    return complaint


@transaction.atomic
def respond_to_decision(*, complaint: Complaint, accept: bool, comment: str = "") -> Complaint:
    """Accepting closes the complaint (and asks for a rating); rejecting keeps it open for the
    handler, who may reconsider or refer it."""
    complaint = moves.lock(complaint)
    if complaint.status != Status.DECISION_COMMUNICATED or complaint.customer_reaction:
        raise Conflict(_("There is no decision waiting for your answer."), code="transition_not_allowed")
    complaint.customer_reaction = CustomerReaction.ACCEPTED if accept else CustomerReaction.REJECTED
    moves.event(complaint, EventKind.ACCEPTED if accept else EventKind.REJECTED, label=COMPLAINANT,
                body=comment.strip(), visible=True)
    if accept:
        close(complaint, actor=None, label=COMPLAINANT, reason=_("Decision accepted by the complainant."))
    else:
        complaint.save(update_fields=["customer_reaction"])
    return complaint


@transaction.atomic
def rate_complaint(*, complaint: Complaint, rating: int, comment: str = "") -> Complaint:
    """Satisfaction with the handling (ISO 10002 8.3), from 1 to 5: once per complaint, after closure."""
    complaint = moves.lock(complaint)
    if complaint.status != Status.CLOSED:
        raise Conflict(_("You can rate the handling once the complaint is closed."), code="not_closed")
    if complaint.rated_at is not None:
        raise Conflict(_("This complaint has already been rated."), code="already_rated")
    if isinstance(rating, bool) or rating not in range(1, 6):
        raise InvalidInput("rating", _("Choose a rating from 1 to 5."))
    complaint.rating, complaint.rating_comment, complaint.rated_at = rating, comment.strip(), clock.now()
    complaint.save(update_fields=["rating", "rating_comment", "rated_at"])
    moves.event(complaint, EventKind.RATED, label=COMPLAINANT, data={"rating": rating}, body=comment.strip())
    return complaint
