"""csm.core.stats: hand-worked tables, an independent computation (numpy, scipy) and hypothesis
properties. No database."""

from __future__ import annotations

import math
from fractions import Fraction
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import binomtest, norm

from csm.core import stats

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
samples = st.lists(finite, min_size=1, max_size=60)
quantiles = st.floats(min_value=0, max_value=1)


# Percentiles --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("values", "q", "expected"), [
    ([1, 2, 3, 4, 10], 0.0, 1.0),
    ([1, 2, 3, 4, 10], 0.25, 2.0),    # h = 4 * 0.25 = 1 -> x[1]
    ([1, 2, 3, 4, 10], 0.5, 3.0),
    ([1, 2, 3, 4, 10], 0.9, 7.6),     # h = 3.6 -> 4 + 0.6 * (10 - 4)
    ([1, 2, 3, 4, 10], 1.0, 10.0),
    ([10, 1, 4, 3, 2], 0.9, 7.6),     # order does not matter
    ([1, 2], 0.9, 1.9),               # h = 0.9 -> 1 + 0.9 * 1
    ([5], 0.9, 5.0),
    ([2, 4, 6, 8], 0.5, 5.0),         # even n: halfway between the middle two
])
def test_percentile_interpolates_linearly_between_order_statistics(values, q, expected):
    assert stats.percentile(values, q) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(("values", "q"), [([], 0.5), ([1.0], -0.1), ([1.0], 1.1)])
def test_percentile_refuses_no_values_and_q_outside_0_1(values, q):
    with pytest.raises(ValueError):
        stats.percentile(values, q)


@given(samples, quantiles)
def test_percentile_matches_numpys_default_method(values, q):
    assert stats.percentile(values, q) == pytest.approx(float(np.percentile(values, q * 100)), rel=1e-9, abs=1e-6)


@given(samples, quantiles, quantiles)
def test_percentile_is_monotone_in_q_and_within_the_range(values, q1, q2):
    low, high = sorted((q1, q2))
    assert min(values) <= stats.percentile(values, low) <= stats.percentile(values, high) <= max(values)


def test_summary_gives_n_median_and_p90():
    assert stats.summarise([1, 2, 3, 4, 10]) == stats.Summary(n=5, median=3.0, p90=pytest.approx(7.6))
    assert stats.summarise([]) == stats.Summary(n=0, median=None, p90=None)


# Wilson -------------------------------------------------------------------------------------------

def test_the_95_percent_z_is_the_normal_quantile():
    z = stats.Z95
    assert z == NormalDist().inv_cdf(0.975)
    assert z == pytest.approx(norm.ppf(0.975), abs=1e-15)
    assert round(z, 6) == 1.959964


@pytest.mark.parametrize(("x", "n", "low", "high"), [
    # 3/10: z² = 3.841459, centre = (0.3 + 0.192073) / 1.384146 = 0.355506,
    # half = 1.959964 / 1.384146 * sqrt(0.021 + 0.009604) = 0.247716
    (3, 10, 0.1078, 0.6032),
    # 0/10: low 0, high = (z²/n) / (1 + z²/n) = 0.384146 / 1.384146
    (0, 10, 0.0, 0.2775),
    (10, 10, 0.7225, 1.0),
    # 50/100: centre 0.5, half = 1.959964 / 1.038415 * sqrt(0.0025 + 0.0000960)
    (50, 100, 0.4038, 0.5962),
])
def test_wilson_interval_matches_hand_worked_values(x, n, low, high):
    interval = stats.wilson(x, n)
    assert (interval.successes, interval.n, interval.p) == (x, n, x / n)
    assert (round(interval.low, 4), round(interval.high, 4)) == (low, high)


def test_wilson_matches_scipy_on_every_count_up_to_60():
    for n in range(1, 61):
        for x in range(n + 1):
            expected = binomtest(x, n).proportion_ci(confidence_level=0.95, method="wilson")
            interval = stats.wilson(x, n)
            assert (interval.low, interval.high) == (pytest.approx(expected.low, abs=1e-12),
                                                     pytest.approx(expected.high, abs=1e-12)), (x, n)


