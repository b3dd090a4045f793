"""The statistics the dashboards add to the measurement engine (standards.md §3.10-3.11), pure: no
Django. Every figure is at 95 %; `Z95` is core.stats' 1.95996…, `Z80` = Φ⁻¹(0.80) = 0.84162….

- `mean_interval`: a mean from n, Σx and Σx² with its t-interval x̄ ± t_{0.975, n−1}·s/√n,
  s² = (Σx² − (Σx)²/n)/(n − 1) (§3.10); None below two values.
- `pooled_score`: the mean of every answer to a set of items (a service characteristic asked
  through several items), on the 0-100 score scale, with the delta-method interval of
  `measure._index` for the weights w_i = n_i/N: Var = c²·Σ_i Σ_j n_ij·s_ij / N², c = 100/(max − min),
  s_ij the covariance over the n_ij rows answering both items (answers of one respondent are not
  independent); value ± 1.96·√Var.
- `mdd`: the minimum detectable difference at α = 0.05 (two-sided) and 80 % power,
  (z_{0.975} + z_{0.80})·√(Var₁/n₁ + Var₂/n₂) (§3.11): for a share Var_k = p_k(1 − p_k), for NPS
  Var_k/n_k is the variance of `measure.nps_value`, 100²·(p_P + p_D − (p_P − p_D)²)/n.
- `z_test`: two independent estimates with their variances, z = (a − b)/√(Var_a + Var_b), two-sided p.
- `holm`: Holm's (1979) step-down adjustment of p-values for many comparisons (§3.11): the k-th
  smallest of m becomes max over j ≤ k of min(1, (m − j + 1)·p_(j)).
- `period_key`: "2026-W05" (ISO week), "2026-03" (month) or "2026-Q1" (quarter) of a day.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from scipy.special import stdtrit

from csm.core.stats import Z95
from csm.surveys.measure import Spec, Tally, nps_value, two_sided_p
from csm.surveys.measure import period_key as engine_period_key

Z80 = NormalDist().inv_cdf(0.80)
MDD_FACTOR = Z95 + Z80
PERIODS = ("week", "month", "quarter")


@dataclass(frozen=True)
class Interval:
    """A value with its 95 % interval (both ends None when there is none) and its base n."""

    value: float | None
    low: float | None
    high: float | None
    n: int


def mean_interval(n: float, total: float, total_squares: float) -> Interval:
    """The mean of n values from their sum and sum of squares, with its t-interval (module)."""
    count = int(n)
    if count == 0:
        return Interval(None, None, None, 0)
    mean = total / n
    if count < 2:
        return Interval(mean, None, None, count)
    variance = max((total_squares - total * total / n) / (n - 1), 0.0)
    half = float(stdtrit(count - 1, 0.975)) * math.sqrt(variance / n)
    return Interval(mean, mean - half, mean + half, count)


def to_score(value: float | None, spec: Spec) -> float | None:
    """A value on the rating scale as a score, 100·(x − min)/(max − min)."""
    return None if value is None else 100 * (value - spec.scale_min) / (spec.scale_max - spec.scale_min)


def item_score(counted: Tally, i: int, spec: Spec) -> Interval:
    """Item i's score (0-100) with the t-interval of its mean, rescaled."""
    mean = mean_interval(counted.n[i, i], counted.sx[i, i], counted.sxx[i, i])
    return Interval(to_score(mean.value, spec), to_score(mean.low, spec), to_score(mean.high, spec), mean.n)


def pooled_score(counted: Tally, positions: Sequence[int], spec: Spec) -> Interval:
    """The score of every answer to the items at `positions`, pooled, with its interval (module)."""
    at = np.asarray(positions, dtype=int)
    n = counted.n[np.ix_(at, at)]
    total_n = float(np.trace(n))
    if total_n == 0:
        return Interval(None, None, None, 0)
    scale = 100 / (spec.scale_max - spec.scale_min)
    value = scale * (float(np.trace(counted.sx[np.ix_(at, at)])) / total_n - spec.scale_min)
    if (np.diag(n) == 1).any():
        return Interval(value, None, None, int(total_n))
    sx, sxx = counted.sx[np.ix_(at, at)], counted.sxx[np.ix_(at, at)]
    with np.errstate(divide="ignore", invalid="ignore"):
        cov_sums = np.where(n >= 2, sxx - sx * sx.T / n, 0.0)  # Σ (x_i − x̄_i)(x_j − x̄_j) over the pairs
        products = np.where(n >= 2, cov_sums * n / (n - 1), 0.0)  # n_ij·s_ij
    variance = max(float(products.sum()) * scale**2 / total_n**2, 0.0)
    half = Z95 * math.sqrt(variance)
    return Interval(value, value - half, value + half, int(total_n))


def mdd_share(p1: float | None, n1: int, p2: float | None, n2: int) -> float | None:
    """The minimum detectable difference of two shares (module); None without both."""
    if p1 is None or p2 is None or not n1 or not n2:
        return None
    return MDD_FACTOR * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)


def mdd_nps(before: tuple[int, int, int], after: tuple[int, int, int]) -> float | None:
    """The minimum detectable difference of two NPS, each (promoters, detractors, n), in points."""
    if not before[2] or not after[2]:
        return None
    return MDD_FACTOR * math.sqrt(nps_value(*before)[1] + nps_value(*after)[1])


def variance_of(value: float | None, high: float | None) -> float | None:
    """The variance behind a symmetric normal 95 % interval, ((high − value)/1.96)²."""
    if value is None or high is None:
        return None
    return ((high - value) / Z95) ** 2


@dataclass(frozen=True)
class Difference:
    diff: float
    p_value: float


def z_test(a: float, variance_a: float, b: float, variance_b: float) -> Difference:
    """a − b with the two-sided p of z = (a − b)/√(Var_a + Var_b); with no variance at all, p is 1
    for no difference and 0 for any."""
    diff = a - b
    spread = math.sqrt(variance_a + variance_b)
    if spread > 0:
        return Difference(diff, two_sided_p(diff / spread))
    return Difference(diff, 1.0 if diff == 0 else 0.0)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values, in the order given (module)."""
    m = len(p_values)
    order = sorted(range(m), key=lambda k: p_values[k])
    adjusted = [0.0] * m
    running = 0.0
    for rank, k in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[k]))
        adjusted[k] = running
    return adjusted


def period_key(day: dt.date, by: str) -> str:
    """The period of `day`: ISO week, month or quarter (the engine's keys for the last two)."""
    if by == "week":
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    if by not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}")
    return engine_period_key(day, by)
