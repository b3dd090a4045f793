"""The standalone HTML report of `csm analyze`: the key figures, the charts (csm.surveys.analysis.charts)
and the tables of items, drivers, segments and periods, in one file that opens offline. plotly.js is
embedded from the installed plotly wheel's `plotly.min.js` (never a CDN). Pure: no Django."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from html import escape
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from csm.surveys.analysis.charts import figures
from csm.surveys.analysis.figures import QUADRANT_LABELS, Headline, headlines, shown
from csm.surveys.measure import Spec

STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2733; margin: 0;
       background: #f4f6f8; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 32px 0 10px; }
.note { color: #5b6876; margin: 0 0 16px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; }
.card { background: #fff; border: 1px solid #dde3e9; border-radius: 8px; padding: 12px 14px; }
.card .label { color: #5b6876; font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
.card .value { font-size: 26px; font-weight: 600; margin: 2px 0; }
.card .ci { color: #5b6876; font-size: 12px; }
.chart { background: #fff; border: 1px solid #dde3e9; border-radius: 8px; margin: 12px 0; padding: 6px; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
@media (max-width: 900px) { .pair { grid-template-columns: 1fr; } }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid #dde3e9; }
th, td { padding: 6px 10px; border-bottom: 1px solid #e8ecf0; text-align: right; white-space: nowrap; }
th { background: #eef2f6; font-weight: 600; }
th:first-child, td:first-child { text-align: left; }
th.text, td.text { text-align: left; }
.muted { color: #8a96a3; }
footer { color: #5b6876; font-size: 12px; margin-top: 32px; }
"""

SCRIPT = """
const figures = JSON.parse(document.getElementById("figures").textContent);
for (const [name, figure] of Object.entries(figures)) {
  Plotly.newPlot("chart-" + name, figure.data, figure.layout, {responsive: true, displaylogo: false, displayModeBar: false});
}
"""


def render_html(result: Mapping[str, Any], spec: Spec, *, title: str) -> str:
    """The report of a `csm analyze` result as one HTML document."""
    charts = figures(result)
    body = [f"<h1>{escape(title)}</h1>", f'<p class="note">{escape(_basis(spec, result))}</p>',
            _cards(headlines(result)), _chart("items", charts),
            '<div class="pair">' + _chart("ipa", charts) + _chart("drivers", charts) + "</div>",
            "<h2>Items</h2>", _items_table(result), *_drivers_section(result),
            *_segments_section(result, charts), *_periods_section(result, charts), _footer()]
    data = json.dumps(charts).replace("</", "<\\/")
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{STYLE}</style>",
        f"<script>{plotly_js()}</script></head><body><main>", *body, "</main>",
        f'<script type="application/json" id="figures">{data}</script>', f"<script>{SCRIPT}</script>",
        "</body></html>", ""])


@cache
def plotly_js() -> str:
    """plotly.min.js from the installed plotly package (found without importing it)."""
    found = find_spec("plotly")
    if found is None or not found.submodule_search_locations:
        raise RuntimeError("The plotly package is not installed; the HTML report needs its plotly.min.js.")
    path = Path(next(iter(found.submodule_search_locations))) / "package_data" / "plotly.min.js"
    return path.read_text(encoding="utf-8").replace("</script", "<\\/script")


def _basis(spec: Spec, result: Mapping[str, Any]) -> str:
    return (f"{result['n']:,} respondents. Scale {spec.scale_min:g} to {spec.scale_max:g}, satisfied from "
            f"{spec.satisfied_min:g}; segments shown from {spec.min_base} respondents. Intervals at 95%.")


def _cards(rows: Sequence[Headline]) -> str:
    cards = []
    for row in rows:
        parts = [f"95% CI {shown(row.ci_low, row.unit, row.digits)} to {shown(row.ci_high, row.unit, row.digits)}"
                 ] if row.ci_low is not None else []
        if row.n is not None and row.label != "Respondents":
            parts.append(f"n = {row.n:,}")
        interval = "<br>".join(parts) or "&nbsp;"
        cards.append(f'<div class="card"><div class="label">{escape(row.label)}</div>'
                     f'<div class="value">{shown(row.value, row.unit, row.digits)}</div>'
                     f'<div class="ci">{interval}</div></div>')
    return '<div class="cards">' + "".join(cards) + "</div>"


