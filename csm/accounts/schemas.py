"""API schemas for the organisation, units, clients and memberships.

Patch schemas list every field as optional; a field that may not be empty is typed without None,
so an explicit null is a 422 on that field while an absent one leaves the value unchanged.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from csm.accounts.models import UnitKind
from csm.accounts.roles import Role
from csm.core.schemas import Id, InputSchema, omittable


class OrganizationOut(Schema):
    id: int
    slug: str
    name: str
    default_language: str
    timezone: str
    country: str


class OrganizationPatch(InputSchema):
    name: str = omittable(min_length=1, max_length=200)
    default_language: Literal["en", "pl", "zh-hans"] = omittable()
    timezone: str = omittable(min_length=1, max_length=64, description="An IANA time zone, e.g. Europe/Warsaw.")
    country: str = omittable(pattern=r"^[A-Z]{2}$", description="ISO 3166 alpha-2 code, e.g. PL.")


class UnitIn(InputSchema):
    kind: UnitKind
    name: str = Field(min_length=1, max_length=200)
    code: str = Field("", max_length=40)
    parent_id: Id | None = None
    client_id: Id | None = None
    is_active: bool = True


class UnitPatch(InputSchema):
    kind: UnitKind = omittable()
    name: str = omittable(min_length=1, max_length=200)
    code: str = omittable(max_length=40)
    parent_id: Id | None = Field(None, description="null moves the unit to the top of the tree.")
    client_id: Id | None = None
    is_active: bool = omittable()


class UnitOut(Schema):
    id: int
    kind: UnitKind
    name: str
    code: str
    parent_id: Id | None
    client_id: Id | None
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class ClientIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    code: str = Field("", max_length=40)


class ClientPatch(InputSchema):
    name: str = omittable(min_length=1, max_length=200)
    code: str = omittable(max_length=40)


class ClientOut(Schema):
    id: int
    name: str
    code: str


class MembershipIn(InputSchema):
    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    role: Role
    full_name: str = Field("", max_length=200)


class MembershipPatch(InputSchema):
    role: Role = omittable()
    is_active: bool = omittable()


class MembershipOut(Schema):
    id: int
    user_id: Id
    email: str
    full_name: str
    role: Role
    is_active: bool
    created_at: dt.datetime


class MeOut(Schema):
    email: str
    full_name: str
    organization: OrganizationOut
    role: Role
    permissions: list[str]
