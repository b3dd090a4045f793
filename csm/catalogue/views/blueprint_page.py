"""The service blueprint page: fetch one service's points, lines and faces, lay them out with the
pure csm.catalogue.blueprint module, and draw them as an inline SVG with a table of the same data."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.decorators import org_view
from csm.catalogue import blueprint as bp
from csm.catalogue import selectors
from csm.catalogue.models import Service, ServiceCharacteristic, TouchFace, TouchLine, TouchPoint
from csm.catalogue.views.base import actor_of, can_edit


@dataclass(frozen=True)
class TableRow:
    line: TouchLine | None
    step: int | None
    point: TouchPoint
    characteristics: tuple[ServiceCharacteristic, ...]


@dataclass(frozen=True)
class TableSection:
    face: TouchFace | None
    rows: tuple[TableRow, ...]


@dataclass(frozen=True)
class Fetched:
    points: dict[int, TouchPoint]
    lines: dict[int, TouchLine]
    faces: dict[int, TouchFace]
    characteristics: dict[int, tuple[ServiceCharacteristic, ...]]


def _fetch(actor: Actor, service: Service) -> Fetched:
    points = selectors.list_touch_points(actor=actor).filter(service=service).order_by("id")
    lines = selectors.list_touch_lines(actor=actor).filter(service=service).order_by("id")
    faces = selectors.list_touch_faces(actor=actor).filter(service=service).order_by("id")
    linked: dict[int, list[ServiceCharacteristic]] = defaultdict(list)
    for item in selectors.list_characteristics(actor=actor).filter(touch_points__service=service).distinct():
        for point in item.touch_points.all():
            linked[point.pk].append(item)
    return Fetched(
        points={p.pk: p for p in points}, lines={ln.pk: ln for ln in lines}, faces={f.pk: f for f in faces},
        characteristics={pk: tuple(items) for pk, items in linked.items()},
    )


def _layout_input(data: Fetched) -> tuple[list[bp.Point], list[bp.Line], list[bp.Face]]:
    points = [bp.Point(p.pk, p.name, p.staffing, p.channel) for p in data.points.values()]
    lines = [
        bp.Line(ln.pk, ln.name, ln.direction, tuple(s.touch_point_id for s in ln.steps.all()))
        for ln in data.lines.values()
    ]
    faces = [
        bp.Face(f.pk, f.name, f.openness, tuple(tp.pk for tp in f.touch_points.all()),
                tuple(ln.pk for ln in f.touch_lines.all()))
        for f in data.faces.values()
    ]
    return points, lines, faces


def _row(data: Fetched, point_id: int, line: TouchLine | None = None, step: int | None = None) -> TableRow:
    return TableRow(line, step, data.points[point_id], data.characteristics.get(point_id, ()))


def _table(data: Fetched, sections: tuple[bp.Section, ...]) -> list[TableSection]:
    table = []
    for section in sections:
        rows = [
            _row(data, point.id, data.lines[steps.line.id], number)
            for steps in section.lines
            for number, point in enumerate(steps.points, start=1)
        ]
        rows += [_row(data, point.id) for point in section.loose]
        table.append(TableSection(data.faces[section.face.id] if section.face else None, tuple(rows)))
    return table


def _diagram_context(data: Fetched) -> dict[str, Any]:
    points, lines, faces = _layout_input(data)
    diagram = bp.layout(points, lines, faces)
    bands = [
        {"band": band, "boxes": [(box, data.points[box.point_id]) for box in band.boxes]}
        for band in diagram.bands
    ]
    table = _table(data, bp.outline(points, lines, faces))
    return {"diagram": diagram, "bands": bands, "table": table,
            "counts": {"points": len(points), "lines": len(lines), "faces": len(faces)}}


def _chosen_service(actor: Actor, raw: str | None, services: list[Service]) -> Service | None:
    """The service named by ?service= (404 when it is not the organisation's), else the one with
    the most touch points (the richest diagram; ties go to the first by name)."""
    if raw:
        return selectors.access_service(actor=actor, service_id=raw)  # type: ignore[arg-type]
    return max(services, key=lambda s: s.touch_point_count, default=None)  # type: ignore[attr-defined]


@org_view(roles.VIEW_CATALOGUE)
def blueprint_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    services = list(selectors.list_services_with_counts(actor=actor))
    service = _chosen_service(actor, request.GET.get("service"), services)
    context: dict[str, Any] = {"services": services, "service": service, **can_edit(request)}
    if service is not None:
        context.update(_diagram_context(_fetch(actor, service)))
    return render(request, "catalogue/blueprint.html", context)
