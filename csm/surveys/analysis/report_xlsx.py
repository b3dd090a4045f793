"""The Excel workbook of `csm analyze`: the sheets Summary, Items, Drivers, Segments and Periods, each
a table of the result's numbers (unrounded; formatted for display) with a native Excel chart: item
scores, the importance-performance grid, the drivers' relative weights, the index by segment and NPS
and satisfaction rate by period. Pure: no Django."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference, ScatterChart, Series
from openpyxl.chart._chart import ChartBase
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from csm.surveys.analysis.figures import QUADRANT_LABELS, Ipa, headlines, ipa
from csm.surveys.measure import Spec

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
PERCENT, ONE, TWO, THREE = "0.0%", "0.0", "0.00", "0.000"


def render_workbook(result: Mapping[str, Any], spec: Spec, *, title: str) -> bytes:
    """The workbook (.xlsx) of a `csm analyze` result."""
    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    _summary(summary, result, spec, title)
    _items(book.create_sheet("Items"), result)
    _drivers(book.create_sheet("Drivers"), result)
    _segments(book.create_sheet("Segments"), result)
    _periods(book.create_sheet("Periods"), result)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _summary(sheet: Worksheet, result: Mapping[str, Any], spec: Spec, title: str) -> None:
    sheet["A1"], sheet["A1"].font = title, TITLE
    sheet.append([])
    _table(sheet, ["Measure", "Value", "95% CI low", "95% CI high", "n"],
           [[h.label, h.value, h.ci_low, h.ci_high, h.n] for h in headlines(result)], {}, start_row=3)
    for row, headline in enumerate(headlines(result), start=4):
        shape = "0" + ("." + "0" * headline.digits if headline.digits else "") + ("%" if headline.unit == "%" else "")
        for column in "BCD":
            sheet[f"{column}{row}"].number_format = shape
    sheet.append([])
    sheet.append([f"Scale {spec.scale_min:g} to {spec.scale_max:g}; satisfied from {spec.satisfied_min:g}; "
                  f"segments and periods shown from {spec.min_base} respondents; intervals at 95%."])
    _widths(sheet, [34, 14, 14, 14, 12])


def _items(sheet: Worksheet, result: Mapping[str, Any]) -> None:
    items = result["items"]
    _table(sheet, ["Item", "n", "Mean", "Score (0-100)", "Satisfied", "Importance", "Weight", "Quadrant"],
           [[i["id"], i["n"], i["mean"], i["score"], i["satisfied_share"], i["importance"], i["weight"],
             QUADRANT_LABELS.get(i["quadrant"] or "", "")] for i in items],
           {3: TWO, 4: ONE, 5: PERCENT, 6: TWO, 7: THREE})
    _widths(sheet, [18, 9, 9, 14, 11, 12, 9, 24])
    last = len(items) + 1
    bars = _bar_chart("Item scores (0-100)", sheet, values=(4, 1, last), categories=(1, 2, last), horizontal=True)
    bars.y_axis.scaling.min, bars.y_axis.scaling.max = 0, 100
    sheet.add_chart(bars, "J2")
    grid = ipa(result)
    if grid is not None:
        sheet.add_chart(_ipa_chart(sheet, grid, first_row=last + 3), "J20")


def _ipa_chart(sheet: Worksheet, grid: Ipa, *, first_row: int) -> ScatterChart:
    """The grid's points (one series per item, so the legend names them) and its cross-hairs, drawn
    from a small table under the items."""
    label = "Relative weight (derived)" if grid.derived else "Importance (stated)"
    sheet.cell(first_row, 1, "Importance-performance grid").font = BOLD
    _table(sheet, ["Item", label, "Score (0-100)", "Quadrant"],
           [[p.id, p.importance, p.score, QUADRANT_LABELS[p.quadrant]] for p in grid.points],
           {2: THREE, 3: ONE}, start_row=first_row + 1)
    chart = ScatterChart()
    chart.title, chart.style, chart.height, chart.width = "Importance-performance analysis", 13, 9, 16
    chart.x_axis.title, chart.y_axis.title = label, "Score (0-100)"
    for row in range(first_row + 2, first_row + 2 + len(grid.points)):
        series = Series(Reference(sheet, min_col=3, min_row=row), Reference(sheet, min_col=2, min_row=row),
                        title=str(sheet.cell(row, 1).value))
        series.marker.symbol, series.marker.size = "circle", 8
        series.graphicalProperties.line.noFill = True
        chart.series.append(series)
    chart.series.extend(_cross_hairs(sheet, grid, first_row=first_row + 3 + len(grid.points)))
    _show_axes(chart)
    return chart


def _cross_hairs(sheet: Worksheet, grid: Ipa, *, first_row: int) -> list[Series]:
    """Dashed lines at the mean importance and the mean score, across the points' range."""
    importances, scores = [p.importance for p in grid.points], [p.score for p in grid.points]
    ends = [(grid.importance_mid, min(scores)), (grid.importance_mid, max(scores)),
            (min(importances), grid.score_mid), (max(importances), grid.score_mid)]
    sheet.cell(first_row, 1, "Cross-hairs (the means)").font = BOLD
    for row, (x, y) in enumerate(ends, start=first_row + 1):
        sheet.cell(row, 2, x).number_format = THREE
        sheet.cell(row, 3, y).number_format = ONE
    lines = []
    for start, name in ((first_row + 1, "Mean importance"), (first_row + 3, "Mean score")):
        line = Series(Reference(sheet, min_col=3, min_row=start, max_row=start + 1),
                      Reference(sheet, min_col=2, min_row=start, max_row=start + 1), title=name)
        line.marker.symbol = "none"
        line.graphicalProperties.line.dashStyle = "dash"
        lines.append(line)
    return lines


