"""One benchmark measurement against its floor: the same work done the simplest way possible.

`ratio` is always value / floor. A target is one of: `target_ratio` (the ratio at most this: for
times, lower is better), `target_min_ratio` (the ratio at least this: for throughput, higher is
better) or `target_max_value` (the value itself at most this, in `unit`, whatever the floor).
`problems` are failed correctness checks (errors, lost rows): they miss the target too.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Result:
    scenario: str
    value: float
    unit: str
    floor: float
    n: int
    target_ratio: float | None = None
    target_min_ratio: float | None = None
    target_max_value: float | None = None
    detail: Mapping[str, object] = field(default_factory=dict)
    problems: tuple[str, ...] = ()

    @property
    def ratio(self) -> float:
        return self.value / self.floor

    @property
    def target(self) -> str | None:
        parts = []
        if self.target_ratio is not None:
            parts.append(f"ratio <= {self.target_ratio}")
        if self.target_min_ratio is not None:
            parts.append(f"ratio >= {self.target_min_ratio}")
        if self.target_max_value is not None:
            parts.append(f"value <= {self.target_max_value} {self.unit}")
        return " and ".join(parts) or None

    @property
    def misses(self) -> list[str]:
        """What missed its target, in words; empty when everything was met."""
        missed = list(self.problems)
        if self.target_ratio is not None and self.ratio > self.target_ratio:
            missed.append(f"ratio {self.ratio:.2f} > {self.target_ratio}")
        if self.target_min_ratio is not None and self.ratio < self.target_min_ratio:
            missed.append(f"ratio {self.ratio:.2f} < {self.target_min_ratio}")
        if self.target_max_value is not None and self.value > self.target_max_value:
            missed.append(f"value {self.value:.3f} {self.unit} > {self.target_max_value} {self.unit}")
        return missed

    @property
    def missed_target(self) -> bool:
        return bool(self.misses)

    def as_dict(self) -> dict[str, object]:
        line: dict[str, object] = {
            "scenario": self.scenario, "value": round(self.value, 3), "unit": self.unit,
            "floor": round(self.floor, 3), "ratio": round(self.ratio, 3), "n": self.n, "target": self.target,
            **self.detail,
        }
        if self.problems:
            line["problems"] = list(self.problems)
        return line


def elapsed(action: Callable[[], object]) -> float:
    """Seconds one call of `action` takes."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def interleaved_medians(
    first: Callable[[], object], second: Callable[[], object], n: int
) -> tuple[float, float]:
    """Median seconds of each action over n alternating runs, so drift hits both alike."""
    a, b = [], []
    for _ in range(n):
        a.append(elapsed(first))
        b.append(elapsed(second))
    return statistics.median(a), statistics.median(b)


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with at least `share` of the values at or
    below it (p95 of 200 values is the 190th smallest)."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]
