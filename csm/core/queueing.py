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


def on_database(task: Any) -> bool:
    """Whether `task` is queued as a row of the database backend (rows a caller may write)."""
    return isinstance(task.get_backend(), DatabaseBackend)


def task_row(task: Any, args: tuple[Any, ...]) -> dict[str, Any]:
    """The DBTaskResult columns of one run of `task(*args)`, as `DatabaseBackend.enqueue` fills
    them; for the database backend only (`on_database`)."""
    backend = task.get_backend()
    backend.validate_task(task)
    return {"id": backend._get_id(), "args_kwargs": normalize_json({"args": args, "kwargs": {}}),
            "priority": task.priority, "task_path": task.module_path, "queue_name": task.queue_name,
            "run_after": task.run_after or get_date_max(), "backend_name": backend.alias}


def enqueue_many(task: Any, calls: Sequence[tuple[Any, ...]]) -> None:
    """Enqueue `task(*args)` for each args tuple in `calls`."""
    if not calls:
        return
    if not on_database(task):
        for args in calls:
            task.enqueue(*args)
        return
    insert_rows(DBTaskResult, [task_row(task, args) for args in calls])
