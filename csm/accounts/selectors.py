"""Reads for organisations, people and units, always scoped by the actor's organisation."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from django.db.models import F, QuerySet

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.models import ApiToken, ClientOrganization, Membership, Organization, Unit, User
from csm.core.errors import NotFound
from csm.core.lookups import get_or_not_found


def resolve_actor(*, user: User, organization_slug: str) -> Actor:
    """The actor for `user` in the organisation with this slug; NotFound if not an active member."""
    if not user.is_authenticated:
        raise NotFound()
    membership = (
        Membership.objects.select_related("organization", "user")
        .filter(user=user, organization__slug=organization_slug, is_active=True)
        .first()
    )
    if membership is None:
        raise NotFound()
    return Actor(user=membership.user, organization=membership.organization, membership=membership)


def resolve_actor_by_id(*, user: User, organization_id: int) -> Actor:
    membership = (
        Membership.objects.select_related("organization", "user")
        .filter(user=user, organization_id=organization_id, is_active=True)
        .first()
    )
    if membership is None:
        raise NotFound()
    return Actor(user=membership.user, organization=membership.organization, membership=membership)


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def actor_for_token(*, raw_token: str) -> tuple[Actor, ApiToken] | None:
    """The actor behind a bearer token `csm_<prefix>_<secret>`, or None if unknown, revoked, or
    its user or membership is inactive. One query: the membership joined to the token by prefix;
    the digest is compared in constant time. The returned token carries id, prefix, digest and
    last_used_at (all that authentication needs)."""
    parts = raw_token.split("_")
    if len(parts) != 3 or parts[0] != "csm":
        return None
    membership = (
        Membership.objects.select_related("user", "organization")
        .filter(
            is_active=True, user__is_active=True, user__api_tokens__prefix=parts[1],
            user__api_tokens__revoked_at__isnull=True,
            user__api_tokens__organization_id=F("organization_id"),
        )
        .annotate(
            token_pk=F("user__api_tokens__id"), token_digest=F("user__api_tokens__digest"),
            token_last_used_at=F("user__api_tokens__last_used_at"),
        )
        .first()
    )
    if membership is None or not hmac.compare_digest(token_digest(raw_token), membership.token_digest):  # type: ignore[attr-defined]
        return None
    token = ApiToken(
        pk=membership.token_pk, organization=membership.organization, user=membership.user,  # type: ignore[attr-defined]
        prefix=parts[1], digest=membership.token_digest, last_used_at=membership.token_last_used_at,  # type: ignore[attr-defined]
    )
    return Actor(user=membership.user, organization=membership.organization, membership=membership), token


def user_memberships(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.select_related("organization").filter(user=user, is_active=True)


def list_units(*, actor: Actor) -> QuerySet[Unit]:
    actor.require(roles.VIEW_ORG)
    return Unit.objects.filter(organization_id=actor.organization_id).select_related("client", "parent")


def access_unit(*, actor: Actor, unit_id: int) -> Unit:
    return get_or_not_found(list_units(actor=actor), unit_id)


def list_clients(*, actor: Actor) -> QuerySet[ClientOrganization]:
    actor.require(roles.VIEW_ORG)
    return ClientOrganization.objects.filter(organization_id=actor.organization_id)


def access_client(*, actor: Actor, client_id: int) -> ClientOrganization:
    return get_or_not_found(list_clients(actor=actor), client_id)


def list_memberships(*, actor: Actor) -> QuerySet[Membership]:
    actor.require(roles.VIEW_ORG)
    return Membership.objects.filter(organization_id=actor.organization_id).select_related("user")


def access_membership(*, actor: Actor, membership_id: int) -> Membership:
    return get_or_not_found(list_memberships(actor=actor), membership_id)


def list_api_tokens(*, actor: Actor) -> QuerySet[ApiToken]:
    """The actor's own tokens in the current organisation."""
    return ApiToken.objects.filter(organization_id=actor.organization_id, user=actor.user)


def access_api_token(*, actor: Actor, token_id: int) -> ApiToken:
    return get_or_not_found(list_api_tokens(actor=actor), token_id)


def unit_tree(*, actor: Actor) -> list[tuple[Unit, int]]:
    """Units in depth-first order with their depth, for indented display."""
    units = list(list_units(actor=actor).order_by("name", "id"))
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered: list[tuple[Unit, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for child in children.get(parent_id, []):
            ordered.append((child, depth))
            walk(child.pk, depth + 1)

    walk(None, 0)
    return ordered


def get_organization_by_slug(*, slug: str) -> Organization:
    try:
        return Organization.objects.get(slug=slug)
    except Organization.DoesNotExist:
        raise NotFound() from None


def unit_subtree(parents: Mapping[int, int | None], unit_id: int) -> list[int]:
    """The unit and every unit below it, sorted, from each unit's parent (the organisation's units,
    read once by the caller); NotFound when `unit_id` is not among them."""
    if unit_id not in parents:
        raise NotFound()
    children: dict[int | None, list[int]] = {}
    for pk, parent in parents.items():
        children.setdefault(parent, []).append(pk)
    found, stack = [], [unit_id]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return sorted(found)
