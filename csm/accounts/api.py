"""Organisation, unit, client and membership endpoints."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from csm.accounts import selectors, services
from csm.accounts.context import Actor
from csm.accounts.models import Membership, UnitKind
from csm.accounts.roles import PERMISSIONS, Role
from csm.accounts.schemas import (
    ClientIn,
    ClientOut,
    ClientPatch,
    MembershipIn,
    MembershipOut,
    MembershipPatch,
    MeOut,
    OrganizationOut,
    OrganizationPatch,
    UnitIn,
    UnitOut,
    UnitPatch,
)
from csm.core.pagination import paginate
from csm.core.schemas import ERRORS, Id, PageOut, PageQuery
from csm.core.writes import resolve_reference

router = Router(tags=["organisation"])


def _actor(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined,no-any-return]


@router.get("/me", response={200: MeOut, **ERRORS})
def me(request: HttpRequest) -> Any:
    actor = _actor(request)
    return {
        "email": actor.user.email, "full_name": actor.user.full_name, "organization": actor.organization,
        "role": actor.role, "permissions": sorted(PERMISSIONS.get(actor.role, frozenset())),
    }


@router.get("/organization", response={200: OrganizationOut, **ERRORS})
def get_organization(request: HttpRequest) -> Any:
    return _actor(request).organization


@router.patch("/organization", response={200: OrganizationOut, **ERRORS})
def update_organization(request: HttpRequest, payload: OrganizationPatch) -> Any:
    return services.update_organization(actor=_actor(request), **payload.dict(exclude_unset=True))


# Units ------------------------------------------------------------------------------------------

def _unit_refs(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    if "parent_id" in data:
        parent_id = data.pop("parent_id")
        data["parent"] = None if parent_id is None else resolve_reference(
            "parent_id", lambda: selectors.access_unit(actor=actor, unit_id=parent_id))
    if "client_id" in data:
        client_id = data.pop("client_id")
        data["client"] = None if client_id is None else resolve_reference(
            "client_id", lambda: selectors.access_client(actor=actor, client_id=client_id))
    return data


class UnitFilter(PageQuery):
    kind: UnitKind | None = None
    parent_id: Id | None = None
    client_id: Id | None = None
    q: str | None = None


@router.get("/units", response={200: PageOut[UnitOut], **ERRORS})
def list_units(request: HttpRequest, filters: Query[UnitFilter]) -> Any:
    qs = selectors.list_units(actor=_actor(request))
    for name in ("kind", "parent_id", "client_id"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{name: value})
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    return paginate(qs, cursor=filters.cursor, limit=filters.limit)


@router.post("/units", response={201: UnitOut, **ERRORS})
def create_unit(request: HttpRequest, payload: UnitIn) -> Any:
    actor = _actor(request)
    return Status(201, services.create_unit(actor=actor, **_unit_refs(actor, payload.dict())))


@router.get("/units/{unit_id}", response={200: UnitOut, **ERRORS})
def get_unit(request: HttpRequest, unit_id: int) -> Any:
    return selectors.access_unit(actor=_actor(request), unit_id=unit_id)


@router.patch("/units/{unit_id}", response={200: UnitOut, **ERRORS})
def update_unit(request: HttpRequest, unit_id: int, payload: UnitPatch) -> Any:
    actor = _actor(request)
    unit = selectors.access_unit(actor=actor, unit_id=unit_id)
    return services.update_unit(actor=actor, unit=unit, **_unit_refs(actor, payload.dict(exclude_unset=True)))


@router.delete("/units/{unit_id}", response={204: None, **ERRORS})
def delete_unit(request: HttpRequest, unit_id: int) -> Any:
    actor = _actor(request)
    services.delete_unit(actor=actor, unit=selectors.access_unit(actor=actor, unit_id=unit_id))
    return Status(204, None)


# Client organisations ---------------------------------------------------------------------------

@router.get("/clients", response={200: PageOut[ClientOut], **ERRORS})
def list_clients(request: HttpRequest, filters: Query[PageQuery]) -> Any:
    return paginate(selectors.list_clients(actor=_actor(request)), cursor=filters.cursor, limit=filters.limit)


@router.post("/clients", response={201: ClientOut, **ERRORS})
def create_client(request: HttpRequest, payload: ClientIn) -> Any:
    return Status(201, services.create_client(actor=_actor(request), **payload.dict()))


@router.get("/clients/{client_id}", response={200: ClientOut, **ERRORS})
def get_client(request: HttpRequest, client_id: int) -> Any:
    return selectors.access_client(actor=_actor(request), client_id=client_id)


@router.patch("/clients/{client_id}", response={200: ClientOut, **ERRORS})
def update_client(request: HttpRequest, client_id: int, payload: ClientPatch) -> Any:
    actor = _actor(request)
    client = selectors.access_client(actor=actor, client_id=client_id)
    return services.update_client(actor=actor, client=client, **payload.dict(exclude_unset=True))


@router.delete("/clients/{client_id}", response={204: None, **ERRORS})
def delete_client(request: HttpRequest, client_id: int) -> Any:
    actor = _actor(request)
    services.delete_client(actor=actor, client=selectors.access_client(actor=actor, client_id=client_id))
    return Status(204, None)


# Memberships ------------------------------------------------------------------------------------

def _membership_out(m: Membership) -> dict[str, Any]:
    return {"id": m.pk, "user_id": m.user_id, "email": m.user.email, "full_name": m.user.full_name,
            "role": m.role, "is_active": m.is_active, "created_at": m.created_at}


class MembershipFilter(PageQuery):
    role: Role | None = None


@router.get("/memberships", response={200: PageOut[MembershipOut], **ERRORS})
def list_memberships(request: HttpRequest, filters: Query[MembershipFilter]) -> Any:
    qs = selectors.list_memberships(actor=_actor(request))
    if filters.role:
        qs = qs.filter(role=filters.role)
    page = paginate(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": [_membership_out(m) for m in page.items], "next_cursor": page.next_cursor}


@router.post("/memberships", response={201: MembershipOut, **ERRORS})
def create_membership(request: HttpRequest, payload: MembershipIn) -> Any:
    membership = services.add_member(actor=_actor(request), **payload.dict())
    return Status(201, _membership_out(membership))


@router.get("/memberships/{membership_id}", response={200: MembershipOut, **ERRORS})
def get_membership(request: HttpRequest, membership_id: int) -> Any:
    return _membership_out(selectors.access_membership(actor=_actor(request), membership_id=membership_id))


@router.patch("/memberships/{membership_id}", response={200: MembershipOut, **ERRORS})
def update_membership(request: HttpRequest, membership_id: int, payload: MembershipPatch) -> Any:
    actor = _actor(request)
    membership = selectors.access_membership(actor=actor, membership_id=membership_id)
    return _membership_out(
        services.update_membership(actor=actor, membership=membership, **payload.dict(exclude_unset=True))
    )


@router.delete("/memberships/{membership_id}", response={204: None, **ERRORS})
def delete_membership(request: HttpRequest, membership_id: int) -> Any:
    actor = _actor(request)
    membership = selectors.access_membership(actor=actor, membership_id=membership_id)
    services.remove_member(actor=actor, membership=membership)
    return Status(204, None)
