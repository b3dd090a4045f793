"""The surveys app's pollers and periodic sweeps, for the worker to run next to the kernel's."""

from __future__ import annotations

import datetime as dt

from csm.core.periodic import Poller, Sweep
from csm.surveys import respond_limits
from csm.surveys.services import closure, retention, rollups, sending

SURVEY_SWEEPS: tuple[Sweep, ...] = (
    # Every minute: due invitations (service events wait out their delay) and due reminders.
    Sweep("send_survey_invitations", dt.timedelta(minutes=1), sending.send_survey_invitations),
    # Every 5 minutes: invite complainants whose complaint closed to the complaint-closure survey.
    Sweep("complaint_survey_invitations", dt.timedelta(minutes=5), closure.complaint_survey_invitations),
    # Daily: erase the words and contact links of responses, and contacts, past their retention.
    Sweep("survey_retention", dt.timedelta(days=1), retention.survey_retention),
    # Hourly: the public responses' rate-limit counters of past hours.
    Sweep("survey_counters", dt.timedelta(hours=1), respond_limits.sweep_survey_counters),
)

SURVEY_POLLERS: tuple[Poller, ...] = (
    # Every second: count complete responses into the dashboards' rollups, exactly once.
    Poller("roll_up_responses", 1.0, rollups.roll_up_pending),
)
