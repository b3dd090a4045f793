"""Descriptive statistics for reports: percentiles, a proportion with its Wilson interval, a Pareto
table and a p-chart. Pure: no Django, frozen dataclasses out, and every number carries its n.

Definitions (each function's docstring repeats its own):

* Percentile: linear interpolation between order statistics, Hyndman & Fan (1996) definition 7,
  which is numpy's default (`numpy.percentile(..., method="linear")`) and Excel's PERCENTILE.INC:
  for sorted x[0..n-1] and q in [0, 1], h = (n - 1)·q and
  P(q) = x[⌊h⌋] + (h - ⌊h⌋)·(x[⌊h⌋+1] - x[⌊h⌋]).
* Wilson score interval (Wilson 1927, "Probable inference, the law of succession, and statistical
  inference", JASA 22:209-212): centre (p̂ + z²/2n) / (1 + z²/n), half-width
  z/(1 + z²/n) · √(p̂(1-p̂)/n + z²/4n²). Preferred over the Wald interval for small n or p near 0 or 1.
* Pareto: categories by count, largest first; the "vital few" are those needed to reach the
  threshold (80 %) of the total: each category whose cumulative share *before* it is below it.
* p-chart (Montgomery, Introduction to Statistical Quality Control, 7th ed., §7.2, control chart
  for fraction nonconforming with variable sample size): centre line p̄ = Σx / Σn, and for sample i
  UCL = p̄ + 3·√(p̄(1-p̄)/nᵢ), LCL = p̄ - 3·√(p̄(1-p̄)/nᵢ), clipped to [0, 1]. A sample is out of
  control when its p lies strictly outside its limits.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from statistics import NormalDist

# The 97.5 % point of the standard normal distribution (two-sided 95 %): 1.95996398454005...
Z95 = NormalDist().inv_cdf(0.975)
SIGMA_LIMITS = 3
VITAL_FEW = Fraction(4, 5)


# Percentiles --------------------------------------------------------------------------------------

def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile (q in [0, 1]) of `values` by linear interpolation (Hyndman & Fan definition
    7, numpy's default): h = (n-1)·q, P = x[⌊h⌋] + (h-⌊h⌋)·(x[⌊h⌋+1] - x[⌊h⌋]) on the sorted values.
    ValueError for no values or q outside [0, 1]."""
    if not values:
        raise ValueError("A percentile needs at least one value.")
    if not 0 <= q <= 1:
        raise ValueError("q must lie in [0, 1].")
    ordered = sorted(values)
    h = (len(ordered) - 1) * q
    low = math.floor(h)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (h - low) * (ordered[high] - ordered[low])


@dataclass(frozen=True)
class Summary:
    """Median and 90th percentile of n values (both None when n is 0)."""

    n: int
    median: float | None
    p90: float | None


def summarise(values: Sequence[float]) -> Summary:
    """n, median (P50) and P90 of `values`, by `percentile`'s definition."""
    if not values:
        return Summary(n=0, median=None, p90=None)
    return Summary(n=len(values), median=percentile(values, 0.5), p90=percentile(values, 0.9))


# Proportions -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Proportion:
    """x successes out of n, p̂ = x/n, and the Wilson interval [low, high] at the z it was made
    with (all three None when n is 0)."""

    successes: int
    n: int
    p: float | None
    low: float | None
    high: float | None


def wilson(successes: int, n: int, *, z: float = Z95) -> Proportion:
    """p̂ = x/n with its Wilson score interval (Wilson 1927): centre (p̂ + z²/2n)/(1 + z²/n),
    half-width z/(1 + z²/n)·√(p̂(1-p̂)/n + z²/4n²), clipped to [0, 1] against rounding. The default z
    gives a two-sided 95 % interval. ValueError unless 0 ≤ x ≤ n."""
    if n < 0 or not 0 <= successes <= n:
        raise ValueError("A proportion needs 0 <= successes <= n.")
    if n == 0:
        return Proportion(successes=0, n=0, p=None, low=None, high=None)
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return Proportion(successes=successes, n=n, p=p, low=max(0.0, min(p, centre - half)),
                      high=min(1.0, max(p, centre + half)))


