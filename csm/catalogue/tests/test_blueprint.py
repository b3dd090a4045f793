"""The blueprint layout: hand-worked coordinates, and properties over random catalogues."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csm.catalogue.blueprint import (
    Arrow,
    Band,
    Blueprint,
    Box,
    Face,
    Line,
    LineSteps,
    Point,
    Section,
    TextLine,
    fit_label,
    layout,
    outline,
    text_width,
    wrap_label,
)


def _points(count: int) -> list[Point]:
    return [Point(i, f"P{i}", "staffed" if i % 2 else "unstaffed", "web") for i in range(1, count + 1)]


def _box(pid: int, row: int, column: int, x: int, y: int, reference: bool = False) -> Box:
    return Box(pid, f"P{pid}", "staffed" if pid % 2 else "unstaffed", "web", row, column, x, y, 168, 56,
               (TextLine(x + 30, y + 33, f"P{pid}"),), reference)


# Hand-worked layouts ----------------------------------------------------------------------------

def test_a_line_is_a_row_and_a_point_on_no_face_goes_to_the_other_band():
    points = _points(4)
    blueprint = layout(points, [Line(10, "L", "one_way", (1, 2, 3))], [Face(20, "F", "semi_open", (), (10,))])
    # Three columns: 2*32 padding + 3*168 boxes + 2*48 gaps = 664, plus 2*16 margin.
    assert blueprint == Blueprint(width=696, height=312, bands=(
        Band(20, "F", "semi_open", 16, 16, 664, 128, TextLine(48, 42, "F"),
             boxes=(_box(1, 0, 0, 48, 56), _box(2, 0, 1, 264, 56), _box(3, 0, 2, 480, 56)),
             arrows=(Arrow(10, "L", 1, 2, False, ((216, 84), (264, 84))),
                     Arrow(10, "L", 2, 3, False, ((432, 84), (480, 84)))),
             line_ids=(10,)),
        Band(None, "", "other", 16, 168, 664, 128, TextLine(48, 194, ""),
             boxes=(_box(4, 0, 0, 48, 208),), arrows=(), line_ids=()),
    ))


def test_a_point_shared_by_two_lines_is_drawn_once_and_arrows_go_round_the_boxes():
    points = _points(4)
    lines = [Line(10, "A", "one_way", (1, 2)), Line(11, "B", "round_trip", (3, 2, 4))]
    blueprint = layout(points, lines, [Face(20, "F", "fully_open", (), (10, 11))])
    (band,) = blueprint.bands
    assert (blueprint.width, blueprint.height, band.height) == (696, 248, 216)
    assert band.boxes == (_box(1, 0, 0, 48, 56), _box(2, 0, 1, 264, 56), _box(3, 1, 0, 48, 144),
                          _box(4, 1, 2, 480, 144))
    assert [(a.source_id, a.target_id, a.round_trip, a.path) for a in band.arrows] == [
        (1, 2, False, ((216, 84), (264, 84))),
        # Up through the column gap at x=240 into P2's left side.
        (3, 2, True, ((216, 172), (240, 172), (240, 84), (264, 84))),
        # Down through the column gap at x=456 into P4's left side.
        (2, 4, True, ((432, 84), (456, 84), (456, 172), (480, 172))),
    ]


def test_a_backward_step_runs_along_the_gap_below_the_row():
    points = _points(3)
    line = Line(10, "L", "one_way", (1, 2, 3, 1))
    blueprint = layout(points, [line], [Face(20, "F", "semi_open", (1, 2, 3))])
    back = blueprint.bands[0].arrows[-1]
    assert (back.source_id, back.target_id) == (3, 1)
    assert back.path == ((648, 84), (672, 84), (672, 128), (24, 128), (24, 84), (48, 84))


def test_an_unattached_line_inside_a_face_is_drawn_there():
    points = _points(3)
    blueprint = layout(points, [Line(10, "L", "one_way", (2, 3))], [Face(20, "F", "semi_open", (1, 2, 3))])
    (band,) = blueprint.bands
    assert band.line_ids == (10,)
    assert [(b.point_id, b.row, b.column) for b in band.boxes] == [(1, 1, 0), (2, 0, 0), (3, 0, 1)]


def test_a_line_crossing_faces_is_drawn_in_the_other_band_with_reference_boxes():
    points = _points(3)
    faces = [Face(20, "F", "semi_open", (1,)), Face(21, "G", "fully_open", (3,))]
    blueprint = layout(points, [Line(10, "L", "one_way", (1, 2, 3))], faces)
    other = blueprint.bands[-1]
    assert other.is_other
    assert [(b.point_id, b.column, b.is_reference) for b in other.boxes] == [(2, 1, False), (1, 0, True),
                                                                              (3, 2, True)]
    assert [(a.source_id, a.target_id) for a in other.arrows] == [(1, 2), (2, 3)]


def test_loose_points_wrap_four_to_a_row():
    blueprint = layout(_points(6), [], [])
    assert [(b.row, b.column) for b in blueprint.bands[0].boxes] == [
        (0, 0), (0, 1), (0, 2), (0, 3), (1, 0), (1, 1)
    ]


def test_an_empty_face_is_a_band_without_boxes_and_no_points_no_bands():
    assert layout([], [], [Face(1, "Empty", "semi_open")]).bands[0].height == 72
    assert layout([], [], []) == Blueprint(width=480, height=32, bands=())


def test_unknown_ids_are_ignored():
    line = Line(10, "L", "one_way", (1, 99, 2))
    blueprint = layout(_points(2), [line], [Face(20, "F", "semi_open", (1, 98))])
    assert [b.point_id for b in blueprint.bands[0].boxes] == [1]
    assert [b.point_id for b in blueprint.bands[1].boxes] == [2, 1]


def test_the_outline_keeps_every_step_and_the_loose_points():
    points = _points(4)
    line = Line(10, "L", "round_trip", (1, 2))
    face = Face(20, "F", "semi_open", (3,), (10,))
    sections = outline(points, [line], [face])
    assert sections == (
        Section(face, (LineSteps(line, (points[0], points[1])),), (points[2],)),
        Section(None, (), (points[3],)),
    )


# Labels -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "lines"), [
    ("Room", ("Room",)),
    ("Reception desk at the main entrance", ("Reception desk", "at the main…")),
    ("Recepcja główna — zgłoszenia", ("Recepcja główna", "— zgłoszenia")),
    ("酒店大堂前台接待服务台位置说明", ("酒店大堂前台接待服务", "台位置说明")),
    ("Supercalifragilisticexpialidocious", ("Supercalifragili", "sticexpialidoci…")),
    ("  spaced   out  ", ("spaced out",)),
])
def test_labels_wrap_into_two_lines_of_a_box(text, lines):
    assert wrap_label(text, max_width=130, font_size=13) == lines


def test_wide_characters_count_one_em():
    assert text_width("大堂", 10) == 20
    assert text_width("ab", 10) == 12
    # Nine characters and the ellipsis at 6 px each fill the 60 px exactly.
    assert fit_label("Guest floors", max_width=60, font_size=10) == "Guest flo…"
    assert fit_label("Guest", max_width=60, font_size=10) == "Guest"


# Properties -------------------------------------------------------------------------------------

@st.composite
def catalogues(draw):
    count = draw(st.integers(0, 14))
    points = [Point(i, draw(st.sampled_from(["A", "Recepcja", "大堂前台", ""])), draw(
        st.sampled_from(["staffed", "unstaffed"])), "web") for i in range(1, count + 1)]
    ids = st.sampled_from(range(1, count + 2))  # one id past the end: unknown ids must be tolerated
    lines = [
        Line(100 + i, f"L{i}", draw(st.sampled_from(["one_way", "round_trip"])),
             tuple(draw(st.lists(ids, min_size=2, max_size=7))))
        for i in range(draw(st.integers(0, 5)))
    ]
    line_ids = st.lists(st.sampled_from([ln.id for ln in lines]), max_size=3) if lines else st.just([])
    faces = [
        Face(200 + i, f"F{i}", draw(st.sampled_from(["semi_open", "fully_open"])),
             tuple(draw(st.lists(ids, max_size=6))), tuple(draw(line_ids)))
        for i in range(draw(st.integers(0, 4)))
    ]
    return points, lines, faces


def _overlap(a: Box, b: Box) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom


def _crosses(start: tuple[int, int], end: tuple[int, int], box: Box) -> bool:
    """Whether the axis-parallel segment enters the open interior of the box."""
    (x1, x2), (y1, y2) = sorted((start[0], end[0])), sorted((start[1], end[1]))
    if y1 == y2:
        return box.y < y1 < box.bottom and max(x1, box.x) < min(x2, box.right)
    return box.x < x1 < box.right and max(y1, box.y) < min(y2, box.bottom)


def _members(face: Face, lines: list[Line], known: set[int]) -> set[int]:
    on_lines = {pid for ln in lines if ln.id in face.line_ids for pid in ln.point_ids}
    return (set(face.point_ids) | on_lines) & known


@settings(max_examples=300, deadline=None)
@given(catalogues())
def test_boxes_never_overlap_and_stay_inside_their_band(catalogue):
    blueprint = layout(*catalogue)
    boxes = [box for band in blueprint.bands for box in band.boxes]
    assert not [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if _overlap(a, b)]
    for band in blueprint.bands:
        assert band.x >= 0 and band.y >= 0 and band.x + band.width <= blueprint.width
        assert band.y + band.height <= blueprint.height
        for box in band.boxes:
            assert band.x < box.x and box.right < band.x + band.width
            assert band.y < box.y and box.bottom < band.y + band.height
    for upper, lower in zip(blueprint.bands, blueprint.bands[1:], strict=False):
        assert upper.y + upper.height < lower.y


@settings(max_examples=300, deadline=None)
@given(catalogues())
def test_each_point_appears_once_per_face_and_points_in_no_face_in_the_other_band(catalogue):
    points, lines, faces = catalogue
    known = {p.id for p in points}
    blueprint = layout(points, lines, faces)
    face_bands = [band for band in blueprint.bands if not band.is_other]
    assert [band.face_id for band in face_bands] == [face.id for face in faces]
    in_faces: set[int] = set()
    for face, band in zip(faces, face_bands, strict=True):
        drawn = [box.point_id for box in band.boxes]
        assert sorted(drawn) == sorted(_members(face, lines, known))
        assert not any(box.is_reference for box in band.boxes)
        in_faces |= set(drawn)
    other = [band for band in blueprint.bands if band.is_other]
    own = sorted(box.point_id for band in other for box in band.boxes if not box.is_reference)
    assert own == sorted(known - in_faces)
    references = [box.point_id for band in other for box in band.boxes if box.is_reference]
    assert len(references) == len(set(references)) and set(references) <= in_faces


@settings(max_examples=300, deadline=None)
@given(catalogues())
def test_arrows_join_consecutive_points_through_the_gaps_and_mark_round_trips(catalogue):
    points, lines, faces = catalogue
    direction = {ln.id: ln.direction for ln in lines}
    known = {p.id for p in points}
    paths = {ln.id: [pid for pid in ln.point_ids if pid in known] for ln in lines}  # unknown ids are dropped
    steps = {line_id: set(pairwise(path)) for line_id, path in paths.items()}
    for band in layout(points, lines, faces).bands:
        boxes = {box.point_id: box for box in band.boxes}
        for arrow in band.arrows:
            assert arrow.round_trip == (direction[arrow.line_id] == "round_trip")
            assert (arrow.source_id, arrow.target_id) in steps[arrow.line_id]
            source, target = boxes[arrow.source_id], boxes[arrow.target_id]
            assert arrow.path[0] == (source.right, source.middle_y)
            assert arrow.path[-1] == (target.x, target.middle_y)
            for start, end in zip(arrow.path, arrow.path[1:], strict=False):
                assert start[0] == end[0] or start[1] == end[1]
                assert not [box for box in band.boxes if _crosses(start, end, box)]
