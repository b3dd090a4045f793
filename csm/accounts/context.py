"""The actor: who is acting, in which organisation, with which role.

Every selector and service that touches tenant data takes an `Actor`. It is built only by
`accounts.selectors.resolve_actor` / `actor_for_token`, which check the membership, so holding one
proves the user belongs to that organisation.
"""

from __future__ import annotations

from dataclasses import dataclass

from csm.accounts.models import Membership, Organization, User
from csm.accounts.roles import role_allows
from csm.core.errors import PermissionDenied


@dataclass(frozen=True)
class Actor:
    user: User
    organization: Organization
    membership: Membership

    @property
    def organization_id(self) -> int:
        return self.organization.pk

    @property
    def role(self) -> str:
        return self.membership.role

    def can(self, permission: str) -> bool:
        return role_allows(self.role, permission)

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise PermissionDenied()
