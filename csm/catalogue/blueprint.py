"""Service blueprint layout (seed 002, §3.2-3.4): where each touch point, touch line and touch face
of one service is drawn. Pure: no Django, frozen dataclasses in and out, integer coordinates.

Grouping. Every touch face becomes one band, in input order. A face's members are the touch points
it lists plus every point on the touch lines it lists. A face draws the lines it lists, and also any
line that belongs to no face but whose points all lie in this face (lines are often left unattached
when the face is defined by its points). Points that are members of no face go to a last band,
"Other touch points". It also draws the unattached lines that no face drew (they cross faces):
their points that live on a face are repeated there as reference boxes (`is_reference`), so every
line can be followed from end to end. The band exists when it has points or such lines.

Inside a band. Each drawn line is a row, in input order: its points that are not yet placed in this
band are put at column = their position on the line (counting only points in the band), so a line
reads left to right. A point already placed by an earlier row stays where it is (each point appears
once per band) and the arrow goes to it there. Points on none of the band's lines fill final rows,
LOOSE_PER_ROW to a row. Every cell (row, column) holds at most one box, so boxes never overlap.

Arrows. Between consecutive points of a line that are both in the band. Adjacent columns of the
same row are joined by a straight segment; any other pair is routed orthogonally through the gaps:
out of the right side of the source into the column gap, along the row gap next to the target's row
(above it when the target is lower, below it otherwise), down the column gap left of the target and
into its left side. Segments therefore run only through gaps and never cross a box. Round-trip lines
(双程) are marked `round_trip` and drawn with a head at both ends.

Geometry. Bands are stacked top to bottom MARGIN apart from the edges and BAND_GAP apart, all as
wide as the widest one (at least MIN_COLUMNS columns). A band has a BAND_HEADER strip for its
label, BAND_PADDING_X at the sides and BAND_PADDING_BOTTOM below the last row, so the lanes around
the outer rows and columns stay inside the band. Labels are wrapped to two lines by an estimated
text width (CJK characters one em, others 0.6 em) and end in "…" when they do not fit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

STAFFED = "staffed"
ROUND_TRIP = "round_trip"
SEMI_OPEN = "semi_open"
OTHER = "other"

BOX_WIDTH = 168
BOX_HEIGHT = 56
COLUMN_GAP = 48
ROW_GAP = 32
BAND_PADDING_X = 32
BAND_HEADER = 40
BAND_PADDING_BOTTOM = 32
BAND_GAP = 24
MARGIN = 16
MIN_COLUMNS = 2
LOOSE_PER_ROW = 4

LABEL_FONT_SIZE = 13
LABEL_INSET = 30  # room for the staffing glyph at the left of a box
BAND_FONT_SIZE = 15
OPENNESS_TAG_WIDTH = 140  # kept free at the right of a band header for the openness tag
ELLIPSIS = "…"


# Input -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Point:
    id: int
    name: str
    staffing: str
    channel: str


@dataclass(frozen=True)
class Line:
    id: int
    name: str
    direction: str
    point_ids: tuple[int, ...]


@dataclass(frozen=True)
class Face:
    id: int
    name: str
    openness: str
    point_ids: tuple[int, ...] = ()
    line_ids: tuple[int, ...] = ()


# Output ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TextLine:
    x: int
    y: int
    text: str


@dataclass(frozen=True)
class Box:
    point_id: int
    name: str
    staffing: str
    channel: str
    row: int
    column: int
    x: int
    y: int
    width: int
    height: int
    label: tuple[TextLine, ...]
    is_reference: bool = False

    @property
    def is_staffed(self) -> bool:
        return self.staffing == STAFFED

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    @property
    def middle_y(self) -> int:
        return self.y + self.height // 2


@dataclass(frozen=True)
class Arrow:
    line_id: int
    line_name: str
    source_id: int
    target_id: int
    round_trip: bool
    path: tuple[tuple[int, int], ...]

    @property
    def points_attr(self) -> str:
        """The path as an SVG `points` attribute."""
        return " ".join(f"{x},{y}" for x, y in self.path)


@dataclass(frozen=True)
class Band:
    face_id: int | None
    name: str
    openness: str
    x: int
    y: int
    width: int
    height: int
    label: TextLine
    boxes: tuple[Box, ...]
    arrows: tuple[Arrow, ...]
    line_ids: tuple[int, ...]

    @property
    def is_other(self) -> bool:
        return self.face_id is None

    @property
    def is_semi_open(self) -> bool:
        return self.openness == SEMI_OPEN

    @property
    def tag_x(self) -> int:
        """Right edge of the openness tag (text-anchor end)."""
        return self.x + self.width - BAND_PADDING_X

    def box_for(self, point_id: int) -> Box | None:
        return next((box for box in self.boxes if box.point_id == point_id), None)


@dataclass(frozen=True)
class Blueprint:
    width: int
    height: int
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class LineSteps:
    line: Line
    points: tuple[Point, ...]


@dataclass(frozen=True)
class Section:
    """One band as text: its face (None for "other"), its lines with all their steps, and the
    band's points that are on none of those lines."""

    face: Face | None
    lines: tuple[LineSteps, ...]
    loose: tuple[Point, ...]


