"""The complaints app's periodic sweeps, for the worker to run next to the kernel's SWEEPS.

They live here rather than in `csm.core.periodic` because the kernel may not import this app
(import-linter layers); the worker merges both lists.
"""

from __future__ import annotations

import datetime as dt

from csm.complaints import intake_limits, privacy, sweeps, tasks
from csm.complaints.services import intake
from csm.core.periodic import Poller, Sweep

COMPLAINT_SWEEPS: tuple[Sweep, ...] = (
    # Every minute: the first retry of a failed notification is due one minute after the failure.
    Sweep("retry_notifications", dt.timedelta(minutes=1), tasks.retry_notifications),
    # Every minute: reminders and escalations (sent in working time only, see sweeps.py).
    Sweep("sla_sweep", dt.timedelta(minutes=1), sweeps.sla_sweep),
    # Every 5 minutes: deadlines of open complaints after an SLA policy, calendar or tier changed.
    Sweep("refresh_stale_deadlines", dt.timedelta(minutes=5), sweeps.refresh_stale_deadlines),
    # Daily: anonymise closed complaints past their organisation's retention period (privacy.py).
    Sweep("complaint_retention", dt.timedelta(days=1), privacy.complaint_retention),
)

INTAKE_SWEEPS: tuple[Sweep, ...] = (
    # Hourly: the intake's rate-limit counters of past windows (per-IP windows are clock hours).
    Sweep("intake_counters", dt.timedelta(hours=1), intake_limits.sweep_intake_counters),
)

INTAKE_POLLERS: tuple[Poller, ...] = (
    # Every second: the second half of complaints from the public form or API (decision 0011).
    Poller("complete_pending_intake", 1.0, intake.complete_pending_intake),
)
