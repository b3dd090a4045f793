"""The worked example of docs/analyze.md: the sample export is the seeded one made here, and `csm
analyze` on it gives exactly the figures the page shows (the block between its sample-results
markers is rendered here from the command's output and must match, so the page cannot drift).

To remake both after a deliberate change: `.venv/bin/python -m csm.surveys.tests.test_analyze_example`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management import call_command

from csm.surveys.analysis.figures import QUADRANT_LABELS, headlines, shown

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "docs" / "examples" / "survey-responses.csv"
SPEC = ROOT / "docs" / "examples" / "survey-spec.json"
DOC = ROOT / "docs" / "analyze.md"
BLOCK = re.compile(r"<!-- sample-results -->\n(.*?)<!-- /sample-results -->", re.DOTALL)

# (column prefix, mean satisfaction, mean importance, weight in the overall rating)
CHARACTERISTICS = [("checkin", 3.55, 4.4, 0.25), ("room", 4.3, 4.7, 0.35), ("breakfast", 3.9, 3.7, 0.10),
                   ("staff", 4.35, 4.1, 0.25), ("wifi", 3.2, 3.4, 0.05)]
COMMENTS = ["", "", "", "", "", "", "Great breakfast, slow Wi-Fi", "Pokój czysty, obsługa bardzo miła",
            'The "express" check-in took 25 minutes', "Quiet room, friendly staff", "Wi-Fi dropped every evening",
            "Parking was hard to find;\nthe rest was fine"]


def sample_rows(seed: int = 2026, rows: int = 300) -> list[list[str]]:
    """A hotel's guest survey export, January to June 2025: five service characteristics rated 1-5
    for satisfaction and importance, the overall rating, likelihood to recommend (0-10), ease of
    booking (1-7) and a comment; a few answers left blank. Business guests care more about the Wi-Fi
    and like it less; the check-in got better from April."""
    rng = np.random.default_rng(seed)
    out = [["respondent_id", "date", "segment"]
           + [f"{name}_{kind}" for name, *_ in CHARACTERISTICS for kind in ("sat", "imp")]
           + ["overall", "recommend", "effort", "comment"]]
    for number in range(1, rows + 1):
        day = dt.date(2025, 1, 1) + dt.timedelta(days=int(rng.integers(0, 181)))
        segment = str(rng.choice(["business", "leisure", "group"], p=[0.5, 0.44, 0.06]))
        mood = rng.normal(0, 0.6)
        satisfaction, cells = [], []
        for name, mean, importance, _weight in CHARACTERISTICS:
            mean += 0.35 if name == "checkin" and day.month >= 4 else 0.0
            mean -= 0.35 if name == "wifi" and segment == "business" else 0.0
            importance += 0.9 if name == "wifi" and segment == "business" else 0.0
            value = float(np.clip(np.rint(mean + mood + rng.normal(0, 0.7)), 1, 5))
            satisfaction.append(value)
            cells += [_blank(rng, value, 0.04), _blank(rng, float(np.clip(np.rint(importance + rng.normal(0, 0.7)), 1, 5)), 0.05)]
        overall = float(np.clip(np.rint(sum(w * s for s, (*_, w) in zip(satisfaction, CHARACTERISTICS, strict=True))
                                        + rng.normal(0, 0.45)), 1, 5))
        recommend = float(np.clip(np.rint(2 * overall - 0.2 + rng.normal(0, 1.2)), 0, 10))
        effort = float(np.clip(np.rint(5.6 + rng.normal(0, 1.1)), 1, 7))
        out.append([str(number), day.isoformat(), segment, *cells, _blank(rng, overall, 0.02),
                    _blank(rng, recommend, 0.03), _blank(rng, effort, 0.10), str(rng.choice(COMMENTS))])
    return out


def _blank(rng: np.random.Generator, value: float, share: float) -> str:
    return "" if rng.random() < share else f"{value:g}"


def sample_text() -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(sample_rows())
    return out.getvalue()


def run_sample() -> dict[str, Any]:
    out = io.StringIO()
    call_command("analyze", str(SAMPLE), spec=str(SPEC), stdout=out)
    return json.loads(out.getvalue())


def results_block(result: Mapping[str, Any]) -> str:
    """The figures docs/analyze.md shows for the sample, as they are printed there."""
    lines = ["| Measure | Value | 95% interval | n |", "|---|---:|---:|---:|"]
    for row in headlines(result):
        interval = (f"{shown(row.ci_low, row.unit, row.digits)} to {shown(row.ci_high, row.unit, row.digits)}"
                    if row.ci_low is not None else "")
        base = f"{row.n:,}" if row.n is not None else ""
        lines.append(f"| {row.label} | {shown(row.value, row.unit, row.digits)} | {interval} | {base} |")
    lines += ["", "| Item | n | Mean | Score | Satisfied | Importance | Weight | Quadrant |",
              "|---|---:|---:|---:|---:|---:|---:|---|"]
    lines += [f"| {i['id']} | {i['n']} | {shown(i['mean'], digits=2)} | {shown(i['score'])} | "
              f"{shown(i['satisfied_share'], '%')} | {shown(i['importance'], digits=2)} | {shown(i['weight'], '%')} | "
              f"{QUADRANT_LABELS[i['quadrant']]} |" for i in result["items"]]
    lines += ["", "| Driver | r with overall | Relative weight |", "|---|---:|---:|"]
    lines += [f"| {d['id']} | {shown(d['r'], digits=3)} | {shown(d['relative_weight'], '%')} |"
              for d in result["drivers"]]
    lines += ["", "| Segment | n | Index | NPS | Satisfaction rate |", "|---|---:|---:|---:|---:|"]
    for name, f in result["segments"].items():
        cells = (["suppressed"] * 3 if f["suppressed"] else
                 [shown(f["index"]["value"]), shown(f["nps"]["value"]), shown(f["satisfaction_rate"]["value"], "%")])
        lines.append(f"| {name} | {f['n']} | " + " | ".join(cells) + " |")
    lines += ["", "| Period | n | NPS | Satisfaction rate | NPS change (p) |", "|---|---:|---:|---:|---:|"]
    for p in result["periods"]:
        change = (p["change"] or {}).get("nps")
        moved = f"{change['diff']:+.1f} (p = {change['p_value']:.3f})" if change else ""
        lines.append(f"| {p['period']} | {p['n']} | {shown(p['nps']['value'])} | "
                     f"{shown(p['satisfaction_rate']['value'], '%')} | {moved} |")
    return "\n".join(lines) + "\n"


def test_the_sample_is_the_seeded_one():
    assert SAMPLE.read_text(encoding="utf-8") == sample_text()


def test_the_doc_shows_what_csm_analyze_gives_for_the_sample():
    result = run_sample()
    shown_in_doc = BLOCK.search(DOC.read_text(encoding="utf-8"))
    assert shown_in_doc is not None, "docs/analyze.md has no sample-results block"
    assert shown_in_doc.group(1) == results_block(result)


def test_the_sample_shows_every_kind_of_figure():
    result = run_sample()
    assert result["n"] == 300
    assert {item["quadrant"] for item in result["items"]} >= {"concentrate_here", "keep_up"}
    assert any(f["suppressed"] for f in result["segments"].values())
    assert len(result["periods"]) == 6 and result["drivers"]


if __name__ == "__main__":  # remake the sample, then the page's block from the command's output
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    SAMPLE.write_text(sample_text(), encoding="utf-8")
    page = DOC.read_text(encoding="utf-8")
    block = results_block(run_sample())
    DOC.write_text(BLOCK.sub(lambda _match: f"<!-- sample-results -->\n{block}<!-- /sample-results -->", page),
                   encoding="utf-8")
