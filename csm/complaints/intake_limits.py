"""Rate limits of the public complaint intake (the web form, the public API and the mailbox).

A fixed window per client IP (CSM_INTAKE_PER_IP_PER_HOUR per clock hour) and per e-mail address
(CSM_INTAKE_PER_EMAIL_PER_DAY per UTC day), counted in the IntakeCounter table, so the limits hold
across several web processes and never vanish under load (a cache may evict its keys). Keys are
hashed: no address is stored. `check_intake` counts every key of a submission in one statement
(an upsert) and, when either limit is exceeded, rolls that back and refuses with RateLimited (429):
only an accepted submission counts, so one refused attempt never pushes a neighbour on the same IP
further over the limit. `sweep_intake_counters` deletes the counters of windows that have passed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext
from django_tasks import task

from csm.complaints.models import IntakeCounter
from csm.core import clock
from csm.core.errors import RateLimited

HOUR = 3600
DAY = 24 * HOUR

# One statement per submission, on PostgreSQL and SQLite (>= 3.35): a key's row starts again at 1
# when its stored window is not the current one. The table name is a constant.
_UPSERT = (
    "INSERT INTO {table} (key, window_start, count) VALUES {rows} "
    "ON CONFLICT (key) DO UPDATE SET "
    "count = CASE WHEN {table}.window_start = excluded.window_start THEN {table}.count + 1 ELSE 1 END, "
    "window_start = excluded.window_start "
    "RETURNING key, count"
)


@dataclass(frozen=True)
class Window:
    kind: str
    seconds: int
    limit: int

    def start(self, now: dt.datetime) -> dt.datetime:
        """The start of the fixed window `now` falls in (clock hours and UTC days from the epoch)."""
        return dt.datetime.fromtimestamp(int(now.timestamp()) // self.seconds * self.seconds, tz=dt.UTC)


def _windows() -> tuple[Window, Window]:
    return (Window("ip", HOUR, int(settings.CSM_INTAKE_PER_IP_PER_HOUR)),
            Window("email", DAY, int(settings.CSM_INTAKE_PER_EMAIL_PER_DAY)))


def _key(window: Window, value: str) -> str:
    """One counter per value and kind of window; the value is hashed so no address is stored."""
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"{window.kind}:{digest}"


@dataclass(frozen=True)
class Count:
    """One submission's count: the upsert that adds it (`sql`, `params`, RETURNING key, count)
    and the windows of its keys, to judge what the statement returns (`refuse_if_over`)."""

    sql: str
    params: list[Any]
    keys: dict[str, Window]


def counting(*, ip: str, email: str, now: dt.datetime) -> Count | None:
    """The statement that counts one submission from `ip` and `email` (each when given; mail has
    no IP), or None when there is nothing to count. It may run as a part of a larger statement."""
    ip_window, email_window = _windows()
    keys = {_key(ip_window, ip): ip_window} if ip else {}
    if email.strip():
        keys[_key(email_window, email)] = email_window
    if not keys:
        return None
    return counting_keys(keys, now=now)


def counting_keys(keys: dict[str, Window], *, now: dt.datetime) -> Count:
    """The statement that counts one submission against each of `keys` (kind-prefixed, hashed) in
    its window; other apps count their own kinds of submission in the same table with it."""
    params: list[Any] = []
    for key, window in keys.items():
        params += [key, connection.ops.adapt_datetimefield_value(window.start(now))]
    sql = _UPSERT.format(table=IntakeCounter._meta.db_table, rows=", ".join(["(%s, %s, 1)"] * len(keys)))
    return Count(sql, params, keys)


def increment(count: Count) -> dict[str, int]:
    """Run the counting statement on its own; the new counts by key."""
    with connection.cursor() as cursor:
        cursor.execute(count.sql, count.params)
        return dict(cursor.fetchall())


def refuse_if_over(count: Count, counts: dict[str, int]) -> None:
    """RateLimited if a new count (by key) is over its limit; the caller's transaction must roll
    the counting back, so that only accepted submissions count."""
    if any(counts[key] > window.limit for key, window in count.keys.items()):
        raise refusal()


def refusal() -> RateLimited:
    return RateLimited(gettext(
        "We have received too many complaints from you in a short time. Please try again later, "
        "or contact us by phone or letter."))


# PostgreSQL: a statement that counts can refuse by itself, which undoes the whole statement, so
# it needs no transaction around it: `CASE WHEN <count over its limit> THEN csm_refuse_intake()`.
# The function is created by migration complaints 0009; its error has this SQLSTATE.
REFUSED_SQLSTATE = "CS429"
REFUSE_FUNCTION = "csm_refuse_intake"


def check_intake(*, ip: str, email: str) -> None:
    """Count one submission from `ip` and `email`, or raise RateLimited, counting nothing, if
    either has reached its limit in the current window."""
    with transaction.atomic():  # a refusal rolls the increments back
        count_intake(ip=ip, email=email)


def count_intake(*, ip: str, email: str) -> None:
    """`check_intake` for a caller already inside the transaction of the write it admits, which a
    RateLimited raised here rolls back, counts and all (no savepoint of its own)."""
    count = counting(ip=ip, email=email, now=clock.now())
    if count is None:
        return
    refuse_if_over(count, increment(count))


def client_ip(meta: dict[str, object]) -> str:
    # REMOTE_ADDR only: X-Forwarded-For can be forged by the client unless a trusted proxy sets it.
    return str(meta.get("REMOTE_ADDR", ""))


def delete_past_counters(*, now: dt.datetime) -> int:
    """Delete the counters whose window has passed (their next submission would start at 1 anyway);
    returns how many."""
    past = Q()
    for window in _windows():
        past |= Q(key__startswith=f"{window.kind}:", window_start__lt=window.start(now))
    deleted, _by_model = IntakeCounter.objects.filter(past).delete()
    return deleted


@task()
def sweep_intake_counters() -> int:
    """The periodic sweep of `delete_past_counters`."""
    return delete_past_counters(now=clock.now())
