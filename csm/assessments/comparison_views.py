"""Management's comparison pages, read from issued reports only (csm.assessments.comparison):

- `progress` (?unit=<id>, empty for the whole organisation; ?mode=self|independent): each standard's
  index and level per report with the change between reports, and each clause's index per report;
- `benchmark` (?mode=): the units' latest reports as a clause × unit heatmap and the same numbers as
  a table, with ranks per standard; ?format=csv (the matrix) or ?format=xlsx (matrix and units);
- `gap` (?unit=, ?self=<report id>&independent=<report id>): calibration and bias of a
  self-assessment against an independent one, per standard and per clause, with a bar chart.

Each chart is a plotly figure (JSON) drawn with the plotly.min.js of the plotly wheel, and the table
beside it carries the same rounded numbers; every figure names its n. Unknown units, reports and
formats are 404s, whether missing or another organisation's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.decorators import org_view
from csm.accounts.selectors import unit_tree
from csm.assessments import comparison as c
from csm.assessments import comparison_selectors as selectors
from csm.assessments.models import Mode, Report
from csm.assessments.rounding import rounded
from csm.core import sheets

PRIMARY, MUTED = "#1f5fa8", "#7a8a99"
SERIES = ("#1f5fa8", "#b26b00", "#116329", "#8a3ffc", "#b3261e")


@dataclass(frozen=True)
class Counted:
    """A figure with the n behind it (and a unit's rank); the page shows all, a file only the figure."""

    value: Decimal | None
    n: int
    rank: int | None = None
    is_counted: bool = True


@dataclass(frozen=True)
class Table:
    """A table as shown and exported; the first `text_columns` columns are text, the rest figures."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    text_columns: int = 1

    def plain_rows(self) -> list[list[Any]]:
        return [[cell.value if isinstance(cell, Counted) else cell for cell in row] for row in self.rows]


@dataclass(frozen=True)
class Scope:
    unit_id: int | None
    mode: str | None
    units: tuple[tuple[int, str], ...]  # (id, name indented by depth) for the scope select

    def query(self, extra: dict[str, Any]) -> str:
        return urlencode({"unit": self.unit_id or "", "mode": self.mode or "", **extra})


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def _scope(request: HttpRequest) -> Scope:
    """The unit (of the organisation, else 404) and mode chosen in the query string."""
    units = unit_tree(actor=_actor(request))
    unit, mode = request.GET.get("unit", ""), request.GET.get("mode", "")
    unit_id = next((u.pk for u, _depth in units if str(u.pk) == unit), None)
    if (unit and unit_id is None) or (mode and mode not in Mode.values):
        raise Http404()
    options = tuple((u.pk, "— " * depth + u.name) for u, depth in units)
    return Scope(unit_id=unit_id, mode=mode or None, units=options)


def _mode_label(mode: str) -> str:
    return str(dict(Mode.choices).get(mode, mode))


def _report_label(report: c.ReportInfo) -> str:
    return f"{report.number}<br>{report.ends_on}"


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    return {"title": {"text": title, "font": {"size": 15}}, "margin": {"l": 64, "r": 48, "t": 48, "b": 64},
            "autosize": True, "legend": {"orientation": "h", "y": -0.25}, "hovermode": "closest", **extra}


def _number(value: float | None, places: int = 1) -> float | None:
    shown = rounded(value, places)
    return None if shown is None else float(shown)


def _page(request: HttpRequest, template: str, scope: Scope, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"assessments/comparison/{template}", {
        "scope": scope, "modes": Mode.choices, "page_url": request.path, **context})


# Progress over time --------------------------------------------------------------------------------

def _progress_standards(result: c.Progress) -> Table:
    rows = []
    for line in (result.overall, *result.standards):
        changes: Sequence[c.Change | None] = (None, *line.changes)
        for report, score, change in zip(result.reports, line.scores, changes, strict=True):
            rows.append((line.standard or _("Overall"), report.number, report.ends_on, _mode_label(report.mode),
                         rounded(score.index) if score else None, score.level if score else None,
                         score.n if score else None, rounded(change.index) if change else None,
                         change.level if change else None))
    return Table(_("Index and level per standard"), (
        _("Standard"), _("Report"), _("Period end"), _("Mode"), _("Index"), _("Level"), _("n questions"),
        _("Change in index"), _("Change in level")), tuple(rows), text_columns=4)


def _progress_clauses(result: c.Progress) -> Table:
    rows = tuple((line.label, *(Counted(rounded(v.index), v.n) if v else None for v in line.values),
                  rounded(line.change)) for line in result.clauses)
    header = (_("Clause"), *(r.number for r in result.reports), _("Change, first to last"))
    return Table(_("Index per clause"), header, rows)


def _progress_figure(result: c.Progress) -> dict[str, Any]:
    labels = [_report_label(r) for r in result.reports]
    traces = [{"type": "scatter", "mode": "lines+markers", "name": line.standard or _("Overall"), "x": labels,
               "y": [_number(s.index) if s else None for s in line.scores],
               "customdata": [s.n if s else None for s in line.scores],
               "line": {"color": SERIES[position % len(SERIES)] if line.standard else MUTED,
                        "dash": "solid" if line.standard else "dash"},
               "hovertemplate": "%{x}: %{y:.1f} (n = %{customdata})<extra>%{fullData.name}</extra>"}
              for position, line in enumerate((*result.standards, result.overall))]
    title = ngettext("Index per standard (n = %(n)s report)", "Index per standard (n = %(n)s reports)",
                     len(result.reports)) % {"n": len(result.reports)}
    return {"data": traces, "layout": _layout(title, xaxis={"type": "category"},
                                              yaxis={"title": {"text": _("Index (0-100)")}, "range": [0, 100]})}


@org_view(roles.ASSESSMENTS_VIEW)
def progress_page(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    reports = selectors.report_history(actor=_actor(request), unit_id=scope.unit_id, mode=scope.mode)
    result = c.progress([report.snapshot for report in reports])
    context: dict[str, Any] = {"result": result}
    if result.reports:
        context.update(standards=_progress_standards(result), clauses=_progress_clauses(result),
                       figure=_progress_figure(result))
    return _page(request, "progress.html", scope, context)


# The unit benchmark --------------------------------------------------------------------------------

def _matrix(result: c.Benchmark) -> Table:
    header = (_("Clause"), *(u.unit_name for u in result.units), _("Mean"), _("Minimum"), _("Maximum"),
              _("n units"))
    rows = tuple((row.label, *(Counted(rounded(cell.index), cell.n) if cell else None for cell in row.cells),
                  rounded(row.mean), rounded(row.minimum), rounded(row.maximum), row.n)
                 for row in result.rows)
    return Table(_("Clause index by unit"), header, rows)


def _unit_row(unit: c.UnitSummary) -> tuple[Any, ...]:
    return (unit.unit_name, unit.report.number, unit.report.ends_on, _mode_label(unit.report.mode),
            Counted(rounded(unit.overall.index), unit.overall.n), unit.overall.level)


def _unit_table(result: c.Benchmark) -> Table:
    """On the page: one column per standard, each cell the index with its n and rank."""
    rows = tuple((*_unit_row(u), *(Counted(rounded(score.index), score.n, rank) if score else None
                                   for score, rank in zip(u.standards, u.ranks, strict=True)))
                 for u in result.units)
    return Table(_("Units: overall result and rank per standard"), (*_unit_header(), *result.standards), rows,
                 text_columns=4)


def _unit_export(result: c.Benchmark) -> Table:
    """In the workbook: an index column and a rank column per standard."""
    header = (*_unit_header(), *(label for s in result.standards for label in (
        _("%(standard)s index") % {"standard": s}, _("%(standard)s rank") % {"standard": s})))
    rows = tuple((*_unit_row(u), *(cell for score, rank in zip(u.standards, u.ranks, strict=True)
                                   for cell in (rounded(score.index) if score else None, rank)))
                 for u in result.units)
    return Table(_("Units"), header, rows)


def _unit_header() -> tuple[str, ...]:
    return _("Unit"), _("Report"), _("Period end"), _("Mode"), _("Overall index"), _("Overall level")


def _heatmap(result: c.Benchmark) -> dict[str, Any]:
    z = [[_number(cell.index) if cell else None for cell in row.cells] for row in result.rows]
    title = ngettext("Clause index by unit (n = %(n)s unit)", "Clause index by unit (n = %(n)s units)",
                     len(result.units)) % {"n": len(result.units)}
    return {"data": [{
        "type": "heatmap", "z": z, "x": [u.unit_name for u in result.units], "y": [r.label for r in result.rows],
        "zmin": 0, "zmax": 100, "colorscale": "YlGnBu", "reversescale": True, "xgap": 2, "ygap": 2,
        "text": [["" if v is None else f"{v:.1f}" for v in line] for line in z], "texttemplate": "%{text}",
        "customdata": [[cell.n if cell else None for cell in row.cells] for row in result.rows],
        "colorbar": {"title": {"text": _("Index")}},
        "hovertemplate": "%{y} · %{x}: %{z:.1f} (n = %{customdata})<extra></extra>"}],
        "layout": _layout(title, height=180 + 34 * len(result.rows), xaxis={"type": "category", "automargin": True},
                          yaxis={"autorange": "reversed", "type": "category", "automargin": True})}


def _download(result: c.Benchmark, file_format: str) -> HttpResponse:
    matrix, units = _matrix(result), _unit_export(result)
    if file_format == "csv":
        body: str | bytes = sheets.csv_text(matrix.header, matrix.plain_rows())
        content_type, extension = "text/csv; charset=utf-8", "csv"
    elif file_format == "xlsx":
        body = sheets.xlsx_bytes([(t.title, t.header, t.plain_rows()) for t in (matrix, units)], freeze=True)
        content_type, extension = sheets.XLSX_TYPE, "xlsx"
    else:
        raise Http404()
    return HttpResponse(body, content_type=content_type,
                        headers={"Content-Disposition": f'attachment; filename="assessment-benchmark.{extension}"'})


@org_view(roles.ASSESSMENTS_VIEW)
def benchmark_page(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    reports = selectors.latest_reports_by_unit(actor=_actor(request), mode=scope.mode)
    result = c.benchmark(selectors.as_unit_snapshots(reports))
    if "format" in request.GET:
        return _download(result, request.GET["format"])
    context: dict[str, Any] = {"result": result}
    if result.units:
        context.update(matrix=_matrix(result), units=_unit_table(result), figure=_heatmap(result),
                       csv_url=f"?{scope.query({'format': 'csv'})}", xlsx_url=f"?{scope.query({'format': 'xlsx'})}")
    return _page(request, "benchmark.html", scope, context)


# Self-assessment against independent assessment ----------------------------------------------------

def _differences(effective: c.Difference, claimed: c.Difference) -> tuple[Decimal | None, ...]:
    return (rounded(effective.calibration, 2), rounded(effective.bias, 2),
            rounded(claimed.calibration, 2), rounded(claimed.bias, 2))


def _difference_header() -> tuple[str, ...]:
    return _("Calibration"), _("Bias"), _("Calibration, claimed"), _("Bias, claimed")


def _gap_standards(result: c.Gap) -> Table:
    mine, theirs = result.self_report, result.independent_report
    overall = (_("Overall"), result.overall_effective.n, rounded(mine.overall_index), mine.overall_level,
               rounded(theirs.overall_index), theirs.overall_level,
               *_differences(result.overall_effective, result.overall_claimed))
    rows = tuple((r.label, r.effective.n, rounded(r.self_index), r.self_level, rounded(r.independent_index),
                  r.independent_level, *_differences(r.effective, r.claimed)) for r in result.standards)
    return Table(_("Per standard"), (
        _("Standard"), _("n questions"), _("Self index"), _("Self level"), _("Independent index"),
        _("Independent level"), *_difference_header()), (overall, *rows))


def _gap_clauses(result: c.Gap) -> Table:
    rows = tuple((r.label, r.effective.n, rounded(r.self_index), rounded(r.independent_index),
                  *_differences(r.effective, r.claimed)) for r in result.clauses)
    return Table(_("Per clause"), (_("Clause"), _("n questions"), _("Self index"), _("Independent index"),
                                   *_difference_header()), rows)


def _gap_figure(result: c.Gap) -> dict[str, Any]:
    rows = [r for r in result.clauses if r.effective.n]
    labels, counts = [r.label for r in rows], [r.effective.n for r in rows]
    bars = [{"type": "bar", "name": name, "x": labels, "y": [_number(pick(r), 2) for r in rows],
             "marker": {"color": colour}, "customdata": counts,
             "hovertemplate": "%{x}: %{y:.2f} (n = %{customdata})<extra>%{fullData.name}</extra>"}
            for name, colour, pick in ((_("Calibration"), PRIMARY, lambda r: r.effective.calibration),
                                       (_("Bias"), "#b26b00", lambda r: r.effective.bias))]
    title = ngettext("Calibration and bias per clause, effective scores (n = %(n)s question)",
                     "Calibration and bias per clause, effective scores (n = %(n)s questions)",
                     result.overall_effective.n) % {"n": result.overall_effective.n}
    return {"data": bars, "layout": _layout(title, barmode="group", xaxis={"type": "category", "automargin": True},
                                            yaxis={"title": {"text": _("Score points (0-3)")},
                                                   "range": [-3, 3], "zeroline": True})}


def _chosen_ids(request: HttpRequest, pairs: Sequence[selectors.ReportPair]) -> tuple[str, str] | None:
    """The pair named in the query string, else the newest pair of the scope."""
    chosen = request.GET.get("self", ""), request.GET.get("independent", "")
    if all(chosen):
        return chosen
    return (str(pairs[0].self_report.pk), str(pairs[0].independent_report.pk)) if pairs else None


def _gap_context(request: HttpRequest, chosen: tuple[str, str]) -> dict[str, Any]:
    full = selectors.gap_reports(actor=_actor(request), self_id=chosen[0], independent_id=chosen[1])
    result = c.gap(full.self_report.snapshot, full.independent_report.snapshot)
    return {"result": result, "standards": _gap_standards(result), "clauses": _gap_clauses(result),
            "figure": _gap_figure(result), "pair": full,
            "same_scope": full.self_report.assessment.unit_id == full.independent_report.assessment.unit_id}


def _pair_links(scope: Scope, pairs: Sequence[selectors.ReportPair]) -> list[dict[str, Any]]:
    return [{"pair": pair, "url": "?" + scope.query({"self": pair.self_report.pk,
                                                     "independent": pair.independent_report.pk})} for pair in pairs]


@org_view(roles.ASSESSMENTS_VIEW)
def gap_page(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    actor = _actor(request)
    pairs = selectors.self_independent_pairs(actor=actor, unit_id=scope.unit_id)
    chosen = _chosen_ids(request, pairs)
    context: dict[str, Any] = {"pairs": _pair_links(scope, pairs), "choices": _choices(actor)}
    if chosen is not None:
        context.update(_gap_context(request, chosen))
    return _page(request, "gap.html", scope, context)


def _choices(actor: Actor) -> dict[str, list[Report]]:
    reports = selectors.report_choices(actor=actor)
    return {mode: [r for r in reports if r.assessment.mode == mode] for mode in (Mode.SELF, Mode.INDEPENDENT)}
