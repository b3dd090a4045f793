"""Reads of complaints: the queue, scoping, tracking links, masking and duplicate suggestions."""

from __future__ import annotations

import datetime as dt

import pytest

from csm.accounts.roles import Role
from csm.accounts.tests.factories import UnitFactory
from csm.complaints import selectors, services
from csm.complaints.models import NO_DEADLINE, Complaint, EventKind
from csm.complaints.selectors import MASK, QueueFilter
from csm.complaints.tests.factories import (
    ComplaintCategoryFactory,
    ComplaintFactory,
    SlaPolicyFactory,
    member,
)
from csm.complaints.tracking import tracking_token
from csm.core import clock
from csm.core.errors import NotFound, PermissionDenied

T0 = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)  # Monday 10:30 in Warsaw
DAY = dt.timedelta(days=1)


@pytest.fixture
def policy(acme):
    return SlaPolicyFactory(organization=acme, name="Default")


def registered(organization, moment=T0, **fields) -> Complaint:
    with clock.frozen(moment):
        return ComplaintFactory(organization=organization, **fields)


def references(complaints) -> list[str]:
    return [complaint.reference for complaint in complaints]


# The queue --------------------------------------------------------------------------------------

@pytest.fixture
def four(acme, bob, policy):
    """Received Monday (due first), received Tuesday, paused while waiting, and one without a policy."""
    monday = registered(acme, description="Broken shower.")
    tuesday = registered(acme, moment=T0 + DAY, description="Noisy room.")
    paused = registered(acme, description="Wrong bill.")
    with clock.frozen(T0):
        services.request_information(actor=bob.actor, complaint=paused, body="Which night?")
    policy.is_active = False
    policy.save()
    no_policy = registered(acme, description="Rude porter.")
    return monday, tuesday, paused, no_policy


def test_the_queue_puts_the_nearest_deadline_first_and_those_without_one_last(bob, four):
    monday, tuesday, paused, no_policy = four
    assert (paused.next_due_at, no_policy.next_due_at) == (None, None)
    assert list(selectors.queue(actor=bob.actor, filters=QueueFilter())) == [monday, tuesday, paused, no_policy]


def test_the_queue_shows_closed_complaints_only_when_asked(bob, four):
    monday = four[0]
    services.change_status(actor=bob.actor, complaint=monday, status="assessed")
    services.refer_complaint(actor=bob.actor, complaint=monday)
    services.close_complaint(actor=bob.actor, complaint=monday, reason="Settled.")
    assert monday not in selectors.queue(actor=bob.actor, filters=QueueFilter())
    assert monday in selectors.queue(actor=bob.actor, filters=QueueFilter(open_only=False))


def test_the_queue_filters_by_status_assignee_unit_category_and_text(acme, bob, four):
    monday, tuesday, paused, no_policy = four
    unit, category = UnitFactory(organization=acme), ComplaintCategoryFactory(organization=acme)
    services.assign_complaint(actor=bob.actor, complaint=tuesday, assignee=bob.user)
    services.assess_complaint(actor=bob.actor, complaint=monday, unit=unit, category=category)

    def found(**filters) -> list[Complaint]:
        return list(selectors.queue(actor=bob.actor, filters=QueueFilter(**filters)))

    assert found(status="awaiting_customer") == [paused]
    assert found(assignee_id=bob.user.pk) == [tuesday]
    assert found(unit_id=unit.pk) == [monday]
    assert found(category_id=category.pk) == [monday]
    assert found(q="noisy") == [tuesday]
    assert found(q=no_policy.reference) == [no_policy]


def test_queue_pages_go_forward_and_back_across_complaints_without_a_deadline(bob, four):
    queue = selectors.queue(actor=bob.actor, filters=QueueFilter())
    first = selectors.queue_page(queue, size=3)
    assert (first.complaints, first.previous_cursor) == (list(four[:3]), "")
    last = selectors.queue_page(queue, after=first.next_cursor, size=3)
    assert (last.complaints, last.next_cursor) == ([four[3]], "")
    back = selectors.queue_page(queue, before=last.previous_cursor, size=3)
    assert (back.complaints, back.previous_cursor) == (list(four[:3]), "")
    assert selectors.queue_page(queue, before=back.next_cursor, size=2).complaints == list(four[:2])


def test_a_queue_cursor_holds_the_deadline_to_the_microsecond_or_the_end_of_time(four):
    monday, _tuesday, paused, _no_policy = four
    monday.next_due_at = dt.datetime(2026, 3, 3, 9, 30, 0, 123456, tzinfo=dt.UTC)
    assert selectors.decode_queue_cursor(selectors.encode_queue_cursor(monday)) == (monday.next_due_at, monday.pk)
    assert selectors.decode_queue_cursor(selectors.encode_queue_cursor(paused)) == (NO_DEADLINE, paused.pk)
    assert [selectors.decode_queue_cursor(text) for text in ("", "bm9wZQ", "%%%", "MS4yLjM")] == [None] * 4


def test_the_capped_count_stops_one_past_the_cap(bob, four):
    queue = selectors.queue(actor=bob.actor, filters=QueueFilter())
    assert [selectors.capped_count(queue, cap=cap) for cap in (2, 3, 4, 10)] == [3, 4, 4, 4]


# Scoping ----------------------------------------------------------------------------------------

