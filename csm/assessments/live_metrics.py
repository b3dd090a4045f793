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

import calendar
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.aggregates import Aggregate
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from csm.accounts.models import Organization, Unit
from csm.accounts.selectors import unit_subtree
from csm.catalogue.models import ServiceCharacteristic, TouchPoint
from csm.complaints.analytics import STEPS
from csm.complaints.models import Complaint, ComplaintEvent, EventKind
from csm.complaints.workflow import Status
from csm.core import clock
from csm.core.errors import InvalidInput, NotFound
from csm.surveys import instrument
from csm.surveys.dashboard_figures import Figures, Names, Rows, compute
from csm.surveys.dashboards import fetch_columns
from csm.surveys.instrument import MeasuredItem
from csm.surveys.models import (
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    Invitation,
    Purpose,
    Rollup,
    SurveyStatus,
    SurveyVersion,
)
from csm.surveys.rollup_matrix import Version, union_layout

WINDOW_MONTHS = 12

METRIC_LABELS: dict[str, Promise] = {
    "complaints.acknowledged_on_time": gettext_lazy("Complaints acknowledged on time"),
    "complaints.assessed_on_time": gettext_lazy("Complaints assessed on time"),
    "complaints.responded_on_time": gettext_lazy("Complaints answered on time"),
    "complaints.resolved_on_time": gettext_lazy("Complaints resolved on time"),
    "complaints.reopen_rate": gettext_lazy("Closed complaints reopened"),
    "complaints.categorised_share": gettext_lazy("Complaints with a category"),
    "complaints.handling_satisfaction": gettext_lazy("Complainants' rating of the handling"),
    "complaints.external_referral_rate": gettext_lazy("Complaints referred to an external body"),
    "surveys.touch_point_coverage": gettext_lazy("Touch points with survey responses"),
    "surveys.characteristic_coverage": gettext_lazy("Service characteristics measured by surveys"),
    "surveys.response_rate": gettext_lazy("Survey invitations answered"),
    "surveys.satisfaction_index": gettext_lazy("Satisfaction index"),
    "surveys.nps": gettext_lazy("Net Promoter Score"),
    "surveys.follow_up_closed_share": gettext_lazy("Low-score follow-ups closed"),
    "surveys.expectations_measured": gettext_lazy("Customer expectations measured"),
    "commitments.promises_with_indicators": gettext_lazy("Promises with an indicator"),
    "commitments.promises_met": gettext_lazy("Promise indicators on target"),
    "disputes.resolved_within_90_days": gettext_lazy("Disputes resolved within 90 days"),
}

# What each value is: a share 0-1, a rating 1-5, an index 0-100, an NPS -100..100 or a 0/1 flag.
METRIC_UNITS: dict[str, str] = {
    **dict.fromkeys(METRIC_LABELS, "share"),
    "complaints.handling_satisfaction": "rating",
    "surveys.satisfaction_index": "index",
    "surveys.nps": "nps",
    "surveys.expectations_measured": "flag",
}


