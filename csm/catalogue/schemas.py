from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from csm.catalogue.models import CharacteristicKind, Channel, Direction, Openness, Staffing


class ServiceIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    code: str = Field("", max_length=40)
    description: str = ""
    unit_id: int | None = None
    is_active: bool = True


class ServicePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    code: str | None = Field(None, max_length=40)
    description: str | None = None
    unit_id: int | None = None
    is_active: bool | None = None


class ServiceOut(Schema):
    id: int
    name: str
    code: str
    description: str
    unit_id: int | None
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class TouchPointIn(Schema):
    service_id: int
    name: str = Field(min_length=1, max_length=200)
    code: str = Field("", max_length=40)
    staffing: Staffing
    channel: Channel
    location: str = Field("", max_length=200)
    unit_id: int | None = None
    description: str = ""
    is_active: bool = True


class TouchPointPatch(Schema):
    service_id: int | None = None
    name: str | None = Field(None, min_length=1, max_length=200)
    code: str | None = Field(None, max_length=40)
    staffing: Staffing | None = None
    channel: Channel | None = None
    location: str | None = Field(None, max_length=200)
    unit_id: int | None = None
    description: str | None = None
    is_active: bool | None = None


class TouchPointOut(Schema):
    id: int
    service_id: int
    name: str
    code: str
    staffing: Staffing
    channel: Channel
    location: str
    unit_id: int | None
    description: str
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class TouchLineIn(Schema):
    service_id: int
    name: str = Field(min_length=1, max_length=200)
    direction: Direction
    description: str = ""
    touch_point_ids: list[int] = Field(min_length=2, description="The touch points in order along the line.")


class TouchLinePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    direction: Direction | None = None
    description: str | None = None
    touch_point_ids: list[int] | None = Field(None, min_length=2)


class TouchLineOut(Schema):
    id: int
    service_id: int
    name: str
    direction: Direction
    description: str
    touch_point_ids: list[int]
    created_at: dt.datetime
    updated_at: dt.datetime


class TouchFaceIn(Schema):
    service_id: int
    name: str = Field(min_length=1, max_length=200)
    openness: Openness
    description: str = ""
    touch_point_ids: list[int] = []
    touch_line_ids: list[int] = []


class TouchFacePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    openness: Openness | None = None
    description: str | None = None
    touch_point_ids: list[int] | None = None
    touch_line_ids: list[int] | None = None


class TouchFaceOut(Schema):
    id: int
    service_id: int
    name: str
    openness: Openness
    description: str
    touch_point_ids: list[int]
    touch_line_ids: list[int]
    created_at: dt.datetime
    updated_at: dt.datetime


class CharacteristicIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    kind: CharacteristicKind
    description: str = ""
    touch_point_ids: list[int] = []


class CharacteristicPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: CharacteristicKind | None = None
    description: str | None = None
    touch_point_ids: list[int] | None = None


class CharacteristicOut(Schema):
    id: int
    name: str
    kind: CharacteristicKind
    category: str
    description: str
    touch_point_ids: list[int]
    created_at: dt.datetime
    updated_at: dt.datetime
