"""Enqueue many runs of a task at once, inside the caller's transaction.

On the database task backend (`django-tasks-db`) a task is a row: `enqueue_many` writes the rows as
`DatabaseBackend.enqueue` builds them, all in one INSERT (`insert_rows`), so a write and its tasks
commit or roll back together and a batch costs one statement however large. It skips the
`task_enqueued` signal, which only feeds the backend's debug log. Any other backend (the immediate
one in tests) enqueues one by one, as it would otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import normalize_json
from django_tasks_db.models import DBTaskResult, get_date_max

from csm.core.writes import insert_rows


def enqueue_many(task: Any, calls: Sequence[tuple[Any, ...]]) -> None:
    """Enqueue `task(*args)` for each args tuple in `calls`."""
    if not calls:
        return
    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        for args in calls:
            task.enqueue(*args)
        return
    backend.validate_task(task)
    run_after = task.run_after or get_date_max()
    insert_rows(DBTaskResult, [
        {"id": backend._get_id(), "args_kwargs": normalize_json({"args": args, "kwargs": {}}),
         "priority": task.priority, "task_path": task.module_path, "queue_name": task.queue_name,
         "run_after": run_after, "backend_name": backend.alias}
        for args in calls
    ])