def _drivers(sheet: Worksheet, result: Mapping[str, Any]) -> None:
    drivers = result["drivers"]
    if not drivers:
        sheet["A1"] = ("No key drivers: they need an overall rating in the spec and more complete answers "
                       "(every item and the overall rating) than items + 1.")
        return
    _table(sheet, ["Item", "r with overall", "Relative weight (share of R²)"],
           [[d["id"], d["r"], d["relative_weight"]] for d in drivers], {2: THREE, 3: PERCENT})
    sheet.cell(len(drivers) + 3, 1, "R²").font = BOLD
    sheet.cell(len(drivers) + 3, 2, result["drivers_r2"]).number_format = THREE
    _widths(sheet, [18, 16, 28])
    last = len(drivers) + 1
    chart = _bar_chart("Key drivers: relative weight", sheet, values=(3, 1, last), categories=(1, 2, last),
                       horizontal=True)
    chart.y_axis.number_format = "0%"
    sheet.add_chart(chart, "E2")


def _segments(sheet: Worksheet, result: Mapping[str, Any]) -> None:
    segments = result.get("segments")
    if segments is None:
        sheet["A1"] = "No segment column in the spec."
        return
    _table(sheet, ["Segment", "n", "Suppressed", "Index", "Index CI low", "Index CI high", "NPS", "NPS CI low",
                   "NPS CI high", "Satisfaction rate", "Rate CI low", "Rate CI high"],
           [[name, figures["n"], "yes" if figures["suppressed"] else "", *_interval(figures["index"]),
             *_interval(figures["nps"]), *_interval(figures["satisfaction_rate"])]
            for name, figures in segments.items()],
           {4: ONE, 5: ONE, 6: ONE, 7: ONE, 8: ONE, 9: ONE, 10: PERCENT, 11: PERCENT, 12: PERCENT})
    _widths(sheet, [20, 9, 11] + [12] * 9)
    if segments:
        last = len(segments) + 1
        chart = _bar_chart("Satisfaction index by segment", sheet, values=(4, 1, last), categories=(1, 2, last))
        sheet.add_chart(chart, f"A{last + 3}")


