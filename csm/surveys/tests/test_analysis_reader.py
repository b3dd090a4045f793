"""The CSV reader and the streamed analysis of `csm analyze`: they give exactly what
`measure.block_from_rows` + `measure.analyze` give, however the file is cut into blocks, in every
dialect it reads (BOM, `;` with decimal commas, tabs, CRLF, quoted fields), and name the row and
column of every bad input."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csm.surveys import measure
from csm.surveys.analysis.reader import CsvReader
from csm.surveys.analysis.streaming import analyze_csv, jsonable, read_spec, to_json

SPEC = {
    "scale": {"min": 1, "max": 5}, "satisfied_min": 4,
    "items": [{"id": f"Q{i}", "satisfaction": f"q{i}", **({"importance": f"i{i}"} if i < 2 else {})}
              for i in range(4)],
    "overall": "overall", "nps": "nps", "ces": "ces", "segment": "segment",
    "period": {"column": "date", "by": "month"}, "min_base": 5,
}
HEADER = ["id", "date", "segment", "q0", "q1", "q2", "q3", "i0", "i1", "overall", "nps", "ces", "comment"]


def random_rows(seed: int, rows: int = 300, blank: float = 0.1) -> list[list[str]]:
    """Answers that hang together, with blanks, three segments (some blank) and six months."""
    rng = np.random.default_rng(seed)
    out = []
    for number in range(rows):
        mood = rng.normal(3.4, 0.9)
        ratings = [int(np.clip(round(mood + rng.normal(0, 0.8)), 1, 5)) for _ in range(7)]
        cells = [str(v) if rng.random() >= blank else "" for v in ratings]
        nps = str(int(np.clip(round(2 * mood + rng.normal(0, 1.5)), 0, 10))) if rng.random() >= blank else ""
        ces = str(int(rng.integers(1, 8))) if rng.random() >= blank else ""
        segment = str(rng.choice(["business", "leisure", "group", ""]))
        date = f"2025-{int(rng.integers(1, 7)):02d}-{int(rng.integers(1, 29)):02d}"
        out.append([str(number), date, segment, *cells[:6], cells[6], nps, ces, ""])
    return out


def to_csv(rows: list[list[str]], *, header: list[str] = HEADER, delimiter: str = ",", ending: str = "\n") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=ending).writerows([header, *rows])
    return out.getvalue().encode()


def expected(rows: list[list[str]], spec: dict = SPEC, header: list[str] = HEADER) -> dict:
    parsed = measure.parse_spec(spec)
    return jsonable(measure.analyze([measure.block_from_rows(header, rows, parsed)], parsed))


def analyzed(data: bytes, spec: dict = SPEC, block_bytes: int = 1 << 20) -> dict:
    return analyze_csv(io.BytesIO(data), measure.parse_spec(spec), block_bytes=block_bytes)


def close(a, b, tolerance: float = 1e-12) -> bool:
    """Nested equality, floats to `tolerance`."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(close(a[k], b[k], tolerance) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(close(x, y, tolerance) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, abs_tol=tolerance, rel_tol=tolerance)
    return a == b


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_gives_what_block_from_rows_and_analyze_give(seed):
    rows = random_rows(seed)
    result = analyzed(to_csv(rows))
    assert close(result, expected(rows))
    assert result["n"] == 300 and set(result["segments"]) == {"business", "group", "leisure"}
    assert [p["period"] for p in result["periods"]] == [f"2025-{m:02d}" for m in range(1, 7)]


@pytest.mark.parametrize("block_bytes", [1, 7, 100, 4096])
def test_where_the_blocks_are_cut_does_not_matter(block_bytes):
    data = to_csv(random_rows(4))
    assert analyzed(data, block_bytes=block_bytes) == analyzed(data, block_bytes=1 << 20)


