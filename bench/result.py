"""One benchmark measurement against its floor: the same work done the simplest way possible."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    scenario: str
    value: float
    unit: str
    floor: float
    n: int
    target_ratio: float | None = None

    @property
    def ratio(self) -> float:
        return self.value / self.floor

    @property
    def missed_target(self) -> bool:
        return self.target_ratio is not None and self.ratio > self.target_ratio

    def as_dict(self) -> dict[str, object]:
        return {"scenario": self.scenario, "value": round(self.value, 3), "unit": self.unit,
                "floor": round(self.floor, 3), "ratio": round(self.ratio, 3), "n": self.n}


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
