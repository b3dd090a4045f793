"""Writes for organisations, units, clients, memberships and API tokens. Each runs in one
transaction and records an audit event."""

from __future__ import annotations

import functools
import re
import secrets
import zoneinfo
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.models import ApiToken, ClientOrganization, Membership, Organization, Unit, User
from csm.accounts.selectors import token_digest
from csm.core import clock
from csm.core.audit import record_event
from csm.core.errors import Conflict, InvalidInput
from csm.core.writes import create_audited, delete_audited, update_audited

UNIT_FIELDS = ("parent", "kind", "name", "code", "client", "is_active")
CLIENT_FIELDS = ("name", "code")
ORGANIZATION_FIELDS = ("name", "default_language", "timezone", "country")


def _check_unit_parent(unit: Unit, parent: Unit | None) -> None:
    """The parent must be a unit of the same organisation that is not the unit or below it."""
    if parent is None:
        return
    if parent.organization_id != unit.organization_id:
        raise InvalidInput("parent", str(_("No such object in this organisation.")))
    node: Unit | None = parent
    seen: set[int] = set()
    while node is not None and node.pk not in seen:
        if unit.pk is not None and node.pk == unit.pk:
            raise InvalidInput("parent", str(_("A unit cannot be placed under itself or its own descendant.")))
        seen.add(node.pk)
        node = node.parent


def _check_unit_client(unit: Unit, client: ClientOrganization | None) -> None:
    if client is not None and client.organization_id != unit.organization_id:
        raise InvalidInput("client", str(_("No such object in this organisation.")))


@transaction.atomic
def create_unit(*, actor: Actor, **data: Any) -> Unit:
    actor.require(roles.MANAGE_UNITS)
    unit = Unit(organization=actor.organization, **data)
    _check_unit_parent(unit, data.get("parent"))
    _check_unit_client(unit, data.get("client"))
    return create_audited(unit, actor=actor.user, fields=UNIT_FIELDS, organization_id=actor.organization_id)


@transaction.atomic
def update_unit(*, actor: Actor, unit: Unit, **data: Any) -> Unit:
    actor.require(roles.MANAGE_UNITS)
    if "parent" in data:
        _check_unit_parent(unit, data["parent"])
    if "client" in data:
        _check_unit_client(unit, data["client"])
    update_audited(unit, actor=actor.user, data=data, fields=UNIT_FIELDS, organization_id=actor.organization_id)
    return unit


@transaction.atomic
def delete_unit(*, actor: Actor, unit: Unit) -> None:
    actor.require(roles.MANAGE_UNITS)
    delete_audited(unit, actor=actor.user, organization_id=actor.organization_id)


@transaction.atomic
def create_client(*, actor: Actor, **data: Any) -> ClientOrganization:
    actor.require(roles.MANAGE_UNITS)
    client = ClientOrganization(organization=actor.organization, **data)
    return create_audited(client, actor=actor.user, fields=CLIENT_FIELDS, organization_id=actor.organization_id)


@transaction.atomic
def update_client(*, actor: Actor, client: ClientOrganization, **data: Any) -> ClientOrganization:
    actor.require(roles.MANAGE_UNITS)
    update_audited(client, actor=actor.user, data=data, fields=CLIENT_FIELDS, organization_id=actor.organization_id)
    return client


@transaction.atomic
def delete_client(*, actor: Actor, client: ClientOrganization) -> None:
    """Delete a client organisation; a client that units still serve is a Conflict."""
    actor.require(roles.MANAGE_UNITS)
    delete_audited(client, actor=actor.user, organization_id=actor.organization_id)


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _check_organization_fields(data: dict[str, Any]) -> None:
    errors = []
    if "timezone" in data and data["timezone"] not in _time_zones():
        errors.append({"field": "timezone", "message": str(_("Use an IANA time zone name, e.g. Europe/Warsaw."))})
    if "country" in data and not re.fullmatch(r"[A-Z]{2}", str(data["country"] or "")):
        errors.append({"field": "country", "message": str(_("Use an ISO 3166 alpha-2 code, e.g. PL."))})
    if errors:
        raise InvalidInput(errors=errors)


@transaction.atomic
def update_organization(*, actor: Actor, **data: Any) -> Organization:
    """Change the organisation's name, language, time zone or country (organisation admins only)."""
    actor.require(roles.MANAGE_MEMBERS)
    _check_organization_fields(data)
    org = actor.organization
    update_audited(org, actor=actor.user, data=data, fields=ORGANIZATION_FIELDS, organization_id=org.pk)
    return org


