"""The measurement engine: a hand-worked example, an independent numpy/scipy computation of every
measure, the invariants (hypothesis), merging, and bad specs and cells."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from csm.surveys import measure

SPEC = {
    "scale": {"min": 1, "max": 5}, "satisfied_min": 4,
    "items": [{"id": "A", "satisfaction": "a", "importance": "ia"}, {"id": "B", "satisfaction": "b", "importance": "ib"}],
    "overall": "overall", "nps": "nps",
}
HEADER = ["a", "b", "ia", "ib", "overall", "nps"]
ROWS = [["5", "4", "5", "3", "5", "10"],
        ["3", "2", "4", "1", "2", "3"],
        ["4", "", "5", "2", "4", "8"],
        ["2", "5", "", "4", "4", "9"]]


def run(spec: dict, header: list[str], rows: list[list[str]]) -> dict:
    parsed = measure.parse_spec(spec)
    return measure.analyze([measure.block_from_rows(header, rows, parsed)], parsed)


def test_the_hand_worked_example():
    out = run(SPEC, HEADER, ROWS)
    a, b = out["items"]
    assert (out["n"], a["n"], b["n"]) == (4, 4, 3)
    assert a["mean"] == 3.5 and a["score"] == 62.5 and a["satisfied_share"] == 0.5
    assert b["mean"] == pytest.approx(11 / 3, abs=1e-12) and b["score"] == pytest.approx(200 / 3, abs=1e-12)
    assert b["satisfied_share"] == pytest.approx(2 / 3, abs=1e-12)
    assert a["importance"] == pytest.approx(14 / 3, abs=1e-12) and b["importance"] == 2.5
    assert a["weight"] == pytest.approx(28 / 43, abs=1e-12) and b["weight"] == pytest.approx(15 / 43, abs=1e-12)
    assert out["index"]["value"] == pytest.approx(2750 / 43, abs=1e-9)  # 28/43 · 62.5 + 15/43 · 66.67
    assert (a["quadrant"], b["quadrant"]) == ("concentrate_here", "possible_overkill")
    assert out["satisfaction_rate"]["value"] == 0.75
    nps = out["nps"]
    assert (nps["value"], nps["promoters"], nps["passives"], nps["detractors"], nps["n"]) == (25, 2, 1, 1, 4)
    half = 1.959963984540054 * math.sqrt(100**2 * (0.5 + 0.25 - 0.25**2) / 4)  # 81.25 points
    assert (nps["ci_low"], nps["ci_high"]) == pytest.approx((25 - half, 25 + half), abs=1e-9)
    assert out["drivers"] == [] and out["drivers_r2"] is None  # 4 complete cases < 2 items + 2


def random_answers(seed: int, rows: int = 400, items: int = 4, missing: float = 0.1):
    rng = np.random.default_rng(seed)
    base = rng.normal(3.2, 1.0, size=(rows, 1))
    x = np.clip(np.rint(base + rng.normal(0, 0.8, size=(rows, items))), 1, 5)
    overall = np.clip(np.rint(base[:, 0] + rng.normal(0, 0.6, size=rows)), 1, 5)
    nps = np.clip(np.rint(2 * base[:, 0] + rng.normal(0, 1.5, size=rows)), 0, 10)
    x[rng.random(x.shape) < missing] = np.nan
    overall[rng.random(rows) < missing] = np.nan
    return x, overall, nps


def spec_for(items: int, **extra) -> measure.Spec:
    return measure.parse_spec({"scale": {"min": 1, "max": 5}, "satisfied_min": 4,
                               "items": [{"id": f"q{i}", "satisfaction": f"q{i}"} for i in range(items)],
                               "overall": "overall", "nps": "nps", **extra})


def test_every_measure_against_an_independent_numpy_and_scipy_computation():
    x, overall, nps = random_answers(7)
    spec = spec_for(4)
    out = measure.measures(measure.tally(measure.Block(x, None, overall, nps), spec), spec)
    means = np.nanmean(x, axis=0)
    for i, item in enumerate(out["items"]):
        answered = x[~np.isnan(x[:, i]), i]
        assert item["n"] == answered.size and item["mean"] == pytest.approx(means[i], abs=1e-12)
        assert item["satisfied_share"] == pytest.approx(np.mean(answered >= 4), abs=1e-12)
        assert item["weight"] == 0.25
    assert out["index"]["value"] == pytest.approx(np.mean(100 * (means - 1) / 4), abs=1e-9)
    rated = overall[~np.isnan(overall)]
    wilson = stats.binomtest(int((rated >= 4).sum()), rated.size).proportion_ci(method="wilson")
    rate = out["satisfaction_rate"]
    assert (rate["ci_low"], rate["ci_high"]) == pytest.approx((wilson.low, wilson.high), abs=1e-9)
    p_p, p_d = np.mean(nps >= 9), np.mean(nps <= 6)
    assert out["nps"]["value"] == pytest.approx(100 * (p_p - p_d), abs=1e-9)
    # Drivers on the complete cases: r from scipy, relative weights through Johnson's SVD route.
    complete = ~np.isnan(x).any(axis=1) & ~np.isnan(overall)
    xc, yc = x[complete], overall[complete]
    for i, driver in enumerate(out["drivers"]):
        assert driver["r"] == pytest.approx(stats.pearsonr(xc[:, i], yc).statistic, abs=1e-9)
    z = (xc - xc.mean(axis=0)) / xc.std(axis=0, ddof=1)
    yz = (yc - yc.mean()) / yc.std(ddof=1)
    u, s, vt = np.linalg.svd(z, full_matrices=False)
    orthogonal = u @ vt
    beta = np.linalg.lstsq(orthogonal, yz, rcond=None)[0]
    loadings = vt.T @ np.diag(s) @ vt / math.sqrt(len(yc) - 1)
    epsilon = (loadings**2) @ (beta**2) * (len(yc) - 1)
    r2 = 1 - np.sum((yz - z @ np.linalg.lstsq(z, yz, rcond=None)[0]) ** 2) / np.sum(yz**2)
    assert out["drivers_r2"] == pytest.approx(r2, abs=1e-9)
    assert [d["relative_weight"] for d in out["drivers"]] == pytest.approx(list(epsilon / epsilon.sum()), abs=1e-9)


def test_with_every_answer_given_the_index_interval_is_the_classic_one():
    x, _overall, _nps = random_answers(11, missing=0.0)
    spec = measure.parse_spec({"scale": {"min": 1, "max": 5}, "satisfied_min": 4,
                               "items": [{"id": f"q{i}", "satisfaction": f"q{i}", "weight": w}
                                         for i, w in enumerate([4, 3, 2, 1])]})
    out = measure.measures(measure.tally(measure.Block(x), spec), spec)
    w = np.array([0.4, 0.3, 0.2, 0.1])
    per_respondent = (100 * (x - 1) / 4) @ w  # with nothing missing, the index is their mean
    half = 1.959963984540054 * per_respondent.std(ddof=1) / math.sqrt(len(x))
    index = out["index"]
    assert index["value"] == pytest.approx(per_respondent.mean(), abs=1e-9)
    assert (index["ci_low"], index["ci_high"]) == pytest.approx((index["value"] - half, index["value"] + half), abs=1e-9)


def test_changes_between_periods_are_z_tests():
    spec = spec_for(1, period={"column": "when", "by": "quarter"})
    header = ["q0", "overall", "nps", "when"]
    rows = ([["4", "5", "10", "2026-01-15"]] * 60 + [["2", "2", "3", "2026-02-01"]] * 40
            + [["4", "4", "9", "2026-04-02"]] * 30 + [["2", "3", "5", "2026-05-01"]] * 70)
    out = measure.analyze([measure.block_from_rows(header, rows, spec)], spec)
    first, second = out["periods"]
    assert (first["period"], second["period"], first["change"]) == ("2026-Q1", "2026-Q2", None)
    p1, p2 = 0.6, 0.3
    pooled = (60 + 30) / 200
    z = (p2 - p1) / math.sqrt(pooled * (1 - pooled) * (2 / 100))
    change = second["change"]["satisfaction_rate"]
    assert change["diff"] == pytest.approx(-0.3) and change["p_value"] == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-9)
    assert change["significant"] is True
    nps1, var1 = measure.nps_value(60, 40, 100)
    nps2, var2 = measure.nps_value(30, 70, 100)
    assert second["change"]["nps"]["p_value"] == pytest.approx(
        2 * stats.norm.sf(abs(nps2 - nps1) / math.sqrt(var1 + var2)), rel=1e-9)


def test_small_segments_are_suppressed():
    spec = spec_for(1, segment="unit", min_base=3)
    rows = [["4", "5", "9", "Front desk"]] * 3 + [["2", "2", "2", "Spa"]] * 2
    out = measure.analyze([measure.block_from_rows(["q0", "overall", "nps", "unit"], rows, spec)], spec)
    assert out["segments"]["Spa"] == {"n": 2, "index": None, "nps": None, "satisfaction_rate": None,
                                      "suppressed": True}
    assert out["segments"]["Front desk"]["nps"]["value"] == 100 and not out["segments"]["Front desk"]["suppressed"]


answers = st.lists(st.tuples(*[st.one_of(st.none(), st.integers(1, 5))] * 3, st.one_of(st.none(), st.integers(1, 5)),
                             st.integers(0, 10)), min_size=1, max_size=60)


def _block(rows) -> measure.Block:
    data = np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)
    return measure.Block(data[:, :3], None, data[:, 3], data[:, 4])


@given(rows=answers, cut=st.integers(0, 60), weights=st.lists(st.floats(0.1, 10), min_size=3, max_size=3))
@settings(max_examples=150, deadline=None)
def test_invariants_and_merging(rows, cut, weights):
    spec = measure.parse_spec({"scale": {"min": 1, "max": 5}, "satisfied_min": 4, "overall": "o", "nps": "n",
                               "items": [{"id": f"q{i}", "satisfaction": f"q{i}", "weight": w}
                                         for i, w in enumerate(weights)]})
    whole = measure.measures(measure.tally(_block(rows), spec), spec)
    cut = min(cut, len(rows))
    parts = [measure.tally(_block(part), spec) for part in (rows[:cut], rows[cut:]) if part]
    merged = parts[0] if len(parts) == 1 else parts[0].merge(parts[1])
    assert _close(measure.measures(merged, spec), whole)
    assert math.fsum(item["weight"] for item in whole["items"]) == pytest.approx(1.0, abs=1e-12)
    if whole["drivers"]:
        assert math.fsum(d["relative_weight"] for d in whole["drivers"]) == pytest.approx(1.0, abs=1e-9)
    for key in ("index", "satisfaction_rate", "nps"):
        figure = whole[key]
        if figure and figure["ci_low"] is not None:
            assert figure["ci_low"] - 1e-9 <= figure["value"] <= figure["ci_high"] + 1e-9


def _close(a, b) -> bool:
    """Nested equality of outputs, floats to 1e-9."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, abs_tol=1e-9, rel_tol=1e-9)
    return a == b


