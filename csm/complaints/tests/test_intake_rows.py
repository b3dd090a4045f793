"""The public intake's two halves: the rows the request writes (services/intake_rows.py: one
statement on PostgreSQL, a few on SQLite) and the worker that completes them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import IntegrityError
from django.test.utils import CaptureQueriesContext

from csm.catalogue.models import Channel
from csm.complaints import intake_limits
from csm.complaints.models import Complaint, ComplaintEvent, Notification, SlaPolicy
from csm.complaints.services import intake, intake_rows
from csm.core import clock
from csm.core.audit import AuditEvent
from csm.core.errors import RateLimited
from csm.core.tests.factories import office_calendar

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
BIG_ID = 1_234_567
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with clock.frozen(NOW):
        yield


def data(**overrides):
    return {"channel": Channel.WEB, "complainant_name": "Jan Kowalski", "complainant_email": "jan@example.com",
            "description": "The room was not cleaned.", "consent_given": True, **overrides}


def accept(organization, key="k-1", **overrides):
    return intake.accept_complaint(organization=organization, data=data(**overrides), idempotency_key=key,
                                   scope="public", ip="10.0.0.1", email="jan@example.com")


@pytest.mark.parametrize(("pk", "expected"), [(1, "C-2026-000001"), (999_999, "C-2026-999999"),
                                              (1_234_567, "C-2026-1234567")])
def test_the_reference_pads_the_id_to_six_digits_and_never_cuts_it(pk, expected):
    assert intake_rows.reference("C-2026-", pk) == expected


@pytest.fixture
def _sequence_restored():
    """A sequence is outside transactions: put PostgreSQL's back for the tests that follow (this
    runs before the test's rollback, so the test's own row is left out of the maximum)."""
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('complaints_complaint', 'id'), "
                           "(SELECT COALESCE(MAX(id), 0) + 1 FROM complaints_complaint WHERE id < %s), false)", [BIG_ID])


def test_a_reference_past_six_digits_is_written_whole(acme, settings, _sequence_restored):
    """The same rule in the database's statement as in Python (lpad would cut a longer id)."""
    settings.TASKS = DATABASE_TASKS
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence('complaints_complaint', 'id'), %s)", [BIG_ID - 1])
        else:
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = 'complaints_complaint'")
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('complaints_complaint', %s)", [BIG_ID - 1])
    registered = accept(acme)
    assert registered.complaint.pk == 1_234_567
    assert Complaint.objects.get().reference == registered.complaint.reference == "C-2026-1234567"


def test_the_request_writes_the_row_with_its_key_and_counts_and_the_worker_the_rest(acme, settings, monkeypatch):
    # The worker closes "old" connections between tasks, which inside the test's transaction would
    # be the test's own connection.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    settings.TASKS = DATABASE_TASKS
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    SlaPolicy.objects.create(organization=acme, name="Standard", calendar=office_calendar(acme),
                             acknowledge_target="16h", respond_target="5wd", resolve_target="15d")
    registered = accept(acme)
    complaint = Complaint.objects.get()
    assert (registered.created, registered.complaint.pk, registered.complaint.reference) == (
        True, complaint.pk, complaint.reference)
    assert (complaint.intake_pending, complaint.status, complaint.received_at, complaint.acknowledge_due_at) == (
        True, "received", NOW, None)
    assert (complaint.complainant_name, complaint.description, complaint.channel) == (
        "Jan Kowalski", "The room was not cleaned.", "web")
    assert list(Complaint.objects.values_list("idempotency_key", "id")) == [("k-1", complaint.pk)]
    assert ComplaintEvent.objects.count() == Notification.objects.count() == 0
    call_command("worker", batch=True, no_sweeps=True, verbosity=0)  # the complaint, then its mail
    complaint.refresh_from_db()
    assert (complaint.intake_pending, complaint.status) == (False, "acknowledged")
    assert complaint.acknowledge_due_at is not None
    assert list(ComplaintEvent.objects.filter(complaint=complaint).values_list("kind", flat=True)) == [
        "received", "status_changed"]
    assert AuditEvent.objects.filter(object_id=str(complaint.pk), action="created").count() == 1
    assert [m.to for m in mail.outbox] == [["jan@example.com"]]
    assert complaint.reference in mail.outbox[0].subject


def test_a_refused_count_writes_nothing_not_even_the_count(acme, settings):
    settings.TASKS = DATABASE_TASKS
    settings.CSM_INTAKE_PER_EMAIL_PER_DAY = 1
    accept(acme, key="k-1")
    before = (list(Complaint.objects.values_list("id", "idempotency_key")), intake_limits.IntakeCounter.objects.count(),
              list(intake_limits.IntakeCounter.objects.values_list("key", "count")))
    with pytest.raises(RateLimited):
        accept(acme, key="k-2")
    after = (list(Complaint.objects.values_list("id", "idempotency_key")), intake_limits.IntakeCounter.objects.count(),
             list(intake_limits.IntakeCounter.objects.values_list("key", "count")))
    assert after == before


