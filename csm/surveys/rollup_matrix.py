"""Stored rollups added up by group, pure (no Django): the dashboards' fetch → compute step.

A survey's versions may rate different items. `union_layout` puts them in one item set, the latest
version's items first, in its order, then each older version's items it does not have, newest
version first; a version on another rating scale (or another "satisfied from") cannot be added up
with the latest and is left out (listed in `excluded`). A rollup's tally (flat float64,
tallies.py's layout) is placed in that union set by `Placement`: each entry is moved to its place as
`tallies.embed` moves it, so the complete cases' cross-products (the drivers') are kept only from
the versions that rate every item of the union: rows that never saw an item are not complete cases
of the union. Every entry is still a sum over responses, so the rows of any set of
rollups add up to the tally of their responses: `grouped_sums` adds them per group key in one pass
over runs of equal keys (the sums are of whole numbers, so exact in any order) and only the group
sums are moved into the union.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from csm.surveys import tallies
from csm.surveys.instrument import MeasuredItem
from csm.surveys.measure import Spec, parse_spec


@dataclass(frozen=True)
class Version:
    id: int
    number: int
    spec: Mapping[str, Any]  # the version's measurement spec (measure.parse_spec's format)
    items: tuple[MeasuredItem, ...]  # instrument.measured_items of its content, in the spec's order


@dataclass(frozen=True)
class Placement:
    """Where a version's flat tally goes in the union's: union[target] = version[source]."""

    m: int
    source: NDArray[np.intp]
    target: NDArray[np.intp]
    is_identity: bool


@dataclass(frozen=True)
class Layout:
    spec: Spec
    items: tuple[MeasuredItem, ...]
    placements: Mapping[int, Placement]  # by version id; only the versions included
    included: tuple[int, ...]  # version numbers, newest first
    excluded: tuple[int, ...]

    @property
    def m(self) -> int:
        return len(self.items)

    @property
    def width(self) -> int:
        return tallies.width(self.m)


def _scale(spec: Mapping[str, Any]) -> tuple[Any, Any, Any]:
    return spec["scale"]["min"], spec["scale"]["max"], spec["satisfied_min"]


def union_layout(versions: Sequence[Version]) -> Layout | None:
    """The union of the versions' items (see the module); `versions` newest first; None for none."""
    if not versions:
        return None
    latest = versions[0]
    included = [v for v in versions if _scale(v.spec) == _scale(latest.spec)]
    included_ids = {v.id for v in included}
    items: dict[str, MeasuredItem] = {}
    entries: dict[str, dict[str, Any]] = {}
    for version in included:
        for item, entry in zip(version.items, version.spec["items"], strict=True):
            items.setdefault(item.id, item)
            entries.setdefault(entry["id"], dict(entry))
    raw: dict[str, Any] = {"scale": latest.spec["scale"], "satisfied_min": latest.spec["satisfied_min"],
                           "items": list(entries.values())}
    for name in ("overall", "nps", "ces"):
        raw[name] = next((v.spec[name] for v in included if v.spec.get(name)), None)
    union = tuple(items.values())
    ids = [item.id for item in union]
    placements = {v.id: _placement([item.id for item in v.items], ids) for v in included}
    return Layout(parse_spec(raw), union, placements, tuple(v.number for v in included),
                  tuple(v.number for v in versions if v.id not in included_ids))


def _placement(own: Sequence[str], union: Sequence[str]) -> Placement:
    """Found by embedding a tally whose entries are their own flat positions (+1, so 0 is empty)."""
    m, size = len(own), len(union)
    marked = tallies.from_array(np.arange(1, tallies.width(m) + 1, dtype=np.float64), m)
    embedded = tallies.to_array(tallies.embed(marked, [union.index(item) for item in own], size))
    target = np.flatnonzero(embedded).astype(np.intp)
    source = (embedded[target] - 1).astype(np.intp)
    identity = m == size and bool((source == target).all()) and target.size == tallies.width(m)
    return Placement(m, source, target, identity)


def grouped_sums(version_ids: Sequence[int], blobs: Sequence[bytes | memoryview], keys: NDArray[np.int64],
                 layout: Layout) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """The rollups with the same key added up, as rows of the union's flat tallies: (keys, sums),
    a key once per version that has it. Each version's rollups are added in its own item set first
    (so only the sums are moved into the union); those of excluded versions are left out. The
    tallies are joined in key order, so the runs are added where they lie."""
    versions = np.asarray(version_ids, dtype=np.int64)
    out_keys, out_sums = [], []
    for version in (int(v) for v in np.unique(versions)):
        placement = layout.placements.get(version)
        if placement is None:
            continue
        chosen = np.flatnonzero(versions == version)
        chosen = chosen[np.argsort(keys[chosen], kind="stable")]
        mine, own_blobs = keys[chosen], [blobs[k] for k in chosen.tolist()]
        own = np.frombuffer(b"".join(own_blobs), dtype="<f8").reshape(len(own_blobs), tallies.width(placement.m))
        found, sums = sum_runs(own, mine)
        out_keys.append(found)
        out_sums.append(sums if placement.is_identity else _placed(sums, placement, layout.width))
    if not out_keys:
        return np.zeros(0, dtype=np.int64), np.zeros((0, layout.width))
    return np.concatenate(out_keys), np.concatenate(out_sums)


def _placed(sums: NDArray[np.float64], placement: Placement, width: int) -> NDArray[np.float64]:
    out = np.zeros((sums.shape[0], width))
    out[:, placement.target] = sums[:, placement.source]
    return out


def sum_runs(flat: NDArray[np.float64], keys: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """The rows with equal keys added up: the distinct keys, ascending, and their sums. Rows already
    in key order are added where they lie, without a copy; each run is one `sum` over a slice,
    which numpy does several times faster than `add.reduceat` along the rows."""
    if keys.size == 0:
        return keys, np.zeros((0, flat.shape[1]))
    if keys.size > 1 and not bool((keys[1:] >= keys[:-1]).all()):
        order = np.argsort(keys, kind="stable")
        keys, flat = keys[order], flat[order]
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    ends = np.append(starts[1:], keys.size)
    return keys[starts], np.stack([flat[start:end].sum(axis=0) for start, end in zip(starts.tolist(), ends.tolist(),
                                                                                       strict=True)])


def codes(values: Sequence[Any] | NDArray[Any]) -> tuple[NDArray[np.int64], list[Any]]:
    """Each value's code and the distinct values, sorted (code k is values[k])."""
    distinct, inverse = np.unique(np.asarray(values), return_inverse=True)
    return inverse.astype(np.int64).reshape(-1), distinct.tolist()