@dataclass(frozen=True)
class MetricValue:
    name: str
    value: float | None  # None: no data in CSM for this metric
    n: int  # the base count the value is computed on
    previous: float | None  # the same metric over the twelve months before
    previous_n: int
    period_start: dt.date  # inclusive
    period_end: dt.date  # inclusive
    unit: str  # "share", "rating", "index", "nps" or "flag"


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date  # included


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier, or the last day of that month when it is shorter."""
    index = day.year * 12 + day.month - 1 - months
    year, month = index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def windows(until: dt.date) -> tuple[Window, Window]:
    """The twelve months ending on `until`, and the twelve months before them."""
    previous_end = months_before(until, WINDOW_MONTHS)
    previous_start = months_before(previous_end, WINDOW_MONTHS) + dt.timedelta(days=1)
    return Window(previous_end + dt.timedelta(days=1), until), Window(previous_start, previous_end)


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


# Figures and scope --------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Figure:
    value: float | None
    n: int


_Pair = tuple[_Figure, _Figure]  # (this window, the previous one)
NO_FIGURE = _Figure(None, 0)
PERIODS = (0, 1)  # this window, the previous one


def _share(part: int, whole: int) -> _Figure:
    return _Figure(part / whole if whole else None, whole)


def _metric_value(name: str, pair: _Pair, scope: _Scope) -> MetricValue:
    current, previous = pair
    return MetricValue(name=name, value=current.value, n=current.n, previous=previous.value,
                       previous_n=previous.n, period_start=scope.windows[0].start,
                       period_end=scope.windows[0].end, unit=METRIC_UNITS[name])


@dataclass(frozen=True)
class _Scope:
    organization_id: int
    zone: ZoneInfo
    unit_ids: tuple[int, ...] | None  # None: the whole organisation
    windows: tuple[Window, Window]
    now: dt.datetime

    def moments(self, window: Window) -> tuple[dt.datetime, dt.datetime]:
        """The window's first moment and the first moment after it, in the organisation's timezone."""
        return (dt.datetime.combine(window.start, dt.time(), tzinfo=self.zone),
                dt.datetime.combine(window.end + dt.timedelta(days=1), dt.time(), tzinfo=self.zone))

    def within(self, field: str, period: int) -> Q:
        start, end = self.moments(self.windows[period])
        return Q(**{f"{field}__gte": start, f"{field}__lt": end})

    def spanning(self, field: str) -> Q:
        """From the previous window's start to this window's end."""
        start, end = self.moments(self.windows[1])[0], self.moments(self.windows[0])[1]
        return Q(**{f"{field}__gte": start, f"{field}__lt": end})

    def in_units(self, field: str) -> Q:
        return Q() if self.unit_ids is None else Q(**{f"{field}__in": self.unit_ids})


def _scope(organization_id: int, unit_id: int | None, until: dt.date) -> _Scope:
    zone = Organization.objects.filter(pk=organization_id).values_list("timezone", flat=True).first()
    if zone is None:
        raise NotFound()
    unit_ids = _unit_ids(organization_id, unit_id)
    return _Scope(organization_id, ZoneInfo(zone), unit_ids, windows(until), clock.now())


def _unit_ids(organization_id: int, unit_id: int | None) -> tuple[int, ...] | None:
    """The unit and every unit below it (one query); a unit of another organisation is a 422."""
    if unit_id is None:
        return None
    parents = dict(Unit.objects.filter(organization_id=organization_id).values_list("pk", "parent_id"))
    try:
        return tuple(unit_subtree(parents, unit_id))
    except NotFound:
        raise InvalidInput("unit", _("No such object in this organisation.")) from None


# Ratios aggregated in the database -------------------------------------------------------------

@dataclass(frozen=True)
class _Ratio:
    """`part` of `whole` (counted), or with `summed` the sum of that field over `whole`: a mean."""

    whole: Q
    part: Q
    summed: str = ""


def _ratios(queryset: QuerySet[Any], field: str, ratios: Mapping[str, _Ratio],
            scope: _Scope) -> dict[str, _Pair]:
    """Every ratio in both windows (by `field`) in one aggregate query."""
    aggregates: dict[str, Aggregate] = {}
    for k, ratio in enumerate(ratios.values()):
        for period in PERIODS:
            whole = scope.within(field, period) & ratio.whole
            aggregates[f"whole_{k}_{period}"] = Count("pk", filter=whole)
            aggregates[f"part_{k}_{period}"] = (Sum(ratio.summed, filter=whole) if ratio.summed
                                                else Count("pk", filter=whole & ratio.part))
    totals = queryset.filter(scope.spanning(field)).aggregate(**aggregates)
    return {name: (_share(totals[f"part_{k}_0"] or 0, totals[f"whole_{k}_0"]),
                   _share(totals[f"part_{k}_1"] or 0, totals[f"whole_{k}_1"]))
            for k, name in enumerate(ratios)}


# Complaints -------------------------------------------------------------------------------------

STEP_METRICS = {"complaints.acknowledged_on_time": "acknowledge", "complaints.assessed_on_time": "assess",
                "complaints.responded_on_time": "respond", "complaints.resolved_on_time": "resolve"}
COMPLAINT_METRICS = frozenset({*STEP_METRICS, "complaints.reopen_rate", "complaints.categorised_share",
                               "complaints.handling_satisfaction", "complaints.external_referral_rate"})


def _complaint_figures(scope: _Scope, wanted: frozenset[str]) -> dict[str, _Pair]:
    complaints = Complaint.objects.filter(scope.in_units("unit_id"), organization_id=scope.organization_id)
    ratios = {name: ratio for name, ratio in _complaint_ratios(scope.now).items() if name in wanted}
    return _ratios(complaints, "received_at", ratios, scope)


def _complaint_ratios(now: dt.datetime) -> dict[str, _Ratio]:
    closed_once = Q(closed_at__isnull=False) | Q(reopen_count__gt=0)
    referred = _referred()
    return {
        **{name: _step_ratio(step, now) for name, step in STEP_METRICS.items()},
        "complaints.reopen_rate": _Ratio(whole=closed_once, part=Q(reopen_count__gt=0)),
        "complaints.categorised_share": _Ratio(whole=Q(), part=Q(category__isnull=False)),
        "complaints.handling_satisfaction": _Ratio(whole=Q(rating__isnull=False), part=Q(), summed="rating"),
        "complaints.external_referral_rate": _Ratio(whole=closed_once | referred, part=referred),
    }


def _step_ratio(step: str, now: dt.datetime) -> _Ratio:
    """Done on time, of the outcomes known: the definition of csm.complaints.analytics."""
    done, due = STEPS[step]
    has_due = Q(**{f"{due}__isnull": False})
    is_done = Q(**{f"{done}__isnull": False})
    overdue = Q(**{f"{done}__isnull": True, f"{due}__lt": now}) & ~Q(status=Status.REFERRED)
    return _Ratio(whole=has_due & (is_done | overdue), part=is_done & Q(**{f"{done}__lte": F(due)}))


def _referred() -> Q:
    """In "referred" now, or moved there once (the timeline keeps every status change)."""
    moved = ComplaintEvent.objects.filter(organization_id=OuterRef("organization_id"),
                                          complaint_id=OuterRef("pk"), kind=EventKind.STATUS_CHANGED,
                                          to_status=Status.REFERRED)
    return Q(status=Status.REFERRED) | Q(Exists(moved))


# Invitations and follow-ups -----------------------------------------------------------------------

LOW_SCORE_REASONS = (FollowUpReason.LOW_SCORE, FollowUpReason.DETRACTOR)


def _invitation_figures(scope: _Scope, wanted: frozenset[str]) -> dict[str, _Pair]:
    invitations = Invitation.objects.filter(scope.in_units("unit_id"), organization_id=scope.organization_id)
    answered = _Ratio(whole=Q(), part=Q(spent_at__isnull=False))
    return _ratios(invitations, "sent_at", {"surveys.response_rate": answered}, scope)


def _follow_up_figures(scope: _Scope, wanted: frozenset[str]) -> dict[str, _Pair]:
    follow_ups = FollowUp.objects.filter(scope.in_units("response__unit_id"),
                                         organization_id=scope.organization_id, reason__in=LOW_SCORE_REASONS)
    done = _Ratio(whole=Q(), part=Q(status=FollowUpStatus.DONE))
    return _ratios(follow_ups, "response__completed_at", {"surveys.follow_up_closed_share": done}, scope)


# Surveys ------------------------------------------------------------------------------------------

DASHBOARD_METRICS = frozenset({"surveys.satisfaction_index", "surveys.nps"})
COVERAGE_METRICS = frozenset({"surveys.touch_point_coverage", "surveys.characteristic_coverage"})
SURVEY_METRICS = DASHBOARD_METRICS | COVERAGE_METRICS | {"surveys.expectations_measured"}
NO_NAMES = Names({}, {}, {})  # the labels of the breakdowns, which no metric shows


@dataclass(frozen=True)
class _Responded:
    """Responses to one survey version at one touch point (0: none), in each window."""

    survey_id: int
    purpose: str
    is_open: bool
    created_at: dt.datetime
    version_id: int
    touch_point: int
    counts: tuple[int, int]


@dataclass(frozen=True)
class _VersionRow:
    survey_id: int
    number: int
    spec: Mapping[str, Any]
    items: tuple[MeasuredItem, ...]


def _survey_figures(scope: _Scope, wanted: frozenset[str]) -> dict[str, _Pair]:
    responded = _responded(scope)
    main = _main_survey(responded) if wanted & DASHBOARD_METRICS else None
    answered = {row.version_id for row in responded} if wanted & COVERAGE_METRICS else set()
    versions = _versions(scope, answered, main)
    figures: dict[str, _Pair] = {}
    if "surveys.expectations_measured" in wanted:
        figures["surveys.expectations_measured"] = _pair(lambda period: _expectations(responded, period))
    if "surveys.touch_point_coverage" in wanted:
        figures["surveys.touch_point_coverage"] = _touch_point_coverage(scope, responded, versions)
    if "surveys.characteristic_coverage" in wanted:
        figures["surveys.characteristic_coverage"] = _characteristic_coverage(scope, responded, versions)
    if wanted & DASHBOARD_METRICS:
        figures.update(_dashboard_metrics(scope, main, versions))
    return figures


def _pair(figure: Callable[[int], _Figure]) -> _Pair:
    return figure(0), figure(1)


def _responded(scope: _Scope) -> list[_Responded]:
    """The rollups of both windows, added up by survey, version and touch point (one query)."""
    current_start, previous_start = scope.windows[0].start, scope.windows[1].start
    rows = (Rollup.objects.filter(organization_id=scope.organization_id, day__gte=previous_start,
                                  day__lte=scope.windows[0].end)
            .filter(scope.in_units("unit_key"))
            .values_list("survey_id", "survey__purpose", "survey__status", "survey__created_at", "version_id",
                         "touch_point_key")
            .annotate(current=Sum("responses", filter=Q(day__gte=current_start)),
                      previous=Sum("responses", filter=Q(day__lt=current_start)))
            .order_by())
    return [_Responded(survey, purpose, status == SurveyStatus.OPEN, created, version, point,
                       (current or 0, previous or 0))
            for survey, purpose, status, created, version, point, current, previous in rows
            if current or previous]


def _versions(scope: _Scope, answered: set[int], main: int | None) -> dict[int, _VersionRow]:
    """The versions answered and every version of the main survey, with their rated items."""
    if not answered and main is None:
        return {}
    rows = (SurveyVersion.objects.filter(organization_id=scope.organization_id)
            .filter(Q(pk__in=answered) | Q(survey_id=main))
            .values_list("pk", "survey_id", "number", "content", "spec"))
    return {pk: _VersionRow(survey, number, spec, tuple(instrument.measured_items(content)))
            for pk, survey, number, content, spec in rows}


def _expectations(responded: Sequence[_Responded], period: int) -> _Figure:
    n = sum(row.counts[period] for row in responded if row.purpose == Purpose.PRE_SERVICE)
    return _Figure(1.0 if n else 0.0, n)


def _touch_point_coverage(scope: _Scope, responded: Sequence[_Responded],
                          versions: Mapping[int, _VersionRow]) -> _Pair:
    points = TouchPoint.objects.filter(organization_id=scope.organization_id, is_active=True,
                                       service__is_active=True)
    if scope.unit_ids is not None:
        points = points.filter(Q(unit_id__in=scope.unit_ids) | Q(unit__isnull=True,
                                                                 service__unit_id__in=scope.unit_ids))
    blueprint = set(points.values_list("pk", flat=True))

    def covered(period: int) -> _Figure:
        rows = [row for row in responded if row.counts[period]]
        seen = {row.touch_point for row in rows} | _tied(rows, versions, "touch_point")
        return _share(len(blueprint & seen), len(blueprint))

    return _pair(covered)


def _characteristic_coverage(scope: _Scope, responded: Sequence[_Responded],
                             versions: Mapping[int, _VersionRow]) -> _Pair:
    characteristics = set(ServiceCharacteristic.objects.filter(organization_id=scope.organization_id)
                          .values_list("pk", flat=True))

    def covered(period: int) -> _Figure:
        rows = [row for row in responded if row.counts[period]]
        return _share(len(characteristics & _tied(rows, versions, "characteristic")), len(characteristics))

    return _pair(covered)


def _tied(rows: Iterable[_Responded], versions: Mapping[int, _VersionRow], attribute: str) -> set[int]:
    """The touch points or characteristics the rated items of these rows' versions are tied to."""
    return {getattr(item, attribute) for version_id in {row.version_id for row in rows}
            for item in versions[version_id].items if getattr(item, attribute)}