# Grouping --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Group:
    face: Face | None
    members: tuple[int, ...]  # point ids in input order
    lines: tuple[Line, ...] = field(default=())
    references: tuple[int, ...] = field(default=())  # points of another band, repeated for a line


def _known_ids(ids: Iterable[int], known: set[int]) -> tuple[int, ...]:
    return tuple(pid for pid in ids if pid in known)


def _groups(points: Sequence[Point], lines: Sequence[Line], faces: Sequence[Face]) -> list[_Group]:
    known = {p.id for p in points}
    lines = [Line(ln.id, ln.name, ln.direction, _known_ids(ln.point_ids, known)) for ln in lines]
    attached = {line_id for face in faces for line_id in face.line_ids}
    floating = [ln for ln in lines if ln.id not in attached and ln.point_ids]
    groups: list[_Group] = []
    drawn_floating: set[int] = set()
    for face in faces:
        own = {ln.id for ln in lines if ln.id in set(face.line_ids)}
        member_set = set(_known_ids(face.point_ids, known))
        member_set.update(pid for ln in lines if ln.id in own for pid in ln.point_ids)
        fitting = {ln.id for ln in floating if set(ln.point_ids) <= member_set}
        drawn_floating |= fitting
        drawn = tuple(ln for ln in lines if ln.id in own | fitting)
        groups.append(_Group(face, tuple(p.id for p in points if p.id in member_set), drawn))
    in_faces = {pid for group in groups for pid in group.members}
    others = tuple(p.id for p in points if p.id not in in_faces)
    other_lines = tuple(ln for ln in floating if ln.id not in drawn_floating)
    on_other_lines = {pid for ln in other_lines for pid in ln.point_ids}
    references = tuple(p.id for p in points if p.id in on_other_lines and p.id in in_faces)
    if others or other_lines:
        groups.append(_Group(None, others, other_lines, references))
    return groups


def outline(points: Sequence[Point], lines: Sequence[Line], faces: Sequence[Face]) -> tuple[Section, ...]:
    """The same grouping as `layout`, as text for the table under the diagram. Lines keep every
    step, even those in another band; the "other" section also lists lines no face draws."""
    by_id = {p.id: p for p in points}
    sections = []
    for group in _groups(points, lines, faces):
        on_lines = {pid for ln in group.lines for pid in ln.point_ids}
        sections.append(Section(
            face=group.face,
            lines=tuple(LineSteps(ln, tuple(by_id[pid] for pid in ln.point_ids)) for ln in group.lines),
            loose=tuple(by_id[pid] for pid in group.members if pid not in on_lines),
        ))
    return tuple(sections)


