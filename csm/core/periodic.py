"""Periodic sweeps: tasks the worker enqueues on a fixed interval; and pollers, which it calls itself.

`enqueue_due_sweeps` may run in every worker process at once: each sweep's row is locked while it
is checked, so a sweep is enqueued once per interval however many workers run. Higher apps add
their own sweeps (notification retries, SLA reminders, retention purges) with `register_sweeps`
from their AppConfig.ready(), since the kernel may not import them.

A poller is for work whose queue is a table of its own, rows flagged in the same statement that
wrote them (the public intake's pending complaints, decision 0011): every worker calls it every
few seconds, in a thread of its own, until it reports nothing left; it must claim rows under a
lock that skips rows another worker holds, so any number of workers can poll at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from csm.core import clock, tasks
from csm.core.models import PeriodicSweep


@dataclass(frozen=True)
class Sweep:
    name: str
    every: dt.timedelta
    task: Any


SWEEPS: tuple[Sweep, ...] = (
    Sweep("clear_expired_sessions", dt.timedelta(hours=1), tasks.clear_expired_sessions),
    Sweep("prune_task_results", dt.timedelta(days=1), tasks.prune_task_results),
)


_registered: list[Sweep] = []


def register_sweeps(*sweeps: Sweep) -> None:
    """Add sweeps to the worker's schedule (idempotent by name)."""
    names = {s.name for s in _registered}
    _registered.extend(s for s in sweeps if s.name not in names)


@dataclass(frozen=True)
class Poller:
    name: str
    every_seconds: float
    run: Callable[[], int]  # does a bounded batch of work; returns how much (0: nothing left)


_pollers: list[Poller] = []


def register_pollers(*pollers: Poller) -> None:
    """Add pollers to every worker (idempotent by name)."""
    names = {p.name for p in _pollers}
    _pollers.extend(p for p in pollers if p.name not in names)


def all_pollers() -> tuple[Poller, ...]:
    return tuple(_pollers)


def drain(poller: Poller) -> int:
    """Call `poller` until it has nothing left; returns the work done in all."""
    total = 0
    while done := poller.run():
        total += done
    return total


def all_sweeps() -> tuple[Sweep, ...]:
    return SWEEPS + tuple(_registered)


def is_due(last: dt.datetime | None, every: dt.timedelta, now: dt.datetime) -> bool:
    return last is None or now - last >= every


def enqueue_due_sweeps(*, sweeps: tuple[Sweep, ...] | None = None, now: dt.datetime | None = None) -> list[str]:
    """Enqueue every sweep whose interval has passed; returns the names enqueued."""
    now = now or clock.now()
    enqueued = []
    for sweep in all_sweeps() if sweeps is None else sweeps:
        PeriodicSweep.objects.get_or_create(name=sweep.name)
        with transaction.atomic():
            row = PeriodicSweep.objects.select_for_update().get(name=sweep.name)
            if is_due(row.last_enqueued_at, sweep.every, now):
                sweep.task.enqueue()
                row.last_enqueued_at = now
                row.save(update_fields=["last_enqueued_at"])
                enqueued.append(sweep.name)
    return enqueued
