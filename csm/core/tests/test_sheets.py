"""Tables as files: CSV with an optional byte-order mark and formula-safe text; XLSX sheets with
names Excel accepts, unique, and text cells that stay text."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from csm.core import sheets


def test_csv_is_formula_safe_and_marks_utf8_for_excel():
    text = sheets.csv_text(["Name", "n"], [["=HYPERLINK(1)", 3], ["Łódź", None]], bom=True)
    assert text == "\ufeffName,n\r\n'=HYPERLINK(1),3\r\nŁódź,\r\n"
    assert not sheets.csv_text(["a"], []).startswith("\ufeff")


def test_xlsx_sheets_have_unique_valid_names_and_text_stays_text():
    data = sheets.xlsx_bytes([("Items: 1/2", ["x"], [["=1+1"]]), ("Items: 1/2", ["x"], [[2.5]])], title="T",
                             freeze=True)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Items  1 2", "Items  1 2 (2)"] and book.properties.title == "T"
    first = book["Items  1 2"]
    assert (first["A2"].value, first["A2"].data_type, first.freeze_panes) == ("=1+1", "s", "B2")
    assert book["Items  1 2 (2)"]["A2"].value == 2.5
