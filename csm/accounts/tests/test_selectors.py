"""Account selectors: every read is scoped to the actor's organisation, and another organisation's
id is as missing as an id that never existed."""

from __future__ import annotations

import pytest

from csm.accounts import selectors
from csm.accounts.services import create_api_token
from csm.accounts.tests.factories import ClientOrganizationFactory, MembershipFactory, UnitFactory
from csm.core.errors import NotFound

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("access", "factory", "arg"), [
    (selectors.access_unit, UnitFactory, "unit_id"),
    (selectors.access_client, ClientOrganizationFactory, "client_id"),
    (selectors.access_membership, MembershipFactory, "membership_id"),
])
def test_another_organisations_id_is_not_found(alice, globex, access, factory, arg):
    foreign = factory(organization=globex)
    for missing in (foreign.pk, 10**9, "abc", None):
        with pytest.raises(NotFound):
            access(actor=alice.actor, **{arg: missing})


def test_lists_hold_only_the_actors_organisation(alice, bob, acme, globex):
    mine = UnitFactory(organization=acme)
    UnitFactory(organization=globex)
    ClientOrganizationFactory(organization=globex)
    MembershipFactory(organization=globex)
    assert list(selectors.list_units(actor=alice.actor)) == [mine]
    assert list(selectors.list_clients(actor=alice.actor)) == []
    assert set(selectors.list_memberships(actor=alice.actor)) == {alice.membership, bob.membership}


def test_the_unit_tree_is_depth_first_by_name(alice, acme):
    warsaw = UnitFactory(organization=acme, name="Warsaw")
    krakow = UnitFactory(organization=acme, name="Krakow")
    desk = UnitFactory(organization=acme, name="Desk", parent=warsaw)
    bar = UnitFactory(organization=acme, name="Bar", parent=warsaw)
    night = UnitFactory(organization=acme, name="Night", parent=desk)
    assert selectors.unit_tree(actor=alice.actor) == [(krakow, 0), (warsaw, 0), (bar, 1), (desk, 1), (night, 2)]


def test_an_actor_is_resolved_only_for_an_active_membership(alice, globex):
    assert selectors.resolve_actor(user=alice.user, organization_slug="acme").organization.slug == "acme"
    with pytest.raises(NotFound):
        selectors.resolve_actor(user=alice.user, organization_slug="globex")
    inactive = MembershipFactory(organization=globex, user=alice.user, is_active=False)
    with pytest.raises(NotFound):
        selectors.resolve_actor_by_id(user=alice.user, organization_id=inactive.organization_id)


def test_api_tokens_listed_are_the_actors_own(alice, bob):
    mine, _ = create_api_token(actor=alice.actor, name="mine")
    create_api_token(actor=bob.actor, name="bobs")
    assert list(selectors.list_api_tokens(actor=alice.actor)) == [mine]
    theirs = bob.user.api_tokens.get()
    with pytest.raises(NotFound):
        selectors.access_api_token(actor=alice.actor, token_id=theirs.pk)


def test_a_unit_subtree_is_the_unit_and_everything_below_it():
    from csm.accounts.selectors import unit_subtree
    from csm.core.errors import NotFound

    parents = {1: None, 2: 1, 3: 2, 4: 1, 5: None}
    assert unit_subtree(parents, 1) == [1, 2, 3, 4]
    assert unit_subtree(parents, 2) == [2, 3] and unit_subtree(parents, 5) == [5]
    with pytest.raises(NotFound):
        unit_subtree(parents, 9)
