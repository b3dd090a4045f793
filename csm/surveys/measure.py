"""The satisfaction measurement engine (ISO 10004 §7.4, standards.md §3): pure Python and numpy,
no Django. The same code serves `csm analyze`, the dashboards (from rollups) and the reports.

Answers go into a `Tally`, a set of mergeable sufficient statistics: per item the count, sum, sum of
squares and satisfied count of its answers, the pairwise sums the index's interval needs, the
counts of the overall rating and of the NPS classes, and the cross-products of the complete cases
the key drivers need. Tallies of any split of the rows (days, units, files, chunks) add up to the
tally of all of them, so a figure computed from summed rollups equals the figure computed from the
raw rows. `measures(tally, spec)` turns one into the output of `csm analyze`; `analyze(blocks,
spec)` does the whole run, with segments and periods.

Definitions (the issue's, fixed): a blank is "not answered"; `score` = 100·(mean − min)/(max − min);
`satisfied_share` counts answers ≥ `satisfied_min`; the weights are the stated ones if every item
states one, else the mean importances (if every item has an importance column with answers), else
equal, normalised to sum to 1; `index` = Σ weight·score. Intervals are at 95%:

- `index`: by the delta method, the weights taken as fixed: Var = Σ_i Σ_j w_i w_j c² Cov(m̄_i, m̄_j)
  with c = 100/(max − min) and Cov(m̄_i, m̄_j) = s_ij · n_ij / (n_i · n_j), s_ij the covariance over
  the n_ij rows answering both items (s_ii the variance); value ± 1.96·√Var. None below two answers.
- `satisfaction_rate` (also `csat`): the Wilson score interval.
- `nps`: value ± 1.96·100·√((p_P + p_D − (p_P − p_D)²)/n).
- `drivers`: Pearson's r and Johnson's (2000) relative weights ÷ R², both on the complete cases
  (every item and the overall rating answered); none with fewer complete cases than items + 2, or
  when the items' correlation matrix is singular.
- period `change`: NPS by a z-test with the variance above, the satisfaction rate by a pooled
  two-proportion z-test; two-sided p, significant below 0.05.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from csm.core.stats import Z95, wilson

ALPHA = 0.05
QUADRANTS = ("concentrate_here", "keep_up", "low_priority", "possible_overkill")


class SpecError(ValueError):
    """A spec that cannot be used, with the field at fault."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name


class DataError(ValueError):
    """A cell that cannot be used, with its row (1 = the first data row) and column."""

    def __init__(self, row: int, column: str, message: str) -> None:
        super().__init__(f"row {row}, column {column}: {message}")
        self.row, self.column = row, column


@dataclass(frozen=True)
class Item:
    id: str
    satisfaction: str
    importance: str | None = None
    weight: float | None = None