def test_it_reads_a_bom_semicolons_decimal_commas_and_crlf():
    rows = random_rows(5, rows=80)
    plain = analyzed(to_csv(rows))
    excel = to_csv(rows, delimiter=";", ending="\r\n")
    assert analyzed(b"\xef\xbb\xbf" + excel, block_bytes=50) == plain
    assert analyzed(to_csv(rows, delimiter="\t")) == plain
    spec = {**SPEC, "ces": "ces"}
    with_decimals = [[*row[:11], "4,5" if row[11] else "", *row[12:]] for row in rows]
    result = analyzed(to_csv(with_decimals, delimiter=";"), spec)
    answered = sum(1 for row in rows if row[11])
    assert result["ces"] == {"n": answered, "mean": 4.5}


def test_quoted_fields_with_delimiters_quotes_and_line_ends_are_read_whole():
    rows = random_rows(6, rows=60)
    for n, row in enumerate(rows):
        row[2] = {0: "business, travel", 1: 'the "group" rate'}.get(n % 3, row[2])
        row[12] = "line one\nline two, with a comma" if n % 4 == 0 else ""
    data = to_csv(rows)
    assert b'"' in data
    for block_bytes in (5, 64, 1 << 20):
        assert close(analyzed(data, block_bytes=block_bytes), expected(rows))


def test_blank_lines_at_the_end_are_ignored():
    rows = random_rows(7, rows=20)
    assert analyzed(to_csv(rows) + b"\n\n\r\n", block_bytes=30) == analyzed(to_csv(rows))
    assert analyzed(to_csv(rows).rstrip(b"\n")) == analyzed(to_csv(rows))


def test_a_file_with_only_a_header_has_no_answers():
    result = analyzed(to_csv([]))
    assert result["n"] == 0 and result["index"]["value"] is None and result["segments"] == {}
    assert "NaN" not in to_json(result)


def test_the_reader_reports_the_bytes_read_and_the_labels():
    data = to_csv(random_rows(8, rows=50))
    reader = CsvReader(io.BytesIO(data), measure.parse_spec(SPEC), block_bytes=200)
    seen = [reader.bytes_read for _chunk in reader]
    assert seen == sorted(seen) and seen[-1] == len(data) and len(seen) > 3
    assert reader.rows == 50 and sorted(reader.segment_labels) == ["business", "group", "leisure"]


GOOD = ["1", "2025-01-05", "business", "4", "5", "3", "2", "4", "5", "4", "9", "6", ""]


def bad(row: int, column: str, value: str) -> list[list[str]]:
    rows = [list(GOOD) for _ in range(5)]
    rows[row - 1][HEADER.index(column)] = value
    return rows


@pytest.mark.parametrize(("rows", "row", "column", "message"), [
    (bad(3, "q2", "x"), 3, "q2", "'x' is not a number"),
    (bad(2, "q0", "6"), 2, "q0", "6 is outside 1 to 5"),
    (bad(4, "i1", "0"), 4, "i1", "0 is outside 1 to 5"),
    (bad(5, "overall", " 4.5x"), 5, "overall", "'4.5x' is not a number"),
    (bad(1, "nps", "7.5"), 1, "nps", "7.5 is outside 0 to 10"),
    (bad(2, "nps", "11"), 2, "nps", "11 is outside 0 to 10"),
    (bad(3, "ces", "nan"), 3, "ces", "'nan' is not a number"),
    (bad(4, "ces", "inf"), 4, "ces", "'inf' is not a number"),
    (bad(2, "date", "05/01/2025"), 2, "date", "'05/01/2025' is not a date (YYYY-MM-DD)"),
])
def test_a_bad_cell_is_named_by_row_and_column(rows, row, column, message):
    for block_bytes in (1, 1 << 20):
        with pytest.raises(measure.DataError) as caught:
            analyzed(to_csv(rows), block_bytes=block_bytes)
        assert (caught.value.row, caught.value.column) == (row, column)
        assert str(caught.value) == f"row {row}, column {column}: {message}"


def test_the_first_bad_cell_of_a_block_is_the_one_block_from_rows_names():
    rows = bad(4, "q1", "y")
    rows[1][HEADER.index("q1")] = "z"
    rows[0][HEADER.index("q3")] = "9"
    with pytest.raises(measure.DataError) as ours:
        analyzed(to_csv(rows))
    with pytest.raises(measure.DataError) as theirs:
        expected(rows)
    assert str(ours.value) == str(theirs.value) == "row 2, column q1: 'z' is not a number"


