"""The survey metrics of `live_metrics` (see its docstring for the definitions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, Sum

from csm.assessments.live_metrics.scope import (
    NO_FIGURE,
    _Figure,
    _Pair,
    _Ratio,
    _ratios,
    _Scope,
    _share,
)
from csm.catalogue.models import ServiceCharacteristic, TouchPoint
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
