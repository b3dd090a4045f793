"""Writes for the service blueprint. Each runs in one transaction, checks that every referenced
object belongs to the actor's organisation (and, for lines and faces, to the same service) before
writing anything, and records one audit event with the changed fields, including the ordered
steps of a touch line and the members of a face or characteristic as `touch_point_ids` /
`touch_line_ids`.

A touch line or face may move to another service only with members of that service; a touch
point may move only while no line or face of its service uses it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

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
    category_of,
)
from csm.core.errors import InvalidInput
from csm.core.lookups import check_same_organization
from csm.core.writes import create_audited, delete_audited, update_audited

SERVICE_FIELDS = ("name", "code", "description", "unit", "is_active")
TOUCH_POINT_FIELDS = ("service", "name", "code", "staffing", "channel", "location", "unit", "description", "is_active")
TOUCH_LINE_FIELDS = ("service", "name", "direction", "description")
TOUCH_FACE_FIELDS = ("service", "name", "openness", "description")
CHARACTERISTIC_FIELDS = ("name", "kind", "category", "description")

M = TypeVar("M", bound=models.Model)


def _same_org(actor: Actor, field: str, obj: Any) -> None:
    check_same_organization(actor.organization_id, field, obj)


def _members(actor: Actor, model: type[M], field: str, ids: Sequence[int]) -> list[M]:
    """The objects of the actor's organisation with these ids; a 422 on `field` names any other."""
    found = {obj.pk: obj for obj in model._default_manager.filter(organization_id=actor.organization_id,
                                                                  pk__in=set(ids))}
    missing = sorted(set(ids) - set(found))
    if missing:
        raise InvalidInput(field, str(_("No such object in this organisation: %(ids)s."))
                           % {"ids": ", ".join(map(str, missing))})
    return [found[pk] for pk in ids]


def _check_same_service(field: str, service: Service, members: Sequence[Any]) -> None:
    foreign = sorted({m.pk for m in members if m.service_id != service.pk})
    if foreign:
        raise InvalidInput(field, str(_("These belong to another service: %(ids)s."))
                           % {"ids": ", ".join(map(str, foreign))})


def _service_members(actor: Actor, model: type[M], field: str, service: Service, ids: Sequence[int]) -> list[int]:
    _check_same_service(field, service, _members(actor, model, field, ids))
    return sorted(set(ids))


def _changed(name: str, before: list[int], after: list[int] | None) -> dict[str, list[Any]]:
    return {name: [before, after]} if after is not None and after != before else {}


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
    """Delete a service; while it still has touch points, lines or faces it is a Conflict."""
    actor.require(roles.EDIT_CATALOGUE)
    delete_audited(service, actor=actor.user, organization_id=actor.organization_id)


# Touch points -----------------------------------------------------------------------------------

def _check_service_move(touch_point: TouchPoint, service: Service | None) -> None:
    if service is None or service.pk == touch_point.service_id:
        return
    if touch_point.line_steps.exists() or touch_point.faces.exists():
        raise InvalidInput("service", str(_(
            "This touch point is on a touch line or face of its service; take it off them first."
        )))


@transaction.atomic
def create_touch_point(*, actor: Actor, service: Service, unit: Unit | None = None, **data: Any) -> TouchPoint:
    actor.require(roles.EDIT_CATALOGUE)
    _same_org(actor, "service", service)
    _same_org(actor, "unit", unit)
    point = TouchPoint(organization=actor.organization, service=service, unit=unit, **data)
    return create_audited(point, actor=actor.user, fields=TOUCH_POINT_FIELDS, organization_id=actor.organization_id)


@transaction.atomic
def update_touch_point(*, actor: Actor, touch_point: TouchPoint, **data: Any) -> TouchPoint:
    """Change a touch point; moving it to another service is refused while a line or face uses it."""
    actor.require(roles.EDIT_CATALOGUE)
    _same_org(actor, "service", data.get("service"))
    _same_org(actor, "unit", data.get("unit"))
    _check_service_move(touch_point, data.get("service"))
    update_audited(
        touch_point, actor=actor.user, data=data, fields=TOUCH_POINT_FIELDS, organization_id=actor.organization_id
    )
    return touch_point


@transaction.atomic
def delete_touch_point(*, actor: Actor, touch_point: TouchPoint) -> None:
    """Delete a touch point; while a touch line passes through it, it is a Conflict."""
    actor.require(roles.EDIT_CATALOGUE)
    delete_audited(touch_point, actor=actor.user, organization_id=actor.organization_id)