# Pareto ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ParetoBar:
    label: str
    count: int
    share: float
    cumulative_share: float
    is_vital_few: bool


@dataclass(frozen=True)
class Pareto:
    """Bars largest first (ties by label); n is the total count."""

    n: int
    bars: tuple[ParetoBar, ...]


def pareto(counts: Iterable[tuple[str, int]], *, threshold: Fraction = VITAL_FEW) -> Pareto:
    """The Pareto table of (label, count) pairs: sorted by count descending, then label; each bar's
    share and cumulative share of the total; a bar is one of the "vital few" when the cumulative
    count before it is below `threshold` of the total (so the vital few are the fewest bars that
    reach it). Zero counts are kept (they are never vital). ValueError on a negative count."""
    rows = sorted(counts, key=lambda row: (-row[1], row[0]))
    if any(count < 0 for _, count in rows):
        raise ValueError("Counts cannot be negative.")
    total = sum(count for _, count in rows)
    bars, before = [], 0
    for label, count in rows:
        vital = count > 0 and before < threshold * total
        before += count
        bars.append(ParetoBar(label=label, count=count, share=count / total if total else 0.0,
                              cumulative_share=before / total if total else 0.0, is_vital_few=vital))
    return Pareto(n=total, bars=tuple(bars))


# p-chart -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PChartPoint:
    """One sample: x of n, p = x/n and its 3-sigma limits (None when n is 0 or there is no
    centre line)."""

    label: str
    x: int
    n: int
    p: float | None
    lcl: float | None
    ucl: float | None
    is_out_of_control: bool


@dataclass(frozen=True)
class PChart:
    """The centre line p̄ = Σx/Σn (None when Σn is 0), over Σn, and the samples in the given order."""

    centre: float | None
    n: int
    points: tuple[PChartPoint, ...]


def p_chart(samples: Iterable[tuple[str, int, int]]) -> PChart:
    """A p-chart for variable sample sizes (Montgomery, Introduction to Statistical Quality Control,
    §7.2) from (label, x, n) samples: p̄ = Σx/Σn; for each sample with n > 0,
    limits p̄ ± 3·√(p̄(1-p̄)/n) clipped to [0, 1], out of control when p < LCL or p > UCL.
    ValueError unless 0 ≤ x ≤ n for every sample."""
    rows = list(samples)
    if any(n < 0 or not 0 <= x <= n for _, x, n in rows):
        raise ValueError("Every sample needs 0 <= x <= n.")
    total_x, total_n = sum(x for _, x, _ in rows), sum(n for _, _, n in rows)
    centre = total_x / total_n if total_n else None
    return PChart(centre=centre, n=total_n, points=tuple(_point(label, x, n, centre) for label, x, n in rows))


def _point(label: str, x: int, n: int, centre: float | None) -> PChartPoint:
    if n == 0 or centre is None:
        return PChartPoint(label=label, x=x, n=n, p=None, lcl=None, ucl=None, is_out_of_control=False)
    sigma = math.sqrt(centre * (1 - centre) / n)
    lcl = max(0.0, centre - SIGMA_LIMITS * sigma)
    ucl = min(1.0, centre + SIGMA_LIMITS * sigma)
    p = x / n
    return PChartPoint(label=label, x=x, n=n, p=p, lcl=lcl, ucl=ucl, is_out_of_control=p < lcl or p > ucl)


# Buckets -----------------------------------------------------------------------------------------------

def bucket_counts(values: Iterable[float], upper_bounds: Sequence[float]) -> tuple[int, ...]:
    """How many values fall in each bucket: bucket i holds upper_bounds[i-1] < v ≤ upper_bounds[i]
    (the first: v ≤ upper_bounds[0]), and one more bucket holds v > upper_bounds[-1]. The bounds
    must increase strictly (ValueError otherwise)."""
    if any(b <= a for a, b in itertools.pairwise(upper_bounds)):
        raise ValueError("Bucket bounds must increase.")
    counts = [0] * (len(upper_bounds) + 1)
    for value in values:
        counts[next((i for i, bound in enumerate(upper_bounds) if value <= bound), len(upper_bounds))] += 1
    return tuple(counts)
