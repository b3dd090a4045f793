"""Rollups added up by group: the union of versions' items, placing a version's tallies in it (as
tallies.embed does, complete cases only for the same item set), and the group sums."""

from __future__ import annotations

import numpy as np
import pytest

from csm.surveys import measure, rollup_matrix, tallies
from csm.surveys.instrument import MeasuredItem


def item(item_id: str) -> MeasuredItem:
    return MeasuredItem(item_id, f"q.{item_id}", None, {"en": item_id.title()}, None, None)


def version(pk: int, number: int, ids: list[str], *, satisfied_min: int = 4, nps: bool = True) -> rollup_matrix.Version:
    spec = {"scale": {"min": 1, "max": 5}, "satisfied_min": satisfied_min, "overall": "overall",
            "items": [{"id": i, "satisfaction": f"q.{i}"} for i in ids], **({"nps": "nps"} if nps else {})}
    return rollup_matrix.Version(pk, number, spec, tuple(item(i) for i in ids))


def random_tally(m: int, seed: int, rows: int = 40) -> measure.Tally:
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 6, size=(rows, m)).astype(float)
    x[rng.random(x.shape) < 0.1] = np.nan
    overall = rng.integers(1, 6, size=rows).astype(float)
    spec = measure.parse_spec({"scale": {"min": 1, "max": 5}, "satisfied_min": 4, "overall": "o", "nps": "n",
                               "items": [{"id": str(i), "satisfaction": str(i)} for i in range(m)]})
    return measure.tally(measure.Block(x, None, overall, rng.integers(0, 11, size=rows).astype(float)), spec)


def test_the_union_puts_the_latest_items_first_then_the_older_ones():
    layout = rollup_matrix.union_layout([version(3, 2, ["b", "c"]), version(2, 1, ["a", "b", "d"])])
    assert [i.id for i in layout.items] == ["b", "c", "a", "d"]
    assert [i.id for i in layout.spec.items] == ["b", "c", "a", "d"]
    assert layout.spec.overall and layout.spec.nps
    assert (layout.included, layout.excluded) == ((2, 1), ())


def test_a_version_with_another_satisfied_from_is_left_out():
    layout = rollup_matrix.union_layout([version(3, 2, ["a"]), version(2, 1, ["a", "b"], satisfied_min=3)])
    assert [i.id for i in layout.items] == ["a"] and layout.excluded == (1,)
    assert 2 not in layout.placements


def test_no_versions_no_layout():
    assert rollup_matrix.union_layout([]) is None


@pytest.mark.parametrize(("own", "union"), [(["a", "b"], ["b", "c", "a"]), (["a", "b", "c"], ["c", "a", "b"])])
def test_a_placement_moves_entries_as_embed_does(own, union):
    layout = rollup_matrix.union_layout([version(2, 2, union), version(1, 1, own)])
    counted = random_tally(len(own), seed=5)
    placement = layout.placements[1]
    placed = np.zeros(layout.width)
    placed[placement.target] = tallies.to_array(counted)[placement.source]
    embedded = tallies.embed(counted, [union.index(i) for i in own], len(union))
    assert np.array_equal(placed, tallies.to_array(embedded))


def test_complete_cases_move_with_a_reordered_item_set_and_drop_from_a_smaller_one():
    swapped = rollup_matrix.union_layout([version(2, 2, ["a", "b"]), version(1, 1, ["b", "a"])])
    assert swapped.placements[1].is_identity is False and swapped.placements[2].is_identity is True
    counted = random_tally(2, seed=7)
    placed = np.zeros(swapped.width)
    placed[swapped.placements[1].target] = tallies.to_array(counted)[swapped.placements[1].source]
    moved = tallies.from_array(placed, 2)
    assert moved.complete_n == counted.complete_n > 0
    assert moved.n[0, 1] == counted.n[1, 0] and moved.sx[0, 0] == counted.sx[1, 1]
    assert moved.complete_cross[0, 2] == counted.complete_cross[1, 2]
    grown = rollup_matrix.union_layout([version(2, 2, ["a", "b", "c"]), version(1, 1, ["a", "b"])])
    placed = np.zeros(grown.width)
    placed[grown.placements[1].target] = tallies.to_array(counted)[grown.placements[1].source]
    assert tallies.from_array(placed, 3).complete_n == 0


def test_grouped_sums_equal_adding_each_groups_tallies():
    layout = rollup_matrix.union_layout([version(2, 2, ["a", "b", "c"]), version(1, 1, ["a", "b"])])
    parts = [(2, random_tally(3, s)) if s % 2 else (1, random_tally(2, s)) for s in range(9)]
    keys = np.array([3, 1, 3, 2, 1, 1, 3, 2, 2], dtype=np.int64)
    found, sums = rollup_matrix.grouped_sums([v for v, _t in parts], [tallies.to_bytes(t) for _v, t in parts], keys,
                                             layout)
    for key in (1, 2, 3):
        expected = np.zeros(layout.width)
        for (pk, counted), k in zip(parts, keys, strict=True):
            if k == key:
                positions = [["a", "b", "c"].index(i) for i in (["a", "b", "c"] if pk == 2 else ["a", "b"])]
                expected += tallies.to_array(tallies.embed(counted, positions, 3))
        assert np.array_equal(sums[found == key].sum(axis=0), expected)


def test_sum_runs_adds_equal_keys_in_or_out_of_order():
    flat = np.arange(12, dtype=float).reshape(6, 2)
    for keys in (np.array([0, 0, 1, 2, 2, 2]), np.array([2, 0, 2, 1, 0, 2])):
        found, sums = rollup_matrix.sum_runs(flat, keys.astype(np.int64))
        assert found.tolist() == [0, 1, 2]
        assert np.array_equal(sums, np.stack([flat[keys == k].sum(axis=0) for k in (0, 1, 2)]))
    found, sums = rollup_matrix.sum_runs(flat[:0], np.zeros(0, dtype=np.int64))
    assert found.size == 0 and sums.shape == (0, 2)


def test_codes_are_indexes_into_the_sorted_distinct_values():
    codes, values = rollup_matrix.codes(["b", "a", "b", ""])
    assert values == ["", "a", "b"] and codes.tolist() == [2, 1, 2, 0]
