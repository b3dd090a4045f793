"""Catalogue endpoints: services, touch points, touch lines, touch faces, characteristics."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Status

from csm.accounts.context import Actor
from csm.accounts.selectors import access_unit
from csm.catalogue import selectors, services
from csm.catalogue.models import Channel, CharacteristicCategory, CharacteristicKind, Staffing
from csm.catalogue.schemas import (
    CharacteristicIn,
    CharacteristicOut,
    CharacteristicPatch,
    ServiceIn,
    ServiceOut,
    ServicePatch,
    TouchFaceIn,
    TouchFaceOut,
    TouchFacePatch,
    TouchLineIn,
    TouchLineOut,
    TouchLinePatch,
    TouchPointIn,
    TouchPointOut,
    TouchPointPatch,
)
from csm.core.pagination import paginate
from csm.core.schemas import ERRORS, Id, PageOut, PageQuery
from csm.core.writes import resolve_reference

router = Router(tags=["catalogue"])

TOUCH_POINT_COLUMNS = (
    "id", "service_id", "name", "code", "staffing", "channel", "location", "unit_id", "description",
    "is_active", "created_at", "updated_at",
)


def _actor(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _refs(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """Turn *_id references into objects of the actor's organisation (422 on a foreign id)."""
    if "unit_id" in data:
        unit_id = data.pop("unit_id")
        data["unit"] = (
            None if unit_id is None
            else resolve_reference("unit_id", lambda: access_unit(actor=actor, unit_id=unit_id))
        )
    if "service_id" in data:
        service_id = data.pop("service_id")
        data["service"] = resolve_reference(
            "service_id", lambda: selectors.access_service(actor=actor, service_id=service_id)
        )
    return data


class ListQuery(PageQuery):
    q: str | None = Field(None, description="Case-insensitive part of the name.")


# Services ---------------------------------------------------------------------------------------

class ServiceFilter(ListQuery):
    unit_id: Id | None = None
    is_active: bool | None = None


@router.get("/services", response={200: PageOut[ServiceOut], **ERRORS})
def list_services(request: HttpRequest, filters: Query[ServiceFilter]) -> Any:
    qs = selectors.list_services(actor=_actor(request))
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    if filters.unit_id is not None:
        qs = qs.filter(unit_id=filters.unit_id)
    if filters.is_active is not None:
        qs = qs.filter(is_active=filters.is_active)
    return paginate(qs, cursor=filters.cursor, limit=filters.limit)


@router.post("/services", response={201: ServiceOut, **ERRORS})
def create_service(request: HttpRequest, payload: ServiceIn) -> Any:
    actor = _actor(request)
    return Status(201, services.create_service(actor=actor, **_refs(actor, payload.dict())))


@router.get("/services/{service_id}", response={200: ServiceOut, **ERRORS})
def get_service(request: HttpRequest, service_id: int) -> Any:
    return selectors.access_service(actor=_actor(request), service_id=service_id)


@router.patch("/services/{service_id}", response={200: ServiceOut, **ERRORS})
def update_service(request: HttpRequest, service_id: int, payload: ServicePatch) -> Any:
    actor = _actor(request)
    service = selectors.access_service(actor=actor, service_id=service_id)
    return services.update_service(actor=actor, service=service, **_refs(actor, payload.dict(exclude_unset=True)))


@router.delete("/services/{service_id}", response={204: None, **ERRORS})
def delete_service(request: HttpRequest, service_id: int) -> Any:
    actor = _actor(request)
    services.delete_service(actor=actor, service=selectors.access_service(actor=actor, service_id=service_id))
    return Status(204, None)


# Touch points -----------------------------------------------------------------------------------

class TouchPointFilter(ListQuery):
    service_id: Id | None = None
    unit_id: Id | None = None
    channel: Channel | None = None
    staffing: Staffing | None = None
    is_active: bool | None = None


@router.get("/touch-points", response={200: PageOut[TouchPointOut], **ERRORS})
def list_touch_points(request: HttpRequest, filters: Query[TouchPointFilter]) -> Any:
    qs = selectors.list_touch_points(actor=_actor(request))
    for name in ("service_id", "unit_id", "channel", "staffing", "is_active"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{name: value})
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    return paginate(qs.values(*TOUCH_POINT_COLUMNS), cursor=filters.cursor, limit=filters.limit)


@router.post("/touch-points", response={201: TouchPointOut, **ERRORS})
def create_touch_point(request: HttpRequest, payload: TouchPointIn) -> Any:
    actor = _actor(request)
    return Status(201, services.create_touch_point(actor=actor, **_refs(actor, payload.dict())))


