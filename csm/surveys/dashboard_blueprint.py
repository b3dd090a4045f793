"""The heatmap on the service blueprint: the survey's service (else the service of most of the
heatmap's touch points) laid out by `catalogue.blueprint`, each touch point box coloured by the
satisfaction index of the responses given there, and the touch points × characteristics table in
the blueprint's order (by touch face, then along each touch line), the touch points of no face or
of another service last. A fixed number of queries (the service, its points, lines and faces)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from django.utils.translation import gettext as _

from csm.accounts.context import Actor
from csm.catalogue import blueprint as bp
from csm.catalogue import selectors as catalogue
from csm.catalogue.models import Service, TouchPoint
from csm.surveys.dashboard_figures import Figures, GroupFigures, HeatCell, Label

# Light tints from red (40 and below) through amber (60) to green (80 and above), where most
# satisfaction scores lie; dark text stays above 7:1 on each.
_STOPS = ((40.0, (244, 190, 185)), (60.0, (255, 232, 163)), (80.0, (170, 220, 180)))
LEGEND = (40, 50, 60, 70, 80)
SUPPRESSED = "#eaeef2"


def heat_colour(score: float | None) -> str:
    """The cell colour of a score (0-100), interpolated between the stops; grey for none."""
    if score is None:
        return SUPPRESSED
    score = min(max(score, _STOPS[0][0]), _STOPS[-1][0])
    for (low, a), (high, b) in pairwise(_STOPS):
        if score <= high:
            t = (score - low) / (high - low)
            return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b, strict=True))
    return "#" + "".join(f"{x:02x}" for x in _STOPS[-1][1])


def legend() -> list[tuple[str, str]]:
    """The colour scale as (label, colour) swatches."""
    first, last = LEGEND[0], LEGEND[-1]
    return [(f"≤ {v}" if v == first else f"≥ {v}" if v == last else str(v), heat_colour(float(v))) for v in LEGEND]


@dataclass(frozen=True)
class HeatRow:
    point: Label
    cells: list[tuple[HeatCell | None, str]]  # each cell with its colour


@dataclass(frozen=True)
class HeatSection:
    title: str
    rows: list[HeatRow]


@dataclass(frozen=True)
class HeatBox:
    box: bp.Box
    colour: str
    figure: GroupFigures | None


@dataclass(frozen=True)
class BlueprintHeat:
    service: Service | None
    diagram: bp.Blueprint | None
    bands: list[tuple[bp.Band, list[HeatBox]]]
    columns: tuple[Label, ...]
    sections: list[HeatSection]
    legend: list[tuple[str, str]]


def blueprint_heat(*, actor: Actor, figures: Figures, service_id: int | None) -> BlueprintHeat:
    """The heatmap laid out on the blueprint (see the module)."""
    service = _service(actor, figures, service_id)
    grid = {point.key: HeatRow(point, [(cell, heat_colour(cell.score if cell else None)) for cell in cells])
            for point, cells in figures.heatmap.grid()}
    if service is None:
        return BlueprintHeat(None, None, [], figures.heatmap.characteristics,
                             [HeatSection(_("Touch points"), list(grid.values()))] if grid else [], legend())
    points = list(catalogue.list_touch_points(actor=actor).filter(service=service).order_by("id"))
    lines = list(catalogue.list_touch_lines(actor=actor).filter(service=service).order_by("id"))
    faces = list(catalogue.list_touch_faces(actor=actor).filter(service=service).order_by("id"))
    inputs = ([bp.Point(p.pk, p.name, p.staffing, p.channel) for p in points],
              [bp.Line(ln.pk, ln.name, ln.direction, tuple(s.touch_point_id for s in ln.steps.all())) for ln in lines],
              [bp.Face(f.pk, f.name, f.openness, tuple(tp.pk for tp in f.touch_points.all()),
                       tuple(ln.pk for ln in f.touch_lines.all())) for f in faces])
    diagram = bp.layout(*inputs)
    by_point = {row.key: row for row in figures.touch_points}
    bands = [(band, [HeatBox(box, heat_colour(_index(by_point.get(str(box.point_id)))), by_point.get(str(box.point_id)))
                     for box in band.boxes]) for band in diagram.bands]
    return BlueprintHeat(service, diagram, bands, figures.heatmap.characteristics,
                         _sections(bp.outline(*inputs), grid, figures), legend())


def _index(row: GroupFigures | None) -> float | None:
    return None if row is None or row.index is None else row.index.value


def _service(actor: Actor, figures: Figures, service_id: int | None) -> Service | None:
    if service_id is None:
        keys = [int(label.key) for label in figures.heatmap.touch_points if label.key]
        services = Counter(TouchPoint.objects.filter(organization_id=actor.organization_id, pk__in=keys)
                           .values_list("service_id", flat=True))
        service_id = services.most_common(1)[0][0] if services else None
    if service_id is None:
        return None
    return catalogue.list_services(actor=actor).filter(pk=service_id).first()


def _sections(outline: tuple[bp.Section, ...], grid: dict[str, HeatRow], figures: Figures) -> list[HeatSection]:
    """The table's row groups: each band of the blueprint, then the rows on none of them."""
    empty = [(None, heat_colour(None)) for _column in figures.heatmap.characteristics]
    placed: set[str] = set()
    sections = []
    for section in outline:
        ids = [point.id for steps in section.lines for point in steps.points] + [p.id for p in section.loose]
        names = {point.id: point.name for steps in section.lines for point in steps.points}
        names.update({p.id: p.name for p in section.loose})
        rows = []
        for point_id in dict.fromkeys(ids):
            key = str(point_id)
            if key not in placed:
                placed.add(key)
                rows.append(grid.get(key) or HeatRow(Label(key, names[point_id]), list(empty)))
        title = section.face.name if section.face else _("Other touch points")
        sections.append(HeatSection(title, rows))
    rest = [row for key, row in grid.items() if key not in placed]
    if rest:
        sections.append(HeatSection(_("Not on this service's blueprint"), rest))
    return [section for section in sections if section.rows]
