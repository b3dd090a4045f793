"""The satisfaction dashboard as tables: shown under its charts, downloaded as a CSV (one table) or
an XLSX workbook (one sheet per table).

Guarantees: the files hold the same numbers as the API's JSON, unrounded (shares 0-1, scores and
the index 0-100, NPS −100 to 100); every figure has its n and, where it has one, its 95 % interval;
a suppressed group (n below the base) has its n and no figures. The CSV is UTF-8 with a byte-order
mark, so Excel opens Polish and Chinese names correctly. Text cells (unit, touch point,
characteristic and segment names are typed by users) cannot run as formulas: in a CSV a cell
starting with = + - @, tab or carriage return gets a leading apostrophe (`core.audit_csv.safe_cell`);
in XLSX text is always a string cell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from csm.core import sheets
from csm.core.audit_csv import safe_cell
from csm.surveys.dashboard_figures import (
    Change,
    Estimate,
    Figures,
    GroupFigures,
    NpsFigure,
    PeriodFigures,
    SegmentFigures,
    Versus,
)
from csm.surveys.dashboards import Dashboard

Cell = str | int | float | None
XLSX_TYPE = sheets.XLSX_TYPE
BOM = sheets.BOM
# Column kinds, for the page to format each cell while the files keep the plain values.
TEXT, COUNT, SCORE, SHARE, POINTS, P_VALUE, NUMBER, FLAG = (
    "text", "count", "score", "share", "points", "p_value", "number", "flag")
TABLES = ("headline", "periods", "items", "characteristics", "touch_points", "units", "segments", "heatmap")


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    kinds: tuple[str, ...]


def localized(label: Mapping[str, str]) -> str:
    """An item's wording in the active language, else English, else any."""
    language = get_language() or "en"
    for code in (language, language.split("-")[0], "zh-Hans" if language.startswith("zh") else "", "en"):
        if label.get(code):
            return label[code]
    return next(iter(label.values()), "")


def quadrant_label(quadrant: str | None) -> str:
    return {"concentrate_here": _("Concentrate here"), "keep_up": _("Keep up the good work"),
            "low_priority": _("Low priority"), "possible_overkill": _("Possible overkill")}.get(quadrant or "", "")


def _estimate(estimate: Estimate | NpsFigure | None) -> tuple[Cell, Cell, Cell]:
    return (None, None, None) if estimate is None else (estimate.value, estimate.ci_low, estimate.ci_high)


def _flag(value: bool | None) -> str:
    return "" if value is None else _("yes") if value else _("no")


def _headline(figures: Figures) -> Table:
    rows: list[tuple[Cell, ...]] = [(_("Respondents"), figures.n, None, None, figures.n)]
    rows.append((_("Satisfaction index (degree, 0-100)"), *_estimate(figures.index), figures.index.n))
    if figures.satisfaction_rate:
        rows.append((_("Satisfaction rate (CSAT)"), *_estimate(figures.satisfaction_rate), figures.satisfaction_rate.n))
    if figures.nps:
        rows.append((_("Net Promoter Score"), *_estimate(figures.nps), figures.nps.n))
        rows += [(_("Promoters"), figures.nps.promoters, None, None, figures.nps.n),
                 (_("Passives"), figures.nps.passives, None, None, figures.nps.n),
                 (_("Detractors"), figures.nps.detractors, None, None, figures.nps.n)]
    if figures.ces:
        rows.append((_("Customer effort (mean, 1-7)"), figures.ces.mean, None, None, figures.ces.n))
    if figures.drivers_r2 is not None:
        rows.append((_("Key drivers' R²"), figures.drivers_r2, None, None, None))
    return Table("headline", _("Headline figures"), (_("Measure"), _("Value"), _("95% CI low"), _("95% CI high"),
                                                     _("n")), tuple(rows), (TEXT, NUMBER, NUMBER, NUMBER, COUNT))


def _items(figures: Figures, characteristics: Mapping[str, str]) -> Table:
    rows = tuple((localized(item.label), characteristics.get(str(item.characteristic_id or ""), ""), item.n,
                  item.mean, *_estimate(item.score), item.satisfied_share, item.importance, item.weight,
                  quadrant_label(item.quadrant), item.r, item.relative_weight) for item in figures.items)
    header = (_("Item"), _("Characteristic"), _("n"), _("Mean"), _("Score"), _("95% CI low"), _("95% CI high"),
              _("Satisfied"), _("Importance"), _("Weight in the index"), _("IPA quadrant"),
              _("r with overall"), _("Relative weight (share of R²)"))
    return Table("items", _("Items and key drivers"), header, rows,
                 (TEXT, TEXT, COUNT, NUMBER, SCORE, SCORE, SCORE, SHARE, NUMBER, SHARE, TEXT, NUMBER, SHARE))


def _group_cells(row: GroupFigures) -> tuple[Cell, ...]:
    return (row.label, row.n, _flag(row.suppressed), *_estimate(row.index), *_estimate(row.satisfaction_rate),
            *_estimate(row.nps))