@dataclass(frozen=True)
class Spec:
    scale_min: float
    scale_max: float
    satisfied_min: float
    items: tuple[Item, ...]
    overall: str | None = None
    nps: str | None = None
    ces: str | None = None
    segment: str | None = None
    period: str | None = None
    period_by: str = "month"
    min_base: int = 30

    @property
    def rating_columns(self) -> tuple[str, ...]:
        """The columns on the rating scale: satisfaction, importance and overall."""
        columns = [item.satisfaction for item in self.items]
        columns += [item.importance for item in self.items if item.importance]
        return tuple(columns + ([self.overall] if self.overall else []))

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the spec reads."""
        extra = [c for c in (self.nps, self.ces, self.segment, self.period) if c]
        return tuple(dict.fromkeys([*self.rating_columns, *extra]))


def parse_spec(raw: Mapping[str, Any]) -> Spec:
    """The spec of `csm analyze` (see the module and the README), or SpecError naming the field."""
    if not isinstance(raw, Mapping):
        raise SpecError("spec", "must be a JSON object")
    unknown = set(raw) - {"scale", "satisfied_min", "items", "overall", "nps", "ces", "segment", "period", "min_base"}
    if unknown:
        raise SpecError(sorted(unknown)[0], "is not a field of the spec")
    scale = raw.get("scale")
    if not isinstance(scale, Mapping) or not all(_is_number(scale.get(k)) for k in ("min", "max")):
        raise SpecError("scale", "must be {\"min\": number, \"max\": number}")
    low, high = float(scale["min"]), float(scale["max"])
    if not low < high:
        raise SpecError("scale", "min must be below max")
    satisfied_min: Any = raw.get("satisfied_min")
    if not _is_number(satisfied_min) or not low <= float(satisfied_min) <= high:
        raise SpecError("satisfied_min", f"must be a number from {low:g} to {high:g}")
    items = _parse_items(raw.get("items"))
    period, by = None, "month"
    if raw.get("period") is not None:
        spec_period = raw["period"]
        if not isinstance(spec_period, Mapping) or not isinstance(spec_period.get("column"), str):
            raise SpecError("period", "must be {\"column\": name, \"by\": \"month\" or \"quarter\"}")
        by = spec_period.get("by", "month")
        if by not in ("month", "quarter"):
            raise SpecError("period.by", "must be \"month\" or \"quarter\"")
        period = spec_period["column"]
    min_base = raw.get("min_base", 30)
    if isinstance(min_base, bool) or not isinstance(min_base, int) or min_base < 1:
        raise SpecError("min_base", "must be a whole number of at least 1")
    names = {}
    for key in ("overall", "nps", "ces", "segment"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or not value):
            raise SpecError(key, "must be a column name")
        names[key] = value
    return Spec(low, high, float(satisfied_min), items, names["overall"], names["nps"], names["ces"],
                names["segment"], period, by, min_base)


def _parse_items(raw: Any) -> tuple[Item, ...]:
    if not isinstance(raw, list) or not raw:
        raise SpecError("items", "must be a non-empty list")
    items, seen = [], set()
    for n, entry in enumerate(raw):
        where = f"items[{n}]"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str) or not entry["id"]:
            raise SpecError(where, "needs an \"id\"")
        if entry["id"] in seen:
            raise SpecError(where, f"repeats the id {entry['id']!r}")
        seen.add(entry["id"])
        if not isinstance(entry.get("satisfaction"), str) or not entry["satisfaction"]:
            raise SpecError(where, "needs a \"satisfaction\" column")
        importance, weight = entry.get("importance"), entry.get("weight")
        if importance is not None and (not isinstance(importance, str) or not importance):
            raise SpecError(where, "\"importance\" must be a column name")
        if weight is not None and (not _is_number(weight) or float(weight) < 0):
            raise SpecError(where, "\"weight\" must be a number, 0 or more")
        items.append(Item(entry["id"], entry["satisfaction"], importance,
                          float(weight) if weight is not None else None))
    stated = [item.weight is not None for item in items]
    if any(stated) and not all(stated):
        raise SpecError("items", "give a weight to every item or to none")
    if all(stated) and not sum(item.weight or 0 for item in items) > 0:
        raise SpecError("items", "the weights cannot all be 0")
    return tuple(items)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


# The tally ----------------------------------------------------------------------------------------

@dataclass
class Tally:
    """Mergeable sufficient statistics of the answers to `m` items (see the module)."""

    m: int
    rows: int = 0
    n: NDArray[np.float64] = field(init=False)  # pairwise answer counts; the diagonal: per item
    sx: NDArray[np.float64] = field(init=False)  # sx[i, j]: Σ x_i over the rows answering i and j
    sxx: NDArray[np.float64] = field(init=False)  # sxx[i, j]: Σ x_i·x_j over the same rows
    satisfied: NDArray[np.float64] = field(init=False)
    importance_n: NDArray[np.float64] = field(init=False)
    importance_sum: NDArray[np.float64] = field(init=False)
    overall_n: float = 0.0
    overall_satisfied: float = 0.0
    nps_counts: NDArray[np.float64] = field(init=False)  # detractors, passives, promoters
    ces_n: float = 0.0
    ces_sum: float = 0.0
    complete_n: float = 0.0
    complete_sum: NDArray[np.float64] = field(init=False)  # over [items..., overall]
    complete_cross: NDArray[np.float64] = field(init=False)

    def __post_init__(self) -> None:
        m = self.m
        self.n, self.sx, self.sxx = np.zeros((m, m)), np.zeros((m, m)), np.zeros((m, m))
        self.satisfied, self.importance_n, self.importance_sum = np.zeros(m), np.zeros(m), np.zeros(m)
        self.nps_counts = np.zeros(3)
        self.complete_sum, self.complete_cross = np.zeros(m + 1), np.zeros((m + 1, m + 1))

    def add(self, block: Block, satisfied_min: float) -> None:
        """Count a block of rows (NaN: not answered)."""
        x = block.satisfaction
        self.rows += x.shape[0]
        answered = ~np.isnan(x)
        mask, values = answered.astype(float), np.where(answered, x, 0.0)
        self.n += mask.T @ mask
        self.sx += values.T @ mask
        self.sxx += values.T @ values
        self.satisfied += (answered & (values >= satisfied_min)).sum(axis=0)
        if block.importance is not None:
            given = ~np.isnan(block.importance)
            self.importance_n += given.sum(axis=0)
            self.importance_sum += np.where(given, block.importance, 0.0).sum(axis=0)
        if block.overall is not None:
            rated = ~np.isnan(block.overall)
            self.overall_n += float(rated.sum())
            self.overall_satisfied += float((rated & (np.nan_to_num(block.overall) >= satisfied_min)).sum())
            complete = answered.all(axis=1) & rated
            if complete.any():
                z = np.column_stack([x[complete], block.overall[complete]])
                self.complete_n += float(complete.sum())
                self.complete_sum += z.sum(axis=0)
                self.complete_cross += z.T @ z
        if block.nps is not None:
            scores = block.nps[~np.isnan(block.nps)]
            self.nps_counts += [(scores <= 6).sum(), ((scores >= 7) & (scores <= 8)).sum(), (scores >= 9).sum()]
        if block.ces is not None:
            scores = block.ces[~np.isnan(block.ces)]
            self.ces_n += float(scores.size)
            self.ces_sum += float(scores.sum())

    def merge(self, other: Tally) -> Tally:
        """The tally of both sets of rows (a new one)."""
        if other.m != self.m:
            raise ValueError("Tallies of different items cannot be merged.")
        merged = Tally(self.m)
        for name in ("rows", "overall_n", "overall_satisfied", "ces_n", "ces_sum", "complete_n"):
            setattr(merged, name, getattr(self, name) + getattr(other, name))
        for name in ("n", "sx", "sxx", "satisfied", "importance_n", "importance_sum", "nps_counts",
                     "complete_sum", "complete_cross"):
            setattr(merged, name, getattr(self, name) + getattr(other, name))
        return merged


@dataclass(frozen=True)
class Block:
    """Rows as columns of floats, NaN where not answered: `satisfaction` is rows × items, the
    others one column each (`importance` rows × items), None when the spec has none."""

    satisfaction: NDArray[np.float64]
    importance: NDArray[np.float64] | None = None
    overall: NDArray[np.float64] | None = None
    nps: NDArray[np.float64] | None = None
    ces: NDArray[np.float64] | None = None


def tally(block: Block, spec: Spec) -> Tally:
    counted = Tally(len(spec.items))
    counted.add(block, spec.satisfied_min)
    return counted


# The measures -------------------------------------------------------------------------------------

def measures(counted: Tally, spec: Spec) -> dict[str, Any]:
    """Every measure of one set of rows (see the module for the definitions)."""
    items = _items(counted, spec)
    drivers, r2 = _drivers(counted, spec)
    _quadrants(items, drivers)
    return {
        "n": counted.rows,
        "items": items,
        "index": _index(counted, spec, [item["weight"] for item in items]),
        "satisfaction_rate": _rate(counted) if spec.overall else None,
        "nps": _nps(counted) if spec.nps else None,
        "ces": ({"n": int(counted.ces_n), "mean": counted.ces_sum / counted.ces_n if counted.ces_n else None}
                if spec.ces else None),
        "drivers": drivers,
        "drivers_r2": r2,
    }


def _items(counted: Tally, spec: Spec) -> list[dict[str, Any]]:
    width = spec.scale_max - spec.scale_min
    rows = []
    for i, item in enumerate(spec.items):
        n = counted.n[i, i]
        mean = counted.sx[i, i] / n if n else None
        importance = (counted.importance_sum[i] / counted.importance_n[i]
                      if item.importance and counted.importance_n[i] else None)
        rows.append({"id": item.id, "n": int(n), "mean": mean,
                     "score": 100 * (mean - spec.scale_min) / width if mean is not None else None,
                     "satisfied_share": counted.satisfied[i] / n if n else None, "importance": importance})
    for row, weight in zip(rows, _weights(spec, rows), strict=True):
        row["weight"] = weight
    return rows


def _weights(spec: Spec, rows: Sequence[Mapping[str, Any]]) -> list[float]:
    if spec.items[0].weight is not None:
        raw = [item.weight or 0.0 for item in spec.items]
    elif all(row["importance"] is not None for row in rows) and sum(row["importance"] for row in rows) > 0:
        raw = [row["importance"] for row in rows]
    else:
        raw = [1.0] * len(rows)
    total = math.fsum(raw)
    return [value / total for value in raw]


def weighted_index(counted: Tally, spec: Spec, weights: Sequence[float]) -> dict[str, float | None]:
    """Σ weight·score with the interval of `index`, for weights given from outside the tally: the
    expectation weights of a pre-service survey give the satisfaction degree (standards.md §3.3)."""
    total = math.fsum(weights)
    if len(weights) != counted.m or total <= 0:
        raise ValueError("one positive weight per item")
    return _index(counted, spec, [w / total for w in weights])


def _index(counted: Tally, spec: Spec, weights: Sequence[float]) -> dict[str, float | None]:
    """Σ weight·score over the answered items (an item nobody answered counts with its weight
    shared out among the others), with the delta-method interval (see the module)."""
    diagonal = np.diag(counted.n)
    answered = diagonal > 0
    if not answered.any():
        return {"value": None, "ci_low": None, "ci_high": None}
    w = np.where(answered, weights, 0.0)
    w = w / w.sum()
    scale = 100 / (spec.scale_max - spec.scale_min)
    means = np.divide(np.diag(counted.sx), diagonal, out=np.zeros_like(diagonal), where=answered)
    value = float(np.sum(w * scale * (means - spec.scale_min)))
    if not (diagonal[answered] >= 2).all():
        return {"value": value, "ci_low": None, "ci_high": None}
    with np.errstate(divide="ignore", invalid="ignore"):
        n = counted.n
        cov_sums = counted.sxx - counted.sx * counted.sx.T / n  # Σ (x_i − x̄_i)(x_j − x̄_j) over pairs
        cov = np.where(n >= 2, cov_sums / (n - 1), 0.0)
        cov_means = np.where(n >= 2, cov * n / np.outer(diagonal, diagonal), 0.0)
    variance = max(float(w @ cov_means @ w) * scale**2, 0.0)
    half = Z95 * math.sqrt(variance)
    return {"value": value, "ci_low": value - half, "ci_high": value + half}


def _rate(counted: Tally) -> dict[str, float | int | None]:
    """The satisfied share of the overall ratings with its Wilson interval (core.stats.wilson)."""
    share = wilson(int(counted.overall_satisfied), int(counted.overall_n))
    return {"value": share.p, "ci_low": share.low, "ci_high": share.high, "n": share.n}


def _nps(counted: Tally) -> dict[str, Any]:
    detractors, passives, promoters = (int(c) for c in counted.nps_counts)
    n = detractors + passives + promoters
    if n == 0:
        return {"value": None, "ci_low": None, "ci_high": None, "promoters": 0, "passives": 0,
                "detractors": 0, "n": 0}
    value, variance = nps_value(promoters, detractors, n)
    half = Z95 * math.sqrt(variance)
    return {"value": value, "ci_low": value - half, "ci_high": value + half, "promoters": promoters,
            "passives": passives, "detractors": detractors, "n": n}


def nps_value(promoters: int, detractors: int, n: int) -> tuple[float, float]:
    """NPS (−100..100) and its variance, 100²·(p_P + p_D − (p_P − p_D)²)/n (standards.md §3.6)."""
    p_p, p_d = promoters / n, detractors / n
    return 100 * (p_p - p_d), 100**2 * (p_p + p_d - (p_p - p_d) ** 2) / n


def _drivers(counted: Tally, spec: Spec) -> tuple[list[dict[str, Any]], float | None]:
    m = len(spec.items)
    n = counted.complete_n
    if not spec.overall or n < m + 2:
        return [], None
    mean = counted.complete_sum / n
    cov = (counted.complete_cross - n * np.outer(mean, mean)) / (n - 1)
    sd = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    if (sd <= 0).any():
        return [], None
    corr = cov / np.outer(sd, sd)
    weights, r2 = relative_weights(corr[:m, :m], corr[:m, m])
    if weights is None:
        return [], None
    return [{"id": item.id, "r": float(corr[i, m]), "relative_weight": float(weights[i] / r2)}
            for i, item in enumerate(spec.items)], r2


def relative_weights(rxx: NDArray[np.float64], rxy: NDArray[np.float64],
                     ) -> tuple[NDArray[np.float64] | None, float]:
    """Johnson's (2000) raw relative weights ε_j (they sum to R²) and R², from the predictors'
    correlation matrix and their correlations with the outcome; (None, 0) when it is singular."""
    eigenvalues, vectors = np.linalg.eigh(rxx)
    if eigenvalues.min() <= 1e-10 * max(eigenvalues.max(), 1.0):
        return None, 0.0
    lam = vectors @ np.diag(np.sqrt(eigenvalues)) @ vectors.T  # R_xx^(1/2)
    beta = np.linalg.solve(lam, rxy)
    epsilon = (lam**2) @ (beta**2)
    r2 = float(epsilon.sum())
    if r2 <= 0:
        return None, 0.0
    return epsilon, r2


def _quadrants(items: list[dict[str, Any]], drivers: Sequence[Mapping[str, Any]]) -> None:
    """IPA quadrants: cross-hairs at the mean item score and the mean importance; importance is the
    stated one where every item has it, else the derived relative weight; None when neither."""
    derived = {driver["id"]: driver["relative_weight"] for driver in drivers}
    stated = all(item["importance"] is not None for item in items)
    maybe_importances = [item["importance"] if stated else derived.get(item["id"]) for item in items]
    maybe_scores = [item["score"] for item in items]
    importances = [float(v) for v in maybe_importances if v is not None]
    scores = [float(v) for v in maybe_scores if v is not None]
    if len(importances) < len(items) or len(scores) < len(items):
        for item in items:
            item["quadrant"] = None
        return
    score_mid, importance_mid = math.fsum(scores) / len(scores), math.fsum(importances) / len(importances)
    for item, score, importance in zip(items, scores, importances, strict=True):
        high, good = importance >= importance_mid, score >= score_mid
        item["quadrant"] = ("keep_up" if good else "concentrate_here") if high else (
            "possible_overkill" if good else "low_priority")


# Comparisons --------------------------------------------------------------------------------------

def two_sided_p(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))


def nps_change(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any] | None:
    """The change of NPS from `before` to `after` (outputs of `measures`), by a z-test."""
    if not before or not after or not before["n"] or not after["n"]:
        return None
    _v1, var1 = nps_value(before["promoters"], before["detractors"], before["n"])
    _v2, var2 = nps_value(after["promoters"], after["detractors"], after["n"])
    diff = after["value"] - before["value"]
    p = two_sided_p(diff / math.sqrt(var1 + var2)) if var1 + var2 > 0 else (1.0 if diff == 0 else 0.0)
    return {"diff": diff, "p_value": p, "significant": p < ALPHA}


def rate_change(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any] | None:
    """The change of a share from `before` to `after` (satisfaction rates of `measures`), by a pooled
    two-proportion z-test."""
    if not before or not after or not before["n"] or not after["n"]:
        return None
    n1, n2 = before["n"], after["n"]
    p1, p2 = before["value"], after["value"]
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    diff = p2 - p1
    p = two_sided_p(diff / spread) if spread > 0 else (1.0 if diff == 0 else 0.0)
    return {"diff": diff, "p_value": p, "significant": p < ALPHA}


def period_key(value: str | dt.date, by: str) -> str:
    """"2026-03" by month, "2026-Q1" by quarter, from an ISO date or date-time."""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value).strip()[:10])
    return f"{day.year}-{day.month:02d}" if by == "month" else f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def summary(counted: Tally, spec: Spec) -> dict[str, Any]:
    """The figures a segment or a period shows: n, index, NPS and satisfaction rate."""
    figures = measures(counted, spec)
    return {"n": counted.rows, "index": figures["index"], "nps": figures["nps"],
            "satisfaction_rate": figures["satisfaction_rate"]}


def segments(tallies: Mapping[str, Tally], spec: Spec) -> dict[str, dict[str, Any]]:
    """Per segment value; one with fewer rows than `min_base` is suppressed (its figures None)."""
    out = {}
    for value, counted in sorted(tallies.items()):
        if counted.rows < spec.min_base:
            out[value] = {"n": counted.rows, "index": None, "nps": None, "satisfaction_rate": None,
                          "suppressed": True}
        else:
            out[value] = {**summary(counted, spec), "suppressed": False}
    return out


def periods(tallies: Mapping[str, Tally], spec: Spec) -> list[dict[str, Any]]:
    """Per period, in order, each with its change against the period before."""
    out: list[dict[str, Any]] = []
    for key in sorted(tallies):
        figures = summary(tallies[key], spec)
        before = out[-1] if out else None
        change = None
        if before is not None:
            change = {"nps": nps_change(before["nps"], figures["nps"]) if spec.nps else None,
                      "satisfaction_rate": rate_change(before["satisfaction_rate"], figures["satisfaction_rate"])
                      if spec.overall else None}
        out.append({"period": key, **figures, "change": change})
    return out


def analyze(rows: Iterable[tuple[Block, Sequence[str | None], Sequence[str | None]]], spec: Spec) -> dict[str, Any]:
    """The whole output of `csm analyze` from blocks of rows, each with its rows' segment values and
    period keys (None where the spec has none)."""
    total = Tally(len(spec.items))
    by_segment: dict[str, Tally] = {}
    by_period: dict[str, Tally] = {}
    for block, segment_values, period_keys in rows:
        total.add(block, spec.satisfied_min)
        for groups, keys in ((by_segment, segment_values), (by_period, period_keys)):
            if keys is None or not len(keys):
                continue
            _add_grouped(groups, block, keys, spec)
    result = measures(total, spec)
    result["segments"] = segments(by_segment, spec) if spec.segment else None
    result["periods"] = periods(by_period, spec) if spec.period else None
    return result


def _add_grouped(groups: dict[str, Tally], block: Block, keys: Sequence[str | None], spec: Spec) -> None:
    labels = np.asarray([key if key is not None else "" for key in keys], dtype=object)
    for key in dict.fromkeys(labels.tolist()):
        if key == "":
            continue
        chosen = labels == key
        part = Block(block.satisfaction[chosen], _pick(block.importance, chosen), _pick(block.overall, chosen),
                     _pick(block.nps, chosen), _pick(block.ces, chosen))
        groups.setdefault(key, Tally(len(spec.items))).add(part, spec.satisfied_min)


def _pick(column: NDArray[np.float64] | None, chosen: NDArray[np.bool_]) -> NDArray[np.float64] | None:
    return None if column is None else column[chosen]


# Reading rows -------------------------------------------------------------------------------------

def block_from_rows(header: Sequence[str], rows: Sequence[Sequence[str]], spec: Spec, *, first_row: int = 1,
                    ) -> tuple[Block, list[str | None] | None, list[str | None] | None]:
    """A block from rows of text cells (a CSV's), with the rows' segment values and period keys;
    DataError names the first bad cell (its row counted from `first_row`). Blank is not answered."""
    index = {name: n for n, name in enumerate(header)}
    for column in spec.columns:
        if column not in index:
            raise DataError(0, column, "no such column in the header")

    def numbers(column: str, low: float, high: float, *, whole: bool = False) -> NDArray[np.float64]:
        out = np.empty(len(rows))
        position = index[column]
        for r, row in enumerate(rows):
            cell = row[position].strip() if position < len(row) else ""
            if not cell:
                out[r] = np.nan
                continue
            try:
                value = float(cell)
            except ValueError:
                raise DataError(first_row + r, column, f"{cell!r} is not a number") from None
            if not low <= value <= high or (whole and not value.is_integer()):
                raise DataError(first_row + r, column, f"{cell} is outside {low:g} to {high:g}")
            out[r] = value
        return out

    low, high = spec.scale_min, spec.scale_max
    satisfaction = np.column_stack([numbers(item.satisfaction, low, high) for item in spec.items])
    importance = None
    if any(item.importance for item in spec.items):
        importance = np.column_stack([numbers(item.importance, low, high) if item.importance
                                      else np.full(len(rows), np.nan) for item in spec.items])
    block = Block(
        satisfaction, importance,
        numbers(spec.overall, low, high) if spec.overall else None,
        numbers(spec.nps, 0, 10, whole=True) if spec.nps else None,
        numbers(spec.ces, -math.inf, math.inf) if spec.ces else None,
    )
    segment = [_cell(row, index[spec.segment]) or None for row in rows] if spec.segment else None
    period = None
    if spec.period:
        period = []
        for r, row in enumerate(rows):
            cell = _cell(row, index[spec.period])
            try:
                period.append(period_key(cell, spec.period_by) if cell else None)
            except ValueError:
                raise DataError(first_row + r, spec.period, f"{cell!r} is not a date (YYYY-MM-DD)") from None
    return block, segment, period


def _cell(row: Sequence[str], position: int) -> str:
    return row[position].strip() if position < len(row) else ""