def _main_survey(responded: Sequence[_Responded]) -> int | None:
    """The survey the index and NPS are read from (see the module), or None without one."""
    surveys: dict[int, tuple[bool, bool, dt.datetime]] = {}
    counts: dict[int, list[int]] = {}
    for row in responded:
        if row.purpose in (Purpose.POST_SERVICE, Purpose.RELATIONSHIP):
            surveys[row.survey_id] = (row.purpose == Purpose.POST_SERVICE, row.is_open, row.created_at)
            total = counts.setdefault(row.survey_id, [0, 0])
            total[0] += row.counts[0]
            total[1] += row.counts[1]

    def rank(survey: int) -> tuple[int, int, int, dt.datetime, int]:
        is_post_service, is_open, created_at = surveys[survey]
        current, previous = counts[survey]
        if is_post_service and is_open and current:
            return 2, 0, 0, created_at, survey
        return int(is_post_service), current, previous, created_at, survey

    return max(surveys, key=rank) if surveys else None


def _dashboard_metrics(scope: _Scope, survey_id: int | None,
                       versions: Mapping[int, _VersionRow]) -> dict[str, _Pair]:
    """The index and NPS of the survey's dashboard for each window and the unit (one query)."""
    figures = _dashboard_figures(scope, survey_id, versions) if survey_id is not None else (None, None)
    return {"surveys.satisfaction_index": (_index(figures[0]), _index(figures[1])),
            "surveys.nps": (_nps(figures[0]), _nps(figures[1]))}


