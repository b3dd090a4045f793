"""`csm worker`: runs background tasks (django-tasks database backend) and the periodic sweeps.

Start as many as you like, on one machine or several: tasks are claimed under a row lock, and each
periodic sweep is enqueued once per interval whichever worker gets there first.
"""

from __future__ import annotations

import logging
import threading
from argparse import ArgumentParser
from typing import Any

from django.db import DatabaseError, close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from csm.core.periodic import enqueue_due_sweeps

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
        if not no_sweeps and not options.get("batch"):
            threading.Thread(target=_sweep_loop, args=(stop, sweep_interval), daemon=True,
                             name="csm-sweeps").start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
