"""Background tasks of the shared kernel. Tasks take ids or plain values, load what they need and
call one service; each is idempotent, so a retried task does no harm."""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.models import Session
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from csm.core import clock


@task()
def clear_expired_sessions() -> int:
    """Delete sessions past their expiry; returns how many were removed."""
    deleted, _ = Session.objects.filter(expire_date__lt=clock.now()).delete()
    return deleted


@task()
def prune_task_results(days: int = 30) -> int:
    """Delete finished task results older than `days`; pending and running ones are kept."""
    cutoff = clock.now() - dt.timedelta(days=days)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted
