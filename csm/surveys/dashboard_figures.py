"""Every figure of the satisfaction dashboard from a survey's rollups, pure (no Django): fetch (the
selector in dashboards.py) → compute (here, with the engine of measure.py) → show.

The rollups are added up once per finest group (period × unit × touch point × segment) by
rollup_matrix, every breakdown is added up from those few sums, and each group's tally goes through
the same functions as `csm analyze` (`measure.measures`, `segments`, `periods`), so every figure
equals the engine's on the raw answers. Added here, with the maths in comparisons.py:

- items: the score's t-interval (from Σx²), and the drivers' r and relative weight;
- periods (week, month or quarter): each change's minimum detectable difference (80 % power);
- units and touch points: the figures of a segment, suppressed below `min_base` responses;
- segments: each one against the rest of the responses (index: z-test with the delta-method
  variances; satisfaction rate: pooled two-proportion z; NPS: z-test), with Holm-adjusted
  p-values over the segments, "significant" below 0.05 adjusted;
- characteristics: the pooled score of the items tied to each service characteristic;
- the heatmap: touch points × characteristics, the pooled score of the answers in each cell (an
  item tied to a touch point counts there, any other at the response's touch point), suppressed
  below `min_base` answers.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from csm.surveys import comparisons, measure, tallies
from csm.surveys.measure import ALPHA, Spec, Tally
from csm.surveys.rollup_matrix import Layout, codes, grouped_sums, sum_runs

NONE_KEY = ""  # the key of "no unit", "no touch point", "no characteristic"


@dataclass(frozen=True)
class Rows:
    """The fetched rollups as columns."""

    versions: Sequence[int]
    units: Sequence[int]
    touch_points: Sequence[int]
    segments: Sequence[str]
    days: Sequence[dt.date]
    blobs: Sequence[bytes | memoryview]


@dataclass(frozen=True)
class Names:
    """Labels by id, each with 0 for "none"."""

    units: Mapping[int, str]
    touch_points: Mapping[int, str]
    characteristics: Mapping[int, str]


# The figures -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Estimate:
    """A figure with its 95 % interval (None where there is none) and its base n."""

    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int


@dataclass(frozen=True)
class NpsFigure:
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    promoters: int
    passives: int
    detractors: int


@dataclass(frozen=True)
class CesFigure:
    mean: float | None
    n: int


@dataclass(frozen=True)
class Change:
    """After minus before, its two-sided p, and the minimum detectable difference (80 % power)."""

    diff: float
    p_value: float
    significant: bool
    mdd: float | None


@dataclass(frozen=True)
class Versus:
    """A segment minus the rest of the responses; `significant` by the Holm-adjusted p."""

    diff: float
    p_value: float
    p_adjusted: float
    significant: bool


@dataclass(frozen=True)
class GroupFigures:
    key: str
    label: str
    n: int
    suppressed: bool
    index: Estimate | None
    satisfaction_rate: Estimate | None
    nps: NpsFigure | None


@dataclass(frozen=True)
class SegmentFigures(GroupFigures):
    index_vs_rest: Versus | None = None
    rate_vs_rest: Versus | None = None
    nps_vs_rest: Versus | None = None


@dataclass(frozen=True)
class PeriodFigures(GroupFigures):
    nps_change: Change | None = None
    rate_change: Change | None = None


@dataclass(frozen=True)
class ItemFigures:
    id: str
    label: Mapping[str, str]
    characteristic_id: int | None
    touch_point_id: int | None
    n: int
    mean: float | None
    score: Estimate  # 0-100, with the t-interval of the mean
    satisfied_share: float | None
    importance: float | None
    weight: float
    quadrant: str | None
    r: float | None
    relative_weight: float | None


@dataclass(frozen=True)
class CharacteristicFigures:
    key: str
    label: str
    items: int
    score: Estimate  # n: answers


@dataclass(frozen=True)
class Label:
    key: str
    label: str


@dataclass(frozen=True)
class HeatCell:
    touch_point: str
    characteristic: str
    n: int  # answers
    score: float | None  # None when suppressed
    suppressed: bool


@dataclass(frozen=True)
class Heatmap:
    """The cells that have answers; the rows (touch points) by name, the columns (characteristics)
    in the order of the survey's items."""

    touch_points: tuple[Label, ...]
    characteristics: tuple[Label, ...]
    cells: tuple[HeatCell, ...]

    def grid(self) -> list[tuple[Label, list[HeatCell | None]]]:
        """Each touch point with its cell per characteristic (None: no answers)."""
        by_key = {(cell.touch_point, cell.characteristic): cell for cell in self.cells}
        return [(point, [by_key.get((point.key, column.key)) for column in self.characteristics])
                for point in self.touch_points]


@dataclass(frozen=True)
class Ipa:
    """The cross-hairs of the importance-performance grid: the mean score and the mean importance,
    stated ("stated") or the drivers' relative weight ("derived"); None without quadrants."""

    importance_source: str | None
    score_mid: float | None
    importance_mid: float | None


@dataclass(frozen=True)
class Figures:
    n: int
    min_base: int
    index: Estimate
    satisfaction_rate: Estimate | None
    nps: NpsFigure | None
    ces: CesFigure | None
    drivers_r2: float | None
    items: tuple[ItemFigures, ...]
    ipa: Ipa
    periods: tuple[PeriodFigures, ...]
    units: tuple[GroupFigures, ...]
    touch_points: tuple[GroupFigures, ...]
    characteristics: tuple[CharacteristicFigures, ...]
    segments: tuple[SegmentFigures, ...]
    heatmap: Heatmap
    # The satisfaction degree (standards.md §3.3): the index with the expectation weights of the
    # linked pre-service survey (its mean importance per item, normalised); None without one.
    degree: Estimate | None = None
    expectation_weights: tuple[tuple[str, float], ...] = ()
    expectation_n: int = 0


# Compute ------------------------------------------------------------------------------------------

def compute(rows: Rows, layout: Layout, names: Names, *, period_by: str = "month",
            expectations: Expectations | None = None) -> Figures:
    """Every figure of the rollups `rows` (see the module); `period_by`: week, month or quarter;
    `expectations` the pre-service survey's mean importance per item id, for the degree."""
    spec, m = layout.spec, layout.m
    keys = _Keys.of(rows, period_by)
    found, fine = grouped_sums(rows.versions, rows.blobs, keys.composite(), layout)
    period, unit, touch_point, segment = keys.split(found)
    total_flat = fine.sum(axis=0) if fine.shape[0] else np.zeros(layout.width)
    total = tallies.from_array(total_flat, m)
    result = measure.measures(total, spec)
    by_touch_point = _grouped(fine, touch_point, keys.values[2], m)
    return Figures(
        n=total.rows, min_base=spec.min_base, index=_estimate(result["index"], total.rows),
        satisfaction_rate=_rate(result["satisfaction_rate"]), nps=_nps(result["nps"]),
        ces=CesFigure(result["ces"]["mean"], result["ces"]["n"]) if result["ces"] else None,
        drivers_r2=result["drivers_r2"], items=_items(total, result, layout), ipa=_ipa(result),
        periods=_periods(_grouped(fine, period, keys.values[0], m), spec),
        units=_breakdown(_grouped(fine, unit, keys.values[1], m), spec, names.units),
        touch_points=_breakdown(by_touch_point, spec, names.touch_points),
        characteristics=_characteristics(total, layout, names),
        segments=_segments(fine, total_flat, segment, keys.values[3], spec),
        heatmap=_heatmap(by_touch_point, layout, names),
        **_degree(total, spec, expectations),
    )


@dataclass(frozen=True)
class Expectations:
    """Mean expectation (importance) per item id from the pre-service survey, and its respondents."""

    means: Mapping[str, float]
    n: int


def _degree(total: measure.Tally, spec: measure.Spec, expectations: Expectations | None) -> dict[str, Any]:
    """E_i = ē_i / Σ ē_j over the post-service items; degree = Σ E_i · score_i with the index's
    interval (weights taken as fixed). None unless every item has an expectation."""
    if expectations is None or not all(expectations.means.get(item.id) for item in spec.items):
        return {}
    raw = [expectations.means[item.id] for item in spec.items]
    total_weight = math.fsum(raw)
    weights = tuple((item.id, value / total_weight) for item, value in zip(spec.items, raw, strict=True))
    return {"degree": _estimate(measure.weighted_index(total, spec, raw), total.rows),
            "expectation_weights": weights, "expectation_n": expectations.n}


@dataclass(frozen=True)
class _Keys:
    """Each rollup's period, unit, touch point and segment as codes into `values` (the distinct
    ones, sorted), and all four as one composite key."""

    codes: tuple[NDArray[np.int64], ...]
    values: tuple[list[Any], ...]

    @classmethod
    def of(cls, rows: Rows, period_by: str) -> _Keys:
        ordinals = np.fromiter((day.toordinal() for day in rows.days), dtype=np.int64, count=len(rows.days))
        day_codes, days = codes(ordinals)
        period_codes, periods = codes([comparisons.period_key(dt.date.fromordinal(day), period_by) for day in days]
                                      or [""])
        unit_codes, units = codes(rows.units)
        point_codes, points = codes(rows.touch_points)
        segment_codes, segments = codes(rows.segments)
        return cls((period_codes[day_codes], unit_codes, point_codes, segment_codes),
                   (periods, [int(u) for u in units], [int(p) for p in points], [str(s) for s in segments]))

    def composite(self) -> NDArray[np.int64]:
        key = np.zeros(len(self.codes[0]), dtype=np.int64)
        for part, values in zip(self.codes, self.values, strict=True):
            key = key * max(len(values), 1) + part
        return key

    def split(self, key: NDArray[np.int64]) -> list[NDArray[np.int64]]:
        parts = []
        for values in reversed(self.values):
            size = max(len(values), 1)
            parts.append(key % size)
            key = key // size
        return parts[::-1]


def _grouped(fine: NDArray[np.float64], group_codes: NDArray[np.int64], values: Sequence[Any], m: int,
             ) -> dict[Any, Tally]:
    found, sums = sum_runs(fine, group_codes)
    return {values[int(code)]: _group_tally(sums[k], m) for k, code in enumerate(found)}


def _group_tally(flat: NDArray[np.float64], m: int) -> Tally:
    """A group's tally without its complete cases: a group shows its index, rate and NPS only, and
    the engine would otherwise work out the drivers (an eigendecomposition) just to drop them."""
    counted = tallies.from_array(flat, m)
    counted.complete_n = 0.0
    return counted


def _estimate(raw: Mapping[str, Any] | None, n: int) -> Estimate:
    raw = raw or {}
    return Estimate(raw.get("value"), raw.get("ci_low"), raw.get("ci_high"), n)


def _rate(raw: Mapping[str, Any] | None) -> Estimate | None:
    return None if raw is None else Estimate(raw["value"], raw["ci_low"], raw["ci_high"], raw["n"])


def _nps(raw: Mapping[str, Any] | None) -> NpsFigure | None:
    if raw is None:
        return None
    return NpsFigure(raw["value"], raw["ci_low"], raw["ci_high"], raw["n"], raw["promoters"], raw["passives"],
                     raw["detractors"])


def _items(total: Tally, result: Mapping[str, Any], layout: Layout) -> tuple[ItemFigures, ...]:
    drivers = {driver["id"]: driver for driver in result["drivers"]}
    rows = []
    for i, (item, figures) in enumerate(zip(layout.items, result["items"], strict=True)):
        score = comparisons.item_score(total, i, layout.spec)
        driver = drivers.get(item.id, {})
        rows.append(ItemFigures(
            id=item.id, label=item.label, characteristic_id=item.characteristic, touch_point_id=item.touch_point,
            n=figures["n"], mean=_float(figures["mean"]),
            score=Estimate(_float(figures["score"]), score.low, score.high, figures["n"]),
            satisfied_share=_float(figures["satisfied_share"]), importance=_float(figures["importance"]),
            weight=float(figures["weight"]),
            quadrant=figures["quadrant"], r=driver.get("r"), relative_weight=driver.get("relative_weight")))
    return tuple(rows)


