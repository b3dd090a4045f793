"""The plotly figures of the HTML report of `csm analyze`, as plain JSON-ready dicts ({"data",
"layout"}) drawn by plotly.js: item scores against the index and its interval, the importance-
performance grid, the key drivers, the index by segment and NPS and satisfaction rate by period, each
with its 95% intervals where the result has them. Pure: no Django."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from csm.surveys.analysis.figures import QUADRANT_LABELS, Ipa, ipa

Figure = dict[str, Any]
PRIMARY, SECONDARY, WARNING, DANGER, GOOD = "#1f5fa8", "#7a8a99", "#b26b00", "#b3261e", "#2e7d32"
QUADRANT_COLOURS = {"concentrate_here": DANGER, "keep_up": GOOD, "low_priority": SECONDARY,
                    "possible_overkill": WARNING}


def figures(result: Mapping[str, Any]) -> dict[str, Figure]:
    """The report's figures by name, only those the result has data for."""
    built = {"items": item_scores(result), "ipa": ipa_grid(result), "drivers": drivers(result),
             "segments": segments(result), "periods": periods(result)}
    return {name: figure for name, figure in built.items() if figure is not None}


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    return {"title": {"text": title, "x": 0, "xanchor": "left"}, "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
            "autosize": True, "height": 380, "legend": {"orientation": "h", "y": -0.2},
            "font": {"family": "system-ui, sans-serif", "size": 12}, **extra}


def _error(value: float | None, low: float | None, high: float | None, scale: float = 1.0) -> tuple[Any, Any]:
    """The distances above and below `value` of its interval, for asymmetric error bars."""
    if value is None or low is None or high is None:
        return None, None
    return (high - value) * scale, (value - low) * scale


def item_scores(result: Mapping[str, Any]) -> Figure | None:
    items = [item for item in result["items"] if item["score"] is not None]
    if not items:
        return None
    trace = {"type": "bar", "orientation": "h", "name": "Item score", "marker": {"color": PRIMARY},
             "x": [item["score"] for item in items], "y": [item["id"] for item in items],
             "customdata": [[item["mean"], item["n"], 100 * (item["satisfied_share"] or 0)] for item in items],
             "hovertemplate": "%{y}: %{x:.1f} (mean %{customdata[0]:.2f}, n = %{customdata[1]}, "
                              "%{customdata[2]:.1f}% satisfied)<extra></extra>"}
    shapes, annotations = [], []
    index = result["index"]
    if index["value"] is not None:
        if index["ci_low"] is not None:
            shapes.append({"type": "rect", "xref": "x", "yref": "paper", "x0": index["ci_low"], "x1": index["ci_high"],
                           "y0": 0, "y1": 1, "fillcolor": WARNING, "opacity": 0.15, "line": {"width": 0}})
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": index["value"], "x1": index["value"],
                       "y0": 0, "y1": 1, "line": {"color": WARNING, "width": 2, "dash": "dash"}})
        annotations.append({"xref": "x", "yref": "paper", "x": index["value"], "y": 1.02, "showarrow": False,
                            "text": f"Index {index['value']:.1f}", "font": {"color": WARNING},
                            "yanchor": "bottom"})
    return {"data": [trace], "layout": _layout(
        "Item scores (0-100) and the satisfaction index with its 95% interval",
        xaxis={"range": [0, 100], "title": {"text": "Score (0-100)"}},
        yaxis={"autorange": "reversed", "automargin": True}, shapes=shapes, annotations=annotations,
        height=max(300, 60 + 36 * len(items)))}


def ipa_grid(result: Mapping[str, Any]) -> Figure | None:
    grid = ipa(result)
    if grid is None:
        return None
    data = []
    for quadrant, label in QUADRANT_LABELS.items():
        points = [p for p in grid.points if p.quadrant == quadrant]
        if points:
            data.append({"type": "scatter", "mode": "markers+text", "name": label,
                         "x": [p.importance for p in points], "y": [p.score for p in points],
                         "text": [p.id for p in points], "textposition": "top center",
                         "marker": {"size": 12, "color": QUADRANT_COLOURS[quadrant]},
                         "hovertemplate": "%{text}: importance %{x:.3f}, score %{y:.1f}<extra></extra>"})
    x_title = "Relative weight (derived from the drivers)" if grid.derived else "Importance (stated, mean)"
    return {"data": data, "layout": _layout(
        "Importance-performance analysis", height=460, showlegend=False,
        xaxis={"title": {"text": x_title}, "zeroline": False, "range": _padded([p.importance for p in grid.points])},
        yaxis={"title": {"text": "Score (0-100)"}, "zeroline": False,
               "range": _padded([p.score for p in grid.points])},
        shapes=_cross_hairs(grid), annotations=_corner_labels())}


