"""The satisfaction dashboard (ISO 10004 §7.4-7.5): one read of a survey's rollups, never of its
answers, so its cost grows with the number of rollups (survey versions × units × touch points ×
segments × channels × days), not with the responses.

Fetch → compute → show: `dashboard` checks the role and the organisation, reads the survey's
versions, its rollups for the filter (one query: the group columns and the tally bytes) and the
names of the units, touch points and characteristics (a fixed number of queries whatever the
data), and hands them to the pure `dashboard_figures.compute`. Filters: a period of days (the
organisation's calendar days, as the rollups count them), a unit with the units below it, a touch
point, a segment, a channel, and the period granularity of the trend (week, month, quarter).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.models import Unit
from csm.accounts.selectors import unit_subtree
from csm.catalogue.models import ServiceCharacteristic, TouchPoint
from csm.core.errors import InvalidInput, NotFound
from csm.surveys import comparisons, instrument, measure, tallies
from csm.surveys.dashboard_figures import Expectations, Figures, Names, Rows, compute
from csm.surveys.models import Purpose, ResponseChannel, Rollup, Survey, SurveyStatus, SurveyVersion
from csm.surveys.rollup_matrix import Layout, Version, union_layout

FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)
FETCH_ROWS = 500


@dataclass(frozen=True)
class DashboardFilters:
    start: dt.date | None = None
    end: dt.date | None = None  # included
    unit_id: int | None = None  # with the units below it
    touch_point_id: int | None = None
    segment: str | None = None
    channel: str | None = None
    period_by: str = "month"  # week, month or quarter


@dataclass(frozen=True)
class Dashboard:
    survey_id: int
    survey_name: str
    filters: DashboardFilters
    unit_name: str
    touch_point_name: str
    versions: tuple[int, ...]  # the version numbers counted, newest first
    excluded_versions: tuple[int, ...]  # another "satisfied from" than the latest: not counted
    scale_min: float | None
    scale_max: float | None
    satisfied_min: float | None
    figures: Figures | None  # None until the survey is published


def dashboard(*, actor: Actor, survey: Survey, filters: DashboardFilters) -> Dashboard:
    """Every figure of `survey`'s dashboard for `filters` (needs `surveys.analytics`); another
    organisation's survey is not found, and a bad filter (a unit or touch point of another
    organisation, an unknown channel or granularity, an end before the start) is a 422."""
    actor.require(roles.SURVEYS_ANALYTICS)
    if survey.organization_id != actor.organization_id:
        raise NotFound()
    _check(filters)
    units = _units(actor.organization_id)
    unit_ids = _subtree(units, filters.unit_id) if filters.unit_id else None
    layout = union_layout(_versions(actor.organization_id, survey))
    rows = Rows(*fetch_columns(_rollups(actor.organization_id, survey, filters, unit_ids), width=6))
    names = _names(actor.organization_id, units, layout, rows, filters)
    return Dashboard(
        survey_id=survey.pk, survey_name=survey.name, filters=filters,
        unit_name=names.units[filters.unit_id] if filters.unit_id else "",
        touch_point_name=names.touch_points[filters.touch_point_id] if filters.touch_point_id else "",
        versions=layout.included if layout else (), excluded_versions=layout.excluded if layout else (),
        scale_min=layout.spec.scale_min if layout else None, scale_max=layout.spec.scale_max if layout else None,
        satisfied_min=layout.spec.satisfied_min if layout else None,
        figures=compute(rows, layout, names, period_by=filters.period_by,
                        expectations=expectations(organization_id=actor.organization_id, survey=survey,
                                                  filters=filters)) if layout else None,
    )


def _names(organization_id: int, units: Mapping[int, tuple[int | None, str]], layout: Layout | None, rows: Rows,
           filters: DashboardFilters) -> Names:
    """The labels of the units, touch points and characteristics shown; a touch point filter of
    another organisation is a 422."""
    points = _touch_points(organization_id, [*rows.touch_points, *_tied(layout, "touch_point"),
                                             filters.touch_point_id or 0])
    if filters.touch_point_id and filters.touch_point_id not in points:
        raise InvalidInput("touch_point", _("No such object in this organisation."))
    characteristics = _characteristics(organization_id, _tied(layout, "characteristic"))
    return Names({0: _("No unit"), **{pk: name for pk, (_parent, name) in units.items()}},
                 {0: _("No touch point"), **points}, {0: _("No characteristic"), **characteristics})


def list_dashboard_surveys(*, actor: Actor) -> QuerySet[Survey]:
    """The surveys a dashboard can show: the published ones, the most recent first."""
    actor.require(roles.SURVEYS_ANALYTICS)
    return (Survey.objects.filter(organization_id=actor.organization_id, current_version__isnull=False)
            .order_by("-created_at", "-id"))


def default_survey(surveys: Sequence[Survey]) -> Survey | None:
    """The most recent open survey after the service (the satisfaction survey proper), else the most
    recent open one, else the most recent one."""
    open_surveys = [s for s in surveys if s.status == SurveyStatus.OPEN]
    fallback = open_surveys[0] if open_surveys else (surveys[0] if surveys else None)
    return next((s for s in open_surveys if s.purpose == Purpose.POST_SERVICE), fallback)


def filter_options(*, actor: Actor, survey: Survey) -> tuple[list[str], list[tuple[int, str]]]:
    """The segments and the touch points (id, name) the survey's rollups have, for the filter form."""
    actor.require(roles.SURVEYS_ANALYTICS)
    pairs = set(Rollup.objects.filter(organization_id=actor.organization_id, survey_id=survey.pk)
                .values_list("segment", "touch_point_key").distinct().order_by())
    segments = sorted({segment for segment, _tp in pairs if segment})
    points = _touch_points(actor.organization_id, [tp for _segment, tp in pairs])
    return segments, sorted(points.items(), key=lambda item: (item[1], item[0]))


