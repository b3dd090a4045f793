"""Tallies as stored rollups, pure: a `measure.Tally` as one flat float64 array (and bytes), many
stored tallies summed by group in one numpy pass, a tally moved into a larger item set, and a block
of rows built from responses' answers.

The flat layout for m items: rows, overall_n, overall_satisfied, ces_n, ces_sum, complete_n, the
three NPS counts, then n, sx and sxx (m × m each), satisfied, importance_n and importance_sum (m
each), complete_sum (m + 1) and complete_cross ((m + 1) × (m + 1)). Every entry is a sum over
responses, so the array of a union of responses is the sum of their arrays.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from csm.surveys.measure import Block, Spec, Tally

_SCALARS = ("rows", "overall_n", "overall_satisfied", "ces_n", "ces_sum", "complete_n")


def width(m: int) -> int:
    """The length of the flat array of a tally of m items."""
    return len(_SCALARS) + 3 + 3 * m * m + 3 * m + (m + 1) + (m + 1) ** 2


def _parts(m: int) -> list[tuple[str, tuple[int, ...]]]:
    return [("nps_counts", (3,)), ("n", (m, m)), ("sx", (m, m)), ("sxx", (m, m)), ("satisfied", (m,)),
            ("importance_n", (m,)), ("importance_sum", (m,)), ("complete_sum", (m + 1,)),
            ("complete_cross", (m + 1, m + 1))]


def to_array(counted: Tally) -> NDArray[np.float64]:
    pieces = [np.array([float(getattr(counted, name)) for name in _SCALARS])]
    pieces += [np.asarray(getattr(counted, name), dtype=np.float64).ravel() for name, _ in _parts(counted.m)]
    return np.concatenate(pieces)


def from_array(flat: NDArray[np.float64], m: int) -> Tally:
    if flat.shape != (width(m),):
        raise ValueError(f"a tally of {m} items has {width(m)} numbers, not {flat.shape}")
    counted = Tally(m)
    for position, name in enumerate(_SCALARS):
        value = float(flat[position])
        setattr(counted, name, int(value) if name == "rows" else value)
    start = len(_SCALARS)
    for name, shape in _parts(m):
        size = int(np.prod(shape))
        setattr(counted, name, flat[start:start + size].reshape(shape).copy())
        start += size
    return counted


def to_bytes(counted: Tally) -> bytes:
    return to_array(counted).astype("<f8").tobytes()


def sum_by_group(blobs: Sequence[bytes], groups: Sequence[Hashable], m: int) -> dict[Hashable, Tally]:
    """The summed tally of each group's stored tallies (all of m items), in one numpy pass."""
    if not blobs:
        return {}
    flat = np.frombuffer(b"".join(blobs), dtype="<f8").reshape(len(blobs), width(m))
    labels, inverse = np.unique(np.asarray(_codes(groups)), return_inverse=True)
    sums = np.zeros((len(labels), width(m)))
    np.add.at(sums, inverse, flat)
    names = _names(groups)
    return {names[int(code)]: from_array(sums[row], m) for row, code in enumerate(labels)}


def _codes(groups: Sequence[Hashable]) -> list[int]:
    index: dict[Hashable, int] = {}
    return [index.setdefault(group, len(index)) for group in groups]


def _names(groups: Sequence[Hashable]) -> dict[int, Hashable]:
    index: dict[Hashable, int] = {}
    for group in groups:
        index.setdefault(group, len(index))
    return {code: group for group, code in index.items()}


def embed(counted: Tally, positions: Sequence[int], m: int) -> Tally:
    """The tally in a set of m items where its item i sits at positions[i]. The complete cases'
    cross-products (the drivers') are kept only when the item set is the same size, since rows
    that never saw the other items are not complete cases of the larger set."""
    if len(positions) != counted.m or len(set(positions)) != counted.m or max(positions, default=-1) >= m:
        raise ValueError("positions must place each item at its own place in the larger set")
    out = Tally(m)
    for name in ("rows", "overall_n", "overall_satisfied", "ces_n", "ces_sum"):
        setattr(out, name, getattr(counted, name))
    out.nps_counts = counted.nps_counts.copy()
    at = np.asarray(positions)
    for name in ("n", "sx", "sxx"):
        getattr(out, name)[np.ix_(at, at)] = getattr(counted, name)
    for name in ("satisfied", "importance_n", "importance_sum"):
        getattr(out, name)[at] = getattr(counted, name)
    if counted.m == m:
        full = np.append(at, m)
        out.complete_n = counted.complete_n
        out.complete_sum[full] = counted.complete_sum
        out.complete_cross[np.ix_(full, full)] = counted.complete_cross
    return out


def block_from_answers(spec: Spec, responses: Sequence[Mapping[str, float]]) -> Block:
    """The block of responses given as {answer key: number} (a missing key: not answered)."""
    def column(key: str | None) -> NDArray[np.float64]:
        return np.array([answers.get(key, np.nan) if key else np.nan for answers in responses], dtype=np.float64)

    satisfaction = np.column_stack([column(item.satisfaction) for item in spec.items]) if responses else \
        np.empty((0, len(spec.items)))
    importance = None
    if any(item.importance for item in spec.items):
        importance = np.column_stack([column(item.importance) for item in spec.items]) if responses else \
            np.empty((0, len(spec.items)))
    return Block(satisfaction, importance,
                 column(spec.overall) if spec.overall else None,
                 column(spec.nps) if spec.nps else None,
                 column(spec.ces) if spec.ces else None)