@pytest.mark.parametrize(("data", "row", "column", "message"), [
    (to_csv([GOOD, GOOD[:7], GOOD]), 2, "i0", "the row has 7 cells, the header 13"),
    (to_csv([GOOD, GOOD, [*GOOD, "extra"]]), 3, "#14", "the row has 14 cells, the header 13"),
    (to_csv([GOOD]) + b"\n" + to_csv([GOOD]).split(b"\n", 1)[1], 2, "id", "the row is empty"),
    (to_csv([GOOD, ["2", "2025-01-0\xe9".encode("latin-1").decode("latin-1"), *GOOD[2:]]]).replace(
        "\xe9".encode(), b"\xe9"), 2, "date", 'the file is not UTF-8 text (save it as "CSV UTF-8")'),
    (b"", 0, "q0", "the file is empty: it has no header row"),
    (b"\xef\xbb\xbf\n\n", 0, "q0", "the file is empty: it has no header row"),
    (to_csv([GOOD], header=[*HEADER[:3], "Q0", *HEADER[4:]]), 0, "q0", "no such column in the header"),
    (to_csv([[*GOOD, "4"]], header=[*HEADER, "q1"]), 0, "q1", "appears twice in the header"),
])
def test_a_bad_file_is_named_by_row_and_column(data, row, column, message):
    for block_bytes in (3, 1 << 20):
        with pytest.raises(measure.DataError) as caught:
            analyzed(data, block_bytes=block_bytes)
        assert str(caught.value) == f"row {row}, column {column}: {message}"


@pytest.mark.parametrize(("text", "field"), [
    ('{"scale": {"min": 1, "max": 5}, "satisfied_min": 4,', "spec"),
    ('{"scale": {"min": 1, "max": 5}, "satisfied_min": 4, "items": [{"id": "A"}]}', "items[0]"),
    ('{"scale": {"min": 1, "max": 5}, "satisfied_min": 6, "items": []}', "satisfied_min"),
])
def test_a_bad_spec_names_its_field(text, field):
    with pytest.raises(measure.SpecError) as caught:
        read_spec(text)
    assert caught.value.field == field


def test_malformed_json_names_its_line_and_column():
    with pytest.raises(measure.SpecError, match=r"^spec: not valid JSON at line 2, column 1: "):
        read_spec('{"scale": 1,\n}')


def test_json_has_no_nan_and_keeps_every_digit():
    assert jsonable({"a": (np.float64(math.nan), np.int64(3), np.bool_(True), 0.1 + 0.2)}) == {
        "a": [None, 3, True, 0.30000000000000004]}
    assert to_json({"x": 1 / 3}) == '{\n  "x": 0.3333333333333333\n}\n'


cell = st.one_of(st.just(""), st.integers(1, 5).map(str))
rows_strategy = st.lists(st.tuples(cell, cell, cell, st.integers(0, 10).map(str),
                                   st.sampled_from(["a", "b", ""]), st.sampled_from(["2025-01-31", "2025-02-01"])),
                         min_size=0, max_size=40)


@given(rows=rows_strategy, block_bytes=st.integers(1, 300))
@settings(max_examples=100, deadline=None)
def test_any_table_and_any_blocks_give_what_analyze_gives(rows, block_bytes):
    spec = {"scale": {"min": 1, "max": 5}, "satisfied_min": 4, "min_base": 1, "overall": "o", "nps": "n",
            "segment": "s", "period": {"column": "d", "by": "quarter"},
            "items": [{"id": "A", "satisfaction": "a"}, {"id": "B", "satisfaction": "b"}]}
    header = ["a", "b", "o", "n", "s", "d"]
    table = [list(row) for row in rows]
    result = analyzed(to_csv(table, header=header), spec, block_bytes=block_bytes)
    if table:
        assert close(result, expected(table, spec, header))
    else:
        assert result["n"] == 0
