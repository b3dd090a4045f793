"""Reads for the service blueprint. Every query is scoped to the actor's organisation; a missing
id and another organisation's id both raise NotFound."""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.db.models import Count, Prefetch, QuerySet

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.catalogue.models import (
    Service,
    ServiceCharacteristic,
    TouchFace,
    TouchLine,
    TouchLineStep,
    TouchPoint,
)
from csm.core.lookups import get_or_not_found

M = TypeVar("M", bound=models.Model)



def list_services(*, actor: Actor) -> QuerySet[Service]:
    actor.require(roles.VIEW_CATALOGUE)
    return Service.objects.filter(organization_id=actor.organization_id).select_related("unit")


def list_services_with_counts(*, actor: Actor) -> QuerySet[Service]:
    """Services annotated with `touch_point_count`."""
    return list_services(actor=actor).annotate(touch_point_count=Count("touch_points"))


def access_service(*, actor: Actor, service_id: int) -> Service:
    return get_or_not_found(list_services(actor=actor), service_id)


def list_touch_points(*, actor: Actor) -> QuerySet[TouchPoint]:
    actor.require(roles.VIEW_CATALOGUE)
    return TouchPoint.objects.filter(organization_id=actor.organization_id)


def access_touch_point(*, actor: Actor, touch_point_id: int) -> TouchPoint:
    return get_or_not_found(list_touch_points(actor=actor).select_related("service", "unit"), touch_point_id)


def list_touch_lines(*, actor: Actor) -> QuerySet[TouchLine]:
    actor.require(roles.VIEW_CATALOGUE)
    steps = TouchLineStep.objects.order_by("position")
    return (
        TouchLine.objects.filter(organization_id=actor.organization_id)
        .select_related("service")
        .prefetch_related(Prefetch("steps", queryset=steps))
    )


def access_touch_line(*, actor: Actor, touch_line_id: int) -> TouchLine:
    return get_or_not_found(list_touch_lines(actor=actor), touch_line_id)


def list_touch_faces(*, actor: Actor) -> QuerySet[TouchFace]:
    actor.require(roles.VIEW_CATALOGUE)
    return (
        TouchFace.objects.filter(organization_id=actor.organization_id)
        .select_related("service")
        .prefetch_related("touch_points", "touch_lines")
    )


def access_touch_face(*, actor: Actor, touch_face_id: int) -> TouchFace:
    return get_or_not_found(list_touch_faces(actor=actor), touch_face_id)


def list_characteristics(*, actor: Actor) -> QuerySet[ServiceCharacteristic]:
    actor.require(roles.VIEW_CATALOGUE)
    return ServiceCharacteristic.objects.filter(organization_id=actor.organization_id).prefetch_related(
        "touch_points"
    )


def access_characteristic(*, actor: Actor, characteristic_id: int) -> ServiceCharacteristic:
    return get_or_not_found(list_characteristics(actor=actor), characteristic_id)
