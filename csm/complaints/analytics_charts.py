"""Plotly figures for the analytics page, built here as plain JSON-ready dicts ({"data", "layout"})
and drawn in the browser by complaints/analytics.js with the plotly.min.js of the plotly wheel.

Each figure shows the same numbers as the table under it: proportions as percentages with their
Wilson 95 % interval as error bars, the p-chart with its centre line, its 3-sigma limits per month
and the months out of control marked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from csm.complaints import analytics as a
from csm.complaints.analytics_export import age_label, rate_chart_title, step_label
from csm.core import stats

Figure = dict[str, Any]
PRIMARY, SECONDARY, WARNING, DANGER = "#1f5fa8", "#7a8a99", "#b26b00", "#b3261e"
TOP_TOUCH_POINTS = 20


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    return {"title": {"text": title}, "margin": {"l": 60, "r": 20, "t": 50, "b": 80}, "autosize": True,
            "legend": {"orientation": "h"}, **extra}


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 2)


def _error_bars(shares: Sequence[stats.Proportion]) -> dict[str, Any]:
    """Asymmetric error bars (percentage points) from each share's Wilson interval."""
    return {"type": "data", "symmetric": False,
            "array": [None if s.p is None or s.high is None else round((s.high - s.p) * 100, 2) for s in shares],
            "arrayminus": [None if s.p is None or s.low is None else round((s.p - s.low) * 100, 2) for s in shares]}


def _bars(title: str, rows: Sequence[a.CountRow], *, horizontal: bool = False) -> Figure:
    labels, counts = [row.label for row in rows], [row.count for row in rows]
    trace: dict[str, Any] = {"type": "bar", "name": _("Complaints"), "marker": {"color": PRIMARY}}
    trace.update({"x": counts, "y": labels, "orientation": "h"} if horizontal else {"x": labels, "y": counts})
    axis = {"yaxis": {"automargin": True, "autorange": "reversed"}} if horizontal else {}
    return {"data": [trace], "layout": _layout(title, **axis)}


def _pareto(result: a.ComplaintAnalytics) -> Figure:
    bars = result.pareto.bars
    labels = [bar.label for bar in bars]
    return {"data": [
        {"type": "bar", "name": _("Complaints"), "x": labels, "y": [bar.count for bar in bars],
         "marker": {"color": [PRIMARY if bar.is_vital_few else SECONDARY for bar in bars]}},
        {"type": "scatter", "mode": "lines+markers", "name": _("Cumulative share (%)"), "x": labels,
         "y": [_percent(bar.cumulative_share) for bar in bars], "yaxis": "y2", "line": {"color": WARNING}},
    ], "layout": _layout(
        _("Pareto by category (n = %(n)s)") % {"n": result.pareto.n},
        yaxis={"title": {"text": _("Complaints")}},
        yaxis2={"title": {"text": "%"}, "overlaying": "y", "side": "right", "range": [0, 105]},
        shapes=[{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y2", "y0": 80, "y1": 80,
                 "line": {"dash": "dot", "color": WARNING}}])}


def _shares(title: str, labels: list[str], shares: Sequence[stats.Proportion]) -> Figure:
    return {"data": [{"type": "bar", "name": _("Share (%)"), "x": labels, "y": [_percent(s.p) for s in shares],
                      "error_y": _error_bars(shares), "marker": {"color": PRIMARY},
                      "customdata": [s.n for s in shares], "hovertemplate": "%{y}% (n = %{customdata})"}],
            "layout": _layout(title, yaxis={"title": {"text": "%"}, "range": [0, 105]})}


def _timings(result: a.ComplaintAnalytics) -> Figure:
    labels = [step_label(t.step) for t in result.timings]
    return {"data": [
        {"type": "bar", "name": _("Median"), "x": labels, "y": [t.hours.median for t in result.timings],
         "marker": {"color": PRIMARY}},
        {"type": "bar", "name": _("P90"), "x": labels, "y": [t.hours.p90 for t in result.timings],
         "marker": {"color": SECONDARY}},
    ], "layout": _layout(_("Time to acknowledge, respond and resolve (calendar hours)"), barmode="group",
                         yaxis={"title": {"text": _("Hours")}})}


