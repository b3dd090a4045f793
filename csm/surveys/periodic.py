"""The surveys app's pollers and periodic sweeps, for the worker to run next to the kernel's."""

from __future__ import annotations

from csm.core.periodic import Poller, Sweep
from csm.surveys.services import rollups

SURVEY_SWEEPS: tuple[Sweep, ...] = ()

SURVEY_POLLERS: tuple[Poller, ...] = (
    # Every second: count complete responses into the dashboards' rollups, exactly once.
    Poller("roll_up_responses", 1.0, rollups.roll_up_pending),
)