# Touch lines ------------------------------------------------------------------------------------

def _line_path(actor: Actor, service: Service, touch_point_ids: Sequence[int]) -> list[int]:
    """The validated ordered path: two or more points of the service, never one after itself."""
    ids = list(touch_point_ids)
    if len(set(ids)) < 2:
        raise InvalidInput("touch_point_ids", str(_("A touch line joins two or more different touch points.")))
    if any(a == b for a, b in itertools.pairwise(ids)):
        raise InvalidInput("touch_point_ids", str(_("A touch point cannot follow itself on a line.")))
    _check_same_service("touch_point_ids", service, _members(actor, TouchPoint, "touch_point_ids", ids))
    return ids


def _line_step_ids(line: TouchLine) -> list[int]:
    return [step.touch_point_id for step in line.steps.all()]


def _write_steps(line: TouchLine, ids: Sequence[int]) -> None:
    line.steps.all().delete()
    TouchLineStep.objects.bulk_create(
        TouchLineStep(line=line, touch_point_id=tp_id, position=i) for i, tp_id in enumerate(ids)
    )


@transaction.atomic
def create_touch_line(*, actor: Actor, service: Service, touch_point_ids: Sequence[int], **data: Any) -> TouchLine:
    """A touch line with its ordered steps; every point must be in this organisation and service."""
    actor.require(roles.EDIT_CATALOGUE)
    _same_org(actor, "service", service)
    ids = _line_path(actor, service, touch_point_ids)
    line = TouchLine(organization=actor.organization, service=service, **data)
    create_audited(line, actor=actor.user, fields=TOUCH_LINE_FIELDS, organization_id=actor.organization_id,
                   extra_changes={"touch_point_ids": ids})
    _write_steps(line, ids)
    return line


def _check_line_move(actor: Actor, line: TouchLine, service: Service, path: Sequence[int]) -> None:
    if line.faces.exists():
        raise InvalidInput("service", str(_("This touch line is on a face of its service; take it off first.")))
    _check_same_service("service", service, _members(actor, TouchPoint, "service", path))


@transaction.atomic
def update_touch_line(
    *, actor: Actor, touch_line: TouchLine, touch_point_ids: Sequence[int] | None = None, **data: Any
) -> TouchLine:
    """Change a line, or replace its whole ordered path. A line may move to another service only
    if its (new or kept) points belong to that service."""
    actor.require(roles.EDIT_CATALOGUE)
    service = data.get("service") or touch_line.service
    _same_org(actor, "service", service)
    current = _line_step_ids(touch_line)
    ids = None if touch_point_ids is None else _line_path(actor, service, touch_point_ids)
    if service.pk != touch_line.service_id:
        _check_line_move(actor, touch_line, service, current if ids is None else ids)
    extra = _changed("touch_point_ids", current, ids)
    update_audited(touch_line, actor=actor.user, data=data, fields=TOUCH_LINE_FIELDS,
                   organization_id=actor.organization_id, extra_changes=extra)
    if ids is not None and extra:
        _write_steps(touch_line, ids)
    return touch_line


@transaction.atomic
def delete_touch_line(*, actor: Actor, touch_line: TouchLine) -> None:
    actor.require(roles.EDIT_CATALOGUE)
    delete_audited(touch_line, actor=actor.user, organization_id=actor.organization_id)


# Touch faces ------------------------------------------------------------------------------------

def _face_members(
    actor: Actor, service: Service, model: type[M], field: str, ids: Sequence[int] | None
) -> list[int] | None:
    return None if ids is None else _service_members(actor, model, field, service, ids)


def _check_face_move(
    face: TouchFace, service: Service, touch_point_ids: Sequence[int] | None, touch_line_ids: Sequence[int] | None
) -> None:
    """A face moving to another service keeps only members of that service (a 422 on `service`)."""
    if service.pk == face.service_id:
        return
    kept_points = list(face.touch_points.all()) if touch_point_ids is None else []
    kept_lines = list(face.touch_lines.all()) if touch_line_ids is None else []
    _check_same_service("service", service, [*kept_points, *kept_lines])


def _set_face_members(face: TouchFace, points: list[int] | None, lines: list[int] | None) -> None:
    if points is not None:
        face.touch_points.set(points)
    if lines is not None:
        face.touch_lines.set(lines)