@given(st.integers(min_value=1, max_value=10**7).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))))
def test_wilson_interval_contains_p_hat_and_stays_in_0_1(pair):
    x, n = pair
    interval = stats.wilson(x, n)
    assert 0.0 <= interval.low <= interval.p <= interval.high <= 1.0


def test_wilson_of_nothing_has_no_estimate():
    assert stats.wilson(0, 0) == stats.Proportion(successes=0, n=0, p=None, low=None, high=None)


@pytest.mark.parametrize(("x", "n"), [(-1, 5), (6, 5), (0, -1)])
def test_wilson_refuses_impossible_counts(x, n):
    with pytest.raises(ValueError):
        stats.wilson(x, n)


# Pareto -------------------------------------------------------------------------------------------

def test_pareto_sorts_accumulates_and_marks_the_vital_few():
    table = stats.pareto([("D", 6), ("B", 30), ("A", 50), ("E", 4), ("C", 10)])
    assert table.n == 100
    assert [(b.label, b.count, b.share, b.cumulative_share, b.is_vital_few) for b in table.bars] == [
        ("A", 50, 0.5, 0.5, True),
        ("B", 30, 0.3, 0.8, True),     # reaches 80 %: the last of the vital few
        ("C", 10, 0.1, 0.9, False),
        ("D", 6, 0.06, 0.96, False),
        ("E", 4, 0.04, 1.0, False),
    ]


def test_pareto_breaks_ties_by_label_and_never_marks_a_zero():
    table = stats.pareto([("b", 5), ("a", 5), ("c", 0)])
    assert [(b.label, b.is_vital_few) for b in table.bars] == [("a", True), ("b", True), ("c", False)]


def test_pareto_of_one_category_or_of_nothing():
    assert [b.is_vital_few for b in stats.pareto([("only", 3)]).bars] == [True]
    assert stats.pareto([]) == stats.Pareto(n=0, bars=())
    assert stats.pareto([("a", 0)]).bars[0].share == 0.0


def test_pareto_threshold_is_exact_with_a_fraction():
    # 80 of 100 before the third bar: not below 4/5, so the third is not vital.
    table = stats.pareto([("a", 40), ("b", 40), ("c", 20)], threshold=Fraction(4, 5))
    assert [b.is_vital_few for b in table.bars] == [True, True, False]


@given(st.lists(st.tuples(st.text(min_size=1, max_size=3), st.integers(min_value=0, max_value=1000)),
                max_size=20, unique_by=lambda row: row[0]))
def test_pareto_shares_sum_to_one_and_the_vital_few_come_first(rows):
    table = stats.pareto(rows)
    counts = [b.count for b in table.bars]
    assert counts == sorted(counts, reverse=True)
    vital = [b.is_vital_few for b in table.bars]
    assert vital == sorted(vital, reverse=True)
    if table.n:
        assert math.isclose(sum(b.share for b in table.bars), 1.0)
        assert table.bars[-1].cumulative_share == pytest.approx(1.0)
        vital_counts = [b.count for b in table.bars if b.is_vital_few]
        assert 5 * sum(vital_counts) >= 4 * table.n  # the vital few reach 80 %...
        assert 5 * (sum(vital_counts) - vital_counts[-1]) < 4 * table.n  # ...and not one fewer does


# p-chart ------------------------------------------------------------------------------------------

def test_p_chart_with_variable_sample_sizes_matches_the_hand_worked_limits():
    chart = stats.p_chart([("Jan", 2, 100), ("Feb", 5, 200), ("Mar", 3, 100)])
    # p̄ = 10 / 400; σ(100) = sqrt(0.025 * 0.975 / 100) = 0.0156125; σ(200) = 0.0110397
    assert (chart.centre, chart.n) == (0.025, 400)
    assert [(p.label, p.p, round(p.lcl, 6), round(p.ucl, 6), p.is_out_of_control) for p in chart.points] == [
        ("Jan", 0.02, 0.0, 0.071837, False),
        ("Feb", 0.025, 0.0, 0.058119, False),
        ("Mar", 0.03, 0.0, 0.071837, False),
    ]


