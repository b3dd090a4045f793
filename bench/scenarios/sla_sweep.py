"""The SLA sweep over 1,000,000 open complaints with 10,000 due at the tick: seconds until nothing
is due, in the sweep's bounded batches, against a raw UPDATE of the same rows in the same batches.

Of the 10,000 due (see bench/seed_complaints.py), 4,000 get a reminder mailed to their assignee,
3,000 an escalation mailed to the two quality managers, and 3,000, on a calendar outside its
working hours, only have their check moved. The sweep runs as the worker runs it: `sla_sweep`
called until a call finds nothing due, each call one transaction of at most BATCH_SIZE (1,000) locked
complaints, writing with a fixed number of statements per batch and enqueueing one task that
renders and queues the batch's mails. Those tasks then run, untimed but reported
(`mails_per_second`), and must queue exactly the 10,000 mails. The floor then moves the check of
the same rows, again due, in the same batches, one transaction each, with one statement: UPDATE ...
WHERE id IN (the next 500 due, FOR UPDATE SKIP LOCKED). Target: at most 2 s, whatever the floor.
"""

from __future__ import annotations

import datetime as dt
import time

from django.db import connection

from bench import seed_complaints
from bench.result import Result, elapsed
from csm.complaints import sweeps
from csm.complaints.models import Complaint, ComplaintEvent, EventKind, Notification
from csm.core import clock
from csm.core.writes import update_in_bulk

NAME = "sla_sweep_1m"
TARGET_SECONDS = 2.0
EXPECTED = {"acted": 7_000, "reminders": 4_000, "escalations": 3_000, "notifications": 10_000}

_FLOOR_BATCH = """
UPDATE complaints_complaint SET sla_check_at = %(later)s
WHERE id IN (SELECT id FROM complaints_complaint
             WHERE sla_check_at <= %(now)s AND paused_since IS NULL AND status <> 'closed'
             ORDER BY sla_check_at, id LIMIT %(batch)s FOR UPDATE SKIP LOCKED)
"""


def _sweep_until_done() -> tuple[float, int]:
    """Seconds spent in `sla_sweep` calls until nothing is due (the count between calls is not
    timed), and how many complaints they reminded or escalated."""
    seconds, acted = 0.0, 0
    with clock.frozen(seed_complaints.NOW):
        while _due_count():
            started = time.perf_counter()
            acted += sweeps.sla_sweep.call()
            seconds += time.perf_counter() - started
    return seconds, acted


def _render_mails() -> float:
    """Run the mail tasks the sweep enqueued, as a worker would; returns mails queued per second."""
    from django_tasks_db.models import DBTaskResult

    started, queued = time.perf_counter(), 0
    for row in DBTaskResult.objects.filter(task_path="csm.complaints.sweeps.send_sla_notifications"):
        queued += sweeps.send_sla_notifications.call(*row.args_kwargs["args"])
    return queued / (time.perf_counter() - started)


def _due_count() -> int:
    return Complaint.objects.filter(sla_check_at__lte=seed_complaints.NOW, paused_since__isnull=True).exclude(
        status="closed").count()


def _floor() -> None:
    later = seed_complaints.NOW + dt.timedelta(days=1)
    with connection.cursor() as cursor:  # autocommit: one transaction per statement
        while True:
            cursor.execute(_FLOOR_BATCH, {"later": later, "now": seed_complaints.NOW, "batch": sweeps.BATCH_SIZE})
            if cursor.rowcount == 0:
                break


def _outcome(acted: int) -> dict[str, int]:
    since = {"created_at__gte": seed_complaints.NOW}
    return {"acted": acted,
            "reminders": ComplaintEvent.objects.filter(kind=EventKind.REMINDER, **since).count(),
            "escalations": ComplaintEvent.objects.filter(kind=EventKind.ESCALATED, **since).count(),
            "notifications": Notification.objects.filter(template__in=["reminder", "escalation"]).count()}


def run(n: int) -> list[Result]:
    """One sweep (it changes the rows it handles; `n` is ignored), then the floor on the same rows
    made due again."""
    seed_complaints.seeded()
    due = list(Complaint.objects.filter(sla_check_at__lte=seed_complaints.NOW).values_list("id", "sla_check_at"))
    seconds, acted = _sweep_until_done()
    with clock.frozen(seed_complaints.NOW):
        mails_per_second = _render_mails()
    outcome = _outcome(acted)
    update_in_bulk([Complaint(pk=pk, sla_check_at=at) for pk, at in due], ["sla_check_at"])
    floor = elapsed(_floor)
    problems = tuple(f"{name}: {outcome[name]}, expected {expected}" for name, expected in EXPECTED.items()
                     if outcome[name] != expected)
    return [Result(scenario=NAME, value=seconds, unit="s", floor=floor, n=len(due), target_max_value=TARGET_SECONDS,
                   detail={**outcome, "batch": sweeps.BATCH_SIZE, "mails_per_second": round(mails_per_second)},
                   problems=problems)]
