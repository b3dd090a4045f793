import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from csm.complaints.models import Complaint, Notification, NotificationStatus
from csm.complaints.notifications import queue_notification
from csm.complaints.periodic import COMPLAINT_SWEEPS
from csm.complaints.tasks import (
    MAX_ATTEMPTS,
    SENDING_LEASE,
    build_email,
    retry_delay,
    retry_notifications,
    send_notification,
)
from csm.core import clock
from csm.core.periodic import enqueue_due_sweeps

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


class DownMailServer(BaseEmailBackend):
    """A mail backend whose server refuses every message."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class UnreachableMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")


DOWN = f"{__name__}.DownMailServer"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def _complaint(organization, **fields):
    return Complaint.objects.create(
        organization=organization, reference="C-2026-000123", tracking_secret="x", channel="email",
        received_at=T0, complainant_name="Jan Kowalski", complainant_email="jan@example.com",
        description="The room was not cleaned.", **fields)


def _message(complaint, **kwargs):
    return queue_notification(complaint=complaint, template="message", context={"message": "Hello"}, **kwargs)


def _at(moment):
    return clock.frozen(moment)


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = DOWN
    return settings


# Backoff ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("attempts", "minutes"), [
    (1, 1), (2, 2), (3, 4), (4, 8), (5, 16), (8, 128), (9, 256), (10, 360), (30, 360),
])
def test_retries_wait_twice_as_long_each_time_up_to_six_hours(attempts, minutes):
    assert retry_delay(attempts) == dt.timedelta(minutes=minutes)


# Sending ---------------------------------------------------------------------------------------------

def test_it_sends_a_queued_notification_and_records_it(acme):
    with _at(T0):
        notification = _message(_complaint(acme))
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.sent_at) == ("sent", 1, T0)
    assert (notification.next_attempt_at, notification.last_error) == (None, "")
    assert len(mail.outbox) == 1


def test_sending_twice_sends_once(acme):
    with _at(T0):
        notification = _message(_complaint(acme))
        assert send_notification.call(notification.pk) == "skipped"
        assert send_notification.call(notification.pk) == "skipped"
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.attempts == 1


def test_a_mail_server_failure_schedules_a_retry(acme, mail_server_down):
    with _at(T0):
        notification = _message(_complaint(acme))

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert notification.attempts == 1
    assert notification.next_attempt_at == T0 + MINUTE
    assert notification.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert notification.sent_at is None
    assert mail.outbox == []


def test_an_unreachable_mail_server_counts_as_a_failure_too(acme, settings):
    settings.EMAIL_BACKEND = f"{__name__}.UnreachableMailServer"
    with _at(T0):
        notification = _message(_complaint(acme))
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("failed", 1)
    assert notification.last_error == "ConnectionRefusedError: [Errno 111] Connection refused"


def test_nothing_is_lost_while_the_mail_server_is_down(acme, mail_server_down):
    with _at(T0):
        notification = _message(_complaint(acme))
    mail_server_down.EMAIL_BACKEND = LOCMEM

    with _at(T0 + MINUTE):
        assert retry_notifications.call() == 1
    with _at(T0 + 2 * MINUTE):
        assert retry_notifications.call() == 0
        assert send_notification.call(notification.pk) == "skipped"

    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == notification.message_id
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.sent_at) == ("sent", 2, T0 + MINUTE)
    assert (notification.next_attempt_at, notification.last_error) == (None, "")


def test_a_failed_notification_waits_for_its_next_attempt(acme, mail_server_down):
    with _at(T0):
        notification = _message(_complaint(acme))
    mail_server_down.EMAIL_BACKEND = LOCMEM

    with _at(T0 + MINUTE - dt.timedelta(seconds=1)):
        assert retry_notifications.call() == 0
        assert send_notification.call(notification.pk) == "skipped"
    assert mail.outbox == []
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("failed", 1)


def test_it_gives_up_after_ten_attempts(acme, mail_server_down):
    moment = T0
    with _at(moment):
        notification = _message(_complaint(acme))
    for attempt in range(2, MAX_ATTEMPTS + 1):
        moment += retry_delay(attempt - 1)
        with _at(moment):
            assert retry_notifications.call() == 1
        notification.refresh_from_db()
        assert notification.attempts == attempt

    assert notification.status == NotificationStatus.GAVE_UP
    assert notification.next_attempt_at is None
    mail_server_down.EMAIL_BACKEND = LOCMEM
    with _at(moment + dt.timedelta(days=1)):
        assert retry_notifications.call() == 0
        assert send_notification.call(notification.pk) == "skipped"
    assert mail.outbox == []


def test_an_attempt_in_flight_is_not_started_twice(acme, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with _at(T0):
        notification = _message(_complaint(acme))
        Notification.objects.filter(pk=notification.pk).update(attempts=1, next_attempt_at=T0 + SENDING_LEASE)
        assert send_notification.call(notification.pk) == "skipped"
        assert retry_notifications.call() == 0
    assert mail.outbox == []


def test_an_attempt_whose_worker_died_is_retried_after_its_lease(acme, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with _at(T0):
        notification = _message(_complaint(acme))
        Notification.objects.filter(pk=notification.pk).update(attempts=1, next_attempt_at=T0 + SENDING_LEASE)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    with _at(T0 + SENDING_LEASE):
        assert retry_notifications.call() == 1
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("sent", 2)


def test_a_queued_notification_whose_task_was_lost_is_sent_by_the_sweep(acme, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with _at(T0):
        notification = _message(_complaint(acme))
    DBTaskResult.objects.all().delete()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    with _at(T0 + SENDING_LEASE - MINUTE):
        assert retry_notifications.call() == 0
    with _at(T0 + SENDING_LEASE):
        assert retry_notifications.call() == 1
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [notification.message_id]


def test_the_sweep_enqueues_a_bounded_batch_longest_waiting_first(acme, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    complaint = _complaint(acme)
    with _at(T0):
        first, second, third = _message(complaint), _message(complaint), _message(complaint)
    for notification, minutes in ((first, 3), (second, 1), (third, 2)):
        Notification.objects.filter(pk=notification.pk).update(
            status=NotificationStatus.FAILED, attempts=1, next_attempt_at=T0 + minutes * MINUTE)
    DBTaskResult.objects.all().delete()

    with _at(T0 + 5 * MINUTE):
        assert retry_notifications.call(batch_size=2) == 2

    enqueued = DBTaskResult.objects.order_by("enqueued_at", "id").values_list("args_kwargs", flat=True)
    assert sorted(a["args"][0] for a in enqueued) == sorted([second.pk, third.pk])


def test_the_sweep_leaves_sent_notifications_alone(acme):
    with _at(T0):
        _message(_complaint(acme))
    with _at(T0 + dt.timedelta(days=1)):
        assert retry_notifications.call() == 0
    assert len(mail.outbox) == 1


# Headers ---------------------------------------------------------------------------------------------

def test_the_email_carries_threading_and_auto_submitted_headers(acme):
    complaint = _complaint(acme)
    with _at(T0):
        first = _message(complaint)
        reply = _message(complaint, in_reply_to="<q1@mail.example.com>")

    message = build_email(reply).message()
    assert message["Message-ID"] == reply.message_id
    assert message["In-Reply-To"] == "<q1@mail.example.com>"
    assert message["References"] == f"{first.message_id} <q1@mail.example.com>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Auto-Response-Suppress"] == "OOF, AutoReply"
    assert message["To"] == "jan@example.com"


def test_mail_to_another_reader_starts_its_own_thread(acme):
    complaint = _complaint(acme)
    with _at(T0):
        _message(complaint)
        other = _message(complaint, to="representative@example.com")
    message = build_email(other).message()
    assert message["References"] is None
    assert message["In-Reply-To"] is None


# The worker and the periodic sweep -------------------------------------------------------------------

def test_the_retry_sweep_runs_every_minute():
    assert [(s.name, s.every, s.task) for s in COMPLAINT_SWEEPS][:1] == [
        ("retry_notifications", MINUTE, retry_notifications)]


# The worker closes connections between tasks, so it needs real transactions (not a test's atomic block).
@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_what_a_committed_transaction_queued(acme, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with transaction.atomic():
        notification = _message(_complaint(acme))
    assert mail.outbox == []

    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)

    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [notification.message_id]
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT


@pytest.mark.django_db(transaction=True)
def test_the_periodic_sweep_retries_through_the_worker(acme, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = DOWN
    with clock.frozen(T0):
        notification = _message(_complaint(acme))
        call_command("worker", "--batch", "--no-startup-delay", verbosity=0)
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("failed", 1)

    settings.EMAIL_BACKEND = LOCMEM
    with clock.frozen(T0 + MINUTE):
        assert enqueue_due_sweeps(sweeps=COMPLAINT_SWEEPS) == [
            "retry_notifications", "sla_sweep", "refresh_stale_deadlines", "complaint_retention"]
        call_command("worker", "--batch", "--no-startup-delay", verbosity=0)

    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("sent", 2)
