"""The report's sections that look outside the answers: Effectiveness (the live KPIs frozen at
sign-off), Change since the last assessment, and the Internal benchmark against the other units'
latest reports.

Rounding follows report_model (indices to one decimal, half up). A change is the difference of the
two rounded figures, so the reader's own subtraction of the printed numbers agrees with the printed
change. A metric's trend compares its value with the previous period's; whether a rise is good
follows the direction of its thresholds (protocol.Metric).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import gettext

from csm.assessments.models import Mode
from csm.assessments.protocol import Protocol
from csm.assessments.report_model import (
    METRIC_LABELS,
    QuestionView,
    StandardRef,
    display_number,
    level_label,
    parse_date,
    parse_datetime,
    question_view,
    rounded,
    scored_count,
    standard_number,
)

ARROWS = {"up": "↑", "down": "↓", "flat": "→"}


def signed(value: Decimal | int | None) -> str:
    """+5.0, -2.3 or ±0 (localized decimal separator); an em dash for no value."""
    if value is None:
        return "—"
    if value == 0:
        return "±0"
    return ("+" if value > 0 else "-") + str(formats.localize(abs(value)))


@dataclass(frozen=True)
class MetricRow:
    name: str
    label: str
    question: QuestionView | None
    value: Decimal | None
    n: int | None
    previous: Decimal | None
    trend: str  # up, down, flat, or "" without a previous value
    is_improving: bool | None
    period_start: dt.date | None
    period_end: dt.date | None
    comparator: str
    targets: tuple[Decimal | None, ...]
    suggested: int | None
    suffix: str = ""

    @property
    def has_data(self) -> bool:
        return self.value is not None

    @property
    def arrow(self) -> str:
        return ARROWS.get(self.trend, "")


def _trend(value: Any, previous: Any) -> str:
    if value is None or previous is None:
        return ""
    return "up" if value > previous else "down" if value < previous else "flat"


def _shown(metric: Mapping[str, Any], value: Any) -> Decimal | None:
    """A share as a percentage (0.955 → 95.5), any other figure as it is."""
    if value is None or metric.get("unit") != "share":
        return display_number(value)
    return display_number(Decimal(str(value)) * 100)


def metric_row(metric: Mapping[str, Any], protocol: Protocol, language: str) -> MetricRow:
    higher_is_better = bool(metric.get("higher_is_better", True))
    trend = _trend(metric.get("value"), metric.get("previous"))
    question = metric.get("question")
    return MetricRow(
        name=metric["name"], label=str(METRIC_LABELS.get(metric["name"], metric["name"])),
        question=question_view(protocol, question, language) if question else None,
        value=_shown(metric, metric.get("value")), n=metric.get("n"), previous=_shown(metric, metric.get("previous")),
        trend=trend, is_improving=None if trend in ("", "flat") else (trend == "up") == higher_is_better,
        period_start=parse_date(metric.get("period_start")), period_end=parse_date(metric.get("period_end")),
        comparator="≥" if higher_is_better else "≤",
        targets=tuple(_shown(metric, limit) for limit in metric.get("thresholds") or ()),
        suffix=" %" if metric.get("unit") == "share" else "",
        suggested=metric.get("suggested"))


def metrics(snapshot: Mapping[str, Any], protocol: Protocol, language: str) -> tuple[MetricRow, ...]:
    return tuple(metric_row(metric, protocol, language) for metric in snapshot.get("metrics") or ())


@dataclass(frozen=True)
class IndexChange:
    now: Decimal | None
    before: Decimal | None
    n: int = 0  # the scored questions of the index now (the previous report's n is not kept)

    @property
    def delta(self) -> Decimal | None:
        return None if self.now is None or self.before is None else self.now - self.before

    @property
    def delta_text(self) -> str:
        return signed(self.delta)


@dataclass(frozen=True)
class LevelChange:
    now: int
    before: int | None

    @property
    def now_label(self) -> str:
        return level_label(self.now)

    @property
    def before_label(self) -> str:
        return level_label(self.before)

    @property
    def delta_text(self) -> str:
        return signed(None if self.before is None else self.now - self.before)


@dataclass(frozen=True)
class StandardChange:
    standard: StandardRef
    index: IndexChange
    level: LevelChange


@dataclass(frozen=True)
class ClauseChange:
    standard: str
    clause: str
    index: IndexChange


@dataclass(frozen=True)
class Change:
    number: str
    issued_at: dt.datetime | None
    mode_label: str
    overall: StandardChange
    standards: tuple[StandardChange, ...]
    clauses: tuple[ClauseChange, ...]


def _standard_change(ref: StandardRef, now: Mapping[str, Any], before: Mapping[str, Any] | None,
                     n: int) -> StandardChange:
    return StandardChange(
        standard=ref,
        index=IndexChange(rounded(now["index"]), rounded(before["index"]) if before else None, n),
        level=LevelChange(now["level"], before["level"] if before else None))


def change(snapshot: Mapping[str, Any], refs: Sequence[StandardRef]) -> Change | None:
    """The change against `previous`; None for a first assessment."""
    previous = snapshot.get("previous")
    if not previous:
        return None
    before = {s["id"]: s for s in previous.get("standards", ())}
    clauses_before = {(c["standard"], c["clause"]): c["index"] for c in previous.get("clauses", ())}
    mode = previous.get("mode", "")
    return Change(
        number=previous.get("number", ""), issued_at=parse_datetime(previous.get("issued_at")),
        mode_label=str(Mode(mode).label) if mode in Mode.values else mode,
        overall=_standard_change(StandardRef("", "", gettext("Overall")), snapshot["overall"], previous.get("overall"),
                                 sum(scored_count(snapshot, ref.id) for ref in refs)),
        standards=tuple(_standard_change(ref, s, before.get(s["id"]), scored_count(snapshot, s["id"]))
                        for s, ref in zip(snapshot["standards"], refs, strict=True)),
        clauses=tuple(ClauseChange(standard_number(c["standard"]), c["clause"], IndexChange(
            rounded(c["index"]), rounded(clauses_before.get((c["standard"], c["clause"]))), c["n"]))
            for c in snapshot["clauses"]))


@dataclass(frozen=True)
class BenchmarkCell:
    index: Decimal | None
    level: int | None

    @property
    def level_label(self) -> str:
        return level_label(self.level)


@dataclass(frozen=True)
class BenchmarkRow:
    unit: str
    number: str
    issued_at: dt.datetime | None
    cells: tuple[BenchmarkCell, ...]
    is_this_report: bool = False


@dataclass(frozen=True)
class Benchmark:
    standards: tuple[StandardRef, ...]
    rows: tuple[BenchmarkRow, ...]


def _unit_name(unit: Any) -> str:
    if isinstance(unit, Mapping):
        unit = unit.get("name")
    return str(unit) if unit else gettext("Whole organisation")


def _benchmark_row(entry: Mapping[str, Any], refs: Sequence[StandardRef], *, is_this_report: bool) -> BenchmarkRow:
    by_id = {s["id"]: s for s in entry.get("standards", ())}
    cells = tuple(BenchmarkCell(rounded(by_id[ref.id]["index"]), by_id[ref.id]["level"]) if ref.id in by_id
                  else BenchmarkCell(None, None) for ref in refs)
    return BenchmarkRow(unit=_unit_name(entry.get("unit")), number=entry.get("number", ""),
                        issued_at=parse_datetime(entry.get("issued_at")), cells=cells, is_this_report=is_this_report)


def benchmark(snapshot: Mapping[str, Any], refs: Sequence[StandardRef]) -> Benchmark | None:
    """This report's row first, then each other unit's latest report; None when there is no other."""
    others = snapshot.get("benchmark") or ()
    if not others:
        return None
    rows = [_benchmark_row(snapshot, refs, is_this_report=True)]
    rows += [_benchmark_row(entry, refs, is_this_report=False) for entry in others]
    return Benchmark(standards=tuple(refs), rows=tuple(rows))
