"""The organisation, unit, client and membership endpoints. Isolation, roles and authentication of
every endpoint are in config/tests/test_api.py."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from conftest import Persona
from csm.accounts.context import Actor
from csm.accounts.models import ApiToken, ClientOrganization, Membership, Organization, Unit, UnitKind, User
from csm.accounts.roles import Role
from csm.accounts.services import create_api_token
from csm.accounts.tests.factories import ClientOrganizationFactory, MembershipFactory, UnitFactory
from csm.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def post(client: Client, path: str, body: Any) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def patch(client: Client, path: str, body: Any) -> Any:
    return client.patch(path, json.dumps(body), content_type="application/json")


def fields(response: Any) -> list[str]:
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"
    return [e["field"] for e in response.json()["detail"]]


def events_after(before: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("pk")[before:])


# Me and the organisation -----------------------------------------------------------------------

def test_me_shows_the_person_their_organisation_role_and_permissions(bob):
    body = bob.api().get("/api/v1/me").json()
    assert body == {
        "email": "bob@acme.test", "full_name": "Bob", "role": "complaint_handler",
        "organization": {"id": bob.organization.pk, "slug": "acme", "name": "Acme Hotels",
                         "default_language": "pl", "timezone": "Europe/Warsaw", "country": "PL"},
        "permissions": ["api.use", "assessments.view", "calendars.view", "catalogue.view", "complaints.handle", "complaints.personal_data",
                        "complaints.view", "organization.view", "surveys.follow_up", "surveys.key_in", "surveys.view"],
    }


def test_alice_renames_the_organisation_and_the_change_is_audited(alice, acme):
    client = alice.api()
    before = AuditEvent.objects.count()
    response = patch(client, "/api/v1/organization", {"name": "Acme Resorts", "timezone": "Europe/Berlin"})
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["timezone"]) == ("Acme Resorts", "Europe/Berlin")
    [event] = events_after(before)
    assert (event.object_type, event.object_id, event.action) == ("accounts.organization", str(acme.pk), "updated")
    assert event.changes == {"name": ["Acme Hotels", "Acme Resorts"], "timezone": ["Europe/Warsaw", "Europe/Berlin"]}


@pytest.mark.parametrize(("body", "bad"), [
    ({"timezone": "Mars/Olympus"}, ["timezone"]),
    ({"country": "pl"}, ["country"]),
    ({"country": "POL"}, ["country"]),
    ({"default_language": "de"}, ["default_language"]),
    ({"name": ""}, ["name"]),
    ({"name": None}, ["name"]),
    ({"timezone": "Mars/Olympus", "country": "P1"}, ["country"]),
])
def test_it_refuses_a_bad_organisation_patch_and_changes_nothing(alice, acme, body, bad):
    response = patch(alice.api(), "/api/v1/organization", body)
    assert fields(response) == bad
    fresh = Organization.objects.get(pk=acme.pk)
    assert (fresh.name, fresh.timezone, fresh.country, fresh.default_language) == (
        "Acme Hotels", "Europe/Warsaw", "PL", "pl")


def test_a_quality_manager_may_not_change_the_organisation(acme):
    membership = MembershipFactory(organization=acme, role=Role.QUALITY_MANAGER)
    quinn = Persona(user=membership.user, membership=membership)
    response = patch(quinn.api(), "/api/v1/organization", {"name": "Quinn's"})
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


# Units -----------------------------------------------------------------------------------------

def test_alice_builds_a_unit_tree(alice, acme):
    client = alice.api()
    hotel = ClientOrganizationFactory(organization=acme, name="Hotel chain")
    site = post(client, "/api/v1/units", {"kind": "site", "name": "Warsaw", "code": "WAW"}).json()
    desk = post(client, "/api/v1/units", {"kind": "team", "name": "Front desk", "parent_id": site["id"],
                                          "client_id": hotel.pk})
    assert desk.status_code == 201
    assert {k: desk.json()[k] for k in ("kind", "name", "code", "parent_id", "client_id", "is_active")} == {
        "kind": "team", "name": "Front desk", "code": "", "parent_id": site["id"], "client_id": hotel.pk,
        "is_active": True}
    assert client.get(f"/api/v1/units/{desk.json()['id']}").json() == desk.json()


def test_creating_a_unit_records_its_fields(alice, acme):
    client = alice.api()
    parent = UnitFactory(organization=acme)
    before = AuditEvent.objects.count()
    unit = post(client, "/api/v1/units", {"kind": "team", "name": "Night desk", "parent_id": parent.pk}).json()
    [event] = events_after(before)
    assert (event.actor, event.organization_id, event.action, event.object_type, event.object_id) == (
        alice.user, acme.pk, "created", "accounts.unit", str(unit["id"]))
    assert event.changes == {"parent": [None, parent.pk], "kind": [None, "team"], "name": [None, "Night desk"],
                             "is_active": [None, True]}


def test_it_names_each_bad_unit_field(alice):
    response = post(alice.api(), "/api/v1/units", {"kind": "planet", "name": "", "code": "x" * 41})
    assert sorted(fields(response)) == ["code", "kind", "name"]
    assert not Unit.objects.exists()


def test_it_refuses_a_unit_under_another_organisations_unit(alice, globex):
    foreign = UnitFactory(organization=globex)
    response = post(alice.api(), "/api/v1/units", {"kind": "team", "name": "Desk", "parent_id": foreign.pk})
    assert response.json()["detail"] == [{"field": "parent_id", "message": "No such object in this organisation."}]
    assert list(Unit.objects.values_list("pk", flat=True)) == [foreign.pk]


def test_it_refuses_to_move_a_unit_under_another_organisations_unit(alice, acme, globex):
    unit, foreign = UnitFactory(organization=acme), UnitFactory(organization=globex)
    response = patch(alice.api(), f"/api/v1/units/{unit.pk}", {"parent_id": foreign.pk})
    assert fields(response) == ["parent_id"]
    assert Unit.objects.get(pk=unit.pk).parent_id is None


def test_it_refuses_a_client_of_another_organisation(alice, globex):
    foreign = ClientOrganizationFactory(organization=globex)
    response = post(alice.api(), "/api/v1/units", {"kind": "team", "name": "Desk", "client_id": foreign.pk})
    assert fields(response) == ["client_id"]
    assert not Unit.objects.exists()


@pytest.mark.parametrize("depth", [0, 1, 3])
def test_it_refuses_to_make_a_unit_its_own_ancestor(alice, acme, depth):
    root = UnitFactory(organization=acme)
    chain = [root]
    for _ in range(depth):
        chain.append(UnitFactory(organization=acme, parent=chain[-1]))
    client = alice.api()
    before = AuditEvent.objects.count()
    response = patch(client, f"/api/v1/units/{root.pk}", {"parent_id": chain[-1].pk})
    assert response.json() == {"detail": [{"field": "parent_id", "message":
                               "A unit cannot be placed under itself or its own descendant."}],
                               "code": "validation_error"}
    assert Unit.objects.get(pk=root.pk).parent_id is None
    assert AuditEvent.objects.count() == before


def test_moving_a_unit_to_the_top_and_back_is_audited(alice, acme):
    parent = UnitFactory(organization=acme)
    unit = UnitFactory(organization=acme, parent=parent)
    client = alice.api()
    before = AuditEvent.objects.count()
    assert patch(client, f"/api/v1/units/{unit.pk}", {"parent_id": None}).json()["parent_id"] is None
    [event] = events_after(before)
    assert event.changes == {"parent": [parent.pk, None]}


def test_an_explicit_null_for_a_required_unit_field_is_refused(alice, acme):
    unit = UnitFactory(organization=acme, name="Desk")
    assert sorted(fields(patch(alice.api(), f"/api/v1/units/{unit.pk}", {"name": None, "kind": None}))) == [
        "kind", "name"]
    assert Unit.objects.get(pk=unit.pk).name == "Desk"


def test_a_unit_with_children_cannot_be_deleted(alice, acme):
    parent = UnitFactory(organization=acme)
    UnitFactory(organization=acme, parent=parent)
    client = alice.api()
    before = AuditEvent.objects.count()
    response = client.delete(f"/api/v1/units/{parent.pk}")
    assert response.json() == {"detail": "Other records still refer to this one; remove or change them first.",
                               "code": "conflict"}
    assert Unit.objects.count() == 2
    assert AuditEvent.objects.count() == before


def test_deleting_a_unit_is_audited(alice, acme):
    unit = UnitFactory(organization=acme, name="Kiosk")
    client = alice.api()
    before = AuditEvent.objects.count()
    assert client.delete(f"/api/v1/units/{unit.pk}").status_code == 204
    [event] = events_after(before)
    assert (event.action, event.object_type, event.object_id, event.object_repr) == (
        "deleted", "accounts.unit", str(unit.pk), "Kiosk")
    assert not Unit.objects.exists()


def test_unit_filters_return_exact_sets(alice, acme, globex):
    hotel = ClientOrganizationFactory(organization=acme)
    site = UnitFactory(organization=acme, kind=UnitKind.SITE, name="Warsaw")
    desk = UnitFactory(organization=acme, kind=UnitKind.TEAM, name="Front Desk", parent=site, client=hotel)
    bar = UnitFactory(organization=acme, kind=UnitKind.TEAM, name="Bar", parent=site)
    UnitFactory(organization=globex, kind=UnitKind.TEAM, name="Front desk")
    client = alice.api()

    def ids(query: str) -> set[int]:
        return {u["id"] for u in client.get(f"/api/v1/units?{query}").json()["items"]}

    assert ids("kind=team") == {desk.pk, bar.pk}
    assert ids(f"parent_id={site.pk}") == {desk.pk, bar.pk}
    assert ids(f"client_id={hotel.pk}") == {desk.pk}
    assert ids("q=desk") == {desk.pk}
    assert ids("kind=site&q=war") == {site.pk}
    assert fields(client.get("/api/v1/units?kind=planet")) == ["kind"]


# Clients ---------------------------------------------------------------------------------------

def test_alice_manages_clients(alice, acme):
    client = alice.api()
    created = post(client, "/api/v1/clients", {"name": "Initech", "code": "INI"})
    assert created.status_code == 201
    cid = created.json()["id"]
    assert created.json() == {"id": cid, "name": "Initech", "code": "INI"}
    assert patch(client, f"/api/v1/clients/{cid}", {"code": "IN"}).json() == {"id": cid, "name": "Initech",
                                                                             "code": "IN"}
    assert client.delete(f"/api/v1/clients/{cid}").status_code == 204
    assert client.get(f"/api/v1/clients/{cid}").status_code == 404


def test_a_duplicate_client_name_is_a_422_on_name(alice, acme, globex):
    ClientOrganizationFactory(organization=acme, name="Initech")
    ClientOrganizationFactory(organization=globex, name="Hooli")
    client = alice.api()
    response = post(client, "/api/v1/clients", {"name": "Initech"})
    assert response.json()["detail"] == [{"field": "name", "message": "This value is already in use."}]
    assert post(client, "/api/v1/clients", {"name": "Hooli"}).status_code == 201  # another org's name is free
    assert ClientOrganization.objects.filter(organization=acme).count() == 2


def test_a_client_that_units_serve_cannot_be_deleted(alice, acme):
    hotel = ClientOrganizationFactory(organization=acme)
    UnitFactory(organization=acme, client=hotel)
    response = alice.api().delete(f"/api/v1/clients/{hotel.pk}")
    assert (response.status_code, response.json()["code"]) == (409, "conflict")
    assert ClientOrganization.objects.filter(pk=hotel.pk).exists()


# Memberships -----------------------------------------------------------------------------------

def test_alice_adds_a_new_person_as_a_member(alice, acme):
    client = alice.api()
    before = AuditEvent.objects.count()
    response = post(client, "/api/v1/memberships", {"email": "Dora@Example.TEST", "role": "inspector",
                                                    "full_name": "Dora"})
    assert response.status_code == 201
    body = response.json()
    dora = User.objects.get(email="dora@example.test")
    assert {k: body[k] for k in ("user_id", "email", "full_name", "role", "is_active")} == {
        "user_id": dora.pk, "email": "dora@example.test", "full_name": "Dora", "role": "inspector",
        "is_active": True}
    assert not dora.has_usable_password()
    user_event, member_event = events_after(before)
    assert (user_event.object_type, user_event.changes) == (
        "accounts.user", {"email": [None, "dora@example.test"], "full_name": [None, "Dora"]})
    assert (member_event.object_type, member_event.object_id, member_event.changes) == (
        "accounts.membership", str(body["id"]),
        {"user": [None, dora.pk], "role": [None, "inspector"], "is_active": [None, True]})


def test_adding_an_existing_person_records_only_the_membership(alice, charlie):
    client = alice.api()
    before = AuditEvent.objects.count()
    response = post(client, "/api/v1/memberships", {"email": "charlie@globex.test", "role": "viewer"})
    assert response.status_code == 201
    assert [e.object_type for e in events_after(before)] == ["accounts.membership"]
    assert Membership.objects.filter(user=charlie.user).count() == 2


def test_adding_a_member_twice_is_a_conflict(alice, bob):
    response = post(alice.api(), "/api/v1/memberships", {"email": "bob@acme.test", "role": "viewer"})
    assert (response.status_code, response.json()["code"]) == (409, "conflict")
    assert Membership.objects.get(pk=bob.membership.pk).role == Role.COMPLAINT_HANDLER


@pytest.mark.parametrize(("body", "bad"), [
    ({"email": "not-an-email", "role": "viewer"}, ["email"]),
    ({"email": "dora@example.test", "role": "emperor"}, ["role"]),
    ({"email": "dora@example.test"}, ["role"]),
])
def test_it_names_each_bad_membership_field(alice, body, bad):
    assert fields(post(alice.api(), "/api/v1/memberships", body)) == bad
    assert not User.objects.filter(email="dora@example.test").exists()


def test_membership_list_filters_by_role(alice, bob, carol, charlie):
    client = alice.api()
    items = client.get("/api/v1/memberships?role=inspector").json()["items"]
    assert [(m["email"], m["role"]) for m in items] == [("carol@acme.test", "inspector")]
    assert {m["id"] for m in client.get("/api/v1/memberships").json()["items"]} == {
        alice.membership.pk, bob.membership.pk, carol.membership.pk}


def test_alice_changes_a_role_and_it_is_audited(alice, bob):
    client = alice.api()
    before = AuditEvent.objects.count()
    response = patch(client, f"/api/v1/memberships/{bob.membership.pk}", {"role": "quality_manager"})
    assert response.json()["role"] == "quality_manager"
    [event] = events_after(before)
    assert event.changes == {"role": ["complaint_handler", "quality_manager"]}


@pytest.mark.parametrize("body", [{"role": "viewer"}, {"is_active": False}])
def test_the_last_admin_cannot_step_down(alice, bob, body):
    response = patch(alice.api(), f"/api/v1/memberships/{alice.membership.pk}", body)
    assert (response.status_code, response.json()["code"]) == (409, "conflict")
    fresh = Membership.objects.get(pk=alice.membership.pk)
    assert (fresh.role, fresh.is_active) == (Role.ORG_ADMIN, True)


def test_the_last_admin_cannot_be_removed(alice, bob):
    client = alice.api()
    before = AuditEvent.objects.count()
    response = client.delete(f"/api/v1/memberships/{alice.membership.pk}")
    assert response.json() == {"detail": "An organisation must keep at least one active organisation admin.",
                               "code": "conflict"}
    assert Membership.objects.filter(pk=alice.membership.pk).exists()
    assert AuditEvent.objects.count() == before


def test_an_inactive_admin_does_not_count_as_the_remaining_admin(alice, acme):
    MembershipFactory(organization=acme, role=Role.ORG_ADMIN, is_active=False)
    response = alice.api().delete(f"/api/v1/memberships/{alice.membership.pk}")
    assert response.status_code == 409


def test_an_admin_may_leave_when_another_admin_remains(alice, acme):
    MembershipFactory(organization=acme, role=Role.ORG_ADMIN)
    client = alice.api()
    assert client.delete(f"/api/v1/memberships/{alice.membership.pk}").status_code == 204
    assert not Membership.objects.filter(pk=alice.membership.pk).exists()


def test_removing_a_member_revokes_their_tokens_here_only(alice, bob, globex):
    bob_client = bob.api()
    other = MembershipFactory(organization=globex, user=bob.user)
    create_api_token(actor=Actor(user=bob.user, organization=globex, membership=other), name="globex")
    client = alice.api()
    before = AuditEvent.objects.count()
    assert client.delete(f"/api/v1/memberships/{bob.membership.pk}").status_code == 204
    deleted, revoked = events_after(before)
    assert (deleted.action, deleted.object_type) == ("deleted", "accounts.membership")
    assert (revoked.action, revoked.object_type, revoked.actor) == ("revoked", "accounts.apitoken", alice.user)
    assert [t.is_active for t in ApiToken.objects.filter(user=bob.user).order_by("organization_id")] == [False, True]
    post(client, "/api/v1/memberships", {"email": "bob@acme.test", "role": "viewer"})
    assert bob_client.get("/api/v1/me").status_code == 401  # re-adding bob does not revive the old token


# Pagination and parameters ---------------------------------------------------------------------

def test_a_cursor_pages_through_120_clients(alice, acme):
    made = [ClientOrganizationFactory(organization=acme).pk for _ in range(120)]
    client = alice.api()
    seen, sizes, cursor = [], [], ""
    while True:
        page = client.get(f"/api/v1/clients?limit=50&cursor={cursor}").json()
        sizes.append(len(page["items"]))
        seen += [c["id"] for c in page["items"]]
        if page["next_cursor"] is None:
            break
        cursor = page["next_cursor"]
    assert sizes == [50, 50, 20]
    assert seen == made


@pytest.mark.parametrize(("query", "field"), [
    ("limit=0", "limit"), ("limit=501", "limit"), ("limit=-1", "limit"), ("limit=ten", "limit"),
    ("cursor=not-a-cursor", "cursor"), ("cursor=aWQ6LTE", "cursor"), ("cursor=Zm9vOjE", "cursor"),
])
def test_it_refuses_a_bad_page_request_naming_the_parameter(alice, query, field):
    assert fields(alice.api().get(f"/api/v1/units?{query}")) == [field]


def test_a_path_id_that_is_not_a_number_is_a_422_naming_it(alice):
    response = alice.api().get("/api/v1/units/abc")
    assert response.json() == {"detail": [{"field": "unit_id", "message":
                               "Input should be a valid integer, unable to parse string as an integer"}],
                               "code": "validation_error"}


@pytest.mark.parametrize("unit_id", ["0", "-4", "99999999999999999999999"])
def test_a_numeric_path_id_that_names_nothing_is_a_404(alice, unit_id):
    response = alice.api().get(f"/api/v1/units/{unit_id}")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found.", "code": "not_found"})


def test_a_body_that_is_not_json_is_a_400_in_the_error_shape(alice):
    response = alice.api().post("/api/v1/units", "{nope", content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "bad_request")