# Placing ---------------------------------------------------------------------------------------

def _cells(group: _Group) -> dict[int, tuple[int, int]]:
    """Point id -> (row, column) inside the band."""
    members = {*group.members, *group.references}
    placed: dict[int, tuple[int, int]] = {}
    row = 0
    for line in group.lines:
        in_band = [pid for pid in line.point_ids if pid in members]
        new = False
        for column, pid in enumerate(in_band):
            if pid not in placed:
                placed[pid] = (row, column)
                new = True
        row += new
    loose = [pid for pid in group.members if pid not in placed]
    for index, pid in enumerate(loose):
        placed[pid] = (row + index // LOOSE_PER_ROW, index % LOOSE_PER_ROW)
    return placed


def _content_width(columns: int) -> int:
    columns = max(columns, MIN_COLUMNS)
    return 2 * BAND_PADDING_X + columns * BOX_WIDTH + (columns - 1) * COLUMN_GAP


def _band_height(rows: int) -> int:
    if rows == 0:
        return BAND_HEADER + BAND_PADDING_BOTTOM
    return BAND_HEADER + rows * BOX_HEIGHT + (rows - 1) * ROW_GAP + BAND_PADDING_BOTTOM


def _cell_origin(band_x: int, band_y: int, row: int, column: int) -> tuple[int, int]:
    return (
        band_x + BAND_PADDING_X + column * (BOX_WIDTH + COLUMN_GAP),
        band_y + BAND_HEADER + row * (BOX_HEIGHT + ROW_GAP),
    )


def _box(point: Point, band_x: int, band_y: int, row: int, column: int, is_reference: bool) -> Box:
    x, y = _cell_origin(band_x, band_y, row, column)
    text = wrap_label(point.name, max_width=BOX_WIDTH - LABEL_INSET - 8, font_size=LABEL_FONT_SIZE)
    baseline = y + BOX_HEIGHT // 2 + 5 - (len(text) - 1) * 8
    label = tuple(TextLine(x + LABEL_INSET, baseline + i * 16, t) for i, t in enumerate(text))
    return Box(point.id, point.name, point.staffing, point.channel, row, column, x, y, BOX_WIDTH, BOX_HEIGHT,
               label, is_reference)


# Routing ---------------------------------------------------------------------------------------

def _simplify(path: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Drop repeated points and points in the middle of a straight run."""
    out: list[tuple[int, int]] = []
    for point in path:
        if out and out[-1] == point:
            continue
        if len(out) >= 2 and (out[-2][0] == out[-1][0] == point[0] or out[-2][1] == out[-1][1] == point[1]):
            out[-1] = point
            continue
        out.append(point)
    return tuple(out)


def route(source: Box, target: Box) -> tuple[tuple[int, int], ...]:
    """An orthogonal path from the right side of `source` to the left side of `target` that runs
    only through the gaps between boxes."""
    start, end = (source.right, source.middle_y), (target.x, target.middle_y)
    if source.row == target.row and target.column == source.column + 1:
        return (start, end)
    out_x = source.right + COLUMN_GAP // 2
    in_x = target.x - COLUMN_GAP // 2
    lane = target.y - ROW_GAP // 2 if target.row > source.row else target.bottom + ROW_GAP // 2
    return _simplify([start, (out_x, start[1]), (out_x, lane), (in_x, lane), (in_x, end[1]), end])


def _arrows(group: _Group, boxes: dict[int, Box]) -> tuple[Arrow, ...]:
    arrows = []
    for line in group.lines:
        for a, b in pairwise(line.point_ids):
            if a != b and a in boxes and b in boxes:
                arrows.append(Arrow(line.id, line.name, a, b, line.direction == ROUND_TRIP,
                                    route(boxes[a], boxes[b])))
    return tuple(arrows)


# Layout ----------------------------------------------------------------------------------------

def _band(
    group: _Group, cells: dict[int, tuple[int, int]], by_id: dict[int, Point], y: int, width: int
) -> Band:
    x = MARGIN
    references = set(group.references)
    boxes = {
        pid: _box(by_id[pid], x, y, row, column, pid in references) for pid, (row, column) in cells.items()
    }
    rows = max((row for row, _ in cells.values()), default=-1) + 1
    name = group.face.name if group.face else ""
    label_text = fit_label(name, max_width=width - 2 * BAND_PADDING_X - OPENNESS_TAG_WIDTH,
                           font_size=BAND_FONT_SIZE)
    return Band(
        face_id=group.face.id if group.face else None,
        name=name,
        openness=group.face.openness if group.face else OTHER,
        x=x, y=y, width=width, height=_band_height(rows),
        label=TextLine(x + BAND_PADDING_X, y + 26, label_text),
        boxes=tuple(boxes[pid] for pid in (*group.members, *group.references)),
        arrows=_arrows(group, boxes),
        line_ids=tuple(ln.id for ln in group.lines),
    )


def layout(points: Sequence[Point], lines: Sequence[Line], faces: Sequence[Face]) -> Blueprint:
    """Position every band, box and arrow of one service's blueprint (see the module docstring)."""
    by_id = {p.id: p for p in points}
    groups = [g for g in _groups(points, lines, faces) if g.face is not None or g.members or g.references]
    cells = [_cells(group) for group in groups]
    columns = max((column + 1 for c in cells for _, column in c.values()), default=MIN_COLUMNS)
    width = _content_width(columns)
    bands: list[Band] = []
    y = MARGIN
    for group, group_cells in zip(groups, cells, strict=True):
        band = _band(group, group_cells, by_id, y, width)
        bands.append(band)
        y += band.height + BAND_GAP
    height = (y - BAND_GAP + MARGIN) if bands else 2 * MARGIN
    return Blueprint(width=width + 2 * MARGIN, height=height, bands=tuple(bands))


# Labels ----------------------------------------------------------------------------------------

_WIDE = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
# A token is one wide (CJK) character or one run of other non-space characters, with the spaces
# before it; lines may break before any token.
_TOKEN = re.compile(rf"\s*(?:[{_WIDE}]|[^\s{_WIDE}]+)")


def text_width(text: str, font_size: int) -> float:
    """Estimated rendered width: wide (CJK) characters one em, the rest 0.6 em."""
    return sum(font_size * (1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6) for ch in text)


def fit_label(text: str, *, max_width: float, font_size: int, cut: bool = False) -> str:
    """`text` on one line, cut with an ellipsis when it is wider than `max_width` (or always, when
    `cut` says that text follows)."""
    text = " ".join(text.split())
    if not cut and text_width(text, font_size) <= max_width:
        return text
    while text and text_width(text + ELLIPSIS, font_size) > max_width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def _break_token(token: str, max_width: float, font_size: int) -> list[str]:
    pieces = [""]
    for ch in token:
        if pieces[-1] and text_width(pieces[-1] + ch, font_size) > max_width:
            pieces.append("")
        pieces[-1] += ch
    return pieces


def wrap_label(text: str, *, max_width: float, font_size: int, max_lines: int = 2) -> tuple[str, ...]:
    """Greedy wrap at spaces (and between CJK characters) into at most `max_lines` lines; the last
    line ends in an ellipsis when text is left over."""
    lines: list[str] = []
    for token in _TOKEN.findall(" ".join(text.split())):
        candidate = (lines[-1] + token) if lines else token.lstrip()
        if lines and text_width(candidate, font_size) <= max_width:
            lines[-1] = candidate
            continue
        lines.extend(_break_token(token.lstrip(), max_width, font_size))
    if len(lines) > max_lines:
        last = fit_label(lines[max_lines - 1], max_width=max_width, font_size=font_size, cut=True)
        lines = [*lines[: max_lines - 1], last]
    return tuple(lines) or ("",)
