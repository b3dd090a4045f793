"""`csm worker`: runs background tasks (django-tasks database backend), the periodic sweeps and the
pollers (see csm.core.periodic).

Start as many as you like, on one machine or several: tasks are claimed under a row lock, each
periodic sweep is enqueued once per interval whichever worker gets there first, and pollers claim
their rows skipping those another worker holds. With --batch, the pollers are drained first, then
the tasks run until none is left.
"""

from __future__ import annotations

import logging
import threading
from argparse import ArgumentParser
from typing import Any

from django.db import DatabaseError, close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from csm.core.periodic import Poller, all_pollers, drain, enqueue_due_sweeps

logger = logging.getLogger("csm.worker")


def _sweep_loop(stop: threading.Event, interval: float) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            names = enqueue_due_sweeps()
            if names:
                logger.info("Enqueued periodic sweeps: %s", ", ".join(names))
        except DatabaseError:
            logger.exception("Could not enqueue periodic sweeps; will retry")
        finally:
            connection.close()
        stop.wait(interval)


def _poll_loop(stop: threading.Event, poller: Poller) -> None:
    """Drain `poller` every `every_seconds` on this thread's own connection, kept between rounds."""
    while not stop.is_set():
        try:
            close_old_connections()
            drain(poller)
        except Exception:
            logger.exception("Poller %s failed; will retry", poller.name)
            connection.close()
        stop.wait(poller.every_seconds)
    connection.close()


class Command(DbWorkerCommand):
    help = "Run background tasks and periodic sweeps."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--sweep-interval", type=float, default=60.0,
                            help="Seconds between checks for due periodic sweeps (default 60).")
        parser.add_argument("--no-sweeps", action="store_true", help="Do not enqueue periodic sweeps.")

    def handle(self, *args: Any, **options: Any) -> None:
        sweep_interval = options.pop("sweep_interval")
        no_sweeps = options.pop("no_sweeps")
        stop = threading.Event()
        if options.get("batch"):
            for poller in all_pollers():
                drain(poller)
        else:
            for poller in all_pollers():
                threading.Thread(target=_poll_loop, args=(stop, poller), daemon=True,
                                 name=f"csm-poll-{poller.name}").start()
            if not no_sweeps:
                threading.Thread(target=_sweep_loop, args=(stop, sweep_interval), daemon=True,
                                 name="csm-sweeps").start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