def test_p_chart_flags_a_point_above_the_upper_limit():
    chart = stats.p_chart([("A", 1, 100), ("B", 1, 100), ("C", 12, 100)])
    # p̄ = 14/300 = 0.046667; 3σ = 3 * sqrt(0.046667 * 0.953333 / 100) = 0.063277; UCL = 0.109944
    assert round(chart.centre, 6) == 0.046667
    assert [round(p.ucl, 6) for p in chart.points] == [0.109944] * 3
    assert [p.is_out_of_control for p in chart.points] == [False, False, True]


def test_p_chart_flags_a_point_below_a_positive_lower_limit():
    chart = stats.p_chart([("A", 50, 1000), ("B", 50, 1000), ("C", 5, 1000)])
    # p̄ = 0.035; 3σ = 3 * sqrt(0.035 * 0.965 / 1000) = 0.017435
    assert [(round(p.lcl, 6), round(p.ucl, 6)) for p in chart.points] == [(0.017565, 0.052435)] * 3
    assert [p.is_out_of_control for p in chart.points] == [False, False, True]


def test_p_chart_leaves_empty_samples_without_limits():
    chart = stats.p_chart([("A", 0, 0), ("B", 2, 10)])
    assert chart.points[0] == stats.PChartPoint(label="A", x=0, n=0, p=None, lcl=None, ucl=None,
                                                is_out_of_control=False)
    assert chart.points[1].p == 0.2
    assert stats.p_chart([]) == stats.PChart(centre=None, n=0, points=())


def test_p_chart_matches_numpy():
    x, n = np.array([12, 7, 20, 9, 15]), np.array([400, 350, 500, 300, 450])
    centre = x.sum() / n.sum()
    sigma = np.sqrt(centre * (1 - centre) / n)
    chart = stats.p_chart(zip(["a", "b", "c", "d", "e"], x.tolist(), n.tolist(), strict=True))
    assert chart.centre == pytest.approx(centre)
    assert [p.ucl for p in chart.points] == pytest.approx((centre + 3 * sigma).tolist())
    assert [p.lcl for p in chart.points] == pytest.approx(np.clip(centre - 3 * sigma, 0, None).tolist())


@given(st.lists(st.integers(min_value=1, max_value=10**6).flatmap(
    lambda n: st.tuples(st.just("m"), st.integers(min_value=0, max_value=n), st.just(n))), min_size=1, max_size=24))
def test_p_chart_limits_enclose_the_centre_within_0_1(rows):
    chart = stats.p_chart(rows)
    for point in chart.points:
        assert 0.0 <= point.lcl <= chart.centre <= point.ucl <= 1.0
        assert point.is_out_of_control == (not point.lcl <= point.p <= point.ucl)


def test_p_chart_refuses_impossible_samples():
    with pytest.raises(ValueError):
        stats.p_chart([("a", 3, 2)])


# Buckets ------------------------------------------------------------------------------------------

def test_bucket_counts_use_inclusive_upper_bounds_and_an_open_last_bucket():
    ages = [0, 2, 2.5, 3, 7, 8, 14, 15, 30, 31, 100]
    assert stats.bucket_counts(ages, [2, 7, 14, 30]) == (2, 3, 2, 2, 2)
    assert stats.bucket_counts([], [2, 7]) == (0, 0, 0)


def test_bucket_counts_refuse_bounds_that_do_not_increase():
    with pytest.raises(ValueError):
        stats.bucket_counts([1], [7, 2])


@given(st.lists(finite, max_size=50))
def test_bucket_counts_add_up_and_match_numpy(values):
    bounds = [2, 7, 14, 30]
    counts = stats.bucket_counts(values, bounds)
    assert sum(counts) == len(values)
    assert list(counts) == np.bincount(np.searchsorted(bounds, values, side="left"), minlength=5).tolist()