def _float(value: Any) -> float | None:
    """A numpy number as a Python one (None stays None)."""
    return None if value is None else float(value)


def _ipa(result: Mapping[str, Any]) -> Ipa:
    items = result["items"]
    if not items or any(item["quadrant"] is None for item in items):
        return Ipa(None, None, None)
    stated = all(item["importance"] is not None for item in items)
    weights = {driver["id"]: driver["relative_weight"] for driver in result["drivers"]}
    importances = [item["importance"] if stated else weights[item["id"]] for item in items]
    return Ipa("stated" if stated else "derived", float(np.mean([item["score"] for item in items])),
               float(np.mean(importances)))


def _group(key: str, label: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of GroupFigures from an entry of `measure.segments` or `measure.periods`."""
    return {"key": key, "label": label, "n": raw["n"], "suppressed": raw.get("suppressed", False),
            "index": None if raw["index"] is None else _estimate(raw["index"], raw["n"]),
            "satisfaction_rate": _rate(raw["satisfaction_rate"]), "nps": _nps(raw["nps"])}


def _key(value: int) -> str:
    return str(value) if value else NONE_KEY


def _breakdown(groups: Mapping[int, Tally], spec: Spec, names: Mapping[int, str]) -> tuple[GroupFigures, ...]:
    """Units or touch points by name, "none" last; suppressed as segments are."""
    figures = measure.segments({str(key): counted for key, counted in groups.items()}, spec)
    order = sorted(groups, key=lambda key: (key == 0, names.get(key, ""), key))
    return tuple(GroupFigures(**_group(_key(key), names.get(key, str(key)), figures[str(key)])) for key in order)


def _periods(groups: Mapping[str, Tally], spec: Spec) -> tuple[PeriodFigures, ...]:
    out: list[PeriodFigures] = []
    for row in measure.periods(groups, spec):
        before = out[-1] if out else None
        change = row["change"] or {}
        out.append(PeriodFigures(
            **_group(row["period"], row["period"], row),
            nps_change=_change(change.get("nps"), before, row, _nps_mdd),
            rate_change=_change(change.get("satisfaction_rate"), before, row, _rate_mdd)))
    return tuple(out)


def _change(raw: Mapping[str, Any] | None, before: PeriodFigures | None, after: Mapping[str, Any],
            mdd: Callable[[PeriodFigures, Mapping[str, Any]], float | None]) -> Change | None:
    if raw is None or before is None:
        return None
    return Change(raw["diff"], raw["p_value"], raw["significant"], mdd(before, after))


def _nps_mdd(before: PeriodFigures, after: Mapping[str, Any]) -> float | None:
    if before.nps is None or after["nps"] is None:
        return None
    return comparisons.mdd_nps((before.nps.promoters, before.nps.detractors, before.nps.n),
                               (after["nps"]["promoters"], after["nps"]["detractors"], after["nps"]["n"]))


def _rate_mdd(before: PeriodFigures, after: Mapping[str, Any]) -> float | None:
    rate = after["satisfaction_rate"]
    if before.satisfaction_rate is None or rate is None:
        return None
    return comparisons.mdd_share(before.satisfaction_rate.value, before.satisfaction_rate.n, rate["value"], rate["n"])


def _characteristics(total: Tally, layout: Layout, names: Names) -> tuple[CharacteristicFigures, ...]:
    positions: dict[int, list[int]] = {}
    for i, item in enumerate(layout.items):
        positions.setdefault(item.characteristic or 0, []).append(i)
    rows = []
    for characteristic, at in positions.items():
        pooled = comparisons.pooled_score(total, at, layout.spec)
        rows.append(CharacteristicFigures(_key(characteristic), names.characteristics.get(characteristic, ""),
                                          len(at), Estimate(pooled.value, pooled.low, pooled.high, pooled.n)))
    return tuple(rows)


# Segments -----------------------------------------------------------------------------------------

def _segments(fine: NDArray[np.float64], total_flat: NDArray[np.float64], segment: NDArray[np.int64],
              values: Sequence[str], spec: Spec) -> tuple[SegmentFigures, ...]:
    """Per segment (none: left out, as `csm analyze` does), each against the rest (see the module)."""
    found, sums = sum_runs(fine, segment)
    by_value = {values[int(code)]: sums[k] for k, code in enumerate(found) if values[int(code)]}
    figures = measure.segments({value: _group_tally(flat, len(spec.items)) for value, flat in by_value.items()}, spec)
    tests = {value: _versus_rest(total_flat - by_value[value], figures[value], spec) for value in figures}
    adjusted = {name: _holm({value: tests[value][name] for value in tests}) for name in ("index", "rate", "nps")}
    return tuple(SegmentFigures(**_group(value, value, figures[value]), index_vs_rest=adjusted["index"].get(value),
                                rate_vs_rest=adjusted["rate"].get(value), nps_vs_rest=adjusted["nps"].get(value))
                 for value in figures)


def _versus_rest(rest_flat: NDArray[np.float64], segment: Mapping[str, Any], spec: Spec,
                 ) -> dict[str, comparisons.Difference | None]:
    rest = _group_tally(rest_flat, len(spec.items))
    if segment["suppressed"] or rest.rows < spec.min_base:
        return {"index": None, "rate": None, "nps": None}
    other = measure.summary(rest, spec)
    rate = measure.rate_change(other["satisfaction_rate"], segment["satisfaction_rate"]) if spec.overall else None
    nps = measure.nps_change(other["nps"], segment["nps"]) if spec.nps else None
    return {"index": _index_test(segment["index"], other["index"]),
            "rate": comparisons.Difference(rate["diff"], rate["p_value"]) if rate else None,
            "nps": comparisons.Difference(nps["diff"], nps["p_value"]) if nps else None}


def _index_test(mine: Mapping[str, Any], rest: Mapping[str, Any]) -> comparisons.Difference | None:
    mine_variance = comparisons.variance_of(mine["value"], mine["ci_high"])
    rest_variance = comparisons.variance_of(rest["value"], rest["ci_high"])
    if mine_variance is None or rest_variance is None:
        return None
    return comparisons.z_test(mine["value"], mine_variance, rest["value"], rest_variance)


def _holm(tests: Mapping[str, comparisons.Difference | None]) -> dict[str, Versus]:
    done = {value: test for value, test in tests.items() if test is not None}
    adjusted = comparisons.holm([test.p_value for test in done.values()])
    return {value: Versus(test.diff, test.p_value, p, p < ALPHA)
            for (value, test), p in zip(done.items(), adjusted, strict=True)}


# The heatmap --------------------------------------------------------------------------------------

def _heatmap(by_touch_point: Mapping[int, Tally], layout: Layout, names: Names) -> Heatmap:
    sums: dict[tuple[int, int], list[float]] = {}
    for group, counted in by_touch_point.items():
        for i, item in enumerate(layout.items):
            n = counted.n[i, i]
            if n:
                cell = sums.setdefault((item.touch_point or group, item.characteristic or 0), [0.0, 0.0])
                cell[0] += n
                cell[1] += counted.sx[i, i]
    spec = layout.spec
    cells = tuple(HeatCell(_key(tp), _key(ch), int(n), None if n < spec.min_base else comparisons.to_score(
        total / n, spec), n < spec.min_base) for (tp, ch), (n, total) in sums.items())
    points = sorted({tp for tp, _ch in sums}, key=lambda key: (key == 0, names.touch_points.get(key, ""), key))
    characteristics = list(dict.fromkeys(item.characteristic or 0 for item in layout.items))
    return Heatmap(tuple(Label(_key(tp), names.touch_points.get(tp, str(tp))) for tp in points),
                   tuple(Label(_key(ch), names.characteristics.get(ch, str(ch))) for ch in characteristics), cells)
