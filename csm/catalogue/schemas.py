"""API schemas for the service blueprint.

Patch schemas list every field as optional; a field that may not be empty is typed without None,
so an explicit null is a 422 on that field while an absent one leaves the value unchanged.
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict

from csm.catalogue.models import (
    Channel,
    CharacteristicCategory,
    CharacteristicKind,
    Direction,
    Openness,
    Staffing,
)
from csm.core.schemas import Id, InputSchema, omittable


class ServiceIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    code: str = Field("", max_length=40)
    description: str = ""
    unit_id: Id | None = None
    is_active: bool = True


class ServicePatch(InputSchema):
    name: str = omittable(min_length=1, max_length=200)
    code: str = omittable(max_length=40)
    description: str = omittable()
    unit_id: Id | None = None
    is_active: bool = omittable()


class ServiceOut(Schema):
    id: int
    name: str
    code: str
    description: str
    unit_id: Id | None
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class TouchPointIn(InputSchema):
    service_id: Id
    name: str = Field(min_length=1, max_length=200)
    code: str = Field("", max_length=40)
    staffing: Staffing
    channel: Channel
    location: str = Field("", max_length=200)
    unit_id: Id | None = None
    description: str = ""
    is_active: bool = True


class TouchPointPatch(InputSchema):
    service_id: Id = omittable()
    name: str = omittable(min_length=1, max_length=200)
    code: str = omittable(max_length=40)
    staffing: Staffing = omittable()
    channel: Channel = omittable()
    location: str = omittable(max_length=200)
    unit_id: Id | None = None
    description: str = omittable()
    is_active: bool = omittable()


class TouchPointOut(BaseModel):
    """A plain pydantic model rather than a ninja Schema: it validates the 500-row pages of the
    list endpoint about ten times faster (see bench/ and docs/decisions/0006)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    service_id: Id
    name: str
    code: str
    staffing: Staffing
    channel: Channel
    location: str
    unit_id: Id | None
    description: str
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class TouchLineIn(InputSchema):
    service_id: Id
    name: str = Field(min_length=1, max_length=200)
    direction: Direction
    description: str = ""
    touch_point_ids: list[Id] = Field(
        min_length=2, description="The touch points in order along the line, all of the line's service."
    )


class TouchLinePatch(InputSchema):
    name: str = omittable(min_length=1, max_length=200)
    direction: Direction = omittable()
    description: str = omittable()
    touch_point_ids: list[Id] = omittable(min_length=2)


class TouchLineOut(Schema):
    id: int
    service_id: Id
    name: str
    direction: Direction
    description: str
    touch_point_ids: list[Id]
    created_at: dt.datetime
    updated_at: dt.datetime


class TouchFaceIn(InputSchema):
    service_id: Id
    name: str = Field(min_length=1, max_length=200)
    openness: Openness
    description: str = ""
    touch_point_ids: list[Id] = Field([], description="Touch points of the face's service.")
    touch_line_ids: list[Id] = Field([], description="Touch lines of the face's service.")


class TouchFacePatch(InputSchema):
    name: str = omittable(min_length=1, max_length=200)
    openness: Openness = omittable()
    description: str = omittable()
    touch_point_ids: list[Id] = omittable()
    touch_line_ids: list[Id] = omittable()


class TouchFaceOut(Schema):
    id: int
    service_id: Id
    name: str
    openness: Openness
    description: str
    touch_point_ids: list[Id]
    touch_line_ids: list[Id]
    created_at: dt.datetime
    updated_at: dt.datetime


class CharacteristicIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    kind: CharacteristicKind
    description: str = ""
    touch_point_ids: list[Id] = []


class CharacteristicPatch(InputSchema):
    name: str = omittable(min_length=1, max_length=200)
    kind: CharacteristicKind = omittable()
    description: str = omittable()
    touch_point_ids: list[Id] = omittable()


class CharacteristicOut(Schema):
    id: int
    name: str
    kind: CharacteristicKind
    category: CharacteristicCategory
    description: str
    touch_point_ids: list[Id]
    created_at: dt.datetime
    updated_at: dt.datetime
