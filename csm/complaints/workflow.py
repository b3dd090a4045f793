"""The complaint status machine (ISO 10002 steps 7.2-7.9), as a pure module.

Internal statuses follow the process steps: received → acknowledged → assessed → investigating →
response proposed → decision communicated → closed; a closed complaint can be reopened, and one
the organisation cannot settle is referred outside (ISO 10003). "Awaiting customer" is where the
handler waits for information; by default it pauses the SLA clocks. Every status has a separate,
plainer label for the customer.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    ASSESSED = "assessed"
    INVESTIGATING = "investigating"
    AWAITING_CUSTOMER = "awaiting_customer"
    RESPONSE_PROPOSED = "response_proposed"
    DECISION_COMMUNICATED = "decision_communicated"
    CLOSED = "closed"
    REOPENED = "reopened"
    REFERRED = "referred"


S = Status
_WORKING = frozenset({S.ACKNOWLEDGED, S.ASSESSED, S.INVESTIGATING, S.REOPENED})

TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.RECEIVED: frozenset({S.ACKNOWLEDGED, S.AWAITING_CUSTOMER, S.CLOSED}),
    S.ACKNOWLEDGED: frozenset({S.ASSESSED, S.AWAITING_CUSTOMER, S.CLOSED}),
    S.ASSESSED: frozenset({S.INVESTIGATING, S.RESPONSE_PROPOSED, S.AWAITING_CUSTOMER, S.REFERRED}),
    S.INVESTIGATING: frozenset({S.RESPONSE_PROPOSED, S.AWAITING_CUSTOMER, S.REFERRED}),
    S.AWAITING_CUSTOMER: _WORKING | {S.RECEIVED, S.CLOSED},
    S.RESPONSE_PROPOSED: frozenset({S.DECISION_COMMUNICATED, S.INVESTIGATING}),
    S.DECISION_COMMUNICATED: frozenset({S.CLOSED, S.INVESTIGATING, S.REFERRED}),
    S.CLOSED: frozenset({S.REOPENED}),
    S.REOPENED: frozenset({S.ASSESSED, S.INVESTIGATING, S.AWAITING_CUSTOMER}),
    S.REFERRED: frozenset({S.CLOSED}),
}

OPEN_STATUSES = frozenset(Status) - {S.CLOSED}
TERMINAL_STATUSES = frozenset({S.CLOSED})


class TransitionNotAllowed(ValueError):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(f"A complaint cannot go from {current} to {target}.")
        self.current, self.target = current, target


def can_transition(current: str, target: str) -> bool:
    return Status(target) in TRANSITIONS.get(Status(current), frozenset())


def check_transition(current: str, target: str) -> Status:
    """The target status, or TransitionNotAllowed naming both ends."""
    if not can_transition(current, target):
        raise TransitionNotAllowed(current, target)
    return Status(target)


def allowed_targets(current: str) -> list[Status]:
    """The statuses reachable from `current`, in process order."""
    order = list(Status)
    return sorted(TRANSITIONS.get(Status(current), frozenset()), key=order.index)


def is_paused(status: str, pause_statuses: frozenset[str]) -> bool:
    return status in pause_statuses