# Fetch --------------------------------------------------------------------------------------------

def _check(filters: DashboardFilters) -> None:
    for field, day in (("from", filters.start), ("to", filters.end)):
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise InvalidInput(field, _("Choose a date from 1900 to 2999."))
    if filters.start and filters.end and filters.end < filters.start:
        raise InvalidInput("to", _("The end of the period comes before its start."))
    if filters.channel and filters.channel not in ResponseChannel.values:
        raise InvalidInput("channel", _("No such channel."))
    if filters.period_by not in comparisons.PERIODS:
        raise InvalidInput("period", _("Choose week, month or quarter."))


def _units(organization_id: int) -> dict[int, tuple[int | None, str]]:
    return {pk: (parent, name) for pk, parent, name in
            Unit.objects.filter(organization_id=organization_id).values_list("pk", "parent_id", "name")}


def _subtree(units: Mapping[int, tuple[int | None, str]], unit_id: int) -> list[int]:
    """The unit and every unit below it; a unit of another organisation is a 422."""
    try:
        return unit_subtree({pk: parent for pk, (parent, _name) in units.items()}, unit_id)
    except NotFound:
        raise InvalidInput("unit", _("No such object in this organisation.")) from None


def expectations(*, organization_id: int, survey: Survey, filters: DashboardFilters) -> Expectations | None:
    """The mean expectation (importance) per item id over the responses to the pre-service
    surveys linked to `survey` in the filters' period (their rollups: the pre-service survey rates
    each item's importance as its answer), or None when no such survey has responses."""
    rollups = Rollup.objects.filter(organization_id=organization_id, survey__expectations_for=survey)
    if filters.start:
        rollups = rollups.filter(day__gte=filters.start)
    if filters.end:
        rollups = rollups.filter(day__lte=filters.end)
    by_version: dict[int, list[bytes]] = {}
    for version_id, blob in rollups.order_by().values_list("version_id", "tally"):
        by_version.setdefault(version_id, []).append(bytes(blob))
    specs = dict(SurveyVersion.objects.filter(pk__in=list(by_version)).values_list("pk", "spec"))
    sums: dict[str, list[float]] = {}
    respondents = 0
    for version_id, blobs in by_version.items():
        spec = measure.parse_spec(specs[version_id])
        counted = tallies.sum_by_group(blobs, [0] * len(blobs), len(spec.items))[0]
        respondents += counted.rows
        for i, item in enumerate(spec.items):
            pair = sums.setdefault(item.id, [0.0, 0.0])
            pair[0] += float(counted.sx[i, i])
            pair[1] += float(counted.n[i, i])
    means = {item_id: total / n for item_id, (total, n) in sums.items() if n}
    return Expectations(means, respondents) if means else None


