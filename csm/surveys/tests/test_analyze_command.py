"""`csm analyze` as an analyst runs it: JSON, the workbook and the HTML report, the progress bar, and
every bad input stopped with exit status 2, its row and column, and no output file. No test here
has the database: the command must not need one."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from csm.surveys.tests.test_analysis_reader import GOOD, HEADER, SPEC, random_rows, to_csv

CSM = Path(sys.executable).with_name("csm")


@pytest.fixture
def files(tmp_path):
    data, spec = tmp_path / "responses.csv", tmp_path / "spec.json"
    data.write_bytes(to_csv(random_rows(11, rows=200)))
    spec.write_text(json.dumps(SPEC), encoding="utf-8")
    return data, spec


def analyze(*args: str, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("analyze", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_it_prints_every_measure_as_json(files):
    data, spec = files
    out, err = analyze(str(data), "--spec", str(spec))
    result = json.loads(out)
    assert result["n"] == 200 and [item["id"] for item in result["items"]] == ["Q0", "Q1", "Q2", "Q3"]
    assert set(result) == {"n", "items", "index", "satisfaction_rate", "nps", "ces", "drivers", "drivers_r2",
                           "segments", "periods"}
    assert "NaN" not in out and err == ""


def test_json_goes_to_the_output_file_when_given(files, tmp_path):
    data, spec = files
    target = tmp_path / "result.json"
    out, err = analyze(str(data), "--spec", str(spec), "--output", str(target))
    assert out == "" and err == f"Wrote {target}\n"
    assert json.loads(target.read_text())["n"] == 200
    assert sorted(p.name for p in tmp_path.iterdir()) == ["responses.csv", "result.json", "spec.json"]


def test_the_workbook_has_its_sheets_and_charts(files, tmp_path):
    data, spec = files
    target = tmp_path / "report.xlsx"
    analyze(str(data), "--spec", str(spec), "--output", str(target))  # the format from the suffix
    book = load_workbook(target)
    assert book.sheetnames == ["Summary", "Items", "Drivers", "Segments", "Periods"]
    charts = {sheet.title: len(sheet._charts) for sheet in book}
    assert charts == {"Summary": 0, "Items": 2, "Drivers": 1, "Segments": 1, "Periods": 1}
    result = json.loads(analyze(str(data), "--spec", str(spec))[0])
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=4, max_col=2, values_only=True) if row[0]}
    assert summary["Respondents"] == 200
    assert summary["Satisfaction index (0-100)"] == pytest.approx(result["index"]["value"], abs=1e-12)
    items = list(book["Items"].iter_rows(min_row=2, max_row=5, values_only=True))
    assert [row[3] for row in items] == pytest.approx([item["score"] for item in result["items"]], abs=1e-12)


def test_the_html_report_shows_the_numbers_and_needs_no_network(files, tmp_path, monkeypatch):
    data, spec = files
    monkeypatch.chdir(tmp_path)
    analyze(str(data), "--spec", str(spec), "--format", "html")  # by default FILE's name, here
    page = (tmp_path / "responses.html").read_text(encoding="utf-8")
    result = json.loads(analyze(str(data), "--spec", str(spec))[0])
    assert f"{result['index']['value']:.1f}" in page and f"{100 * result['satisfaction_rate']['value']:.1f}%" in page
    assert all(f"<td>{item['score']:.1f}</td>" in page for item in result["items"])
    assert "plotly.js v" in page and "Plotly.newPlot" in page
    assert not re.search(r"<script[^>]*\bsrc=", page) and not re.search(r"<link[^>]*\bhref=", page)
    for name in ("items", "ipa", "drivers", "segments", "periods"):
        assert f'id="chart-{name}"' in page


def test_the_progress_bar_goes_to_standard_error(files):
    data, spec = files
    out, err = analyze(str(data), "--spec", str(spec), "--progress")
    assert json.loads(out)["n"] == 200
    assert err.startswith("\r[") and "] 100%" in err and err.endswith("\n")
    assert analyze(str(data), "--spec", str(spec), "--no-progress")[1] == ""


def test_an_html_report_cannot_go_to_standard_output(files):
    data, spec = files
    with pytest.raises(CommandError, match="give --output PATH") as caught:
        analyze(str(data), "--spec", str(spec), "--format", "html", "--output", "-")
    assert caught.value.returncode == 2


def rows_with(row: int, column: str, value: str) -> list[list[str]]:
    rows = [list(GOOD) for _ in range(20)]
    rows[row - 1][HEADER.index(column)] = value
    return rows


BAD_FILES = [
    (to_csv(rows_with(12, "q3", "x")), "row 12, column q3: 'x' is not a number"),
    (to_csv(rows_with(3, "overall", "7")), "row 3, column overall: 7 is outside 1 to 5"),
    (to_csv([GOOD], header=[*HEADER[:9], "general", *HEADER[10:]]), "row 0, column overall: no such column in the header"),
    (to_csv([GOOD, GOOD[:5], GOOD]), "row 2, column q2: the row has 5 cells, the header 13"),
    (b"", "row 0, column q0: the file is empty: it has no header row"),
]


@pytest.mark.parametrize(("data", "message"), BAD_FILES)
@pytest.mark.parametrize("fmt", ["json", "xlsx", "html"])
def test_bad_data_stops_it_with_row_and_column_and_no_output(tmp_path, data, message, fmt):
    source, spec, target = tmp_path / "bad.csv", tmp_path / "spec.json", tmp_path / f"out.{fmt}"
    source.write_bytes(data)
    spec.write_text(json.dumps(SPEC), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        analyze(str(source), "--spec", str(spec), "--output", str(target))
    assert str(caught.value) == f"{source}: {message}" and caught.value.returncode == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "spec.json"]


@pytest.mark.parametrize(("text", "message"), [
    ('{"scale": {"min": 1, "max": 5},', "spec: not valid JSON at line 1, column 32: Expecting property name"),
    ('{"scale": {"min": 1, "max": 5}, "satisfied_min": 4, "items": [{"id": "A"}]}',
     'items[0]: needs a "satisfaction" column'),
    (json.dumps({**SPEC, "colour": "blue"}), "colour: is not a field of the spec"),
])
def test_a_bad_spec_stops_it_naming_the_field(files, tmp_path, text, message):
    data, spec = files
    spec.write_text(text, encoding="utf-8")
    previous = tmp_path / "out.json"
    previous.write_text("the last good result")
    with pytest.raises(CommandError) as caught:
        analyze(str(data), "--spec", str(spec), "--output", str(previous))
    assert str(caught.value).startswith(f"{spec}: {message}") and caught.value.returncode == 2
    assert previous.read_text() == "the last good result"


def test_a_missing_file_is_a_clear_error(files, tmp_path):
    _data, spec = files
    with pytest.raises(CommandError, match=r"missing\.csv: No such file or directory") as caught:
        analyze(str(tmp_path / "missing.csv"), "--spec", str(spec))
    assert caught.value.returncode == 2


def run_csm(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # An unreachable database: the command must not touch it.
    env = {**os.environ, "CSM_ENV": "test", "DATABASE_URL": f"sqlite:///{cwd}/no-such-folder/db.sqlite3"}
    return subprocess.run([str(CSM), "analyze", *args], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=120, check=False)


def test_the_csm_script_runs_it_without_a_database(files, tmp_path):
    data, spec = files
    done = run_csm(str(data), "--spec", str(spec), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["n"] == 200 and done.stderr == ""
    (tmp_path / "bad.csv").write_bytes(to_csv(rows_with(12, "q3", "x")))
    failed = run_csm("bad.csv", "--spec", str(spec), "--format", "xlsx", cwd=tmp_path)
    assert failed.returncode == 2 and failed.stdout == ""
    assert failed.stderr == "CommandError: bad.csv: row 12, column q3: 'x' is not a number\n"
    assert not (tmp_path / "bad.xlsx").exists()
