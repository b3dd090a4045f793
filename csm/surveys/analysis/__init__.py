"""`csm analyze` without Django: a survey export (CSV) read in blocks (`reader`), measured with
`csm.surveys.measure` (`streaming`), and rendered as JSON, a standalone HTML report (`report_html`,
its figures in `charts`) or an Excel workbook (`report_xlsx`, imported on its own: openpyxl takes a
third of a second to import, which a JSON run need not pay). See docs/analyze.md."""

from csm.surveys.analysis.report_html import render_html
from csm.surveys.analysis.streaming import analyze_csv, read_spec, to_json

__all__ = ["analyze_csv", "read_spec", "render_html", "to_json"]
