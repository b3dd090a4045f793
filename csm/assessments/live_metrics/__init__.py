"""The live figures an assessor sees beside a protocol question (`protocol.Metric`): every metric of
`protocol_store.KNOWN_METRICS`, computed from CSM's complaints and surveys for an organisation, or
for a unit with the units below it, over the twelve months ending on `until`, and over the twelve
months before them for the trend.

The window is [until − 12 months + 1 day, until] in whole days of the organisation's timezone (a
29 February steps back to the 28th); the previous window is the twelve months just before it. Each
metric is a value and the base n it is computed on; a metric without a base is None with n 0.
"Now" (`core.clock`) decides which deadlines have already passed and which follow-ups are done, as
the complaint analytics decide it, so a past window reads as those analytics read it today.

Complaints. The cohort is the complaints received in the window (in the unit's subtree), and the
definitions are those of `csm.complaints.analytics`, so the figures equal its page for the same
period and unit:
* `*_on_time` (acknowledge, assess, respond, resolve): of the complaints whose step has a due time
  and whose outcome is known (done, or not done and already past due, except while referred
  outside), the share done no later than the due time.
* `reopen_rate`: those reopened at least once, of those closed at least once.
* `categorised_share`: those with a category, of the cohort.
* `handling_satisfaction`: the complainants' mean rating (1-5) of the handling, of those rated.
* `external_referral_rate`: those referred to external dispute resolution, of those closed at least
  once or referred. CSM records a referral as the "referred" status (`refer_complaint`), not as a
  decision outcome (`Outcome` has no such value), so a complaint counts when it is in that status
  or its timeline shows a move to it (it may be closed since). Reaching an external escalation
  tier is the handlers' deadline ladder, not a referral, and does not count.

Surveys. Complete responses as the rollups count them (by the day of completion in the
organisation's timezone and the response's unit), like the satisfaction dashboard:
* `satisfaction_index` and `nps`: the dashboard's figures (`dashboard_figures.compute` on the same
  rollups) for the main survey: the most recent open post-service survey with responses in the
  window, else the post-service (then relationship) survey with the most responses in the window,
  then in the previous one. The previous value is that same survey's. n: the responses counted
  (for the NPS, those who answered its question).
* `touch_point_coverage`: of the blueprint's active touch points of active services (in a unit's
  scope, those whose unit, or else their service's unit, is in the subtree), the share that has a
  response at it in the window or is tied to a rated item of a survey version answered in the
  window. Both windows are measured against today's blueprint.
* `characteristic_coverage`: of the organisation's service characteristics, the share tied to a
  rated item of a survey version answered in the window.
* `response_rate`: of the invitations sent in the window (their unit in the subtree), the share
  answered (spent: the invitation's own mark, which an anonymous survey keeps too).
* `follow_up_closed_share`: of the low-score and detractor follow-ups of responses completed in
  the window (the response's unit in the subtree), the share done. A request to be contacted is
  not a low score, and becomes a complaint, so it is left out.
* `expectations_measured`: 1 when a pre-service (expectations) survey has responses in the window,
  else 0; n: those responses.

`commitments.*` and `disputes.*`: CSM has no promises or disputes module yet, so they are None
with n 0.

Queries: one for the timezone (and one for the units with a unit), one aggregate for all the
complaint metrics of both windows, one each for invitations and follow-ups, and for surveys one
grouped read of the rollups, then touch points, characteristics, survey versions and the main
survey's tallies as asked: at most ten, whatever the number of complaints and responses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from csm.assessments.live_metrics.complaints import COMPLAINT_METRICS, STEP_METRICS, _complaint_figures
from csm.assessments.live_metrics.scope import (
    METRIC_LABELS,
    METRIC_UNITS,
    NO_FIGURE,
    MetricValue,
    Window,
    _metric_value,
    _Pair,
    _Scope,
    _scope,
    months_before,
    windows,
)
from csm.assessments.live_metrics.surveys import (
    SURVEY_METRICS,
    _follow_up_figures,
    _invitation_figures,
    _survey_figures,
)


def compute_metrics(*, organization_id: int, unit_id: int | None, until: dt.date,
                    names: Iterable[str]) -> dict[str, MetricValue]:
    """Each named metric (see the module) for the organisation, or the unit's subtree, over the
    twelve months to `until` and the twelve before. A unit of another organisation is a 422, an
    unknown organisation NotFound, and a name not in METRIC_LABELS a ValueError. The number of
    queries depends on the names asked for, never on the amount of data."""
    wanted = frozenset(names)
    unknown = sorted(wanted - METRIC_LABELS.keys())
    if unknown:
        raise ValueError(f"Unknown metrics: {', '.join(unknown)}")
    scope = _scope(organization_id, unit_id, until)
    figures: dict[str, _Pair] = {}
    for group, compute_group in _GROUPS:
        if wanted & group:
            figures.update(compute_group(scope, wanted & group))
    return {name: _metric_value(name, figures[name], scope) for name in sorted(wanted)}




# Modules CSM does not have yet --------------------------------------------------------------------

ABSENT_METRICS = frozenset({"commitments.promises_with_indicators", "commitments.promises_met",
                            "disputes.resolved_within_90_days"})


def _absent_figures(scope: _Scope, wanted: frozenset[str]) -> dict[str, _Pair]:
    """No commitments or disputes module yet: no data."""
    return dict.fromkeys(wanted, (NO_FIGURE, NO_FIGURE))


_GROUPS: tuple[tuple[frozenset[str], Callable[[_Scope, frozenset[str]], dict[str, _Pair]]], ...] = (
    (COMPLAINT_METRICS, _complaint_figures),
    (frozenset({"surveys.response_rate"}), _invitation_figures),
    (frozenset({"surveys.follow_up_closed_share"}), _follow_up_figures),
    (SURVEY_METRICS, _survey_figures),
    (ABSENT_METRICS, _absent_figures),
)


__all__ = ["COMPLAINT_METRICS", "METRIC_LABELS", "METRIC_UNITS", "STEP_METRICS", "MetricValue", "Window",
           "compute_metrics", "months_before", "windows"]
