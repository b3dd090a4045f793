"""Writes for the service blueprint. Each runs in one transaction, checks that every referenced
object belongs to the actor's organisation, and records an audit event with the changed fields
(including the ordered steps of a touch line and the members of a face)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.models import Unit
from csm.catalogue.models import (
    Service,
    ServiceCharacteristic,
    TouchFace,
    TouchLine,
    TouchLineStep,
    TouchPoint,
)
from csm.core.audit import record_event
from csm.core.errors import InvalidInput
from csm.core.writes import create_audited, delete_audited, update_audited

SERVICE_FIELDS = ("name", "code", "description", "unit", "is_active")
TOUCH_POINT_FIELDS = ("service", "name", "code", "staffing", "channel", "location", "unit", "description", "is_active")
TOUCH_LINE_FIELDS = ("service", "name", "direction", "description")
TOUCH_FACE_FIELDS = ("service", "name", "openness", "description")
CHARACTERISTIC_FIELDS = ("name", "kind", "description")


def _same_org(actor: Actor, field: str, obj: Any) -> None:
    if obj is not None and obj.organization_id != actor.organization_id:
        raise InvalidInput(field, "No such object in this organisation.")


def _touch_points_by_id(actor: Actor, field: str, ids: Sequence[int]) -> dict[int, TouchPoint]:
    found = {tp.pk: tp for tp in TouchPoint.objects.filter(organization_id=actor.organization_id, pk__in=set(ids))}
    missing = sorted(set(ids) - set(found))
    if missing:
        raise InvalidInput(field, f"No such touch point in this organisation: {', '.join(map(str, missing))}.")
    return found


def _check_same_service(field: str, service: Service, points: Sequence[TouchPoint]) -> None:
    foreign = [tp.pk for tp in points if tp.service_id != service.pk]
    if foreign:
        raise InvalidInput(field, f"Touch points {foreign} belong to another service.")


def _audit_members(actor: Actor, obj: Any, field: str, before: list[int], after: list[int]) -> None:
    if before != after:
        record_event(organization_id=actor.organization_id, actor=actor.user, action="updated", obj=obj,
                     changes={field: [before, after]})


# Services ---------------------------------------------------------------------------------------

@transaction.atomic
def create_service(*, actor: Actor, unit: Unit | None = None, **data: Any) -> Service:
    actor.require(roles.EDIT_CATALOGUE)
    _same_org(actor, "unit", unit)
    service = Service(organization=actor.organization, unit=unit, **data)
    return create_audited(service, actor=actor.user, fields=SERVICE_FIELDS, organization_id=actor.organization_id)


@transaction.atomic
def update_service(*, actor: Actor, service: Service, **data: Any) -> Service:
    actor.require(roles.EDIT_CATALOGUE)
    _same_org(actor, "unit", data.get("unit"))
    update_audited(service, actor=actor.user, data=data, fields=SERVICE_FIELDS, organization_id=actor.organization_id)
    return service


@transaction.atomic
def delete_service(*, actor: Actor, service: Service) -> None:
    actor.require(roles.EDIT_CATALOGUE)
    delete_audited(service, actor=actor.user, organization_id=actor.organization_id)


# Touch points -----------------------------------------------------------------------------------

@transaction.atomic
def create_touch_point(*, actor: Actor, service: Service, unit: Unit | None = None, **data: Any) -> TouchPoint:
    actor.require(roles.EDIT_CATALOGUE)
    _same_org(actor, "service", service)
    _same_org(actor, "unit", unit)
    point = TouchPoint(organization=actor.organization, service=service, unit=unit, **data)
    return create_audited(point, actor=actor.user, fields=TOUCH_POINT_FIELDS, organization_id=actor.organization_id)


@transaction.atomic
def update_touch_point(*, actor: Actor, touch_point: TouchPoint, **data: Any) -> TouchPoint:
    actor.require(roles.EDIT_CATALOGUE)
    _same_org(actor, "service", data.get("service"))
    _same_org(actor, "unit", data.get("unit"))
    if "service" in data and data["service"].pk != touch_point.service_id and touch_point.line_steps.exists():
        raise InvalidInput("service", "This touch point is on a touch line; take it off the line first.")
    update_audited(
        touch_point, actor=actor.user, data=data, fields=TOUCH_POINT_FIELDS, organization_id=actor.organization_id
    )
    return touch_point


@transaction.atomic
def delete_touch_point(*, actor: Actor, touch_point: TouchPoint) -> None:
    actor.require(roles.EDIT_CATALOGUE)
    delete_audited(touch_point, actor=actor.user, organization_id=actor.organization_id)


# Touch lines ------------------------------------------------------------------------------------

def _set_steps(actor: Actor, line: TouchLine, touch_point_ids: Sequence[int]) -> None:
    if len(touch_point_ids) < 2:
        raise InvalidInput("touch_point_ids", "A touch line joins two or more touch points.")
    points = _touch_points_by_id(actor, "touch_point_ids", touch_point_ids)
    _check_same_service("touch_point_ids", line.service, list(points.values()))
    before = list(line.steps.order_by("position").values_list("touch_point_id", flat=True))
    line.steps.all().delete()
    TouchLineStep.objects.bulk_create(
        TouchLineStep(line=line, touch_point=points[tp_id], position=i) for i, tp_id in enumerate(touch_point_ids)
    )
    _audit_members(actor, line, "touch_point_ids", before, list(touch_point_ids))


@transaction.atomic
def create_touch_line(*, actor: Actor, service: Service, touch_point_ids: Sequence[int], **data: Any) -> TouchLine:
    """A touch line with its ordered steps; every point must be in this organisation and service."""
    actor.require(roles.EDIT_CATALOGUE)
    _same_org(actor, "service", service)
    line = TouchLine(organization=actor.organization, service=service, **data)
    create_audited(line, actor=actor.user, fields=TOUCH_LINE_FIELDS, organization_id=actor.organization_id)
    _set_steps(actor, line, touch_point_ids)
    return line


@transaction.atomic
def update_touch_line(
    *, actor: Actor, touch_line: TouchLine, touch_point_ids: Sequence[int] | None = None, **data: Any
) -> TouchLine:
    actor.require(roles.EDIT_CATALOGUE)
    _same_org(actor, "service", data.get("service"))
    update_audited(
        touch_line, actor=actor.user, data=data, fields=TOUCH_LINE_FIELDS, organization_id=actor.organization_id
    )
    if touch_point_ids is not None:
        _set_steps(actor, touch_line, touch_point_ids)
    elif "service" in data:
        _check_same_service("service", touch_line.service, [s.touch_point for s in touch_line.steps.all()])
    return touch_line


@transaction.atomic
def delete_touch_line(*, actor: Actor, touch_line: TouchLine) -> None:
    actor.require(roles.EDIT_CATALOGUE)
    delete_audited(touch_line, actor=actor.user, organization_id=actor.organization_id)


# Touch faces ------------------------------------------------------------------------------------

def _set_face_members(
    actor: Actor, face: TouchFace, touch_point_ids: Sequence[int] | None, touch_line_ids: Sequence[int] | None
) -> None:
    if touch_point_ids is not None:
        points = _touch_points_by_id(actor, "touch_point_ids", touch_point_ids)
        _check_same_service("touch_point_ids", face.service, list(points.values()))
        before = sorted(face.touch_points.values_list("pk", flat=True))
        face.touch_points.set(points.values())
        _audit_members(actor, face, "touch_point_ids", before, sorted(points))
    if touch_line_ids is not None:
        lines = {
            line.pk: line
            for line in TouchLine.objects.filter(organization_id=actor.organization_id, pk__in=set(touch_line_ids))
        }
        missing = sorted(set(touch_line_ids) - set(lines))
        if missing:
            raise InvalidInput("touch_line_ids", f"No such touch line in this organisation: {missing}.")
        if any(line.service_id != face.service_id for line in lines.values()):
            raise InvalidInput("touch_line_ids", "Touch lines must belong to the face's service.")
        before = sorted(face.touch_lines.values_list("pk", flat=True))
        face.touch_lines.set(lines.values())
        _audit_members(actor, face, "touch_line_ids", before, sorted(lines))


@transaction.atomic
def create_touch_face(
    *, actor: Actor, service: Service, touch_point_ids: Sequence[int] = (), touch_line_ids: Sequence[int] = (),
    **data: Any,
) -> TouchFace:
    actor.require(roles.EDIT_CATALOGUE)
    _same_org(actor, "service", service)
    face = TouchFace(organization=actor.organization, service=service, **data)
    create_audited(face, actor=actor.user, fields=TOUCH_FACE_FIELDS, organization_id=actor.organization_id)
    _set_face_members(actor, face, touch_point_ids, touch_line_ids)
    return face


@transaction.atomic
def update_touch_face(
    *, actor: Actor, touch_face: TouchFace, touch_point_ids: Sequence[int] | None = None,
    touch_line_ids: Sequence[int] | None = None, **data: Any,
) -> TouchFace:
    actor.require(roles.EDIT_CATALOGUE)
    _same_org(actor, "service", data.get("service"))
    update_audited(
        touch_face, actor=actor.user, data=data, fields=TOUCH_FACE_FIELDS, organization_id=actor.organization_id
    )
    _set_face_members(actor, touch_face, touch_point_ids, touch_line_ids)
    return touch_face


@transaction.atomic
def delete_touch_face(*, actor: Actor, touch_face: TouchFace) -> None:
    actor.require(roles.EDIT_CATALOGUE)
    delete_audited(touch_face, actor=actor.user, organization_id=actor.organization_id)


# Service characteristics ------------------------------------------------------------------------

def _set_characteristic_points(actor: Actor, item: ServiceCharacteristic, ids: Sequence[int] | None) -> None:
    if ids is None:
        return
    points = _touch_points_by_id(actor, "touch_point_ids", ids)
    before = sorted(item.touch_points.values_list("pk", flat=True))
    item.touch_points.set(points.values())
    _audit_members(actor, item, "touch_point_ids", before, sorted(points))


@transaction.atomic
def create_characteristic(
    *, actor: Actor, touch_point_ids: Sequence[int] = (), **data: Any
) -> ServiceCharacteristic:
    actor.require(roles.EDIT_CATALOGUE)
    item = ServiceCharacteristic(organization=actor.organization, **data)
    create_audited(item, actor=actor.user, fields=CHARACTERISTIC_FIELDS, organization_id=actor.organization_id)
    _set_characteristic_points(actor, item, touch_point_ids)
    return item


@transaction.atomic
def update_characteristic(
    *, actor: Actor, characteristic: ServiceCharacteristic, touch_point_ids: Sequence[int] | None = None, **data: Any
) -> ServiceCharacteristic:
    actor.require(roles.EDIT_CATALOGUE)
    update_audited(
        characteristic, actor=actor.user, data=data, fields=CHARACTERISTIC_FIELDS,
        organization_id=actor.organization_id,
    )
    _set_characteristic_points(actor, characteristic, touch_point_ids)
    return characteristic


@transaction.atomic
def delete_characteristic(*, actor: Actor, characteristic: ServiceCharacteristic) -> None:
    actor.require(roles.EDIT_CATALOGUE)
    delete_audited(characteristic, actor=actor.user, organization_id=actor.organization_id)
