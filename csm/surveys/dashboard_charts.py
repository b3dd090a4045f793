"""Plotly figures of the satisfaction dashboard, as plain JSON-ready dicts ({"data", "layout"}) drawn
in the browser by surveys/dashboard.js with the plotly.min.js of the plotly wheel.

Each figure shows the numbers of the table beside it: the trend with its 95 % band, bars with their
95 % intervals as error bars, the importance-performance grid with its cross-hairs at the means
and the quadrants named, the drivers' relative weights. Suppressed groups (n below the base) are
left out of the charts; the tables list them with their n.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from csm.surveys.dashboard_export import localized, quadrant_label
from csm.surveys.dashboard_figures import Estimate, Figures, GroupFigures, NpsFigure, PeriodFigures

Figure = dict[str, Any]
PRIMARY, SECONDARY, BAND, DANGER, SUCCESS = "#1f5fa8", "#7a8a99", "rgba(31, 95, 168, 0.18)", "#b3261e", "#116329"
QUADRANT_COLOURS = {"concentrate_here": DANGER, "keep_up": SUCCESS, "low_priority": SECONDARY,
                    "possible_overkill": "#b26b00"}


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    return {"title": {"text": title, "font": {"size": 15}}, "margin": {"l": 56, "r": 16, "t": 48, "b": 56},
            "autosize": True, "legend": {"orientation": "h", "y": -0.2}, "hovermode": "closest", **extra}


def _scaled(value: float | None, factor: float) -> float | None:
    return None if value is None else value * factor


def _errors(estimates: Sequence[Estimate | NpsFigure | None], factor: float = 1.0) -> dict[str, Any]:
    """Asymmetric error bars from each estimate's interval."""
    def gap(e: Estimate | NpsFigure | None, end: str) -> float | None:
        if e is None or e.value is None or getattr(e, end) is None:
            return None
        return abs(getattr(e, end) - e.value) * factor

    return {"type": "data", "symmetric": False, "array": [gap(e, "ci_high") for e in estimates],
            "arrayminus": [gap(e, "ci_low") for e in estimates], "color": "#3e4c59", "thickness": 1.2}


def _trend(title: str, periods: Sequence[PeriodFigures], pick: str, factor: float, axis: dict[str, Any]) -> Figure:
    """One measure per period with its 95 % band (the upper and lower ends, filled between)."""
    labels = [p.key for p in periods]
    values: list[Estimate | NpsFigure | None] = [getattr(p, pick) for p in periods]
    low = [_scaled(v.ci_low, factor) if v else None for v in values]
    high = [_scaled(v.ci_high, factor) if v else None for v in values]
    return {"data": [
        {"type": "scatter", "mode": "lines", "x": labels, "y": high, "line": {"width": 0}, "hoverinfo": "skip",
         "showlegend": False, "connectgaps": False},
        # xgettext:no-python-format
        {"type": "scatter", "mode": "lines", "name": _("95% interval"), "x": labels, "y": low, "fill": "tonexty",
         "fillcolor": BAND, "line": {"width": 0}, "hoverinfo": "skip", "connectgaps": False},
        {"type": "scatter", "mode": "lines+markers", "name": title, "x": labels,
         "y": [_scaled(v.value, factor) if v else None for v in values], "line": {"color": PRIMARY},
         "customdata": [p.n for p in periods], "hovertemplate": "%{x}: %{y:.1f} (n = %{customdata})<extra></extra>"},
    ], "layout": _layout(title, xaxis={"type": "category"}, yaxis=axis, showlegend=False)}


