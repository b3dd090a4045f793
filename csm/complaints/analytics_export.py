"""Complaint analytics as tables: one per measure, shown under each chart and exported as a CSV
(one measure) or an XLSX workbook (one sheet per measure).

Guarantees: every table carries the n behind its numbers and, for proportions, the Wilson 95 %
interval; shares are rounded to four decimals, hours and days to two, money is Decimal to the
cent. Text cells (category, touch point, unit and remedy names are typed by users) cannot run as
formulas: in a CSV a cell starting with = + - @, tab or carriage return gets a leading apostrophe
(`csm.core.audit_csv.safe_cell`); in XLSX text is always written as a string cell, never a
formula. No personal data: analytics hold no complainant names, e-mails or descriptions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _

from csm.complaints import analytics as a
from csm.core import sheets, stats
from csm.core.audit_csv import safe_cell

Cell = str | int | float | Decimal | dt.date | None
XLSX_TYPE = sheets.XLSX_TYPE


# Column kinds, for the page to format each cell (percentages, hours, money) while the files keep
# the plain values.
TEXT, COUNT, RATIO, RATE, NUMBER, MONEY, VALUE = "text", "count", "ratio", "rate", "number", "money", "value"


@dataclass(frozen=True)
class Table:
    measure: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    kinds: tuple[str, ...]


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _rate(value: float | None) -> float | None:
    """p-chart rates are small (complaints per stay or call): six decimals."""
    return None if value is None else round(value, 6)


def _number(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _proportion(share: stats.Proportion) -> tuple[Cell, ...]:
    return share.successes, share.n, _ratio(share.p), _ratio(share.low), _ratio(share.high)


def _proportion_header() -> tuple[str, ...]:
    return _("Count"), _("n"), _("Share"), _("95% CI low"), _("95% CI high")


PROPORTION_KINDS = (COUNT, COUNT, RATIO, RATIO, RATIO)


def step_label(step: str) -> str:
    return {"acknowledge": _("Acknowledge"), "assess": _("Assess"), "respond": _("Respond"),
            "resolve": _("Resolve")}[step]


def age_label(bucket: a.AgeBucket) -> str:
    if bucket.high_days is None:
        return _("over %(days)s days") % {"days": bucket.low_days - 1}
    return _("%(low)s-%(high)s days") % {"low": bucket.low_days, "high": bucket.high_days}


def _volume_table(measure: str, title: str, key: str, rows: Sequence[a.CountRow]) -> Table:
    return Table(measure, title, (key, *_proportion_header()),
                 tuple((row.label, *_proportion(row.share)) for row in rows), (TEXT, *PROPORTION_KINDS))


def _summary(result: a.ComplaintAnalytics) -> Table:
    rows: list[tuple[Cell, ...]] = [
        (_("Period start"), result.period_start, None, None, None, None),
        (_("Period end"), result.period_end, None, None, None, None),
        (_("Unit"), result.unit_name or _("All units"), None, None, None, None),
        (_("Complaints received"), result.total, result.total, None, None, None),
        (_("Reopen rate"), *_proportion(result.reopen)),
        (_("Open complaints"), result.backlog.n, result.backlog.n, None, None, None),
    ]
    return Table("summary", _("Summary"), (_("Measure"), _("Value"), _("n"), _("Share"), _("95% CI low"),
                                           _("95% CI high")), tuple(rows), (TEXT, VALUE, COUNT, RATIO, RATIO, RATIO))


def _pareto(result: a.ComplaintAnalytics) -> Table:
    rows = tuple((bar.label, bar.count, _ratio(bar.share), _ratio(bar.cumulative_share),
                  _("yes") if bar.is_vital_few else _("no")) for bar in result.pareto.bars)
    return Table("pareto", _("Pareto by category"), (_("Category"), _("Count"), _("Share"),
                                                      _("Cumulative share"), _("Vital few")), rows,
                 (TEXT, COUNT, RATIO, RATIO, TEXT))


def _timings(result: a.ComplaintAnalytics) -> Table:
    rows = tuple((step_label(t.step), t.hours.n, _number(t.hours.median), _number(t.hours.p90))
                 for t in result.timings)
    return Table("timings", _("Time to acknowledge, respond and resolve (calendar hours)"),
                 (_("Step"), _("n"), _("Median (hours)"), _("P90 (hours)")), rows, (TEXT, COUNT, NUMBER, NUMBER))


def _on_time(result: a.ComplaintAnalytics) -> Table:
    rows = tuple((step_label(row.step), *_proportion(row.on_time)) for row in result.on_time)
    return Table("on_time", _("On-time rate per step"), (_("Step"), _("On time"), *_proportion_header()[1:]), rows,
                 (TEXT, *PROPORTION_KINDS))


def _outcomes(result: a.ComplaintAnalytics) -> Table:
    rows = tuple((row.label, *_proportion(row.share)) for row in result.outcomes)
    return Table("outcomes", _("Decision outcomes"), (_("Outcome"), *_proportion_header()), rows,
                 (TEXT, *PROPORTION_KINDS))


def _remedy_costs(result: a.ComplaintAnalytics) -> Table:
    costs = result.remedy_costs
    rows: list[tuple[Cell, ...]] = [(row.label, row.n, row.total, row.mean) for row in costs.by_remedy]
    rows.append((_("All remedies"), costs.n, costs.total, costs.mean))
    return Table("remedy_costs", _("Remedy cost"), (_("Remedy"), _("n"), _("Total"), _("Mean")), tuple(rows),
                 (TEXT, COUNT, MONEY, MONEY))


def _backlog(result: a.ComplaintAnalytics) -> Table:
    backlog = result.backlog
    rows: list[tuple[Cell, ...]] = [(age_label(b), b.count, backlog.n, _ratio(b.count / backlog.n if backlog.n else None))
                                    for b in backlog.buckets]
    rows.append((_("Median age (days)"), _number(backlog.age_days.median), backlog.n, None))
    rows.append((_("P90 age (days)"), _number(backlog.age_days.p90), backlog.n, None))
    return Table("backlog", _("Backlog age"), (_("Age"), _("Count"), _("n"), _("Share")), tuple(rows),
                 (TEXT, VALUE, COUNT, RATIO))


def _months(result: a.ComplaintAnalytics) -> Table:
    rows = tuple((f"{m.month:%Y-%m}", m.received, m.closed, m.volume) for m in result.months)
    return Table("months", _("Complaints per month"), (_("Month"), _("Received"), _("Closed"), _("Service volume")),
                 rows, (TEXT, COUNT, COUNT, COUNT))


def rate_chart_title(chart: a.RateChart) -> str:
    if chart.kind == a.RATE:
        return _("p-chart: complaint rate (complaints per unit of service volume)")
    return _("p-chart: share of complaints resolved on time (no service volumes recorded)")


def _p_chart(result: a.ComplaintAnalytics) -> Table:
    chart = result.rate_chart.chart
    rows = tuple((p.label, p.x, p.n, _rate(p.p), _rate(chart.centre), _rate(p.lcl), _rate(p.ucl),
                  _("yes") if p.is_out_of_control else _("no")) for p in chart.points)
    header = (_("Month"), _("x"), _("n"), _("p"), _("Centre line"), _("LCL"), _("UCL"), _("Out of control"))
    return Table("p_chart", rate_chart_title(result.rate_chart), header, rows,
                 (TEXT, COUNT, COUNT, RATE, RATE, RATE, RATE, TEXT))


def tables(result: a.ComplaintAnalytics) -> list[Table]:
    """Every measure as a table, in the page's order."""
    return [
        _summary(result),
        _volume_table("categories", _("Complaints by category"), _("Category"), result.by_category),
        _volume_table("channels", _("Complaints by channel"), _("Channel"), result.by_channel),
        _volume_table("touch_points", _("Complaints by touch point"), _("Touch point"), result.by_touch_point),
        _volume_table("units", _("Complaints by unit"), _("Unit"), result.by_unit),
        _pareto(result), _timings(result), _on_time(result), _outcomes(result), _remedy_costs(result),
        _backlog(result), _months(result), _p_chart(result),
    ]


MEASURES = ("summary", "categories", "channels", "touch_points", "units", "pareto", "timings", "on_time",
            "outcomes", "remedy_costs", "backlog", "months", "p_chart")


# Files -------------------------------------------------------------------------------------------

def _csv_value(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return safe_cell(value) if isinstance(value, str) else str(value)


def csv_text(table: Table) -> str:
    return sheets.csv_text(table.header, table.rows, value=_csv_value)


def csv_response(table: Table, *, filename: str) -> HttpResponse:
    return HttpResponse(csv_text(table), content_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def xlsx_bytes(all_tables: Sequence[Table]) -> bytes:
    """One sheet per table, header in the first row; text stays text (core.sheets)."""
    return sheets.xlsx_bytes([(table.title, table.header, table.rows) for table in all_tables])


def xlsx_response(all_tables: Sequence[Table], *, filename: str) -> HttpResponse:
    return HttpResponse(xlsx_bytes(all_tables), content_type=XLSX_TYPE,
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