def _dashboard_figures(scope: _Scope, survey_id: int,
                       versions: Mapping[int, _VersionRow]) -> tuple[Figures | None, Figures | None]:
    own = sorted(((pk, row) for pk, row in versions.items() if row.survey_id == survey_id),
                 key=lambda pair: -pair[1].number)
    layout = union_layout([Version(pk, row.number, row.spec, row.items) for pk, row in own])
    rollups = (Rollup.objects.filter(organization_id=scope.organization_id, survey_id=survey_id,
                                     day__gte=scope.windows[1].start, day__lte=scope.windows[0].end)
               .filter(scope.in_units("unit_key"))
               .order_by()
               .values_list("version_id", "unit_key", "touch_point_key", "segment", "day", "tally"))
    if layout is None:
        return None, None
    columns = fetch_columns(rollups, width=6)
    figures = []
    for window in scope.windows:
        chosen = [k for k, day in enumerate(columns[4]) if window.start <= day <= window.end]
        rows = Rows(*([column[k] for k in chosen] for column in columns))
        figures.append(compute(rows, layout, NO_NAMES) if chosen else None)
    return figures[0], figures[1]


def _index(figures: Figures | None) -> _Figure:
    if figures is None or figures.index.value is None:
        return NO_FIGURE
    return _Figure(float(figures.index.value), figures.n)


def _nps(figures: Figures | None) -> _Figure:
    if figures is None or figures.nps is None or figures.nps.value is None:
        return NO_FIGURE
    return _Figure(float(figures.nps.value), figures.nps.n)


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
