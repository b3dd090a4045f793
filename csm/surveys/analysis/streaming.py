"""Every measure of a CSV file, read block by block: the tallies of each segment value and of each
period are summed over the blocks, and the whole file's is their sum, so memory stays bounded
whatever the file's length. Pure: no Django.

A block's rows are put in order of their segment (or period) once, so each group's tally reads a
slice of it rather than a copy per group. The result is `measure.analyze`'s for the same rows (to
the last bits of a float: the sums are taken in another order).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from functools import reduce
from typing import Any, BinaryIO

import numpy as np
from numpy.typing import NDArray

from csm.surveys.analysis.reader import BLOCK_BYTES, Chunk, CsvReader
from csm.surveys.measure import Block, Spec, SpecError, Tally, measures, parse_spec, periods, segments

SLICE_CELLS = 1 << 18  # rows × (items + 1)² per product, see _add


def read_spec(text: str) -> Spec:
    """The spec in a JSON text; SpecError names the field at fault, or where the JSON breaks."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise SpecError("spec", f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None
    return parse_spec(raw)


def analyze_csv(binary: BinaryIO, spec: Spec, *, block_bytes: int = BLOCK_BYTES,
                on_progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """The output of `csm analyze` for a CSV file opened in binary (see the reader for the format);
    `on_progress` is called with the bytes read after each block. Plain Python values, NaN as None;
    DataError names a bad cell."""
    reader = CsvReader(binary, spec, block_bytes=block_bytes)
    tallies = _Tallies(spec)
    for chunk in reader:
        tallies.add(chunk)
        if on_progress is not None:
            on_progress(reader.bytes_read)
    result = measures(tallies.whole(), spec)
    result["segments"] = (segments({reader.segment_labels[code]: t for code, t in tallies.by_segment.items()
                                    if code >= 0}, spec) if spec.segment else None)
    result["periods"] = (periods({reader.period_labels[code]: t for code, t in tallies.by_period.items()
                                  if code >= 0}, spec) if spec.period else None)
    return jsonable(result)


class _Tallies:
    """The tallies of each segment and each period (code -1: none), summed over the blocks. The
    whole file's is the sum of its segments' (or periods'): each row is counted once per grouping,
    not once more for the whole."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.by_segment: dict[int, Tally] = {}
        self.by_period: dict[int, Tally] = {}
        self.ungrouped = Tally(len(spec.items))

    def add(self, chunk: Chunk) -> None:
        if chunk.segments is None and chunk.periods is None:
            _add(self.ungrouped, chunk.block, self.spec)
        for groups, codes in ((self.by_segment, chunk.segments), (self.by_period, chunk.periods)):
            if codes is not None:
                _add_grouped(groups, chunk.block, codes, self.spec)

    def whole(self) -> Tally:
        groups = self.by_segment if self.spec.segment else self.by_period
        return reduce(Tally.merge, groups.values(), self.ungrouped)


def _add_grouped(groups: dict[int, Tally], block: Block, codes: NDArray[np.intp], spec: Spec) -> None:
    """Add each group's rows of `block` to its tally (codes: the rows' groups)."""
    if not codes.size:
        return
    order = np.argsort(codes, kind="stable")
    ordered = codes[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    ends = np.append(starts[1:], ordered.size)
    rows = _rows(block, order) if starts.size > 1 else block
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        _add(groups.setdefault(int(ordered[start]), Tally(len(spec.items))), _rows(rows, slice(start, end)), spec)


def _add(counted: Tally, block: Block, spec: Spec) -> None:
    """`counted.add(block)`, a slice of a few thousand rows at a time: the products over rows then
    fit the CPU cache and stay below the size from which OpenBLAS spreads one over threads, whose
    start and spinning cost more than such a product (and, on a busy machine, much more)."""
    rows = block.satisfaction.shape[0]
    step = min(max(SLICE_CELLS // (len(spec.items) + 1) ** 2, 256), 8192)
    for start in range(0, rows, step):
        counted.add(_rows(block, slice(start, start + step)), spec.satisfied_min)


def _rows(block: Block, rows: slice | NDArray[np.intp]) -> Block:
    """The block's `rows`: a slice (a view), or row numbers in order (a copy)."""

    def pick(column: NDArray[np.float64] | None) -> NDArray[np.float64] | None:
        return None if column is None else column[rows]

    return Block(block.satisfaction[rows], pick(block.importance), pick(block.overall), pick(block.nps),
                 pick(block.ces))


def jsonable(value: Any) -> Any:
    """`value` with numpy numbers as Python ones, tuples as lists and NaN or infinity as None."""
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    return value


def to_json(result: Mapping[str, Any]) -> str:
    """The result as JSON text: floats unrounded, never NaN."""
    return json.dumps(result, indent=2, allow_nan=False) + "\n"
