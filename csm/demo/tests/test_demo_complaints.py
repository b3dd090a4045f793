import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import Count

from csm.complaints.models import Complaint, ComplaintEvent, EventKind, SlaPolicy
from csm.complaints.workflow import OPEN_STATUSES, Status
from csm.core import clock

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC)


def seed() -> None:
    with clock.frozen(TODAY):
        call_command("seed-demo", "--reset", verbosity=0)


def test_it_seeds_complaints_that_ran_the_process_with_stored_deadlines():
    seed()
    for slug in ("demo-hotels", "demo-telecom"):
        complaints = Complaint.objects.filter(organization__slug=slug)
        assert complaints.count() > 40
        assert not complaints.filter(acknowledge_due_at__isnull=True).exists()
        assert not complaints.filter(resolve_due_at__isnull=True).exists()
        assert all(c.reference == f"C-{c.received_at:%Y}-{c.pk:06d}" for c in complaints)
        assert complaints.filter(received_at__gte=TODAY).count() == 0
        closed = complaints.filter(status=Status.CLOSED)
        assert closed.exists()
        assert not closed.filter(closed_at__isnull=True).exists()
        assert complaints.filter(status__in=[s.value for s in OPEN_STATUSES]).exists()
        assert set(complaints.values_list("sla_policy__organization__slug", flat=True)) == {slug}


def test_open_complaints_are_due_at_their_earliest_unfinished_step():
    seed()
    for c in Complaint.objects.exclude(status=Status.CLOSED).exclude(status=Status.REFERRED):
        steps = [(c.acknowledge_due_at, c.acknowledged_at), (c.assess_due_at, c.assessed_at),
                 (c.respond_due_at, c.responded_at), (c.resolve_due_at, c.closed_at)]
        assert c.next_due_at == min(due for due, done in steps if done is None)


def test_every_complaint_has_a_chronological_timeline_starting_at_receipt():
    seed()
    firsts = ComplaintEvent.objects.filter(kind=EventKind.RECEIVED).values("complaint").annotate(n=Count("id"))
    assert {row["n"] for row in firsts} == {1}
    for c in Complaint.objects.filter(status=Status.CLOSED)[:50]:
        times = list(c.events.values_list("created_at", flat=True))
        assert times == sorted(times)
        assert times[0] == c.received_at
        assert c.events.last().kind == EventKind.CLOSED


def test_the_same_seed_on_the_same_day_gives_the_same_complaints():
    seed()
    first = list(Complaint.objects.order_by("received_at", "id").values_list(
        "received_at", "status", "complainant_name", "category__name", "resolve_due_at"))
    seed()
    again = list(Complaint.objects.order_by("received_at", "id").values_list(
        "received_at", "status", "complainant_name", "category__name", "resolve_due_at"))
    assert first == again
    assert SlaPolicy.objects.count() == 2