def test_a_reused_key_fails_the_whole_statement(acme, settings):
    settings.TASKS = DATABASE_TASKS
    accept(acme, key="k-1")
    new = intake_rows.NewComplaint(
        row={"organization_id": acme.pk, "tracking_secret": "s", "received_at": NOW, **data(),
             "idempotency_scope": "public", "idempotency_key": "k-1", "request_digest": "other"},
        reference_prefix="C-2026-")
    with pytest.raises(IntegrityError), transaction.atomic():
        intake_rows.write(new)
    assert Complaint.objects.count() == 1


def test_the_poller_completes_pending_complaints_oldest_first_in_bounded_rounds(acme, settings):
    settings.TASKS = DATABASE_TASKS
    keys = ["a", "b", "c"]
    for n, key in enumerate(keys):
        with clock.frozen(NOW + dt.timedelta(seconds=n)):
            accept(acme, key=key, complainant_email=f"{key}@example.com")
    from django_tasks_db.models import DBTaskResult
    assert not DBTaskResult.objects.filter(task_path__endswith="complete_intake").exists()  # the rows are the queue
    assert intake.complete_pending_intake(limit=2) == 2
    assert list(Complaint.objects.filter(intake_pending=True).values_list("idempotency_key", flat=True)) == ["c"]
    assert intake.complete_pending_intake(limit=2) == 1
    assert intake.complete_pending_intake(limit=2) == 0
    assert set(Complaint.objects.values_list("status", flat=True)) == {"acknowledged"}
    assert Notification.objects.filter(template="acknowledgement").count() == 3


def test_a_complaint_whose_completion_fails_is_logged_and_left_pending_after_the_others(acme, settings,
                                                                                        monkeypatch, caplog):
    settings.TASKS = DATABASE_TASKS
    bad = accept(acme, key="bad", complainant_email="bad@example.com").complaint
    with clock.frozen(NOW + dt.timedelta(seconds=1)):
        good = accept(acme, key="good", complainant_email="good@example.com").complaint
    real = intake._complete

    def failing(complaint, *args):
        if complaint.pk == bad.pk:
            raise RuntimeError("boom")
        return real(complaint, *args)

    monkeypatch.setattr(intake, "_complete", failing)
    assert intake.complete_pending_intake() == 1
    assert f"complaint {bad.pk}" in caplog.text
    assert dict(Complaint.objects.values_list("pk", "intake_pending")) == {bad.pk: True, good.pk: False}
    assert not ComplaintEvent.objects.filter(complaint=bad).exists()  # its savepoint rolled back


def test_csm_worker_batch_drains_the_pollers_then_runs_the_tasks(acme, settings, monkeypatch):
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    settings.TASKS = DATABASE_TASKS
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for key in ("a", "b"):
        accept(acme, key=key, complainant_email=f"{key}@example.com")
    call_command("worker", batch=True, no_sweeps=True, verbosity=0)
    assert not Complaint.objects.filter(intake_pending=True).exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.com", "b@example.com"]


def test_another_task_backend_gets_a_complete_intake_task_instead(acme, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    complaint = accept(acme).complaint
    complaint.refresh_from_db()
    assert (complaint.intake_pending, complaint.status) == (False, "acknowledged")
    assert intake.complete_intake.call(complaint.pk) is False  # a second run changes nothing


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_one_statement_commits_alone_or_leaves_nothing(acme, settings):
    """As in a web request: on PostgreSQL no BEGIN or COMMIT, the statement is its own transaction
    (a retry and a refusal included); on SQLite the writes run in a transaction as before."""
    settings.TASKS = DATABASE_TASKS
    settings.CSM_INTAKE_PER_EMAIL_PER_DAY = 1
    assert not connection.in_atomic_block
    with CaptureQueriesContext(connection) as queries:
        first = accept(acme, key="k-1")
    if connection.vendor == "postgresql":
        assert [q["sql"].split()[0] for q in queries.captured_queries] == ["WITH"]
    assert connection.get_autocommit() and not connection.in_atomic_block
    again = accept(acme, key="k-1")  # the retry meets the key's constraint and replays
    assert (again.created, again.complaint.pk) == (False, first.complaint.pk)
    counters = list(intake_limits.IntakeCounter.objects.order_by("key").values_list("key", "count"))
    with pytest.raises(RateLimited):
        accept(acme, key="k-2")  # the e-mail's one complaint a day is used up
    assert list(Complaint.objects.values_list("id", "idempotency_key")) == [(first.complaint.pk, "k-1")]
    assert list(intake_limits.IntakeCounter.objects.order_by("key").values_list("key", "count")) == counters
    assert [count for _key, count in counters] == [1, 1]
    assert intake.complete_pending_intake() == 1