@router.get("/touch-points/{touch_point_id}", response={200: TouchPointOut, **ERRORS})
def get_touch_point(request: HttpRequest, touch_point_id: int) -> Any:
    return selectors.access_touch_point(actor=_actor(request), touch_point_id=touch_point_id)


@router.patch("/touch-points/{touch_point_id}", response={200: TouchPointOut, **ERRORS})
def update_touch_point(request: HttpRequest, touch_point_id: int, payload: TouchPointPatch) -> Any:
    actor = _actor(request)
    point = selectors.access_touch_point(actor=actor, touch_point_id=touch_point_id)
    return services.update_touch_point(
        actor=actor, touch_point=point, **_refs(actor, payload.dict(exclude_unset=True))
    )


@router.delete("/touch-points/{touch_point_id}", response={204: None, **ERRORS})
def delete_touch_point(request: HttpRequest, touch_point_id: int) -> Any:
    actor = _actor(request)
    point = selectors.access_touch_point(actor=actor, touch_point_id=touch_point_id)
    services.delete_touch_point(actor=actor, touch_point=point)
    return Status(204, None)


# Touch lines ------------------------------------------------------------------------------------

def _line_out(line: Any) -> dict[str, Any]:
    return {
        "id": line.pk, "service_id": line.service_id, "name": line.name, "direction": line.direction,
        "description": line.description, "touch_point_ids": [s.touch_point_id for s in line.steps.all()],
        "created_at": line.created_at, "updated_at": line.updated_at,
    }


class ServiceScopedFilter(ListQuery):
    service_id: Id | None = None