@transaction.atomic
def create_touch_face(
    *, actor: Actor, service: Service, touch_point_ids: Sequence[int] = (), touch_line_ids: Sequence[int] = (),
    **data: Any,
) -> TouchFace:
    """A touch face whose points and lines all belong to its service."""
    actor.require(roles.EDIT_CATALOGUE)
    _same_org(actor, "service", service)
    face = TouchFace(organization=actor.organization, service=service, **data)
    points = _face_members(actor, service, TouchPoint, "touch_point_ids", touch_point_ids)
    lines = _face_members(actor, service, TouchLine, "touch_line_ids", touch_line_ids)
    create_audited(face, actor=actor.user, fields=TOUCH_FACE_FIELDS, organization_id=actor.organization_id,
                   extra_changes={"touch_point_ids": points, "touch_line_ids": lines})
    _set_face_members(face, points, lines)
    return face


@transaction.atomic
def update_touch_face(
    *, actor: Actor, touch_face: TouchFace, touch_point_ids: Sequence[int] | None = None,
    touch_line_ids: Sequence[int] | None = None, **data: Any,
) -> TouchFace:
    """Change a face; given member lists replace the old ones and must be of the face's service."""
    actor.require(roles.EDIT_CATALOGUE)
    service = data.get("service") or touch_face.service
    _same_org(actor, "service", service)
    points = _face_members(actor, service, TouchPoint, "touch_point_ids", touch_point_ids)
    lines = _face_members(actor, service, TouchLine, "touch_line_ids", touch_line_ids)
    _check_face_move(touch_face, service, touch_point_ids, touch_line_ids)
    extra = {
        **_changed("touch_point_ids", sorted(tp.pk for tp in touch_face.touch_points.all()), points),
        **_changed("touch_line_ids", sorted(tl.pk for tl in touch_face.touch_lines.all()), lines),
    }
    update_audited(touch_face, actor=actor.user, data=data, fields=TOUCH_FACE_FIELDS,
                   organization_id=actor.organization_id, extra_changes=extra)
    _set_face_members(touch_face, points, lines)
    return touch_face


@transaction.atomic
def delete_touch_face(*, actor: Actor, touch_face: TouchFace) -> None:
    actor.require(roles.EDIT_CATALOGUE)
    delete_audited(touch_face, actor=actor.user, organization_id=actor.organization_id)


# Service characteristics ------------------------------------------------------------------------

def _point_ids(actor: Actor, ids: Sequence[int] | None) -> list[int] | None:
    return None if ids is None else sorted({tp.pk for tp in _members(actor, TouchPoint, "touch_point_ids", ids)})


def _with_category(data: dict[str, Any]) -> dict[str, Any]:
    """The category is never chosen: it follows from the kind (venue, facilities, supplies and
    staff are tangible; the rest intangible)."""
    if "category" in data:
        raise InvalidInput("category", str(_("The category follows from the kind.")))
    return {**data, "category": category_of(data["kind"])} if "kind" in data else data


@transaction.atomic
def create_characteristic(
    *, actor: Actor, touch_point_ids: Sequence[int] = (), **data: Any
) -> ServiceCharacteristic:
    """A characteristic observed at any touch points of the organisation."""
    actor.require(roles.EDIT_CATALOGUE)
    points = _point_ids(actor, touch_point_ids)
    item = ServiceCharacteristic(organization=actor.organization, **_with_category(data))
    create_audited(item, actor=actor.user, fields=CHARACTERISTIC_FIELDS, organization_id=actor.organization_id,
                   extra_changes={"touch_point_ids": points})
    item.touch_points.set(points or [])
    return item


@transaction.atomic
def update_characteristic(
    *, actor: Actor, characteristic: ServiceCharacteristic, touch_point_ids: Sequence[int] | None = None, **data: Any
) -> ServiceCharacteristic:
    actor.require(roles.EDIT_CATALOGUE)
    points = _point_ids(actor, touch_point_ids)
    extra = _changed("touch_point_ids", sorted(tp.pk for tp in characteristic.touch_points.all()), points)
    update_audited(characteristic, actor=actor.user, data=_with_category(data), fields=CHARACTERISTIC_FIELDS,
                   organization_id=actor.organization_id, extra_changes=extra)
    if points is not None:
        characteristic.touch_points.set(points)
    return characteristic


@transaction.atomic
def delete_characteristic(*, actor: Actor, characteristic: ServiceCharacteristic) -> None:
    actor.require(roles.EDIT_CATALOGUE)
    delete_audited(characteristic, actor=actor.user, organization_id=actor.organization_id)
