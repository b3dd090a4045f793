"""Writes for complaints: intake, the ISO 10002 steps, messages, decisions, closure and rating.

Every service runs in one transaction and locks the complaint's row; it checks the role, moves the
status only along `workflow.TRANSITIONS` (a Conflict `transition_not_allowed` and no change
otherwise), appends to the timeline, recomputes the stored deadlines when the clocks can change
(see deadlines.py), and queues any e-mail in the same transaction. Public services (the
complainant, no login) take the complaint found by its tracking token.
"""

from csm.complaints.services.decision import (
    approve_response,
    close_complaint,
    communicate_decision,
    needs_approval,
    propose_response,
    reopen_complaint,
)
from csm.complaints.services.handling import (
    ACTION_STATUSES,
    ASSESSMENT_FIELDS,
    add_note,
    assess_complaint,
    assign_complaint,
    change_status,
    mark_duplicate,
    refer_complaint,
    request_information,
    send_message,
)
from csm.complaints.services.intake import (
    INTAKE_FIELDS,
    Registered,
    accept_complaint,
    acknowledge_complaint,
    register_complaint,
    request_digest,
)
from csm.complaints.services.moves import refresh_deadlines
from csm.complaints.services.public import add_information, rate_complaint, respond_to_decision

__all__ = [
    "ACTION_STATUSES", "ASSESSMENT_FIELDS", "INTAKE_FIELDS", "Registered", "accept_complaint", "acknowledge_complaint", "add_information",
    "add_note", "approve_response", "assess_complaint", "assign_complaint", "change_status", "close_complaint",
    "communicate_decision", "mark_duplicate", "needs_approval", "propose_response", "rate_complaint",
    "refer_complaint", "refresh_deadlines", "register_complaint", "reopen_complaint", "request_digest",
    "request_information", "respond_to_decision", "send_message",
]
