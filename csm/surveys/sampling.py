"""Sample sizes and the margin of error achieved (standards.md §3.10). Pure: no Django.

Formulas, with z the two-sided normal quantile of the confidence level (1.959964 at 95 %) and E
the margin of error as a fraction (±5 points = 0.05):

* proportion: n₀ = z² p(1 − p) / E² (p = 0.5 is the worst case; 95 %, ±5 points → 384.1 → 385);
* mean: n₀ = (z σ / E)², with σ and E in the scale's units;
* NPS: n₀ = z² [p_P + p_D − (p_P − p_D)²] / E², E in NPS points / 100 (the variance of the
  +1/0/−1 score); worst case p_P = p_D = 0.5 → 1537 at ±5 points, p_P = 0.4, p_D = 0.2 → 861;
* finite population N: n = n₀ / (1 + (n₀ − 1) / N);
* invitations = n / expected response rate;
* every count is rounded up to a whole respondent;
* margin of error achieved by n answers of a proportion: E = z √(p(1 − p) / n), times the finite
  population correction √((N − n) / (N − 1)) when N is known.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

WORST_CASE_P = 0.5
# Float noise must not push an exact whole n₀ (e.g. 1536.0000000001) up to the next respondent.
_ROUNDING_SLACK = 1e-9


@dataclass(frozen=True)
class SampleSize:
    """`base` is n₀ before rounding and the population correction; `completes` the answers
    needed; `invitations` the people to invite for them (None without a response rate)."""

    base: float
    completes: int
    invitations: int | None


def z_value(confidence: float) -> float:
    """The two-sided normal quantile: 1.644854 at 0.90, 1.959964 at 0.95, 2.575829 at 0.99."""
    if not 0 < confidence < 1:
        raise ValueError("The confidence level must lie strictly between 0 and 1.")
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


def round_up(value: float) -> int:
    return math.ceil(value - _ROUNDING_SLACK)


def finite_population(base: float, population: int | None) -> float:
    """n = n₀ / (1 + (n₀ − 1)/N); n₀ itself when N is unknown (None)."""
    if population is None:
        return base
    if population < 1:
        raise ValueError("The population must be at least 1.")
    return base / (1 + (base - 1) / population)


def invitations_for(completes: int, response_rate: float | None) -> int | None:
    """Completes / expected response rate, rounded up (None without a rate)."""
    if response_rate is None:
        return None
    if not 0 < response_rate <= 1:
        raise ValueError("The response rate must lie in (0, 1].")
    return round_up(completes / response_rate)


def _sized(base: float, population: int | None, response_rate: float | None) -> SampleSize:
    completes = max(1, round_up(finite_population(base, population)))
    return SampleSize(base=base, completes=completes, invitations=invitations_for(completes, response_rate))


def _check_margin(margin: float) -> None:
    if not margin > 0 or not math.isfinite(margin):
        raise ValueError("The margin of error must be a positive number.")


def proportion_sample(*, margin: float, confidence: float = 0.95, p: float = WORST_CASE_P,
                      population: int | None = None, response_rate: float | None = None) -> SampleSize:
    """Answers needed to estimate a proportion (CSAT %, a yes/no share) within ±`margin`."""
    _check_margin(margin)
    if not 0 <= p <= 1:
        raise ValueError("The expected proportion must lie in [0, 1].")
    z = z_value(confidence)
    return _sized(z * z * p * (1 - p) / (margin * margin), population, response_rate)


def mean_sample(*, margin: float, sd: float, confidence: float = 0.95, population: int | None = None,
                response_rate: float | None = None) -> SampleSize:
    """Answers needed to estimate a mean (a rating, an index) within ±`margin`, given its standard
    deviation `sd` in the same units."""
    _check_margin(margin)
    if not sd > 0 or not math.isfinite(sd):
        raise ValueError("The standard deviation must be a positive number.")
    z = z_value(confidence)
    return _sized((z * sd / margin) ** 2, population, response_rate)


def nps_variance(promoters: float, detractors: float) -> float:
    """The variance of the NPS score (+1 promoter, 0 passive, −1 detractor), as a fraction."""
    if promoters < 0 or detractors < 0 or promoters + detractors > 1 + 1e-12:
        raise ValueError("The shares of promoters and detractors must be at least 0 and add up to at most 1.")
    return promoters + detractors - (promoters - detractors) ** 2


def nps_sample(*, margin: float, promoters: float = 0.5, detractors: float = 0.5, confidence: float = 0.95,
               population: int | None = None, response_rate: float | None = None) -> SampleSize:
    """Answers needed to estimate the NPS within ±`margin` (NPS points / 100)."""
    _check_margin(margin)
    z = z_value(confidence)
    return _sized(z * z * nps_variance(promoters, detractors) / (margin * margin), population, response_rate)


def margin_of_error(*, n: int, p: float = WORST_CASE_P, confidence: float = 0.95,
                    population: int | None = None) -> float | None:
    """The margin of error (a fraction) of a proportion estimated from `n` answers; None for no
    answers, 0 when every member of a known population answered."""
    if n < 0:
        raise ValueError("n cannot be negative.")
    if n == 0:
        return None
    if not 0 <= p <= 1:
        raise ValueError("The proportion must lie in [0, 1].")
    error = z_value(confidence) * math.sqrt(p * (1 - p) / n)
    if population is None:
        return error
    if population <= n:
        return 0.0
    return error * math.sqrt((population - n) / (population - 1))
