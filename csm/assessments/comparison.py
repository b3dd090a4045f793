"""Management's comparisons of issued assessment reports: progress over time, the unit benchmark and
the gap between a self-assessment and an independent one. Everything is read from the reports'
snapshots (csm.assessments.snapshot), never from live answers, so a comparison reproduces for ever.

Formulas, with I a snapshot's index (0-100), L its level (0-3) and s a question's score (0-3):

- progress(reports), for reports of one scope in date order: per standard, I and L of each report
  and the change between consecutive reports, ΔI_k = I_k − I_(k−1) and ΔL_k = L_k − L_(k−1) (None
  when either report does not assess the standard); per (standard, clause), I of each report and
  the change from the first report that has the clause to the last one, I_last − I_first (None when
  fewer than two reports have it).
- benchmark(latest_by_unit): the matrix of clause indices, clauses (rows) × units (columns), None
  where a unit's report has no index for the clause (the standard not assessed, or every question
  N/A). Per clause, over the units that have it: mean = Σ I_u / m, min, max and m. Per standard,
  each unit's rank by I, highest first, in competition order (1, 2, 2, 4); None if not assessed.
- gap(self, independent): over the questions Q answered (not N/A) in both reports, with n = |Q|:
  calibration = Σ |s_self − s_indep| / n and bias = Σ (s_self − s_indep) / n, on the effective
  scores (after the evidence cap) and again on the claimed scores; per clause, per standard and
  overall; None when n = 0. Calibration ≥ |bias| always (the triangle inequality), and a report
  against itself gives zeros. Bias > 0 means the self-assessment rates higher.
- pair_reports(refs): each self-assessment with the next independent assessment of the same scope
  issued after it, else the latest one issued before it.

Rows follow protocol order: standards in the order of protocol.STANDARDS and, within a standard,
clauses in the order the snapshots list them (the protocol's). Clause labels read "ISO10002 7.4".
Floats are not rounded here; `rounding.rounded` is the one rounding helper for display and exports.

No Django here: the selectors load the reports, this module computes, the views present.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from csm.assessments.protocol import STANDARDS

Snapshot = Mapping[str, Any]
ClauseKey = tuple[str, str]


def clause_label(standard: str, clause: str) -> str:
    return f"{standard} {clause}"


@dataclass(frozen=True)
class ReportInfo:
    """What a comparison says about one report: which it is and its overall result."""

    number: str
    title: str
    mode: str
    unit: str | None
    ends_on: str
    issued_at: str
    overall_index: float
    overall_level: int


@dataclass(frozen=True)
class Score:
    """A standard (or the whole report) in one report; n is its scored, non-N/A questions."""

    index: float
    level: int
    n: int


@dataclass(frozen=True)
class ClauseValue:
    index: float
    n: int


def report_info(snapshot: Snapshot) -> ReportInfo:
    unit = snapshot.get("unit")
    return ReportInfo(number=snapshot["number"], title=snapshot.get("title", ""), mode=snapshot["mode"],
                      unit=unit["name"] if unit else None, ends_on=snapshot.get("ends_on", ""),
                      issued_at=snapshot["issued_at"], overall_index=snapshot["overall"]["index"],
                      overall_level=snapshot["overall"]["level"])


def standard_scores(snapshot: Snapshot) -> dict[str, Score]:
    return {s["id"]: Score(index=s["index"], level=s["level"], n=s.get("n_scored", 0))
            for s in snapshot["standards"]}


def overall_score(snapshot: Snapshot) -> Score:
    return Score(index=snapshot["overall"]["index"], level=snapshot["overall"]["level"],
                 n=sum(s.get("n_scored", 0) for s in snapshot["standards"]))


def clause_values(snapshot: Snapshot) -> dict[ClauseKey, ClauseValue]:
    return {(c["standard"], c["clause"]): ClauseValue(index=c["index"], n=c["n"])
            for c in snapshot["clauses"] if c.get("index") is not None}


def _standard_position(standard: str) -> int:
    return STANDARDS.index(standard) if standard in STANDARDS else len(STANDARDS)


def standard_order(snapshots: Iterable[Snapshot]) -> tuple[str, ...]:
    seen = dict.fromkeys(s["id"] for snapshot in snapshots for s in snapshot["standards"])
    return tuple(sorted(seen, key=_standard_position))


def clause_order(snapshots: Iterable[Snapshot]) -> tuple[ClauseKey, ...]:
    """Every clause of the snapshots, grouped by standard, each in first-listed (protocol) order."""
    seen = dict.fromkeys((c["standard"], c["clause"]) for snapshot in snapshots for c in snapshot["clauses"])
    return tuple(sorted(seen, key=lambda key: _standard_position(key[0])))


# Progress over time ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    index: float
    level: int


@dataclass(frozen=True)
class StandardProgress:
    standard: str
    scores: tuple[Score | None, ...]  # one per report
    changes: tuple[Change | None, ...]  # one per report after the first: from the report before


@dataclass(frozen=True)
class ClauseProgress:
    standard: str
    clause: str
    values: tuple[ClauseValue | None, ...]
    change: float | None  # from the first report with the clause to the last

    @property
    def label(self) -> str:
        return clause_label(self.standard, self.clause)


@dataclass(frozen=True)
class Progress:
    reports: tuple[ReportInfo, ...]
    overall: StandardProgress  # standard ""
    standards: tuple[StandardProgress, ...]
    clauses: tuple[ClauseProgress, ...]


def _changes(scores: Sequence[Score | None]) -> tuple[Change | None, ...]:
    return tuple(Change(index=after.index - before.index, level=after.level - before.level)
                 if before is not None and after is not None else None
                 for before, after in pairwise(scores))


def _standard_progress(standard: str, scores: Sequence[Score | None]) -> StandardProgress:
    return StandardProgress(standard=standard, scores=tuple(scores), changes=_changes(scores))


def _clause_progress(key: ClauseKey, values: Sequence[ClauseValue | None]) -> ClauseProgress:
    present = [value for value in values if value is not None]
    change = present[-1].index - present[0].index if len(present) >= 2 else None
    return ClauseProgress(standard=key[0], clause=key[1], values=tuple(values), change=change)


def progress(reports: Sequence[Snapshot]) -> Progress:
    """The reports of one scope side by side, in the order given (the selector's date order)."""
    by_standard = [standard_scores(snapshot) for snapshot in reports]
    by_clause = [clause_values(snapshot) for snapshot in reports]
    return Progress(
        reports=tuple(report_info(snapshot) for snapshot in reports),
        overall=_standard_progress("", [overall_score(snapshot) for snapshot in reports]),
        standards=tuple(_standard_progress(standard, [scores.get(standard) for scores in by_standard])
                        for standard in standard_order(reports)),
        clauses=tuple(_clause_progress(key, [values.get(key) for values in by_clause])
                      for key in clause_order(reports)),
    )


# The unit benchmark -------------------------------------------------------------------------------

@dataclass(frozen=True)
class UnitSnapshot:
    """A unit's latest issued report (the input of the benchmark)."""

    unit_id: int
    unit_name: str
    snapshot: Snapshot


@dataclass(frozen=True)
class UnitSummary:
    unit_id: int
    unit_name: str
    report: ReportInfo
    overall: Score
    standards: tuple[Score | None, ...]  # in Benchmark.standards order
    ranks: tuple[int | None, ...]  # in Benchmark.standards order


@dataclass(frozen=True)
class ClauseRow:
    standard: str
    clause: str
    cells: tuple[ClauseValue | None, ...]  # one per unit
    mean: float | None
    minimum: float | None
    maximum: float | None
    n: int  # units with an index for the clause

    @property
    def label(self) -> str:
        return clause_label(self.standard, self.clause)


@dataclass(frozen=True)
class Benchmark:
    standards: tuple[str, ...]
    units: tuple[UnitSummary, ...]
    rows: tuple[ClauseRow, ...]


def competition_ranks(values: Sequence[float | None]) -> tuple[int | None, ...]:
    """Rank 1 for the highest value; equal values share a rank and the next rank skips (1, 2, 2, 4)."""
    known = [value for value in values if value is not None]
    return tuple(None if value is None else 1 + sum(1 for other in known if other > value) for value in values)


def _clause_row(key: ClauseKey, cells: Sequence[ClauseValue | None]) -> ClauseRow:
    indices = [cell.index for cell in cells if cell is not None]
    return ClauseRow(standard=key[0], clause=key[1], cells=tuple(cells),
                     mean=sum(indices) / len(indices) if indices else None,
                     minimum=min(indices, default=None), maximum=max(indices, default=None), n=len(indices))


def _index_of(score: Score | None) -> float | None:
    return None if score is None else score.index


def _unit_summaries(units: Sequence[UnitSnapshot], standards: Sequence[str]) -> tuple[UnitSummary, ...]:
    scores = [[standard_scores(unit.snapshot).get(standard) for standard in standards] for unit in units]
    ranks_by_standard = [competition_ranks([_index_of(row[column]) for row in scores])
                         for column in range(len(standards))]
    return tuple(UnitSummary(unit_id=unit.unit_id, unit_name=unit.unit_name, report=report_info(unit.snapshot),
                             overall=overall_score(unit.snapshot), standards=tuple(scores[position]),
                             ranks=tuple(ranks[position] for ranks in ranks_by_standard))
                 for position, unit in enumerate(units))


def benchmark(latest_by_unit: Sequence[UnitSnapshot]) -> Benchmark:
    """The units' latest reports side by side, columns in the order given."""
    snapshots = [unit.snapshot for unit in latest_by_unit]
    standards = standard_order(snapshots)
    by_clause = [clause_values(snapshot) for snapshot in snapshots]
    return Benchmark(
        standards=standards,
        units=_unit_summaries(latest_by_unit, standards),
        rows=tuple(_clause_row(key, [values.get(key) for values in by_clause]) for key in clause_order(snapshots)),
    )


# Self-assessment against independent assessment -----------------------------------------------------

@dataclass(frozen=True)
class Difference:
    """Over n questions answered in both: mean |self − independent| and mean (self − independent)."""

    calibration: float | None
    bias: float | None
    n: int


@dataclass(frozen=True)
class GapRow:
    """A standard (clause None) or a clause: the differences and each side's figures."""

    standard: str
    clause: str | None
    effective: Difference
    claimed: Difference
    self_index: float | None
    independent_index: float | None
    self_level: int | None = None
    independent_level: int | None = None

    @property
    def label(self) -> str:
        return self.standard if self.clause is None else clause_label(self.standard, self.clause)


@dataclass(frozen=True)
class Gap:
    self_report: ReportInfo
    independent_report: ReportInfo
    overall_effective: Difference
    overall_claimed: Difference
    standards: tuple[GapRow, ...]
    clauses: tuple[GapRow, ...]


@dataclass(frozen=True)
class _Paired:
    standard: str
    clause: str
    effective: tuple[int, int]
    claimed: tuple[int, int]


def difference(pairs: Sequence[tuple[int, int]]) -> Difference:
    if not pairs:
        return Difference(calibration=None, bias=None, n=0)
    return Difference(calibration=sum(abs(a - b) for a, b in pairs) / len(pairs),
                      bias=sum(a - b for a, b in pairs) / len(pairs), n=len(pairs))


def _scored_answers(snapshot: Snapshot) -> dict[str, Mapping[str, Any]]:
    return {answer["question"]: answer for answer in snapshot["answers"]
            if answer.get("effective") is not None and answer.get("score") is not None}


def _paired_answers(self_snapshot: Snapshot, independent_snapshot: Snapshot) -> list[_Paired]:
    mine, theirs = _scored_answers(self_snapshot), _scored_answers(independent_snapshot)
    return [_Paired(standard=answer["standard"], clause=answer["clause"],
                    effective=(answer["effective"], theirs[question]["effective"]),
                    claimed=(answer["score"], theirs[question]["score"]))
            for question, answer in mine.items() if question in theirs]


def _row(standard: str, clause: str | None, paired: Sequence[_Paired]) -> GapRow:
    chosen = [p for p in paired if p.standard == standard and (clause is None or p.clause == clause)]
    return GapRow(standard=standard, clause=clause, effective=difference([p.effective for p in chosen]),
                  claimed=difference([p.claimed for p in chosen]), self_index=None, independent_index=None)


def _standard_row(standard: str, paired: Sequence[_Paired], mine: Mapping[str, Score],
                  theirs: Mapping[str, Score]) -> GapRow:
    row, own, other = _row(standard, None, paired), mine.get(standard), theirs.get(standard)
    return GapRow(standard=standard, clause=None, effective=row.effective, claimed=row.claimed,
                  self_index=own.index if own else None, independent_index=other.index if other else None,
                  self_level=own.level if own else None, independent_level=other.level if other else None)


def _clause_gap_row(key: ClauseKey, paired: Sequence[_Paired], mine: Mapping[ClauseKey, ClauseValue],
                    theirs: Mapping[ClauseKey, ClauseValue]) -> GapRow:
    row, own, other = _row(key[0], key[1], paired), mine.get(key), theirs.get(key)
    return GapRow(standard=key[0], clause=key[1], effective=row.effective, claimed=row.claimed,
                  self_index=own.index if own else None, independent_index=other.index if other else None)


def gap(self_snapshot: Snapshot, independent_snapshot: Snapshot) -> Gap:
    """How far the self-assessment lies from the independent one, question by question."""
    both = (self_snapshot, independent_snapshot)
    paired = _paired_answers(self_snapshot, independent_snapshot)
    mine, theirs = standard_scores(self_snapshot), standard_scores(independent_snapshot)
    my_clauses, their_clauses = clause_values(self_snapshot), clause_values(independent_snapshot)
    return Gap(
        self_report=report_info(self_snapshot), independent_report=report_info(independent_snapshot),
        overall_effective=difference([p.effective for p in paired]),
        overall_claimed=difference([p.claimed for p in paired]),
        standards=tuple(_standard_row(standard, paired, mine, theirs) for standard in standard_order(both)),
        clauses=tuple(_clause_gap_row(key, paired, my_clauses, their_clauses) for key in clause_order(both)),
    )


# Which self-assessment goes with which independent assessment --------------------------------------

@dataclass(frozen=True)
class ReportRef:
    id: int
    mode: str
    unit_id: int | None
    issued_at: dt.datetime


@dataclass(frozen=True)
class Pair:
    self_id: int
    independent_id: int


def _partner(report: ReportRef, independents: Sequence[ReportRef]) -> ReportRef | None:
    """`independents` sorted by issue: the first issued after `report`, else the last before it."""
    same_scope = [other for other in independents if other.unit_id == report.unit_id]
    after = [other for other in same_scope if other.issued_at > report.issued_at]
    before = [other for other in same_scope if other.issued_at <= report.issued_at]
    return after[0] if after else (before[-1] if before else None)


def pair_reports(refs: Sequence[ReportRef]) -> tuple[Pair, ...]:
    """Each self-assessment with its independent partner (see the module docstring), newest self first;
    a self-assessment with no independent assessment of its scope has no pair."""
    ordered = sorted(refs, key=lambda ref: (ref.issued_at, ref.id))
    independents = [ref for ref in ordered if ref.mode == "independent"]
    pairs = [(ref, _partner(ref, independents)) for ref in ordered if ref.mode == "self"]
    return tuple(Pair(self_id=ref.id, independent_id=partner.id)
                 for ref, partner in reversed(pairs) if partner is not None)
