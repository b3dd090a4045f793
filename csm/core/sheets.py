"""Tables as files: CSV text and XLSX workbooks for every export of figures (complaint analytics,
the satisfaction dashboard). Text cells are made safe against spreadsheet formula injection (in CSV
by `safe_cell`, in XLSX by writing them as string cells, so "=HYPERLINK(...)" stays text)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from typing import Any

from openpyxl import Workbook

from csm.core.audit_csv import safe_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only after it
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def plain_value(value: Any) -> str:
    """A cell as CSV text: blank for None, safe text, Python's own form of a number."""
    if value is None:
        return ""
    return safe_cell(value) if isinstance(value, str) else str(value)


def csv_text(header: Sequence[str], rows: Sequence[Sequence[Any]], *, bom: bool = False,
             value: Callable[[Any], str] = plain_value) -> str:
    buffer = io.StringIO()
    if bom:
        buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(name) for name in header])
    writer.writerows([value(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def sheet_title(title: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts (31 characters, none of []:*?/\\), unique among `taken`."""
    base = _SHEET_UNSAFE.sub(" ", title)[:31].strip() or "Sheet"
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = base[:31 - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def xlsx_bytes(tables: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]], *, title: str = "",
               freeze: bool = False) -> bytes:
    """One sheet per (title, header, rows), the header in the first row (frozen with `freeze`)."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    if title:
        workbook.properties.title = title
    taken: set[str] = set()
    for name, header, rows in tables:
        sheet = workbook.create_sheet(sheet_title(name, taken))
        for row_number, row in enumerate((header, *rows), start=1):
            for column, value in enumerate(row, start=1):
                cell = sheet.cell(row=row_number, column=column, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"
        if freeze:
            sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