@pytest.mark.parametrize(("raw", "field"), [
    ([], "spec"), ({"scale": {"min": 5, "max": 1}}, "scale"),
    ({"scale": {"min": 1, "max": 5}, "satisfied_min": 9, "items": []}, "satisfied_min"),
    ({"scale": {"min": 1, "max": 5}, "satisfied_min": 4, "items": []}, "items"),
    ({"scale": {"min": 1, "max": 5}, "satisfied_min": 4, "items": [{"id": "a", "satisfaction": "a", "weight": 1},
                                                                   {"id": "b", "satisfaction": "b"}]}, "items"),
    ({"scale": {"min": 1, "max": 5}, "satisfied_min": 4, "items": [{"id": "a", "satisfaction": "a"}],
      "period": {"column": "d", "by": "week"}}, "period.by"),
    ({"scale": {"min": 1, "max": 5}, "satisfied_min": 4, "items": [{"id": "a", "satisfaction": "a"}], "colour": 1},
     "colour"),
])
def test_a_bad_spec_names_its_field(raw, field):
    with pytest.raises(measure.SpecError) as caught:
        measure.parse_spec(raw)
    assert caught.value.field == field


@pytest.mark.parametrize(("rows", "row", "column"), [
    ([["4", "5", "10"], ["x", "5", "9"]], 2, "q0"),
    ([["4", "6", "10"]], 1, "overall"),
    ([["4", "5", "7.5"]], 1, "nps"),
])
def test_a_bad_cell_names_its_row_and_column(rows, row, column):
    spec = spec_for(1)
    with pytest.raises(measure.DataError) as caught:
        measure.block_from_rows(["q0", "overall", "nps"], rows, spec)
    assert (caught.value.row, caught.value.column) == (row, column)


def test_an_unknown_column_is_refused():
    with pytest.raises(measure.DataError, match="no such column"):
        measure.block_from_rows(["q0", "overall"], [["4", "5"]], spec_for(1))
