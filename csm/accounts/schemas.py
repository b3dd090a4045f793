from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from csm.accounts.models import UnitKind
from csm.accounts.roles import Role


class OrganizationOut(Schema):
    id: int
    slug: str
    name: str
    default_language: str
    timezone: str
    country: str


class OrganizationPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    default_language: str | None = None
    timezone: str | None = None
    country: str | None = Field(None, min_length=2, max_length=2)


class UnitIn(Schema):
    kind: UnitKind
    name: str = Field(min_length=1, max_length=200)
    code: str = Field("", max_length=40)
    parent_id: int | None = None
    client_id: int | None = None
    is_active: bool = True


class UnitPatch(Schema):
    kind: UnitKind | None = None
    name: str | None = Field(None, min_length=1, max_length=200)
    code: str | None = Field(None, max_length=40)
    parent_id: int | None = None
    client_id: int | None = None
    is_active: bool | None = None


class UnitOut(Schema):
    id: int
    kind: UnitKind
    name: str
    code: str
    parent_id: int | None
    client_id: int | None
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class ClientIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    code: str = Field("", max_length=40)


class ClientPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    code: str | None = Field(None, max_length=40)


class ClientOut(Schema):
    id: int
    name: str
    code: str


class MembershipIn(Schema):
    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    role: Role
    full_name: str = Field("", max_length=200)


class MembershipPatch(Schema):
    role: Role | None = None
    is_active: bool | None = None


class MembershipOut(Schema):
    id: int
    user_id: int
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
