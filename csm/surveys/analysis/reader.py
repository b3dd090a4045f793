"""A survey export (CSV) read in blocks of rows, fast and in bounded memory: the reader behind `csm
analyze`. Pure: no Django.

The file is UTF-8, with or without a byte-order mark; the delimiter is `,`, `;` (Polish and German
Excel) or a tab, whichever the header line has most of; with `;` or a tab, a decimal comma is read as
a decimal point. Line ends may be LF or CRLF; quoted fields may hold delimiters, quotes and line
ends. Rows are counted from the first data row (the header is row 0). Blank lines at the end of the
file are ignored; anywhere else a blank line is a row without cells, an error like any ragged row.

The file is read in blocks of about `block_bytes` (8 MB: about 140,000 rows of 20 columns), each
cut after a line end outside quotes, so memory stays bounded whatever the file's length. A block
without quotes has its cells per line counted with numpy on the bytes, then is split with
`str.split` and its columns sliced out of the flat list of cells; one with quotes goes through the
csv module. A column's cells become values through a table of the
distinct cells seen so far: answers repeat (a rating column has a handful of distinct cells), so each
is parsed and checked once, and a whole column is one C-level lookup. The checks and messages are
`measure.block_from_rows`'s, so both give the same numbers and name the same first bad cell of a
block; a non-finite number ("nan", "inf") is refused as well.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, BinaryIO

import numpy as np
from numpy.typing import NDArray

from csm.surveys.measure import Block, DataError, Spec, period_key

BLOCK_BYTES = 1 << 23
MIN_READ = 1 << 16
NEWLINE = ord("\n")
CONTENT_END = re.compile(rb"[^\n]\n")  # the end of a line with content
DELIMITERS = (",", ";", "\t")
BOM = b"\xef\xbb\xbf"
# A table is cleared when it grows past this many distinct cells (a column of free numbers or
# date-times): memory stays bounded and the cells are simply parsed again.
TABLE_LIMIT = 100_000


@dataclass(frozen=True)
class Chunk:
    """A block of rows, with per row the code of its segment value and of its period key (indexes
    into the reader's `segment_labels` and `period_labels`; -1 where blank), None where the spec has
    no segment or period."""

    block: Block
    segments: NDArray[np.intp] | None
    periods: NDArray[np.intp] | None


class CsvReader:
    """Iterate over a CSV's `Chunk`s for `spec`. DataError names the row and column of the first bad
    cell, of a ragged row, of text that is not UTF-8, or the column missing from the header."""

    def __init__(self, binary: BinaryIO, spec: Spec, *, block_bytes: int = BLOCK_BYTES) -> None:
        self.spec = spec
        self.block_bytes = max(block_bytes, 1)
        self.rows = 0
        self._binary, self._pending, self._consumed = binary, b"", 0
        self.delimiter, self.header = ",", list[str]()  # until the header is read
        self.delimiter, self.header = self._read_header()
        self._positions = _positions(self.header, spec)
        self._rating = _Table(_number_parser(spec.scale_min, spec.scale_max, decimal_comma=self.decimal_comma))
        self._nps = _Table(_number_parser(0, 10, whole=True, decimal_comma=self.decimal_comma))
        self._ces = _Table(_number_parser(-math.inf, math.inf, decimal_comma=self.decimal_comma))
        self.segment_labels: list[str] = []
        self.period_labels: list[str] = []
        self._segment = _Table(_label_parser(self.segment_labels, str), np.intp)
        self._period = _Table(_label_parser(self.period_labels, self._period_of), np.intp)

    @property
    def bytes_read(self) -> int:
        """The bytes of the file read into rows so far (for a progress bar)."""
        return self._consumed - len(self._pending)

    @property
    def decimal_comma(self) -> bool:
        return self.delimiter != ","

    def __iter__(self) -> Iterator[Chunk]:
        while (raw := self._next_records(self.block_bytes)) is not None:
            yield self._chunk(self._columns(raw, self._decode(raw, first_row=self.rows + 1)))

    # Bytes to blocks of whole records --------------------------------------------------------------

    def _read_header(self) -> tuple[str, list[str]]:
        raw = self._next_records(1)
        if raw is None or not raw.removeprefix(BOM).strip():
            raise DataError(0, self.spec.columns[0], "the file is empty: it has no header row")
        line = self._decode(raw.removeprefix(BOM).lstrip(b"\n"), first_row=0)
        delimiter = max(DELIMITERS, key=line.count)
        header = next(csv.reader(io.StringIO(line), delimiter=delimiter))
        return delimiter, [name.strip() for name in header]

    def _next_records(self, size: int) -> bytes | None:
        """The next block of whole records, about `size` bytes (at least one record), with LF line
        ends; blank lines at the end of the file are dropped; None at its end."""
        data = self._pending
        while len(data) < size or not (end := _records_end(data, size)):
            piece = self._binary.read(max(size, MIN_READ))
            self._consumed += len(piece)
            if not piece:
                data = data.rstrip(b"\n")
                end = len(data)
                break
            data += piece
            if b"\r" in piece:
                data = data.replace(b"\r\n", b"\n")
        self._pending = data[end:]
        return data[:end] or None

    def _decode(self, raw: bytes, *, first_row: int) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line_start = raw.rfind(b"\n", 0, error.start) + 1
            row = first_row + raw.count(b"\n", 0, line_start)
            position = raw.count(self.delimiter.encode(), line_start, error.start)
            column = self.header[position] if position < len(self.header) else f"#{position + 1}"
            raise DataError(row, column, 'the file is not UTF-8 text (save it as "CSV UTF-8")') from None

    # Records to columns -----------------------------------------------------------------------------

    def _columns(self, raw: bytes, text: str) -> dict[int, Sequence[str]]:
        """The cells of the columns the spec reads, by their position in the header."""
        text = text.removesuffix("\n")
        if '"' in text:
            return self._columns_by_csv(text)
        width = len(self.header)
        cells_per_line = _cells_per_line(raw, ord(self.delimiter))
        if (cells_per_line != width).any():
            row = int(np.argmax(cells_per_line != width))
            self._ragged(row, int(cells_per_line[row]) if text.split("\n")[row] else 0)
        cells = text.replace("\n", self.delimiter).split(self.delimiter)
        return {position: cells[position::width] for position in self._positions.values()}

    def _columns_by_csv(self, text: str) -> dict[int, Sequence[str]]:
        rows = list(csv.reader(io.StringIO(text), delimiter=self.delimiter))
        lengths = list(map(len, rows))
        if lengths.count(len(self.header)) != len(lengths):
            row = next(r for r, length in enumerate(lengths) if length != len(self.header))
            self._ragged(row, lengths[row])
        return {position: list(map(itemgetter(position), rows)) for position in self._positions.values()}

    def _ragged(self, row: int, cells: int) -> None:
        width = len(self.header)
        column = self.header[cells] if cells < width else f"#{width + 1}"
        problem = "the row is empty" if not cells else f"the row has {cells} cells, the header {width}"
        raise DataError(self.rows + 1 + row, column, problem)

    # Columns to a chunk -----------------------------------------------------------------------------

    def _chunk(self, columns: dict[int, Sequence[str]]) -> Chunk:
        spec, first_row = self.spec, self.rows + 1
        n = len(next(iter(columns.values())))

        def values(table: _Table, column: str) -> NDArray[Any]:
            return table.convert(columns[self._positions[column]], column, first_row)

        def optional(table: _Table, column: str | None) -> NDArray[Any] | None:
            return None if column is None else values(table, column)

        satisfaction = np.column_stack([values(self._rating, item.satisfaction) for item in spec.items])
        importance = None
        if any(item.importance for item in spec.items):
            importance = np.column_stack([values(self._rating, item.importance) if item.importance
                                          else np.full(n, np.nan) for item in spec.items])
        block = Block(satisfaction, importance, optional(self._rating, spec.overall),
                      optional(self._nps, spec.nps), optional(self._ces, spec.ces))
        chunk = Chunk(block, optional(self._segment, spec.segment), optional(self._period, spec.period))
        self.rows += n
        return chunk

    def _period_of(self, cell: str) -> str:
        return period_key(cell, self.spec.period_by)


def _records_end(data: bytes, size: int) -> int:
    """Where a block of `data` can end: after the last line with content that ends within the first
    `size` bytes (else the first one after), outside quotes; 0 when there is none yet. Blank lines
    after the cut start the next block: at the end of the file they are dropped, else they are rows."""
    end = data.rfind(b"\n", 0, size)
    while end > 0 and data[end - 1] == NEWLINE:
        end -= 1
    if end <= 0:
        found = CONTENT_END.search(data)
        if found is None:
            return 0
        end = found.end() - 1
    quotes = data.count(b'"', 0, end)
    while quotes % 2:  # the line end is inside a quoted field: on to the next line with content
        found = CONTENT_END.search(data, end + 1)
        if found is None:
            return 0
        quotes += data.count(b'"', end, found.end())
        end = found.end() - 1
    return end + 1


def _cells_per_line(raw: bytes, delimiter: int) -> NDArray[np.intp]:
    """The number of cells of each line of `raw` (whole lines, no quotes): its delimiters + 1. On the
    bytes, with numpy: in UTF-8 no byte of another character can be a delimiter or a line end."""
    codes = np.frombuffer(raw, dtype=np.uint8)
    ends = np.flatnonzero(codes == NEWLINE)
    if not raw.endswith(b"\n"):
        ends = np.append(ends, codes.size)
    delimiters_before = np.searchsorted(np.flatnonzero(codes == delimiter), ends)
    return np.diff(delimiters_before, prepend=0) + 1


def _positions(header: Sequence[str], spec: Spec) -> dict[str, int]:
    """Each column the spec reads → its position in the header."""
    for column in spec.columns:
        if header.count(column) != 1:
            problem = "no such column in the header" if column not in header else "appears twice in the header"
            raise DataError(0, column, problem)
    return {column: header.index(column) for column in spec.columns}


# Cells to values, through a table of the distinct cells -------------------------------------------

class _Table:
    """Text cells → values (numbers, or label codes) by a table of the distinct cells seen; `parse`
    is called once per distinct cell and raises ValueError with the message for a bad one."""

    def __init__(self, parse: Callable[[str], Any], dtype: type = np.float64) -> None:
        self.parse, self.dtype = parse, dtype
        self.values: dict[str, Any] = {}

    def convert(self, cells: Sequence[str], column: str, first_row: int) -> NDArray[Any]:
        try:
            return self._lookup(cells)
        except KeyError:
            self._learn(cells, column, first_row)
            return self._lookup(cells)

    def _lookup(self, cells: Sequence[str]) -> NDArray[Any]:
        if len(cells) < 2:  # itemgetter gives a tuple from two keys on
            return np.array([self.values[cell] for cell in cells], dtype=self.dtype)
        return np.fromiter(itemgetter(*cells)(self.values), dtype=self.dtype, count=len(cells))

    def _learn(self, cells: Sequence[str], column: str, first_row: int) -> None:
        if len(self.values) > TABLE_LIMIT:
            self.values.clear()
        bad: dict[str, str] = {}
        for cell in set(cells).difference(self.values):
            try:
                self.values[cell] = self.parse(cell)
            except ValueError as error:
                bad[cell] = str(error)
        if bad:
            row, cell = min((cells.index(cell), cell) for cell in bad)
            raise DataError(first_row + row, column, bad[cell])


def _number_parser(low: float, high: float, *, whole: bool = False, decimal_comma: bool = False,
                   ) -> Callable[[str], float]:
    """A cell → its number (NaN for a blank), refused unless finite, from `low` to `high` and, when
    `whole`, a whole number; the messages are `measure.block_from_rows`'s."""

    def parse(raw: str) -> float:
        cell = raw.strip()
        if not cell:
            return math.nan
        try:
            value = float(cell.replace(",", ".") if decimal_comma else cell)
        except ValueError:
            raise ValueError(f"{cell!r} is not a number") from None
        if not math.isfinite(value):
            raise ValueError(f"{cell!r} is not a number")
        if not low <= value <= high or (whole and not value.is_integer()):
            raise ValueError(f"{cell} is outside {low:g} to {high:g}")
        return value

    return parse


def _label_parser(labels: list[str], key: Callable[[str], str]) -> Callable[[str], int]:
    """A cell → the code of its label `key(cell)` in `labels` (appended when new), -1 for a blank."""
    codes: dict[str, int] = {}

    def parse(raw: str) -> int:
        cell = raw.strip()
        if not cell:
            return -1
        try:
            label = key(cell)
        except ValueError:
            raise ValueError(f"{cell!r} is not a date (YYYY-MM-DD)") from None
        if label not in codes:
            codes[label] = len(labels)
            labels.append(label)
        return codes[label]

    return parse
