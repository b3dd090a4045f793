"""Reads for the comparisons: issued reports of the actor's organisation, the latest revision only.

A corrected report is superseded by its revision (`superseded_by`); every read here skips the
superseded ones, so a comparison always shows the figures that stand. Each read is one query with
its assessment and unit joined (no N+1), scoped by `actor.organization_id` and gated by
`assessments.view`. A report of another organisation, a superseded one and a missing one all raise
the same NotFound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.assessments.comparison import ReportRef, UnitSnapshot, pair_reports
from csm.assessments.models import Mode, Report
from csm.core.errors import NotFound

# The order of the periods assessed: a correction issued later keeps its assessment's place.
DATE_ORDER = ("assessment__ends_on", "issued_at", "id")


@dataclass(frozen=True)
class ReportPair:
    self_report: Report
    independent_report: Report


def comparable_reports(*, actor: Actor) -> QuerySet[Report]:
    """Every standing (not superseded) issued report of the organisation, with its assessment and unit."""
    actor.require(roles.ASSESSMENTS_VIEW)
    return (Report.objects.filter(organization_id=actor.organization_id, superseded_by__isnull=True)
            .select_related("assessment", "assessment__unit"))


def _in_scope(reports: QuerySet[Report], unit_id: int | None) -> QuerySet[Report]:
    if unit_id is None:
        return reports.filter(assessment__unit__isnull=True)
    return reports.filter(assessment__unit_id=unit_id)


def _with_mode(reports: QuerySet[Report], mode: str | None) -> QuerySet[Report]:
    return reports if mode is None else reports.filter(assessment__mode=mode)


def report_history(*, actor: Actor, unit_id: int | None, mode: str | None = None) -> list[Report]:
    """The reports of one scope (None: the whole organisation), oldest period first."""
    reports = _with_mode(_in_scope(comparable_reports(actor=actor), unit_id), mode)
    return list(reports.order_by(*DATE_ORDER))


def latest_reports_by_unit(*, actor: Actor, mode: str | None = None) -> list[Report]:
    """Each unit's latest report (by period assessed), ordered by unit name; organisation-wide
    reports are not a unit's and are left out."""
    reports = _with_mode(comparable_reports(actor=actor), mode)
    latest = (reports.filter(assessment__unit_id=OuterRef("assessment__unit_id"))
              .order_by(*(f"-{field}" for field in DATE_ORDER)).values("pk")[:1])
    return list(reports.filter(assessment__unit__isnull=False, pk=Subquery(latest))
                .order_by("assessment__unit__name", "assessment__unit_id"))


def self_independent_pairs(*, actor: Actor, unit_id: int | None) -> list[ReportPair]:
    """Each self-assessment of the scope with the independent assessment it is compared with
    (comparison.pair_reports), newest first. The snapshots are not loaded: fetch the chosen pair
    with `gap_reports`."""
    reports = {report.pk: report for report in _in_scope(comparable_reports(actor=actor), unit_id)
               .filter(assessment__mode__in=(Mode.SELF, Mode.INDEPENDENT)).defer("snapshot")}
    refs = [ReportRef(id=r.pk, mode=r.assessment.mode, unit_id=r.assessment.unit_id, issued_at=r.issued_at)
            for r in reports.values()]
    return [ReportPair(self_report=reports[pair.self_id], independent_report=reports[pair.independent_id])
            for pair in pair_reports(refs)]


def report_choices(*, actor: Actor) -> list[Report]:
    """Every standing report of the organisation, newest first, without its snapshot: the lists
    from which the gap page lets one pick a pair."""
    return list(comparable_reports(actor=actor).defer("snapshot").order_by("-issued_at", "-id"))


def gap_reports(*, actor: Actor, self_id: object, independent_id: object) -> ReportPair:
    """The two reports a gap page compares: a self-assessment and an independent assessment of the
    organisation, both standing. NotFound if either is not."""
    wanted = {Mode.SELF: _as_id(self_id), Mode.INDEPENDENT: _as_id(independent_id)}
    found = {report.pk: report for report in comparable_reports(actor=actor).filter(pk__in=wanted.values())}
    chosen = {mode: found.get(pk) for mode, pk in wanted.items()}
    self_report, independent_report = chosen[Mode.SELF], chosen[Mode.INDEPENDENT]
    if self_report is None or independent_report is None or any(
            report.assessment.mode != mode for mode, report in chosen.items() if report is not None):
        raise NotFound()
    return ReportPair(self_report=self_report, independent_report=independent_report)


def _as_id(value: object) -> int:
    """A report id from a query string; anything that cannot be one is simply not found."""
    text = str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise NotFound()
    return int(text)


def as_unit_snapshots(reports: Sequence[Report]) -> list[UnitSnapshot]:
    """The benchmark's input from the reports of `latest_reports_by_unit` (units already joined)."""
    return [UnitSnapshot(unit_id=report.assessment.unit.pk, unit_name=report.assessment.unit.name,
                         snapshot=report.snapshot)
            for report in reports if report.assessment.unit is not None]
