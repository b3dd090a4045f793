"""The status machine, as a table: every allowed move, a sample of forbidden ones, and the order in
which the targets are offered."""

import pytest

from csm.complaints.workflow import (
    OPEN_STATUSES,
    TRANSITIONS,
    Status,
    TransitionNotAllowed,
    allowed_targets,
    can_transition,
    check_transition,
    is_paused,
)

S = Status

ALLOWED = [
    (S.RECEIVED, S.ACKNOWLEDGED), (S.RECEIVED, S.AWAITING_CUSTOMER), (S.RECEIVED, S.CLOSED),
    (S.ACKNOWLEDGED, S.ASSESSED), (S.ACKNOWLEDGED, S.AWAITING_CUSTOMER), (S.ACKNOWLEDGED, S.CLOSED),
    (S.ASSESSED, S.INVESTIGATING), (S.ASSESSED, S.RESPONSE_PROPOSED), (S.ASSESSED, S.AWAITING_CUSTOMER),
    (S.ASSESSED, S.REFERRED),
    (S.INVESTIGATING, S.RESPONSE_PROPOSED), (S.INVESTIGATING, S.AWAITING_CUSTOMER), (S.INVESTIGATING, S.REFERRED),
    (S.AWAITING_CUSTOMER, S.RECEIVED), (S.AWAITING_CUSTOMER, S.ACKNOWLEDGED), (S.AWAITING_CUSTOMER, S.ASSESSED),
    (S.AWAITING_CUSTOMER, S.INVESTIGATING), (S.AWAITING_CUSTOMER, S.REOPENED), (S.AWAITING_CUSTOMER, S.CLOSED),
    (S.RESPONSE_PROPOSED, S.DECISION_COMMUNICATED), (S.RESPONSE_PROPOSED, S.INVESTIGATING),
    (S.DECISION_COMMUNICATED, S.CLOSED), (S.DECISION_COMMUNICATED, S.INVESTIGATING),
    (S.DECISION_COMMUNICATED, S.REFERRED),
    (S.CLOSED, S.REOPENED),
    (S.REOPENED, S.ASSESSED), (S.REOPENED, S.INVESTIGATING), (S.REOPENED, S.AWAITING_CUSTOMER),
    (S.REFERRED, S.CLOSED),
]

FORBIDDEN = [
    (S.RECEIVED, S.ASSESSED), (S.RECEIVED, S.DECISION_COMMUNICATED), (S.RECEIVED, S.REOPENED),
    (S.ACKNOWLEDGED, S.RESPONSE_PROPOSED), (S.ASSESSED, S.CLOSED), (S.ASSESSED, S.DECISION_COMMUNICATED),
    (S.INVESTIGATING, S.CLOSED), (S.AWAITING_CUSTOMER, S.RESPONSE_PROPOSED),
    (S.AWAITING_CUSTOMER, S.DECISION_COMMUNICATED), (S.RESPONSE_PROPOSED, S.CLOSED),
    (S.DECISION_COMMUNICATED, S.RESPONSE_PROPOSED), (S.CLOSED, S.INVESTIGATING), (S.CLOSED, S.ACKNOWLEDGED),
    (S.CLOSED, S.CLOSED), (S.REOPENED, S.CLOSED), (S.REOPENED, S.REOPENED), (S.REFERRED, S.INVESTIGATING),
    (S.REFERRED, S.REOPENED),
]


def test_the_table_holds_exactly_the_allowed_moves():
    table = {(current, target) for current, targets in TRANSITIONS.items() for target in targets}
    assert table == set(ALLOWED)


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_an_allowed_move_passes(current, target):
    assert can_transition(current, target)
    assert check_transition(current.value, target.value) is target


@pytest.mark.parametrize(("current", "target"), FORBIDDEN)
def test_a_forbidden_move_names_both_ends(current, target):
    assert not can_transition(current, target)
    with pytest.raises(TransitionNotAllowed) as caught:
        check_transition(current, target)
    assert (caught.value.current, caught.value.target) == (current, target)
    assert str(caught.value) == f"A complaint cannot go from {current} to {target}."


def test_no_status_moves_to_itself():
    assert all(status not in targets for status, targets in TRANSITIONS.items())


def test_every_status_has_a_row_and_only_closed_is_not_open():
    assert set(TRANSITIONS) == set(Status)
    assert set(Status) - OPEN_STATUSES == {S.CLOSED}


def test_an_unknown_status_is_a_value_error():
    with pytest.raises(ValueError, match="'lost' is not a valid Status"):
        can_transition("lost", "closed")


@pytest.mark.parametrize(("current", "targets"), [
    (S.RECEIVED, [S.ACKNOWLEDGED, S.AWAITING_CUSTOMER, S.CLOSED]),
    (S.ASSESSED, [S.INVESTIGATING, S.AWAITING_CUSTOMER, S.RESPONSE_PROPOSED, S.REFERRED]),
    (S.AWAITING_CUSTOMER, [S.RECEIVED, S.ACKNOWLEDGED, S.ASSESSED, S.INVESTIGATING, S.CLOSED, S.REOPENED]),
    (S.DECISION_COMMUNICATED, [S.INVESTIGATING, S.CLOSED, S.REFERRED]),
    (S.CLOSED, [S.REOPENED]),
])
def test_allowed_targets_come_in_process_order(current, targets):
    assert allowed_targets(current) == targets


def test_a_status_is_paused_when_the_organisation_pauses_it():
    assert is_paused("awaiting_customer", frozenset({"awaiting_customer"}))
    assert not is_paused("investigating", frozenset({"awaiting_customer"}))
    assert not is_paused("awaiting_customer", frozenset())