@router.get("/touch-lines", response={200: PageOut[TouchLineOut], **ERRORS})
def list_touch_lines(request: HttpRequest, filters: Query[ServiceScopedFilter]) -> Any:
    qs = selectors.list_touch_lines(actor=_actor(request))
    if filters.service_id is not None:
        qs = qs.filter(service_id=filters.service_id)
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    page = paginate(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": [_line_out(line) for line in page.items], "next_cursor": page.next_cursor}


@router.post("/touch-lines", response={201: TouchLineOut, **ERRORS})
def create_touch_line(request: HttpRequest, payload: TouchLineIn) -> Any:
    actor = _actor(request)
    line = services.create_touch_line(actor=actor, **_refs(actor, payload.dict()))
    return Status(201, _line_out(selectors.access_touch_line(actor=actor, touch_line_id=line.pk)))


@router.get("/touch-lines/{touch_line_id}", response={200: TouchLineOut, **ERRORS})
def get_touch_line(request: HttpRequest, touch_line_id: int) -> Any:
    return _line_out(selectors.access_touch_line(actor=_actor(request), touch_line_id=touch_line_id))


@router.patch("/touch-lines/{touch_line_id}", response={200: TouchLineOut, **ERRORS})
def update_touch_line(request: HttpRequest, touch_line_id: int, payload: TouchLinePatch) -> Any:
    actor = _actor(request)
    line = selectors.access_touch_line(actor=actor, touch_line_id=touch_line_id)
    services.update_touch_line(actor=actor, touch_line=line, **_refs(actor, payload.dict(exclude_unset=True)))
    return _line_out(selectors.access_touch_line(actor=actor, touch_line_id=line.pk))


@router.delete("/touch-lines/{touch_line_id}", response={204: None, **ERRORS})
def delete_touch_line(request: HttpRequest, touch_line_id: int) -> Any:
    actor = _actor(request)
    line = selectors.access_touch_line(actor=actor, touch_line_id=touch_line_id)
    services.delete_touch_line(actor=actor, touch_line=line)
    return Status(204, None)


# Touch faces ------------------------------------------------------------------------------------

def _face_out(face: Any) -> dict[str, Any]:
    return {
        "id": face.pk, "service_id": face.service_id, "name": face.name, "openness": face.openness,
        "description": face.description,
        "touch_point_ids": sorted(tp.pk for tp in face.touch_points.all()),
        "touch_line_ids": sorted(line.pk for line in face.touch_lines.all()),
        "created_at": face.created_at, "updated_at": face.updated_at,
    }


@router.get("/touch-faces", response={200: PageOut[TouchFaceOut], **ERRORS})
def list_touch_faces(request: HttpRequest, filters: Query[ServiceScopedFilter]) -> Any:
    qs = selectors.list_touch_faces(actor=_actor(request))
    if filters.service_id is not None:
        qs = qs.filter(service_id=filters.service_id)
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    page = paginate(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": [_face_out(face) for face in page.items], "next_cursor": page.next_cursor}


@router.post("/touch-faces", response={201: TouchFaceOut, **ERRORS})
def create_touch_face(request: HttpRequest, payload: TouchFaceIn) -> Any:
    actor = _actor(request)
    face = services.create_touch_face(actor=actor, **_refs(actor, payload.dict()))
    return Status(201, _face_out(selectors.access_touch_face(actor=actor, touch_face_id=face.pk)))


@router.get("/touch-faces/{touch_face_id}", response={200: TouchFaceOut, **ERRORS})
def get_touch_face(request: HttpRequest, touch_face_id: int) -> Any:
    return _face_out(selectors.access_touch_face(actor=_actor(request), touch_face_id=touch_face_id))


@router.patch("/touch-faces/{touch_face_id}", response={200: TouchFaceOut, **ERRORS})
def update_touch_face(request: HttpRequest, touch_face_id: int, payload: TouchFacePatch) -> Any:
    actor = _actor(request)
    face = selectors.access_touch_face(actor=actor, touch_face_id=touch_face_id)
    services.update_touch_face(actor=actor, touch_face=face, **_refs(actor, payload.dict(exclude_unset=True)))
    return _face_out(selectors.access_touch_face(actor=actor, touch_face_id=face.pk))


@router.delete("/touch-faces/{touch_face_id}", response={204: None, **ERRORS})
def delete_touch_face(request: HttpRequest, touch_face_id: int) -> Any:
    actor = _actor(request)
    face = selectors.access_touch_face(actor=actor, touch_face_id=touch_face_id)
    services.delete_touch_face(actor=actor, touch_face=face)
    return Status(204, None)


# Service characteristics ------------------------------------------------------------------------

def _characteristic_out(item: Any) -> dict[str, Any]:
    return {
        "id": item.pk, "name": item.name, "kind": item.kind, "category": item.category,
        "description": item.description, "touch_point_ids": sorted(tp.pk for tp in item.touch_points.all()),
        "created_at": item.created_at, "updated_at": item.updated_at,
    }


class CharacteristicFilter(ListQuery):
    kind: CharacteristicKind | None = None
    category: CharacteristicCategory | None = None
    touch_point_id: Id | None = None


@router.get("/characteristics", response={200: PageOut[CharacteristicOut], **ERRORS})
def list_characteristics(request: HttpRequest, filters: Query[CharacteristicFilter]) -> Any:
    qs = selectors.list_characteristics(actor=_actor(request))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.touch_point_id is not None:
        qs = qs.filter(touch_points__id=filters.touch_point_id)
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    page = paginate(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": [_characteristic_out(i) for i in page.items], "next_cursor": page.next_cursor}


@router.post("/characteristics", response={201: CharacteristicOut, **ERRORS})
def create_characteristic(request: HttpRequest, payload: CharacteristicIn) -> Any:
    actor = _actor(request)
    item = services.create_characteristic(actor=actor, **payload.dict())
    return Status(201, _characteristic_out(selectors.access_characteristic(actor=actor, characteristic_id=item.pk)))


@router.get("/characteristics/{characteristic_id}", response={200: CharacteristicOut, **ERRORS})
def get_characteristic(request: HttpRequest, characteristic_id: int) -> Any:
    item = selectors.access_characteristic(actor=_actor(request), characteristic_id=characteristic_id)
    return _characteristic_out(item)


@router.patch("/characteristics/{characteristic_id}", response={200: CharacteristicOut, **ERRORS})
def update_characteristic(request: HttpRequest, characteristic_id: int, payload: CharacteristicPatch) -> Any:
    actor = _actor(request)
    item = selectors.access_characteristic(actor=actor, characteristic_id=characteristic_id)
    services.update_characteristic(actor=actor, characteristic=item, **payload.dict(exclude_unset=True))
    return _characteristic_out(selectors.access_characteristic(actor=actor, characteristic_id=item.pk))


@router.delete("/characteristics/{characteristic_id}", response={204: None, **ERRORS})
def delete_characteristic(request: HttpRequest, characteristic_id: int) -> Any:
    actor = _actor(request)
    item = selectors.access_characteristic(actor=actor, characteristic_id=characteristic_id)
    services.delete_characteristic(actor=actor, characteristic=item)
    return Status(204, None)