def _padded(values: list[float], share: float = 0.25) -> list[float]:
    """An axis range with room around the points for their labels and the corner labels."""
    low, high = min(values), max(values)
    room = (high - low) * share or abs(high) * 0.1 or 1.0
    return [low - room, high + room]


def _cross_hairs(grid: Ipa) -> list[dict[str, Any]]:
    line = {"color": SECONDARY, "width": 1, "dash": "dot"}
    return [{"type": "line", "xref": "x", "yref": "paper", "x0": grid.importance_mid, "x1": grid.importance_mid,
             "y0": 0, "y1": 1, "line": line},
            {"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": grid.score_mid,
             "y1": grid.score_mid, "line": line}]


def _corner_labels() -> list[dict[str, Any]]:
    corners = [(0.01, 0.99, "left", "top", "possible_overkill"), (0.99, 0.99, "right", "top", "keep_up"),
               (0.01, 0.01, "left", "bottom", "low_priority"), (0.99, 0.01, "right", "bottom", "concentrate_here")]
    return [{"xref": "paper", "yref": "paper", "x": x, "y": y, "xanchor": xa, "yanchor": ya, "showarrow": False,
             "text": QUADRANT_LABELS[q], "font": {"color": QUADRANT_COLOURS[q], "size": 11}, "opacity": 0.8}
            for x, y, xa, ya, q in corners]


def drivers(result: Mapping[str, Any]) -> Figure | None:
    rows = result.get("drivers") or []
    if not rows:
        return None
    r2 = result["drivers_r2"]
    return {"data": [{"type": "bar", "orientation": "h", "name": "Relative weight", "marker": {"color": PRIMARY},
                      "x": [100 * d["relative_weight"] for d in rows], "y": [d["id"] for d in rows],
                      "customdata": [d["r"] for d in rows],
                      "hovertemplate": "%{y}: %{x:.1f}% of R² (r = %{customdata:.3f})<extra></extra>"}],
            "layout": _layout(f"Key drivers of the overall rating (R² = {r2:.3f})",
                              xaxis={"title": {"text": "Relative weight (% of R²)"}, "rangemode": "tozero"},
                              yaxis={"autorange": "reversed", "automargin": True},
                              height=max(300, 60 + 36 * len(rows)))}


def segments(result: Mapping[str, Any]) -> Figure | None:
    shown = {name: figures for name, figures in (result.get("segments") or {}).items()
             if not figures["suppressed"] and figures["index"]["value"] is not None}
    if not shown:
        return None
    indices = [figures["index"] for figures in shown.values()]
    errors = [_error(i["value"], i["ci_low"], i["ci_high"]) for i in indices]
    return {"data": [{"type": "bar", "name": "Index", "marker": {"color": PRIMARY}, "x": list(shown),
                      "y": [i["value"] for i in indices], "customdata": [f["n"] for f in shown.values()],
                      "error_y": {"type": "data", "symmetric": False, "array": [e[0] for e in errors],
                                  "arrayminus": [e[1] for e in errors], "color": "#333"},
                      "hovertemplate": "%{x}: %{y:.1f} (n = %{customdata})<extra></extra>"}],
            "layout": _layout("Satisfaction index by segment, with 95% intervals", bargap=0.5,
                              yaxis={"range": [0, 100], "title": {"text": "Index (0-100)"}})}


def periods(result: Mapping[str, Any]) -> Figure | None:
    rows = result.get("periods") or []
    if not rows:
        return None
    labels = [row["period"] for row in rows]
    data = []
    for key, name, colour, scale in (("nps", "NPS", PRIMARY, 1.0), ("satisfaction_rate", "Satisfaction rate (%)",
                                                                     GOOD, 100.0)):
        figures = [row[key] for row in rows]
        if all(figure is None for figure in figures):
            continue
        values = [None if f is None or f["value"] is None else f["value"] * scale for f in figures]
        errors = [_error(f["value"], f["ci_low"], f["ci_high"], scale) if f else (None, None) for f in figures]
        data.append({"type": "scatter", "mode": "lines+markers", "name": name, "x": labels, "y": values,
                     "line": {"color": colour}, "marker": {"color": colour},
                     "error_y": {"type": "data", "symmetric": False, "array": [e[0] for e in errors],
                                 "arrayminus": [e[1] for e in errors], "color": colour, "thickness": 1},
                     "hovertemplate": f"{name} %{{x}}: %{{y:.1f}}<extra></extra>"})
    if not data:
        return None
    return {"data": data, "layout": _layout("NPS and satisfaction rate by period, with 95% intervals",
                                            xaxis={"type": "category"},
                                            yaxis={"title": {"text": "NPS / satisfaction rate (%)"}})}