@transaction.atomic
def create_organization(
    *, slug: str, name: str, country: str, timezone: str, default_language: str, admin_email: str,
    admin_password: str, admin_name: str = "",
) -> Membership:
    """A new tenant with its first organisation admin (the way in for an installation without the
    demo). The admin user is created, or reused if the e-mail already exists."""
    _check_organization_fields({"country": country, "timezone": timezone})
    org = Organization(slug=slug, name=name, country=country, timezone=timezone, default_language=default_language)
    create_audited(org, actor="csm create-organization", fields=(*ORGANIZATION_FIELDS, "slug"),
                   organization_id=None)
    user = User.objects.filter(email=admin_email.strip().lower()).first()
    if user is None:
        user = User(email=admin_email.strip().lower(), full_name=admin_name)
        try:
            validate_password(admin_password, user)
        except ValidationError as exc:
            raise InvalidInput(errors=[{"field": "password", "message": m} for m in exc.messages]) from None
        user.set_password(admin_password)
        create_audited(user, actor="csm create-organization", fields=("email", "full_name"), organization_id=org.pk)
    membership = Membership(organization=org, user=user, role=roles.Role.ORG_ADMIN)
    return create_audited(membership, actor="csm create-organization", fields=("user", "role", "is_active"),
                          organization_id=org.pk)


def _ensure_admin_remains(membership: Membership, *, new_role: str | None, active: bool) -> None:
    """Refuse a change that would leave the organisation without an active admin. The admins' rows
    are locked so two admins demoting each other at once cannot both succeed."""
    if membership.role != roles.Role.ORG_ADMIN or (new_role == roles.Role.ORG_ADMIN and active):
        return
    admins = Membership.objects.select_for_update().filter(
        organization_id=membership.organization_id, role=roles.Role.ORG_ADMIN, is_active=True
    )
    if not any(pk != membership.pk for pk in admins.values_list("pk", flat=True)):
        raise Conflict(str(_("An organisation must keep at least one active organisation admin.")))


@transaction.atomic
def add_member(*, actor: Actor, email: str, role: str, full_name: str = "", password: str | None = None) -> Membership:
    """Add a user (created if new, with the given password or none usable) to the organisation."""
    actor.require(roles.MANAGE_MEMBERS)
    if role not in roles.Role.values:
        raise InvalidInput("role", str(_("Unknown role.")))
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, full_name=full_name)
        if password:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise InvalidInput(errors=[{"field": "password", "message": m} for m in exc.messages]) from None
        user.set_password(password)
        create_audited(user, actor=actor.user, fields=("email", "full_name"), organization_id=actor.organization_id)
    if Membership.objects.filter(organization_id=actor.organization_id, user=user).exists():
        raise Conflict(str(_("This person is already a member of the organisation.")))
    membership = Membership(organization=actor.organization, user=user, role=role)
    return create_audited(
        membership, actor=actor.user, fields=("user", "role", "is_active"), organization_id=actor.organization_id
    )


@transaction.atomic
def update_membership(*, actor: Actor, membership: Membership, **data: Any) -> Membership:
    actor.require(roles.MANAGE_MEMBERS)
    _ensure_admin_remains(
        membership, new_role=data.get("role", membership.role), active=data.get("is_active", membership.is_active)
    )
    update_audited(
        membership, actor=actor.user, data=data, fields=("role", "is_active"), organization_id=actor.organization_id
    )
    return membership


@transaction.atomic
def remove_member(*, actor: Actor, membership: Membership) -> None:
    """Remove a member and revoke their API tokens here, so re-adding them later does not
    silently revive old tokens. Events: one "deleted", then one "revoked" per live token."""
    actor.require(roles.MANAGE_MEMBERS)
    _ensure_admin_remains(membership, new_role=None, active=False)
    tokens = list(ApiToken.objects.filter(organization_id=membership.organization_id, user_id=membership.user_id,
                                          revoked_at__isnull=True).order_by("pk"))
    delete_audited(membership, actor=actor.user, organization_id=actor.organization_id)
    for token in tokens:
        revoke_api_token(actor=actor, token=token)


@transaction.atomic
def create_api_token(*, actor: Actor, name: str) -> tuple[ApiToken, str]:
    """Make a token for the actor in this organisation. The raw secret is returned once, never stored."""
    actor.require(roles.USE_API)
    if not name.strip():
        raise InvalidInput("name", str(_("Give the token a name, e.g. the integration that will use it.")))
    prefix = secrets.token_hex(6)
    raw = f"csm_{prefix}_{secrets.token_urlsafe(32).replace('_', '-')}"
    token = ApiToken(organization=actor.organization, user=actor.user, name=name.strip(), prefix=prefix,
                     digest=token_digest(raw))
    create_audited(token, actor=actor.user, fields=("name", "prefix"), organization_id=actor.organization_id)
    return token, raw


@transaction.atomic
def revoke_api_token(*, actor: Actor, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        record_event(organization_id=actor.organization_id, actor=actor.user, action="revoked", obj=token)
    return token


def touch_api_token(*, token: ApiToken) -> None:
    """Note when a token was last used, at most once a minute to keep reads cheap."""
    now = clock.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
