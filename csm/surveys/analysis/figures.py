"""What both reports of `csm analyze` show, taken from its result: the headline figures and the
importance-performance (IPA) points. Pure: no Django."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

QUADRANT_LABELS = {
    "concentrate_here": "Concentrate here",
    "keep_up": "Keep up the good work",
    "low_priority": "Low priority",
    "possible_overkill": "Possible overkill",
}


@dataclass(frozen=True)
class Headline:
    """One key figure: its value with its 95% interval (None where there is none), its base, how it
    is shown (`unit` "%": a share shown ×100; "points"; "": a plain number) and to how many digits."""

    label: str
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int | None
    unit: str
    digits: int = 1


def headlines(result: Mapping[str, Any]) -> list[Headline]:
    """The index, satisfaction rate, NPS and CES that the result has, with the respondents first."""
    rows = [Headline("Respondents", result["n"], None, None, None, "", 0)]
    index = result["index"]
    rows.append(Headline("Satisfaction index (0-100)", index["value"], index["ci_low"], index["ci_high"],
                         result["n"], "points"))
    if result.get("satisfaction_rate"):
        rate = result["satisfaction_rate"]
        rows.append(Headline("Satisfaction rate", rate["value"], rate["ci_low"], rate["ci_high"], rate["n"], "%"))
    if result.get("nps"):
        nps = result["nps"]
        rows.append(Headline("Net Promoter Score", nps["value"], nps["ci_low"], nps["ci_high"], nps["n"], "points"))
    if result.get("ces"):
        ces = result["ces"]
        rows.append(Headline("Customer effort (mean)", ces["mean"], None, None, ces["n"], "", 2))
    if result.get("drivers_r2") is not None:
        rows.append(Headline("Drivers R²", result["drivers_r2"], None, None, None, "", 3))
    return rows


@dataclass(frozen=True)
class IpaPoint:
    id: str
    importance: float
    score: float
    quadrant: str


@dataclass(frozen=True)
class Ipa:
    """The items on the importance-performance grid, with its cross-hairs (the means); `derived` when
    the importance is the drivers' relative weight rather than the stated one."""

    points: list[IpaPoint]
    importance_mid: float
    score_mid: float
    derived: bool


def ipa(result: Mapping[str, Any]) -> Ipa | None:
    """The grid the result's quadrants come from (see measure._quadrants); None without quadrants."""
    items: Sequence[Mapping[str, Any]] = result["items"]
    if not items or any(item.get("quadrant") is None for item in items):
        return None
    derived = not all(item["importance"] is not None for item in items)
    weights = {driver["id"]: driver["relative_weight"] for driver in result.get("drivers") or []}
    points = [IpaPoint(item["id"], float(weights[item["id"]] if derived else item["importance"]),
                       float(item["score"]), item["quadrant"]) for item in items]
    return Ipa(points, math.fsum(p.importance for p in points) / len(points),
               math.fsum(p.score for p in points) / len(points), derived)


def shown(value: float | None, unit: str = "", digits: int = 1) -> str:
    """A figure as the reports print it: shares as percentages, a dash for none."""
    if value is None:
        return "–"
    if unit == "%":
        return f"{100 * value:.{digits}f}%"
    return f"{value:,.{digits}f}"
