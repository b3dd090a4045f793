"""Sample sizes and margins of error: the worked examples of standards.md §3.10, an independent
computation with scipy, and the property that the size asked for achieves the margin asked for."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import norm

from csm.surveys import sampling


@pytest.mark.parametrize(("confidence", "z"), [(0.90, 1.6448536), (0.95, 1.9599640), (0.99, 2.5758293)])
def test_z_is_the_two_sided_normal_quantile(confidence, z):
    assert sampling.z_value(confidence) == pytest.approx(z, abs=1e-7)
    assert sampling.z_value(confidence) == pytest.approx(norm.ppf(1 - (1 - confidence) / 2), abs=1e-12)


def test_a_proportion_within_five_points_at_95_percent_needs_385():
    size = sampling.proportion_sample(margin=0.05)
    assert size.base == pytest.approx(384.1459, abs=1e-4)
    assert (size.completes, size.invitations) == (385, None)


def test_worst_case_nps_within_five_points_needs_1537():
    assert sampling.nps_sample(margin=0.05).completes == 1537


def test_typical_nps_within_five_points_needs_861():
    size = sampling.nps_sample(margin=0.05, promoters=0.4, detractors=0.2)
    assert sampling.nps_variance(0.4, 0.2) == pytest.approx(0.56)
    assert size.completes == 861


def test_a_mean_needs_z_sigma_over_e_squared():
    # (1.959964 × 1.0 / 0.1)² = 384.15 → 385
    assert sampling.mean_sample(margin=0.1, sd=1.0).completes == 385
    assert sampling.mean_sample(margin=0.2, sd=1.2, confidence=0.99).completes == math.ceil(
        (norm.ppf(0.995) * 1.2 / 0.2) ** 2)


@pytest.mark.parametrize(("population", "completes"), [(1000, 278), (500, 218), (100, 80), (1, 1)])
def test_a_small_population_needs_fewer_answers(population, completes):
    # n = 384.146 / (1 + 383.146 / N), rounded up
    assert sampling.proportion_sample(margin=0.05, population=population).completes == completes


def test_invitations_divide_by_the_response_rate_and_round_up():
    size = sampling.proportion_sample(margin=0.05, response_rate=0.3)
    assert size.invitations == 1284  # 385 / 0.3 = 1283.3
    assert sampling.invitations_for(100, 0.25) == 400


@pytest.mark.parametrize(("n", "population", "expected"), [
    (385, None, 0.049944), (100, None, 0.097998), (100, 1000, 0.093016), (1000, 1000, 0.0), (1, None, 0.979982),
])
def test_the_margin_of_error_achieved(n, population, expected):
    assert sampling.margin_of_error(n=n, population=population) == pytest.approx(expected, abs=1e-6)


def test_no_answers_have_no_margin_of_error():
    assert sampling.margin_of_error(n=0) is None


@pytest.mark.parametrize("call", [
    lambda: sampling.proportion_sample(margin=0),
    lambda: sampling.proportion_sample(margin=0.05, p=1.5),
    lambda: sampling.proportion_sample(margin=0.05, confidence=1),
    lambda: sampling.proportion_sample(margin=0.05, population=0),
    lambda: sampling.proportion_sample(margin=0.05, response_rate=0),
    lambda: sampling.mean_sample(margin=0.1, sd=0),
    lambda: sampling.nps_sample(margin=0.05, promoters=0.8, detractors=0.3),
    lambda: sampling.margin_of_error(n=-1),
])
def test_impossible_inputs_are_refused(call):
    with pytest.raises(ValueError):
        call()


@given(margin=st.floats(0.005, 0.3), p=st.floats(0.01, 0.99), confidence=st.sampled_from([0.8, 0.9, 0.95, 0.99]),
       population=st.one_of(st.none(), st.integers(2, 10**7)))
def test_the_size_asked_for_achieves_the_margin_asked_for(margin, p, confidence, population):
    n = sampling.proportion_sample(margin=margin, p=p, confidence=confidence, population=population).completes
    achieved = sampling.margin_of_error(n=n, p=p, confidence=confidence, population=population)
    assert achieved is not None and achieved <= margin * (1 + 1e-9)
    if n > 1:  # and one answer fewer would not
        fewer = sampling.margin_of_error(n=n - 1, p=p, confidence=confidence, population=population)
        assert fewer is not None and fewer > margin * (1 - 1e-9)


@given(margin=st.floats(0.01, 0.3), promoters=st.floats(0, 1), share=st.floats(0, 1))
def test_nps_sizes_agree_with_scipy(margin, promoters, share):
    detractors = (1 - promoters) * share
    variance = promoters + detractors - (promoters - detractors) ** 2
    expected = max(1, math.ceil(norm.ppf(0.975) ** 2 * variance / margin**2 - 1e-9))
    assert sampling.nps_sample(margin=margin, promoters=promoters, detractors=detractors).completes == expected