def _group_header(first: str) -> tuple[str, ...]:
    return (first, _("n"), _("Suppressed (n < base)"), _("Index"), _("Index CI low"), _("Index CI high"),
            _("Satisfaction rate"), _("Rate CI low"), _("Rate CI high"), _("NPS"), _("NPS CI low"), _("NPS CI high"))


GROUP_KINDS = (TEXT, COUNT, FLAG, SCORE, SCORE, SCORE, SHARE, SHARE, SHARE, POINTS, POINTS, POINTS)


def _breakdown(name: str, title: str, first: str, rows: Sequence[GroupFigures]) -> Table:
    return Table(name, title, _group_header(first), tuple(_group_cells(row) for row in rows), GROUP_KINDS)


def _change(change: Change | None) -> tuple[Cell, Cell, Cell, Cell]:
    if change is None:
        return None, None, None, None
    return change.diff, change.p_value, _flag(change.significant), change.mdd


def _periods(rows: Sequence[PeriodFigures]) -> Table:
    header = (*_group_header(_("Period")), _("NPS change"), _("NPS change p"), _("NPS change significant"),
              _("NPS MDD"), _("Rate change"), _("Rate change p"), _("Rate change significant"), _("Rate MDD"))
    cells = tuple((*_group_cells(row), *_change(row.nps_change), *_change(row.rate_change)) for row in rows)
    return Table("periods", _("Over time"), header, cells,
                 (*GROUP_KINDS, POINTS, P_VALUE, FLAG, POINTS, SHARE, P_VALUE, FLAG, SHARE))


def _versus(versus: Versus | None) -> tuple[Cell, Cell, Cell, Cell]:
    if versus is None:
        return None, None, None, None
    return versus.diff, versus.p_value, versus.p_adjusted, _flag(versus.significant)


def _segments(rows: Sequence[SegmentFigures]) -> Table:
    header = [*_group_header(_("Segment"))]
    kinds = [*GROUP_KINDS]
    for name, kind in ((_("Index"), SCORE), (_("Rate"), SHARE), (_("NPS"), POINTS)):
        header += [_("%(measure)s vs rest") % {"measure": name}, _("%(measure)s vs rest p") % {"measure": name},
                   _("%(measure)s vs rest p (Holm)") % {"measure": name},
                   _("%(measure)s vs rest significant") % {"measure": name}]
        kinds += [kind, P_VALUE, P_VALUE, FLAG]
    cells = tuple((*_group_cells(row), *_versus(row.index_vs_rest), *_versus(row.rate_vs_rest),
                   *_versus(row.nps_vs_rest)) for row in rows)
    return Table("segments", _("Segments"), tuple(header), cells, tuple(kinds))


def _characteristics(figures: Figures) -> Table:
    rows = tuple((row.label, row.items, row.score.n, *_estimate(row.score)) for row in figures.characteristics)
    return Table("characteristics", _("Service characteristics"),
                 (_("Characteristic"), _("Items"), _("Answers"), _("Score"), _("95% CI low"), _("95% CI high")),
                 rows, (TEXT, COUNT, COUNT, SCORE, SCORE, SCORE))


def _heatmap(figures: Figures) -> Table:
    points = {label.key: label.label for label in figures.heatmap.touch_points}
    columns = {label.key: label.label for label in figures.heatmap.characteristics}
    rows = tuple((points[cell.touch_point], columns[cell.characteristic], cell.n, cell.score, _flag(cell.suppressed))
                 for _point, cells in figures.heatmap.grid() for cell in cells if cell is not None)
    return Table("heatmap", _("Touch points × characteristics"),
                 (_("Touch point"), _("Characteristic"), _("Answers"), _("Score"), _("Suppressed (n < base)")),
                 rows, (TEXT, TEXT, COUNT, SCORE, FLAG))


def tables(result: Dashboard) -> list[Table]:
    """Every table of the dashboard, in the page's order (none before the survey is published)."""
    figures = result.figures
    if figures is None:
        return []
    characteristics = {row.key: row.label for row in figures.characteristics}
    return [
        _headline(figures), _periods(figures.periods), _items(figures, characteristics), _characteristics(figures),
        _breakdown("touch_points", _("Touch points"), _("Touch point"), figures.touch_points),
        _breakdown("units", _("Units"), _("Unit"), figures.units), _segments(figures.segments), _heatmap(figures),
    ]


# Files -------------------------------------------------------------------------------------------

def _csv_value(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_cell(value)
    return repr(float(value)) if isinstance(value, float) else str(value)


def csv_text(table: Table) -> str:
    """The table as CSV text, with the byte-order mark; numbers unrounded (Python's repr)."""
    return sheets.csv_text(table.header, table.rows, bom=True, value=_csv_value)


def xlsx_bytes(all_tables: Sequence[Table], *, title: str) -> bytes:
    """One sheet per table, its header in the first row; the workbook's title property is `title`."""
    return sheets.xlsx_bytes([(table.title, table.header, table.rows) for table in all_tables], title=title,
                             freeze=True)
