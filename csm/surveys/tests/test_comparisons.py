"""The dashboards' statistics: hand-worked numbers, scipy and numpy, and properties (hypothesis)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from csm.surveys import comparisons, measure

SPEC = measure.parse_spec({"scale": {"min": 1, "max": 5}, "satisfied_min": 4,
                           "items": [{"id": "a", "satisfaction": "a"}, {"id": "b", "satisfaction": "b"},
                                     {"id": "c", "satisfaction": "c"}]})


def tally_of(x: np.ndarray) -> measure.Tally:
    return measure.tally(measure.Block(x), SPEC)


# Means and scores ---------------------------------------------------------------------------------

def test_the_t_interval_of_a_hand_worked_mean():
    # 1..5: mean 3, s² = 2.5, t(0.975, 4) = 2.7764451, half-width 2.7764451·√(2.5/5) = 1.9632432
    got = comparisons.mean_interval(5, 15, 55)
    assert (got.value, got.n) == (3.0, 5)
    assert got.low == pytest.approx(3 - 1.9632432, abs=1e-7) and got.high == pytest.approx(3 + 1.9632432, abs=1e-7)


@pytest.mark.parametrize("seed", range(5))
def test_the_t_interval_equals_scipys(seed):
    values = np.random.default_rng(seed).integers(1, 8, size=37).astype(float)
    got = comparisons.mean_interval(values.size, values.sum(), (values**2).sum())
    low, high = stats.t.interval(0.95, values.size - 1, loc=values.mean(), scale=stats.sem(values))
    assert got.value == pytest.approx(values.mean(), abs=1e-12)
    assert (got.low, got.high) == pytest.approx((low, high), abs=1e-9)


def test_a_mean_of_none_or_one_value_has_no_interval():
    assert comparisons.mean_interval(0, 0, 0) == comparisons.Interval(None, None, None, 0)
    assert comparisons.mean_interval(1, 4, 16) == comparisons.Interval(4.0, None, None, 1)


def test_an_items_score_is_its_mean_interval_on_the_0_100_scale():
    x = np.array([[1.0, 2, 3], [5, 4, np.nan], [3, 3, 3], [4, np.nan, 5]])
    got = comparisons.item_score(tally_of(x), 1, SPEC)
    mean = comparisons.mean_interval(3, 9, 29)
    assert got.n == 3 and got.value == pytest.approx(50.0)
    assert (got.low, got.high) == pytest.approx((25 * (mean.low - 1), 25 * (mean.high - 1)), abs=1e-12)


def test_the_pooled_score_of_one_item_is_its_mean_with_a_normal_interval():
    x = np.array([[1.0, 2, 3], [5, 4, 1], [3, 3, 3], [4, 1, 5], [2, 2, 2]])
    got = comparisons.pooled_score(tally_of(x), [0], SPEC)
    column = x[:, 0]
    half = comparisons.Z95 * column.std(ddof=1) / math.sqrt(5)
    assert got.value == pytest.approx(25 * (column.mean() - 1))
    assert (got.low, got.high) == pytest.approx((25 * (column.mean() - half - 1), 25 * (column.mean() + half - 1)))


@pytest.mark.parametrize("seed", range(4))
def test_the_pooled_score_equals_a_direct_computation(seed):
    rng = np.random.default_rng(seed)
    base = rng.normal(3, 1, size=(60, 1))
    x = np.clip(np.rint(base + rng.normal(0, 0.7, size=(60, 3))), 1, 5)
    x[rng.random(x.shape) < 0.15] = np.nan
    got = comparisons.pooled_score(tally_of(x), [0, 2], SPEC)
    chosen = x[:, [0, 2]]
    answered = ~np.isnan(chosen)
    total = answered.sum()
    # Var(Σ S_i / N), S_i = Σ_r x_ri: Cov(S_i, S_j) = n_ij·s_ij over the rows answering both.
    variance = 0.0
    for i in range(2):
        for j in range(2):
            both = answered[:, i] & answered[:, j]
            if both.sum() >= 2:
                variance += both.sum() * np.cov(chosen[both, i], chosen[both, j], ddof=1)[0, 1]
    variance /= total**2
    mean = np.nansum(chosen) / total
    assert got.n == total
    assert got.value == pytest.approx(25 * (mean - 1), abs=1e-9)
    half = comparisons.Z95 * math.sqrt(variance) * 25
    assert (got.low, got.high) == pytest.approx((got.value - half, got.value + half), abs=1e-9)


def test_nothing_answered_has_no_pooled_score():
    x = np.array([[np.nan, 2, 3]])
    assert comparisons.pooled_score(tally_of(x), [0], SPEC) == comparisons.Interval(None, None, None, 0)


# Minimum detectable difference --------------------------------------------------------------------

def test_the_mdd_of_two_shares_by_hand():
    # (1.959964 + 0.841621)·√(0.25/100 + 0.25/100) = 2.801585·0.0707107 = 0.198102
    assert comparisons.mdd_share(0.5, 100, 0.5, 100) == pytest.approx(0.198102, abs=1e-6)
    assert pytest.approx(stats.norm.ppf(0.975) + stats.norm.ppf(0.8), abs=1e-12) == comparisons.MDD_FACTOR


def test_the_mdd_of_two_nps_by_hand():
    # p_P = 0.4, p_D = 0.2: 100²·(0.4 + 0.2 − 0.04)/100 = 56 per period; 2.801585·√112 = 29.649
    assert comparisons.mdd_nps((40, 20, 100), (40, 20, 100)) == pytest.approx(29.649, abs=1e-3)


def test_no_mdd_without_both_samples():
    assert comparisons.mdd_share(None, 0, 0.5, 10) is None and comparisons.mdd_share(0.5, 10, 0.5, 0) is None
    assert comparisons.mdd_nps((0, 0, 0), (1, 1, 3)) is None


@given(st.floats(0.05, 0.95), st.floats(0.05, 0.95), st.integers(30, 5000), st.integers(30, 5000))
def test_a_difference_of_the_mdd_is_found_four_times_in_five(p1, p2, n1, n2):
    """At a true difference equal to the MDD, the two-sided 5 % z-test has 80 % power."""
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    mdd = comparisons.mdd_share(p1, n1, p2, n2)
    power = stats.norm.cdf(mdd / se - stats.norm.ppf(0.975)) + stats.norm.cdf(-mdd / se - stats.norm.ppf(0.975))
    assert power == pytest.approx(0.8, abs=2e-3)


# Tests of difference ------------------------------------------------------------------------------

@pytest.mark.parametrize(("a", "va", "b", "vb"), [(72.0, 4.0, 68.5, 2.25), (10.0, 25.0, 12.0, 16.0), (0.0, 1.0, 0.0, 1.0)])
def test_the_z_test_equals_scipys(a, va, b, vb):
    got = comparisons.z_test(a, va, b, vb)
    assert got.diff == a - b
    assert got.p_value == pytest.approx(2 * stats.norm.sf(abs(a - b) / math.sqrt(va + vb)), abs=1e-12)


def test_a_z_test_without_variance_is_certain():
    assert comparisons.z_test(1.0, 0.0, 1.0, 0.0).p_value == 1.0
    assert comparisons.z_test(1.0, 0.0, 2.0, 0.0).p_value == 0.0


def test_the_variance_behind_a_95_interval():
    assert comparisons.variance_of(10.0, 10 + 2 * comparisons.Z95) == pytest.approx(4.0)
    assert comparisons.variance_of(None, 3.0) is None and comparisons.variance_of(3.0, None) is None


def test_holm_by_hand():
    # sorted 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → kept at least 0.06
    assert comparisons.holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert comparisons.holm([0.5, 0.9]) == [1.0, 1.0]
    assert comparisons.holm([]) == []


@given(st.lists(st.floats(0, 1), min_size=1, max_size=12))
def test_holm_never_lowers_a_p_value_and_keeps_the_order(p_values):
    adjusted = comparisons.holm(p_values)
    assert all(raw <= adj <= 1.0 for raw, adj in zip(p_values, adjusted, strict=True))
    for i in range(len(p_values)):
        for j in range(len(p_values)):
            if p_values[i] < p_values[j]:
                assert adjusted[i] <= adjusted[j]


# Periods ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "by", "key"), [
    (dt.date(2026, 1, 1), "week", "2026-W01"),  # a Thursday: ISO week 1
    (dt.date(2027, 1, 1), "week", "2026-W53"),  # a Friday: the last week of 2026
    (dt.date(2026, 12, 28), "week", "2026-W53"),
    (dt.date(2026, 3, 31), "month", "2026-03"),
    (dt.date(2026, 4, 1), "quarter", "2026-Q2"),
])
def test_the_period_of_a_day(day, by, key):
    assert comparisons.period_key(day, by) == key


def test_an_unknown_period_is_refused():
    with pytest.raises(ValueError, match="week, month, quarter"):
        comparisons.period_key(dt.date(2026, 1, 1), "day")