def _ipa(figures: Figures) -> Figure:
    ipa, items = figures.ipa, figures.items
    stated = ipa.importance_source == "stated"
    importances = [item.importance if stated else _scaled(item.relative_weight, 100) for item in items]
    middle = ipa.importance_mid if stated else _scaled(ipa.importance_mid, 100)
    line = {"color": SECONDARY, "dash": "dash", "width": 1}
    shapes = [{"type": "line", "xref": "x", "x0": ipa.score_mid, "x1": ipa.score_mid, "yref": "paper", "y0": 0,
               "y1": 1, "line": line},
              {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": middle, "y1": middle,
               "line": line}]
    corners = (("concentrate_here", 0.01, 0.99, "left", "top"), ("keep_up", 0.99, 0.99, "right", "top"),
               ("low_priority", 0.01, 0.01, "left", "bottom"), ("possible_overkill", 0.99, 0.01, "right", "bottom"))
    annotations = [{"xref": "paper", "yref": "paper", "x": x, "y": y, "xanchor": xa, "yanchor": ya,
                    "text": quadrant_label(q), "showarrow": False, "font": {"color": QUADRANT_COLOURS[q], "size": 12}}
                   for q, x, y, xa, ya in corners]
    axis_title = (_("Stated importance (mean)") if stated
                  # xgettext:no-python-format
                  else _("Derived importance (relative weight, % of R²)"))
    scores = [item.score.value for item in items]
    return {"data": [{
        "type": "scatter", "mode": "markers+text", "x": scores, "y": importances,
        "text": [localized(item.label) for item in items], "textposition": "top center",
        "marker": {"size": 11, "color": [QUADRANT_COLOURS.get(item.quadrant or "", SECONDARY) for item in items]},
        "customdata": [quadrant_label(item.quadrant) for item in items],
        "hovertemplate": "%{text}: " + _("score") + " %{x:.1f}, " + _("importance") + " %{y:.2f}<br>%{customdata}"
                         "<extra></extra>"}],
        "layout": _layout(_("Importance-performance (IPA)"), shapes=shapes, annotations=annotations,
                          xaxis={"title": {"text": _("Performance (score 0-100)")}, "range": _padded(scores)},
                          yaxis={"title": {"text": axis_title}, "range": _padded(importances)}, showlegend=False)}


def _padded(values: Sequence[float | None]) -> list[float] | None:
    """An axis range with room around the points for their labels and the quadrant names."""
    known = [v for v in values if v is not None]
    if not known:
        return None
    low, high = min(known), max(known)
    pad = max((high - low) * 0.25, abs(high) * 0.02, 0.5)
    return [low - pad, high + pad]


def _drivers(figures: Figures) -> Figure:
    items = sorted((item for item in figures.items if item.relative_weight is not None),
                   key=lambda item: item.relative_weight or 0.0)
    title = _("Key drivers of the overall rating (R² = %(r2)s)") % {
        "r2": f"{figures.drivers_r2:.2f}" if figures.drivers_r2 is not None else "–"}
    return {"data": [{"type": "bar", "orientation": "h", "x": [_scaled(i.relative_weight, 100) for i in items],
                      "y": [localized(i.label) for i in items], "marker": {"color": PRIMARY},
                      "customdata": [i.r for i in items],
                      "hovertemplate": "%{y}: %{x:.1f} % (r = %{customdata:.2f})<extra></extra>"}],
            # xgettext:no-python-format
            "layout": _layout(title, xaxis={"title": {"text": _("Relative weight (% of R²)")}},
                              yaxis={"automargin": True})}


def _score_bars(title: str, labels: list[str], scores: Sequence[Estimate | None], counts: list[int]) -> Figure:
    return {"data": [{"type": "bar", "x": labels, "y": [s.value if s else None for s in scores],
                      "error_y": _errors(scores), "marker": {"color": PRIMARY}, "customdata": counts,
                      "hovertemplate": "%{x}: %{y:.1f} (n = %{customdata})<extra></extra>"}],
            "layout": _layout(title, yaxis={"title": {"text": _("Score (0-100)")}, "range": [0, 100]},
                              xaxis={"automargin": True})}


def _groups(title: str, rows: Sequence[GroupFigures]) -> Figure:
    shown = [row for row in rows if not row.suppressed]
    return _score_bars(title, [row.label for row in shown], [row.index for row in shown], [row.n for row in shown])


def figures(result: Figures) -> dict[str, Figure]:
    """The figures by the name of the table they illustrate (several for "periods")."""
    periods = result.periods
    return {
        "trend_index": _trend(_("Satisfaction index"), periods, "index", 1.0, {"range": [0, 100]}),
        "trend_rate": _trend(_("Satisfaction rate (%)"), periods, "satisfaction_rate", 100.0, {"range": [0, 100]}),
        "trend_nps": _trend(_("Net Promoter Score"), periods, "nps", 1.0, {"range": [-100, 100]}),
        "ipa": _ipa(result),
        "drivers": _drivers(result),
        # xgettext:no-python-format
        "items": _score_bars(_("Item scores with 95% intervals"), [localized(i.label) for i in result.items],
                             [i.score for i in result.items], [i.n for i in result.items]),
        "characteristics": _score_bars(_("Score per service characteristic"),
                                       [c.label for c in result.characteristics],
                                       [c.score for c in result.characteristics],
                                       [c.score.n for c in result.characteristics]),
        "touch_points": _groups(_("Satisfaction index per touch point"), result.touch_points),
        "units": _groups(_("Satisfaction index per unit"), result.units),
        "segments": _groups(_("Satisfaction index per segment"), result.segments),
    }
