"""Account services, called directly: permissions, tree rules, the last admin and audit events."""

from __future__ import annotations

import pytest

from csm.accounts import services
from csm.accounts.context import Actor
from csm.accounts.models import ApiToken, ClientOrganization, Membership, Unit, UnitKind
from csm.accounts.roles import Role
from csm.accounts.tests.factories import ClientOrganizationFactory, MembershipFactory, UnitFactory
from csm.core.errors import Conflict, InvalidInput, PermissionDenied
from csm.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_unit_is_created_in_the_actors_organisation(alice, acme):
    unit = services.create_unit(actor=alice.actor, kind=UnitKind.SITE, name="Warsaw")
    assert (unit.organization, unit.parent, unit.is_active) == (acme, None, True)


@pytest.mark.parametrize("persona", ["bob", "carol"])
def test_only_unit_managers_change_units(request, persona, acme):
    actor = request.getfixturevalue(persona).actor
    unit = UnitFactory(organization=acme, name="Desk")
    with pytest.raises(PermissionDenied):
        services.create_unit(actor=actor, kind=UnitKind.TEAM, name="x")
    with pytest.raises(PermissionDenied):
        services.update_unit(actor=actor, unit=unit, name="y")
    with pytest.raises(PermissionDenied):
        services.delete_unit(actor=actor, unit=unit)
    assert list(Unit.objects.values_list("name", flat=True)) == ["Desk"]
    assert not AuditEvent.objects.exists()


def test_a_quality_manager_manages_units_but_not_members(acme, alice):
    membership = MembershipFactory(organization=acme, role=Role.QUALITY_MANAGER)
    actor = Actor(user=membership.user, organization=acme, membership=membership)
    assert services.create_client(actor=actor, name="Initech").organization == acme
    with pytest.raises(PermissionDenied):
        services.add_member(actor=actor, email="x@example.test", role=Role.VIEWER)


def test_a_unit_cannot_hang_under_another_organisations_unit_even_when_called_directly(alice, globex):
    foreign = UnitFactory(organization=globex)
    with pytest.raises(InvalidInput) as caught:
        services.create_unit(actor=alice.actor, kind=UnitKind.TEAM, name="x", parent=foreign)
    assert caught.value.detail == [{"field": "parent", "message": "No such object in this organisation."}]
    with pytest.raises(InvalidInput):
        services.create_unit(actor=alice.actor, kind=UnitKind.TEAM, name="x",
                             client=ClientOrganizationFactory(organization=globex))
    assert Unit.objects.filter(organization=alice.organization).count() == 0


def test_a_unit_cannot_be_its_own_parent(alice, acme):
    unit = UnitFactory(organization=acme)
    with pytest.raises(InvalidInput):
        services.update_unit(actor=alice.actor, unit=unit, parent=unit)
    assert Unit.objects.get(pk=unit.pk).parent_id is None


def test_a_unit_may_move_within_its_own_branch_to_a_sibling(alice, acme):
    root = UnitFactory(organization=acme)
    left = UnitFactory(organization=acme, parent=root)
    right = UnitFactory(organization=acme, parent=root)
    services.update_unit(actor=alice.actor, unit=left, parent=right)
    assert Unit.objects.get(pk=left.pk).parent_id == right.pk


def test_a_client_can_be_deleted_when_no_unit_serves_it(alice, acme):
    hotel = ClientOrganizationFactory(organization=acme)
    services.delete_client(actor=alice.actor, client=hotel)
    assert not ClientOrganization.objects.exists()
    assert AuditEvent.objects.get().action == "deleted"


def test_the_organisation_time_zone_must_be_a_real_one(alice, acme):
    services.update_organization(actor=alice.actor, timezone="Asia/Shanghai")
    with pytest.raises(InvalidInput):
        services.update_organization(actor=alice.actor, timezone="Europe/Atlantis")
    assert acme.__class__.objects.get(pk=acme.pk).timezone == "Asia/Shanghai"


def test_adding_an_unknown_role_is_refused(alice):
    with pytest.raises(InvalidInput) as caught:
        services.add_member(actor=alice.actor, email="x@example.test", role="emperor")
    assert [e["field"] for e in caught.value.detail] == ["role"]


def test_a_weak_password_for_a_new_member_is_refused(alice):
    with pytest.raises(InvalidInput) as caught:
        services.add_member(actor=alice.actor, email="x@example.test", role=Role.VIEWER, password="password")
    assert {e["field"] for e in caught.value.detail} == {"password"}
    assert not Membership.objects.filter(user__email="x@example.test").exists()


def test_a_new_member_with_a_password_can_sign_in(alice):
    membership = services.add_member(actor=alice.actor, email="x@example.test", role=Role.VIEWER,
                                     password="a long enough passphrase")
    assert membership.user.check_password("a long enough passphrase")


def test_demoting_one_of_two_admins_is_allowed_then_the_other_is_kept(alice, acme):
    other = MembershipFactory(organization=acme, role=Role.ORG_ADMIN)
    services.update_membership(actor=alice.actor, membership=other, role=Role.VIEWER)
    with pytest.raises(Conflict):
        services.update_membership(actor=alice.actor, membership=alice.membership, role=Role.VIEWER)
    assert Membership.objects.get(pk=alice.membership.pk).role == Role.ORG_ADMIN


def test_reactivating_an_admin_needs_no_other_admin(alice, acme):
    other = MembershipFactory(organization=acme, role=Role.ORG_ADMIN, is_active=False)
    services.update_membership(actor=alice.actor, membership=other, is_active=True)
    assert Membership.objects.get(pk=other.pk).is_active


def test_removing_a_member_revokes_each_live_token_with_one_event(alice, bob):
    first, _ = services.create_api_token(actor=bob.actor, name="one")
    second, _ = services.create_api_token(actor=bob.actor, name="two")
    services.revoke_api_token(actor=bob.actor, token=second)
    before, membership_id = AuditEvent.objects.count(), bob.membership.pk
    services.remove_member(actor=alice.actor, membership=bob.membership)
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [(e.action, e.object_type, e.object_id) for e in events] == [
        ("deleted", "accounts.membership", str(membership_id)),
        ("revoked", "accounts.apitoken", str(first.pk))]
    assert not ApiToken.objects.filter(revoked_at__isnull=True).filter(user=bob.user).exists()