def test_another_organisation_sees_nothing(charlie, bob, four):
    monday = four[0]
    assert list(selectors.queue(actor=charlie.actor, filters=QueueFilter(open_only=False))) == []
    assert list(selectors.list_complaints(actor=charlie.actor)) == []
    assert list(selectors.timeline(actor=charlie.actor, complaint=monday)) == []
    with pytest.raises(NotFound):
        selectors.access_complaint(actor=charlie.actor, complaint_id=monday.pk)
    with pytest.raises(NotFound):
        selectors.access_complaint_by_reference(actor=charlie.actor, reference=monday.reference)
    assert selectors.access_complaint(actor=bob.actor, complaint_id=monday.pk) == monday


@pytest.mark.parametrize("complaint_id", [999_999, "abc", None])
def test_a_missing_or_malformed_id_is_not_found(bob, complaint_id):
    with pytest.raises(NotFound):
        selectors.access_complaint(actor=bob.actor, complaint_id=complaint_id)


def test_every_role_may_view_complaints(acme, carol, policy):
    complaint = registered(acme)
    viewer = member(acme, Role.VIEWER, "vera@acme.test")
    assert list(selectors.list_complaints(actor=viewer)) == [complaint]
    assert list(selectors.list_complaints(actor=carol.actor)) == [complaint]


# Timelines and tracking -------------------------------------------------------------------------

def test_the_complainant_sees_only_the_customer_visible_timeline(acme, bob, policy):
    complaint = registered(acme)
    services.add_note(actor=bob.actor, complaint=complaint, body="Internal.")
    services.send_message(actor=bob.actor, complaint=complaint, body="We are on it.")
    assert [e.kind for e in selectors.timeline(actor=bob.actor, complaint=complaint)] == [
        EventKind.RECEIVED, EventKind.STATUS_CHANGED, EventKind.NOTE, EventKind.MESSAGE_OUT]
    assert [e.kind for e in selectors.customer_timeline(complaint=complaint)] == [
        EventKind.RECEIVED, EventKind.STATUS_CHANGED, EventKind.MESSAGE_OUT]


def test_a_tracking_link_finds_its_complaint_and_nothing_else(acme, globex, policy):
    complaint = registered(acme)
    registered(globex)
    token = tracking_token(complaint.tracking_secret)
    found = selectors.complaint_for_tracking(organization_slug="acme", reference=complaint.reference, token=token)
    assert found == complaint
    wrong = [("acme", complaint.reference, tracking_token("other")), ("acme", "C-2026-999999", token),
             ("globex", complaint.reference, token), ("nowhere", complaint.reference, token),
             ("acme", complaint.reference, "")]
    for slug, reference, guess in wrong:
        with pytest.raises(NotFound):
            selectors.complaint_for_tracking(organization_slug=slug, reference=reference, token=guess)


# Personal data ----------------------------------------------------------------------------------

def test_roles_without_personal_data_access_see_it_masked(acme, bob, carol, policy):
    complaint = registered(acme, complainant_phone="", representative_name="Anna Nowak")
    viewer = member(acme, Role.VIEWER, "vera@acme.test")
    for actor in (viewer, carol.actor):
        shown = selectors.for_display(actor=actor, complaint=complaint)
        assert (shown.complainant_name, shown.complainant_email, shown.complainant_phone,
                shown.representative_name) == (MASK, MASK, "", MASK)
        assert shown.description == complaint.description
    assert selectors.for_display(actor=bob.actor, complaint=complaint) is complaint
    complaint.refresh_from_db()
    assert complaint.complainant_name == "Jan Kowalski"  # the mask is never saved


def test_viewing_needs_the_view_permission(acme, policy):
    complaint = registered(acme)
    viewer = member(acme, Role.VIEWER, "vera@acme.test")
    object.__setattr__(viewer.membership, "role", "nobody")
    with pytest.raises(PermissionDenied):
        selectors.access_complaint(actor=viewer, complaint_id=complaint.pk)


# Duplicates and overdue -------------------------------------------------------------------------

def test_duplicate_candidates_share_a_contact_within_the_window_most_similar_first(acme, globex, bob, policy):
    complaint = registered(acme, description="The shower in room 12 is broken.")
    similar = registered(acme, moment=T0 - 3 * DAY, complainant_email="JAN@example.com",
                         description="Shower broken, room 12!")
    by_phone = registered(acme, moment=T0 - DAY, complainant_email="", complainant_phone="+48 600",
                          description="Breakfast was cold.")
    complaint.complainant_phone = "+48 600"
    complaint.save()
    later = registered(acme, moment=T0 + 2 * DAY, description="Another matter.")
    registered(acme, moment=T0 - 31 * DAY, description="The shower in room 12 is broken.")  # outside the window
    registered(acme, complainant_email="someone@example.com", description="The shower in room 12 is broken.")
    registered(globex, description="The shower in room 12 is broken.")

    assert selectors.duplicate_candidates(actor=bob.actor, complaint=complaint) == [similar, later, by_phone]
    assert selectors.duplicate_candidates(actor=bob.actor, complaint=complaint, days=1, limit=1) == [by_phone]


def test_a_complaint_without_contacts_has_no_duplicate_candidates(acme, bob, policy):
    complaint = registered(acme, complainant_email="")
    registered(acme, complainant_email="")
    assert selectors.duplicate_candidates(actor=bob.actor, complaint=complaint) == []


def test_a_complaint_is_overdue_only_after_its_next_deadline(acme, policy):
    complaint = registered(acme)
    with clock.frozen(complaint.next_due_at):
        assert not selectors.is_overdue(complaint)
    with clock.frozen(complaint.next_due_at + dt.timedelta(seconds=1)):
        assert selectors.is_overdue(complaint)