def _versions(organization_id: int, survey: Survey) -> list[Version]:
    """The survey's versions, newest first, with their rated items."""
    rows = (SurveyVersion.objects.filter(organization_id=organization_id, survey_id=survey.pk)
            .order_by("-number").values_list("pk", "number", "content", "spec"))
    return [Version(pk, number, spec, tuple(instrument.measured_items(content)))
            for pk, number, content, spec in rows]


def _rollups(organization_id: int, survey: Survey, filters: DashboardFilters,
             unit_ids: list[int] | None) -> QuerySet[Rollup, tuple[int, int, int, str, dt.date, bytes | memoryview]]:
    rollups = Rollup.objects.filter(organization_id=organization_id, survey_id=survey.pk)
    if filters.start:
        rollups = rollups.filter(day__gte=filters.start)
    if filters.end:
        rollups = rollups.filter(day__lte=filters.end)
    if unit_ids is not None:
        rollups = rollups.filter(unit_key__in=unit_ids)
    if filters.touch_point_id:
        rollups = rollups.filter(touch_point_key=filters.touch_point_id)
    if filters.segment is not None:
        rollups = rollups.filter(segment=filters.segment)
    if filters.channel:
        rollups = rollups.filter(channel=filters.channel)
    return rollups.order_by().values_list("version_id", "unit_key", "touch_point_key", "segment", "day", "tally")


def fetch_columns(queryset: QuerySet[Any, tuple[Any, ...]], width: int) -> list[list[Any]]:
    """The columns of a `values_list` query of `width` columns. On PostgreSQL the rows come in the
    binary format: the tallies of a year are some 27 MB (7,300 rollups of ten items), which the text
    format sends as hex, at about three times the time; psycopg's binary results need a
    server-side-binding cursor, which Django does not use, so the query is run on one directly and
    logged as Django logs its own. The rows are turned into columns a few hundred at a time, so a
    request never holds thousands of row tuples, each of which the garbage collector would count
    towards its next full (and, in a Django process, slow) collection
    (docs/decisions/0015-satisfaction-dashboard-from-rollups.md)."""
    columns: list[list[Any]] = [[] for _ in range(width)]
    if connection.vendor != "postgresql":
        for column, values in zip(columns, zip(*queryset, strict=True), strict=False):
            column.extend(values)
        return columns
    sql, params = queryset.query.sql_with_params()
    connection.ensure_connection()
    started = time.monotonic()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, binary=True)
        while rows := cursor.fetchmany(FETCH_ROWS):
            for column, values in zip(columns, zip(*rows, strict=True), strict=True):
                column.extend(values)
    if connection.queries_logged:
        connection.queries_log.append({"sql": sql % tuple(repr(p) for p in params),
                                       "time": f"{time.monotonic() - started:.3f}"})
    return columns


def _tied(layout: Layout | None, attribute: str) -> list[int]:
    return [getattr(item, attribute) or 0 for item in layout.items] if layout else []


def _touch_points(organization_id: int, ids: Iterable[int]) -> dict[int, str]:
    wanted = {pk for pk in ids if pk}
    if not wanted:
        return {}
    return dict(TouchPoint.objects.filter(organization_id=organization_id, pk__in=wanted).values_list("pk", "name"))


def _characteristics(organization_id: int, ids: Iterable[int]) -> dict[int, str]:
    wanted = {pk for pk in ids if pk}
    if not wanted:
        return {}
    return dict(ServiceCharacteristic.objects.filter(organization_id=organization_id, pk__in=wanted)
                .values_list("pk", "name"))
