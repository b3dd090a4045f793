"""The comparisons of issued reports (pure): progress, the unit benchmark, the self/independent gap
and the pairing, on hand-worked tables, against an independent numpy computation, and with
hypothesis properties (calibration ≥ |bias|; a report against itself differs by nothing)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csm.assessments.comparison import (
    Change,
    ClauseValue,
    Difference,
    Pair,
    ReportRef,
    Score,
    UnitSnapshot,
    benchmark,
    clause_order,
    competition_ranks,
    gap,
    pair_reports,
    progress,
)
from csm.assessments.rounding import rounded
from csm.assessments.tests.comparison_fixtures import answer, make_snapshot

I2, I4, I1 = "ISO10002", "ISO10004", "ISO10001"


# Progress -----------------------------------------------------------------------------------------

def three_reports() -> list[dict]:
    return [
        make_snapshot("R1", standards=[(I2, 50.0, 1, 5)], clauses=[(I2, "7.2", 40.0, 2), (I2, "7.4", 60.0, 3)]),
        make_snapshot("R2", standards=[(I2, 62.5, 1, 5), (I4, 70.0, 2, 3)],
                      clauses=[(I2, "7.2", 55.0, 2), (I4, "8.1", 70.0, 3)]),
        make_snapshot("R3", standards=[(I2, 75.0, 2, 5), (I4, 66.0, 2, 3)],
                      clauses=[(I2, "7.2", 80.0, 2), (I2, "7.4", 70.0, 3), (I4, "8.1", 66.0, 3)]),
    ]


def test_progress_gives_each_standard_per_report_and_the_change_between_consecutive_reports():
    result = progress(three_reports())
    assert [r.number for r in result.reports] == ["R1", "R2", "R3"]
    first, second = result.standards
    assert first.standard == I2
    assert first.scores == (Score(50.0, 1, 5), Score(62.5, 1, 5), Score(75.0, 2, 5))
    assert first.changes == (Change(index=12.5, level=0), Change(index=12.5, level=1))
    assert second.standard == I4
    assert second.scores == (None, Score(70.0, 2, 3), Score(66.0, 2, 3))
    assert second.changes == (None, Change(index=-4.0, level=0))


def test_progress_gives_each_clause_per_report_and_the_change_from_first_to_last():
    clauses = progress(three_reports()).clauses
    assert [(c.label, c.change) for c in clauses] == [("ISO10002 7.2", 40.0), ("ISO10002 7.4", 10.0),
                                                      ("ISO10004 8.1", -4.0)]
    assert clauses[1].values == (ClauseValue(60.0, 3), None, ClauseValue(70.0, 3))


def test_progress_of_one_report_has_no_change():
    result = progress(three_reports()[:1])
    assert result.standards[0].changes == ()
    assert [c.change for c in result.clauses] == [None, None]
    assert result.overall.scores == (Score(50.0, 1, 5),)


def test_progress_of_no_report_is_empty():
    result = progress([])
    assert (result.reports, result.standards, result.clauses, result.overall.scores) == ((), (), (), ())


def test_clauses_are_grouped_by_standard_in_protocol_order():
    reports = [make_snapshot("A", standards=[(I4, 1, 0, 1)], clauses=[(I4, "8.1", 1, 1), (I4, "6.1", 1, 1)]),
               make_snapshot("B", standards=[(I2, 1, 0, 1), (I1, 1, 0, 1)],
                             clauses=[(I2, "7.4", 1, 1), (I4, "8.1", 1, 1), (I1, "5.1", 1, 1)])]
    assert clause_order(reports) == ((I1, "5.1"), (I2, "7.4"), (I4, "8.1"), (I4, "6.1"))


# The unit benchmark -------------------------------------------------------------------------------

def three_units() -> list[UnitSnapshot]:
    return [
        UnitSnapshot(1, "Airport", make_snapshot("A", standards=[(I2, 80.0, 2, 4)],
                                                 clauses=[(I2, "7.2", 90.0, 2), (I2, "7.4", 70.0, 2)])),
        UnitSnapshot(2, "Beach", make_snapshot("B", standards=[(I2, 60.0, 1, 4), (I4, 50.0, 1, 2)],
                                               clauses=[(I2, "7.2", 60.0, 2), (I2, "7.4", 60.0, 2),
                                                        (I4, "8.1", 50.0, 2)])),
        UnitSnapshot(3, "City", make_snapshot("C", standards=[(I2, 80.0, 2, 2)], clauses=[(I2, "7.2", 100.0, 2)])),
    ]


def test_benchmark_gives_the_clause_by_unit_matrix_with_mean_min_max_and_n():
    result = benchmark(three_units())
    assert result.standards == (I2, I4)
    rows = [(r.label, [c.index if c else None for c in r.cells], r.mean, r.minimum, r.maximum, r.n)
            for r in result.rows]
    assert rows == [
        ("ISO10002 7.2", [90.0, 60.0, 100.0], pytest.approx(250 / 3), 60.0, 100.0, 3),
        ("ISO10002 7.4", [70.0, 60.0, None], 65.0, 60.0, 70.0, 2),
        ("ISO10004 8.1", [None, 50.0, None], 50.0, 50.0, 50.0, 1),
    ]


def test_benchmark_ranks_units_per_standard_sharing_ties():
    units = benchmark(three_units()).units
    assert [(u.unit_name, u.ranks) for u in units] == [("Airport", (1, None)), ("Beach", (3, 1)),
                                                        ("City", (1, None))]
    assert units[1].standards == (Score(60.0, 1, 4), Score(50.0, 1, 2))
    assert units[1].overall == Score(55.0, 1, 6)


@pytest.mark.parametrize(("values", "ranks"), [
    ([], ()), ([None], (None,)), ([5.0], (1,)), ([1.0, 3.0, 2.0], (3, 1, 2)),
    ([2.0, 2.0, 1.0, None, 3.0], (2, 2, 4, None, 1)),
])
def test_competition_ranks(values, ranks):
    assert competition_ranks(values) == ranks


def test_benchmark_agrees_with_numpy():
    result = benchmark(three_units())
    matrix = np.array([[np.nan if c is None else c.index for c in row.cells] for row in result.rows])
    assert [r.mean for r in result.rows] == pytest.approx(list(np.nanmean(matrix, axis=1)))
    assert [r.minimum for r in result.rows] == list(np.nanmin(matrix, axis=1))
    assert [r.maximum for r in result.rows] == list(np.nanmax(matrix, axis=1))
    assert [r.n for r in result.rows] == list(np.sum(~np.isnan(matrix), axis=1))


# The gap between a self-assessment and an independent one ----------------------------------------

def hand_worked_pair() -> tuple[dict, dict]:
    # q4 is N/A in the self-assessment and q5 in the independent one: only q1-q3 are compared.
    mine = make_snapshot("S1", mode="self", standards=[(I2, 50.0, 1, 3), (I4, 33.3, 0, 1)],
                         clauses=[(I2, "7.2", 66.7, 2), (I2, "7.4", 0.0, 1), (I4, "8.1", 33.3, 1)],
                         answers=[answer("q1", I2, "7.2", 3, 3), answer("q2", I2, "7.2", 2, 1),
                                  answer("q3", I2, "7.4", 3, 0), answer("q4", I2, "7.4", None),
                                  answer("q5", I4, "8.1", 1, 1)])
    theirs = make_snapshot("I1", mode="independent", standards=[(I2, 58.3, 1, 4), (I4, 0.0, 0, 0)],
                           clauses=[(I2, "7.2", 66.7, 2), (I2, "7.4", 50.0, 2)],
                           answers=[answer("q1", I2, "7.2", 2, 2), answer("q2", I2, "7.2", 2, 2),
                                    answer("q3", I2, "7.4", 1, 1), answer("q4", I2, "7.4", 2, 2),
                                    answer("q5", I4, "8.1", None)])
    return mine, theirs


def test_gap_per_clause_on_effective_and_claimed_scores():
    # effective differences: q1 3−2 = 1, q2 1−2 = −1, q3 0−1 = −1; claimed: q1 1, q2 0, q3 2.
    result = gap(*hand_worked_pair())
    rows = [(r.label, r.effective, r.claimed, r.self_index, r.independent_index) for r in result.clauses]
    assert rows == [
        ("ISO10002 7.2", Difference(1.0, 0.0, 2), Difference(0.5, 0.5, 2), 66.7, 66.7),
        ("ISO10002 7.4", Difference(1.0, -1.0, 1), Difference(2.0, 2.0, 1), 0.0, 50.0),
        ("ISO10004 8.1", Difference(None, None, 0), Difference(None, None, 0), 33.3, None),
    ]


def test_gap_per_standard_and_overall_with_each_sides_level_and_index():
    result = gap(*hand_worked_pair())
    first, second = result.standards
    assert (first.label, first.effective, first.claimed) == (I2, Difference(1.0, pytest.approx(-1 / 3), 3),
                                                             Difference(1.0, 1.0, 3))
    assert (first.self_index, first.self_level, first.independent_index, first.independent_level) == (50.0, 1,
                                                                                                      58.3, 1)
    assert (second.effective.n, second.self_level, second.independent_level) == (0, 0, 0)
    assert result.overall_effective == first.effective
    assert result.overall_claimed == first.claimed
    assert (result.self_report.number, result.independent_report.mode) == ("S1", "independent")


def test_gap_of_reports_sharing_no_question_is_empty_not_zero():
    mine = make_snapshot("S", standards=[(I2, 1, 0, 1)], answers=[answer("a", I2, "7.2", 3)])
    theirs = make_snapshot("I", mode="independent", standards=[(I4, 1, 0, 1)], answers=[answer("b", I4, "8.1", 1)])
    result = gap(mine, theirs)
    assert result.overall_effective == Difference(None, None, 0)
    assert [(r.standard, r.self_level, r.independent_level) for r in result.standards] == [(I2, 0, None),
                                                                                         (I4, None, 0)]


STANDARD_CLAUSES = [(I2, "7.2"), (I2, "7.4"), (I4, "8.1")]
side = st.one_of(st.none(), st.tuples(st.integers(0, 3), st.integers(0, 3)).map(lambda p: (max(p), min(p))))
question_rows = st.lists(st.tuples(st.integers(0, 2), side, side), min_size=1, max_size=25)


def pair_from_rows(rows) -> tuple[dict, dict]:
    """Two snapshots from (clause, self (claimed, effective) | N/A, independent ...) rows."""
    def snapshot(number: str, mode: str, pick: int) -> dict:
        answers = [answer(f"q{i}", *STANDARD_CLAUSES[clause], *((mine, theirs)[pick] or (None, None)))
                   for i, (clause, mine, theirs) in enumerate(rows)]
        return make_snapshot(number, mode=mode, standards=[(I2, 0.0, 0, 0), (I4, 0.0, 0, 0)], answers=answers,
                             clauses=[(s, c, 0.0, 0) for s, c in STANDARD_CLAUSES])
    return snapshot("S", "self", 0), snapshot("I", "independent", 1)


def numpy_difference(rows, clause: int | None, which: int) -> tuple[float | None, float | None, int]:
    """The same means computed column-wise with numpy, from the raw rows."""
    both = [(r[1][which], r[2][which]) for r in rows
            if r[1] is not None and r[2] is not None and (clause is None or r[0] == clause)]
    if not both:
        return None, None, 0
    diff = np.array(both, dtype=float) @ np.array([1.0, -1.0])
    return float(np.mean(np.abs(diff))), float(np.mean(diff)), len(both)


@settings(max_examples=150, deadline=None)
@given(question_rows)
def test_gap_agrees_with_numpy(rows):
    result = gap(*pair_from_rows(rows))
    by_clause = {r.label: r for r in result.clauses}
    for position, (standard, clause) in enumerate(STANDARD_CLAUSES):
        row = by_clause[f"{standard} {clause}"]
        for which, difference in ((0, row.claimed), (1, row.effective)):
            calibration, bias, n = numpy_difference(rows, position, which)
            assert difference.n == n
            assert difference.calibration == pytest.approx(calibration)
            assert difference.bias == pytest.approx(bias)
    overall = numpy_difference(rows, None, 1)
    assert (result.overall_effective.calibration, result.overall_effective.bias) == pytest.approx(overall[:2])


@settings(max_examples=150, deadline=None)
@given(question_rows)
def test_calibration_is_never_below_the_size_of_the_bias(rows):
    result = gap(*pair_from_rows(rows))
    for row in (*result.standards, *result.clauses):
        for difference in (row.effective, row.claimed):
            if difference.n:
                assert difference.calibration >= abs(difference.bias) - 1e-12
                assert 0 <= difference.calibration <= 3


@settings(max_examples=100, deadline=None)
@given(question_rows)
def test_a_report_against_itself_differs_by_nothing(rows):
    mine, _ = pair_from_rows(rows)
    result = gap(mine, mine)
    for row in (*result.standards, *result.clauses):
        assert row.self_index == row.independent_index
        for difference in (row.effective, row.claimed):
            assert (difference.calibration, difference.bias) == ((0.0, 0.0) if difference.n else (None, None))


# Pairing -------------------------------------------------------------------------------------------

def ref(pk: int, mode: str, day: int, unit: int | None = None) -> ReportRef:
    return ReportRef(id=pk, mode=mode, unit_id=unit, issued_at=dt.datetime(2026, 1, day, tzinfo=dt.UTC))


@pytest.mark.parametrize(("refs", "pairs"), [
    ([], ()),
    ([ref(1, "self", 1)], ()),
    # the next independent assessment after the self-assessment, not the nearest one
    ([ref(1, "independent", 9), ref(2, "self", 10), ref(3, "independent", 20), ref(4, "independent", 25)],
     (Pair(2, 3),)),
    # none after: the latest before it
    ([ref(1, "independent", 2), ref(2, "independent", 5), ref(3, "self", 10)], (Pair(3, 2),)),
    # newest self first; two self-assessments may share a partner
    ([ref(1, "self", 1), ref(2, "self", 3), ref(3, "independent", 5)], (Pair(2, 3), Pair(1, 3))),
    # only the same scope
    ([ref(1, "self", 1, unit=7), ref(2, "independent", 5), ref(3, "independent", 6, unit=7)], (Pair(1, 3),)),
    ([ref(1, "self", 1, unit=7), ref(2, "independent", 5, unit=8)], ()),
])
def test_each_self_assessment_pairs_with_the_next_independent_one(refs, pairs):
    assert pair_reports(refs) == pairs


@pytest.mark.parametrize(("value", "places", "expected"), [
    (None, 1, None), (60.60606060606061, 1, Decimal("60.6")), (72.25, 1, Decimal("72.3")),
    (-0.25, 1, Decimal("-0.3")), (1 / 3, 2, Decimal("0.33")), (100, 1, Decimal("100.0")), (0.0, 2, Decimal("0.00")),
])
def test_rounding_for_display_is_half_away_from_zero(value, places, expected):
    assert rounded(value, places) == expected