def _chart(name: str, charts: Mapping[str, Any]) -> str:
    return f'<div class="chart" id="chart-{name}"></div>' if name in charts else ""


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], *, text_columns: Sequence[int] = ()) -> str:
    """A table of HTML cells; the first column and `text_columns` (0-based) are aligned left."""

    def tag(name: str, column: int, cell: str) -> str:
        aligned = ' class="text"' if column in text_columns else ""
        return f"<{name}{aligned}>{cell}</{name}>"

    head = "".join(tag("th", n, escape(h)) for n, h in enumerate(headers))
    body = "".join("<tr>" + "".join(tag("td", n, cell) for n, cell in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _interval(figure: Mapping[str, Any] | None, unit: str = "points") -> str:
    if not figure or figure["value"] is None:
        return '<span class="muted">–</span>'
    if figure["ci_low"] is None:
        return shown(figure["value"], unit)
    return (f"{shown(figure['value'], unit)} <span class=\"muted\">({shown(figure['ci_low'], unit)} to "
            f"{shown(figure['ci_high'], unit)})</span>")


def _items_table(result: Mapping[str, Any]) -> str:
    rows = [[escape(i["id"]), f"{i['n']:,}", shown(i["mean"], digits=2), shown(i["score"]),
             shown(i["satisfied_share"], "%"), shown(i["importance"], digits=2), shown(i["weight"], "%"),
             escape(QUADRANT_LABELS.get(i["quadrant"] or "", "–"))] for i in result["items"]]
    return _table(["Item", "n", "Mean", "Score (0-100)", "Satisfied", "Importance", "Weight", "Quadrant"], rows,
                  text_columns=[7])


def _drivers_section(result: Mapping[str, Any]) -> list[str]:
    drivers = result.get("drivers") or []
    if not drivers:
        return ["<h2>Key drivers</h2>", '<p class="note">None: they need an overall rating in the spec and at '
                "least items + 2 respondents who answered every item and the overall rating.</p>"]
    rows = [[escape(d["id"]), shown(d["r"], digits=3), shown(d["relative_weight"], "%")] for d in drivers]
    return [f"<h2>Key drivers (R² = {shown(result['drivers_r2'], digits=3)})</h2>",
            _table(["Item", "r with overall", "Relative weight (share of R²)"], rows)]


def _segments_section(result: Mapping[str, Any], charts: Mapping[str, Any]) -> list[str]:
    segments = result.get("segments")
    if segments is None:
        return []
    rows = [[escape(name), f"{f['n']:,}"] + (['<span class="muted">suppressed (n below the minimum base)</span>',
                                              "", ""] if f["suppressed"] else
                                             [_interval(f["index"]), _interval(f["nps"]),
                                              _interval(f["satisfaction_rate"], "%")])
            for name, f in segments.items()]
    return ["<h2>Segments</h2>", _chart("segments", charts),
            _table(["Segment", "n", "Index", "NPS", "Satisfaction rate"], rows)]


def _periods_section(result: Mapping[str, Any], charts: Mapping[str, Any]) -> list[str]:
    periods = result.get("periods")
    if periods is None:
        return []
    rows = [[escape(p["period"]), f"{p['n']:,}", _interval(p["index"]), _interval(p["nps"]),
             _interval(p["satisfaction_rate"], "%"), _change(p["change"], "nps", "points"),
             _change(p["change"], "satisfaction_rate", "%")] for p in periods]
    return ["<h2>Periods</h2>", _chart("periods", charts),
            _table(["Period", "n", "Index", "NPS", "Satisfaction rate", "NPS change", "Rate change (points)"], rows)]


def _change(change: Mapping[str, Any] | None, key: str, unit: str) -> str:
    figure = (change or {}).get(key)
    if not figure:
        return '<span class="muted">–</span>'
    diff = figure["diff"] * (100 if unit == "%" else 1)
    mark = "<strong>significant</strong>" if figure["significant"] else '<span class="muted">n.s.</span>'
    return f"{diff:+.1f} (p = {figure['p_value']:.3f}, {mark})"


def _footer() -> str:
    return ("<footer>Score = 100·(mean − min)/(max − min). Index = Σ weight·score, its interval by the delta "
            "method. Satisfaction rate: Wilson interval. NPS = % promoters (9-10) − % detractors (0-6). Key "
            "drivers: Johnson's relative weights on the complete answers. Changes between periods: z-tests, "
            "significant at p &lt; 0.05. Made by <code>csm analyze</code>.</footer>")