def _periods(sheet: Worksheet, result: Mapping[str, Any]) -> None:
    periods = result.get("periods")
    if periods is None:
        sheet["A1"] = "No period column in the spec."
        return
    _table(sheet, ["Period", "n", "Index", "NPS", "NPS CI low", "NPS CI high", "Satisfaction rate (%)",
                   "Rate CI low (%)", "Rate CI high (%)", "NPS change", "NPS change p", "Rate change (points)",
                   "Rate change p"],
           [[p["period"], p["n"], (p["index"] or {}).get("value"), *_interval(p["nps"]),
             *(_hundred(v) for v in _interval(p["satisfaction_rate"])), *_changes(p["change"])] for p in periods],
           {3: ONE, 4: ONE, 5: ONE, 6: ONE, 7: ONE, 8: ONE, 9: ONE, 10: ONE, 11: THREE, 12: ONE, 13: THREE})
    _widths(sheet, [10, 9, 9, 9, 11, 11, 20, 15, 15, 12, 13, 20, 13])
    if periods:
        sheet.add_chart(_periods_chart(sheet, last=len(periods) + 1), f"A{len(periods) + 4}")


def _periods_chart(sheet: Worksheet, *, last: int) -> LineChart:
    """NPS (column D) and the satisfaction rate in % (column G) by period, on one axis."""
    chart = LineChart()
    chart.title, chart.height, chart.width = "NPS and satisfaction rate by period", 9, 20
    chart.y_axis.title = "NPS / satisfaction rate (%)"
    for column in (4, 7):
        chart.add_data(Reference(sheet, min_col=column, min_row=1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=last))
    _show_axes(chart)
    return chart


def _interval(figure: Mapping[str, Any] | None) -> list[float | None]:
    return [None, None, None] if not figure else [figure["value"], figure["ci_low"], figure["ci_high"]]


def _hundred(value: float | None) -> float | None:
    return None if value is None else 100 * value


def _changes(change: Mapping[str, Any] | None) -> list[float | None]:
    nps = (change or {}).get("nps") or {}
    rate = (change or {}).get("satisfaction_rate") or {}
    return [nps.get("diff"), nps.get("p_value"), _hundred(rate.get("diff")), rate.get("p_value")]


def _table(sheet: Worksheet, headers: Sequence[str], rows: Sequence[Sequence[Any]], formats: Mapping[int, str],
           *, start_row: int = 1) -> None:
    """Headers in bold at `start_row`, then the rows; `formats` by column number (1 = A)."""
    for column, header in enumerate(headers, start=1):
        sheet.cell(start_row, column, header).font = BOLD
    for offset, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(start_row + offset, column, value)
            if column in formats:
                cell.number_format = formats[column]


def _bar_chart(title: str, sheet: Worksheet, *, values: tuple[int, int, int], categories: tuple[int, int, int],
               horizontal: bool = False) -> BarChart:
    """A bar chart of a column (column, header row, last row) against its labels (column, first, last)."""
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.title, chart.legend, chart.height, chart.width = title, None, 9, 16
    column, first, last = values
    chart.add_data(Reference(sheet, min_col=column, min_row=first, max_row=last), titles_from_data=True)
    column, first, last = categories
    chart.set_categories(Reference(sheet, min_col=column, min_row=first, max_row=last))
    if horizontal:
        chart.x_axis.scaling.orientation = "maxMin"  # the first item on top, as in the table
    _show_axes(chart)
    return chart


def _show_axes(chart: ChartBase) -> None:
    # openpyxl 3.1 marks the axes deleted unless told otherwise; Excel then draws none.
    chart.x_axis.delete = False
    chart.y_axis.delete = False


def _widths(sheet: Worksheet, widths: Sequence[int]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[chr(ord("A") + column - 1)].width = width
