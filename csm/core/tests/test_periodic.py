import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from csm.core import clock
from csm.core.models import PeriodicSweep
from csm.core.periodic import SWEEPS, all_sweeps, enqueue_due_sweeps, is_due

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("last", "now", "expected"),
    [
        (None, T0, True),
        (T0, T0 + dt.timedelta(minutes=59), False),
        (T0, T0 + dt.timedelta(hours=1), True),
    ],
)
def test_it_is_due_once_the_interval_has_passed(last, now, expected):
    assert is_due(last, dt.timedelta(hours=1), now) is expected


@pytest.mark.django_db
def test_it_enqueues_each_sweep_once_per_interval(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert enqueue_due_sweeps(sweeps=SWEEPS, now=T0) == [s.name for s in SWEEPS]
    assert enqueue_due_sweeps(sweeps=SWEEPS, now=T0 + dt.timedelta(minutes=30)) == []
    assert enqueue_due_sweeps(sweeps=SWEEPS, now=T0 + dt.timedelta(hours=1)) == ["clear_expired_sessions"]
    assert DBTaskResult.objects.count() == 3
    assert PeriodicSweep.objects.get(name="clear_expired_sessions").last_enqueued_at == T0 + dt.timedelta(hours=1)


# The worker closes connections between tasks, so it needs real transactions (not a test's atomic block).
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_enqueued_sweeps_and_clears_expired_sessions(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    Session.objects.create(session_key="old", session_data="x", expire_date=clock.now() - dt.timedelta(days=1))
    Session.objects.create(session_key="new", session_data="x", expire_date=clock.now() + dt.timedelta(days=1))
    enqueue_due_sweeps(sweeps=SWEEPS)
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new"]
    assert DBTaskResult.objects.successful().count() == 2


def test_the_schedule_includes_sweeps_registered_by_higher_apps():
    names = [s.name for s in all_sweeps()]
    assert names[: len(SWEEPS)] == [s.name for s in SWEEPS]
    assert "retry_notifications" in names