def _remedy_costs(result: a.ComplaintAnalytics) -> Figure:
    rows = result.remedy_costs.by_remedy
    return {"data": [{"type": "bar", "name": _("Total"), "x": [row.label for row in rows],
                      "y": [float(row.total) for row in rows], "marker": {"color": PRIMARY}}],
            "layout": _layout(_("Remedy cost by remedy (n = %(n)s)") % {"n": result.remedy_costs.n})}


def _backlog(result: a.ComplaintAnalytics) -> Figure:
    buckets = result.backlog.buckets
    return {"data": [{"type": "bar", "name": _("Open complaints"), "x": [age_label(b) for b in buckets],
                      "y": [b.count for b in buckets], "marker": {"color": PRIMARY}}],
            "layout": _layout(_("Backlog age (n = %(n)s)") % {"n": result.backlog.n})}


def _months(result: a.ComplaintAnalytics) -> Figure:
    labels = [f"{m.month:%Y-%m}" for m in result.months]
    return {"data": [
        {"type": "scatter", "mode": "lines+markers", "name": _("Received"), "x": labels,
         "y": [m.received for m in result.months], "line": {"color": PRIMARY}},
        {"type": "scatter", "mode": "lines+markers", "name": _("Closed"), "x": labels,
         "y": [m.closed for m in result.months], "line": {"color": SECONDARY}},
    ], "layout": _layout(_("Complaints per month"), xaxis={"type": "category"})}


def _p_chart(result: a.ComplaintAnalytics) -> Figure:
    chart = result.rate_chart.chart
    points = [p for p in chart.points if p.p is not None]
    labels = [p.label for p in points]
    outside = [p for p in points if p.is_out_of_control]
    return {"data": [
        {"type": "scatter", "mode": "lines+markers", "name": "p", "x": labels, "y": [p.p for p in points],
         "customdata": [p.n for p in points], "hovertemplate": "%{y:.4%} (n = %{customdata})",
         "line": {"color": PRIMARY}},
        {"type": "scatter", "mode": "lines", "name": _("Centre line"), "x": labels,
         "y": [chart.centre] * len(points), "line": {"color": SECONDARY}},
        {"type": "scatter", "mode": "lines", "name": _("UCL"), "x": labels, "y": [p.ucl for p in points],
         "line": {"color": DANGER, "dash": "dash", "shape": "hvh"}},
        {"type": "scatter", "mode": "lines", "name": _("LCL"), "x": labels, "y": [p.lcl for p in points],
         "line": {"color": DANGER, "dash": "dash", "shape": "hvh"}},
        {"type": "scatter", "mode": "markers", "name": _("Out of control"), "x": [p.label for p in outside],
         "y": [p.p for p in outside], "marker": {"color": DANGER, "size": 12, "symbol": "diamond"}},
    ], "layout": _layout(rate_chart_title(result.rate_chart), xaxis={"type": "category"},
                         yaxis={"tickformat": ".2%", "rangemode": "tozero"})}


def figures(result: a.ComplaintAnalytics) -> dict[str, Figure]:
    """The figure of each measure that has one, by the measure's name in analytics_export."""
    on_time, outcomes = result.on_time, result.outcomes
    return {
        "categories": _bars(_("Complaints by category"), result.by_category),
        "channels": _bars(_("Complaints by channel"), result.by_channel),
        "touch_points": _bars(_("Complaints by touch point (top %(n)s)") % {"n": TOP_TOUCH_POINTS},
                              result.by_touch_point[:TOP_TOUCH_POINTS], horizontal=True),
        "units": _bars(_("Complaints by unit"), result.by_unit),
        "pareto": _pareto(result),
        "timings": _timings(result),
        # xgettext:no-python-format
        "on_time": _shares(_("On-time rate per step, with 95% intervals"), [step_label(r.step) for r in on_time],
                           [r.on_time for r in on_time]),
        # xgettext:no-python-format
        "outcomes": _shares(_("Decision outcomes, with 95% intervals"), [r.label for r in outcomes],
                            [r.share for r in outcomes]),
        "remedy_costs": _remedy_costs(result),
        "backlog": _backlog(result),
        "months": _months(result),
        "p_chart": _p_chart(result),
    }
