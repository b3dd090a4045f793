"""The organisation pages: units and clients, members, settings and API tokens."""

from __future__ import annotations

import pytest
from django.test import Client

from csm.accounts import services
from csm.accounts.models import ApiToken, ClientOrganization, Membership, Organization, Unit
from csm.accounts.roles import Role
from csm.core.models import AuditEvent


@pytest.fixture
def site(alice) -> Unit:
    return services.create_unit(actor=alice.actor, kind="site", name="Warsaw hotel", code="WAW")


@pytest.fixture
def client_org(alice) -> ClientOrganization:
    return services.create_client(actor=alice.actor, name="Big Bank", code="BB")


@pytest.fixture
def pages(alice, bob, site, client_org) -> dict[str, str]:
    """Every accounts page of acme, by whether it edits (bob may not) or only shows."""
    return {
        "/o/acme/": "view",
        "/o/acme/units/": "view",
        f"/o/acme/units/{site.pk}/": "view",
        "/o/acme/members/": "view",
        f"/o/acme/members/{bob.membership.pk}/": "view",
        "/o/acme/tokens/": "view",
        "/o/acme/tokens/new/": "view",
        "/o/acme/units/new/": "edit",
        f"/o/acme/units/{site.pk}/edit/": "edit",
        f"/o/acme/units/{site.pk}/delete/": "edit",
        "/o/acme/clients/new/": "edit",
        f"/o/acme/clients/{client_org.pk}/edit/": "edit",
        "/o/acme/members/new/": "edit",
        f"/o/acme/members/{bob.membership.pk}/edit/": "edit",
        "/o/acme/settings/": "edit",
    }


def test_every_page_opens_for_an_admin(alice, pages):
    client = alice.browser()
    statuses = {url: client.get(url).status_code for url in pages}
    assert statuses == dict.fromkeys(pages, 200)


def test_every_page_is_not_found_for_another_organisation(charlie, pages):
    client = charlie.browser()
    statuses = {url: client.get(url).status_code for url in pages}
    assert statuses == dict.fromkeys(pages, 404)


def test_a_complaint_handler_may_look_but_not_edit(bob, pages):
    client = bob.browser()
    statuses = {url: client.get(url).status_code for url in pages}
    assert statuses == {url: 200 if kind == "view" else 403 for url, kind in pages.items()}


def test_pages_send_a_signed_out_visitor_to_login(db, acme):
    response = Client().get("/o/acme/units/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/o/acme/units/"


def test_ids_of_another_organisation_are_not_found(alice, charlie):
    other = services.create_unit(actor=charlie.actor, kind="site", name="Beijing office")
    client = alice.browser()
    assert client.get(f"/o/acme/units/{other.pk}/").status_code == 404
    assert client.get(f"/o/acme/members/{charlie.membership.pk}/").status_code == 404
    assert client.post(f"/o/acme/units/{other.pk}/delete/").status_code == 404
    assert Unit.objects.filter(pk=other.pk).exists()


# Units and clients -------------------------------------------------------------------------------

def test_the_unit_tree_shows_kinds_clients_and_nesting(alice, site, client_org):
    services.create_unit(actor=alice.actor, kind="team", name="Front desk", parent=site, client=client_org)
    html = alice.browser().get("/o/acme/units/").content.decode()
    assert '<span class="badge info">Site</span>' in html
    assert '<span class="badge info">Team</span>' in html
    assert 'class="depth-1"><a href="/o/acme/units/' in html
    assert "<td>Big Bank</td>" in html
    assert html.index("Warsaw hotel") < html.index("Front desk")


def test_edit_buttons_are_hidden_from_roles_that_cannot_edit(bob, site):
    html = bob.browser().get("/o/acme/units/").content.decode()
    assert "/o/acme/units/new/" not in html
    assert f"/o/acme/units/{site.pk}/edit/" not in html


def test_creating_a_unit_through_the_page_records_an_audit_event(alice, client_org):
    response = alice.browser().post("/o/acme/units/new/", {
        "kind": "branch", "name": "Krakow branch", "code": "KRK", "client": client_org.pk, "is_active": "on",
    })
    unit = Unit.objects.get(name="Krakow branch")
    assert response.status_code == 302
    assert response["Location"] == f"/o/acme/units/{unit.pk}/"
    assert (unit.organization_id, unit.kind, unit.code, unit.client_id, unit.is_active) == (
        alice.organization.pk, "branch", "KRK", client_org.pk, True)
    event = AuditEvent.objects.get(object_type="accounts.unit", object_id=str(unit.pk))
    assert (event.action, event.actor_id, event.organization_id) == (
        "created", alice.user.pk, alice.organization.pk)


def test_editing_a_unit_records_what_changed(alice, site):
    response = alice.browser().post(f"/o/acme/units/{site.pk}/edit/",
                                    {"kind": "site", "name": "Warsaw Old Town", "code": "WAW"})
    assert response.status_code == 302
    site.refresh_from_db()
    assert (site.name, site.is_active) == ("Warsaw Old Town", False)
    event = AuditEvent.objects.get(object_type="accounts.unit", object_id=str(site.pk), action="updated")
    assert event.changes == {"name": ["Warsaw hotel", "Warsaw Old Town"], "is_active": [True, False]}


def test_the_unit_page_shows_its_history(alice, site):
    html = alice.browser().get(f"/o/acme/units/{site.pk}/").content.decode()
    assert 'class="card audit-history"' in html
    assert "Warsaw hotel" in html


def test_a_unit_cannot_use_another_organisations_client(alice, charlie):
    foreign = services.create_client(actor=charlie.actor, name="Globex client")
    response = alice.browser().post("/o/acme/units/new/",
                                    {"kind": "site", "name": "Sneaky", "client": foreign.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Unit.objects.filter(name="Sneaky").exists()


def test_a_unit_cannot_move_under_its_own_child(alice, site):
    child = services.create_unit(actor=alice.actor, kind="department", name="Kitchen", parent=site)
    data = {"kind": "site", "name": "Warsaw hotel", "parent": child.pk, "is_active": "on"}
    response = alice.browser().post(f"/o/acme/units/{site.pk}/edit/", data)
    assert response.status_code == 200
    assert "A unit cannot be placed under itself or its own descendant." in response.content.decode()
    site.refresh_from_db()
    assert site.parent_id is None


def test_a_complaint_handler_cannot_create_a_unit(bob):
    response = bob.browser().post("/o/acme/units/new/", {"kind": "site", "name": "Bob's site"})
    assert response.status_code == 403
    assert not Unit.objects.filter(name="Bob's site").exists()


def test_deleting_a_unit_asks_first_then_deletes_on_post(alice, site):
    client = alice.browser()
    assert "Delete unit" in client.get(f"/o/acme/units/{site.pk}/delete/").content.decode()
    assert Unit.objects.filter(pk=site.pk).exists()
    response = client.post(f"/o/acme/units/{site.pk}/delete/")
    assert response["Location"] == "/o/acme/units/"
    assert not Unit.objects.filter(pk=site.pk).exists()
    assert AuditEvent.objects.filter(object_type="accounts.unit", object_id=str(site.pk),
                                     action="deleted").exists()


def test_a_unit_with_sub_units_is_not_deleted(alice, site):
    services.create_unit(actor=alice.actor, kind="team", name="Housekeeping", parent=site)
    client = alice.browser()
    response = client.post(f"/o/acme/units/{site.pk}/delete/", follow=True)
    assert Unit.objects.filter(pk=site.pk).exists()
    assert response.redirect_chain[-1][0] == f"/o/acme/units/{site.pk}/"
    assert 'class="error"' in response.content.decode()


def test_clients_are_created_and_renamed_through_the_pages(alice):
    client = alice.browser()
    client.post("/o/acme/clients/new/", {"name": "Insurer", "code": "INS"})
    created = ClientOrganization.objects.get(organization=alice.organization, name="Insurer")
    response = client.post(f"/o/acme/clients/{created.pk}/edit/", {"name": "Insurer plc", "code": "INS"})
    assert response["Location"] == "/o/acme/units/"
    created.refresh_from_db()
    assert created.name == "Insurer plc"
    history = AuditEvent.objects.filter(object_type="accounts.clientorganization", object_id=str(created.pk))
    assert list(history.values_list("action", flat=True)) == ["updated", "created"]


def test_a_duplicate_client_name_is_shown_as_a_form_error(alice, client_org):
    response = alice.browser().post("/o/acme/clients/new/", {"name": "Big Bank"})
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert ClientOrganization.objects.filter(name="Big Bank").count() == 1


# Members ------------------------------------------------------------------------------------------

def test_the_member_list_shows_each_role(alice, bob, carol):
    html = alice.browser().get("/o/acme/members/").content.decode()
    for email, role in [("alice@acme.test", "Organisation admin"), ("bob@acme.test", "Complaint handler"),
                        ("carol@acme.test", "Inspector")]:
        assert f"<td>{email}</td>\n          <td>{role}</td>" in html
    assert "charlie" not in html


def test_adding_a_new_person_creates_their_account_and_membership(alice):
    response = alice.browser().post("/o/acme/members/new/", {
        "email": "Dave@Acme.test", "full_name": "Dave", "role": "viewer", "password": "a long new passphrase",
    })
    membership = Membership.objects.get(organization=alice.organization, user__email="dave@acme.test")
    assert response["Location"] == f"/o/acme/members/{membership.pk}/"
    assert membership.role == Role.VIEWER
    assert membership.user.check_password("a long new passphrase")


def test_adding_an_existing_member_again_is_refused(alice, bob):
    response = alice.browser().post("/o/acme/members/new/", {"email": "bob@acme.test", "role": "viewer"})
    assert response.status_code == 200
    assert "This person is already a member of the organisation." in response.content.decode()
    bob.membership.refresh_from_db()
    assert bob.membership.role == Role.COMPLAINT_HANDLER


def test_changing_a_role_is_recorded_and_shown_in_the_history(alice, bob):
    client = alice.browser()
    client.post(f"/o/acme/members/{bob.membership.pk}/edit/", {"role": "quality_manager"})
    bob.membership.refresh_from_db()
    assert bob.membership.role == Role.QUALITY_MANAGER
    html = client.get(f"/o/acme/members/{bob.membership.pk}/").content.decode()
    assert "audit-history" in html
    assert "quality_manager" in html or "Quality manager" in html


def test_deactivating_and_reactivating_a_member(alice, bob):
    client = alice.browser()
    client.post(f"/o/acme/members/{bob.membership.pk}/active/", {"is_active": "0"})
    bob.membership.refresh_from_db()
    assert bob.membership.is_active is False
    assert bob.browser().get("/o/acme/").status_code == 404
    client.post(f"/o/acme/members/{bob.membership.pk}/active/", {"is_active": "1"})
    bob.membership.refresh_from_db()
    assert bob.membership.is_active is True


def test_the_last_admin_cannot_be_deactivated(alice):
    response = alice.browser().post(f"/o/acme/members/{alice.membership.pk}/active/", {"is_active": "0"},
                                    follow=True)
    alice.membership.refresh_from_db()
    assert alice.membership.is_active is True
    assert "An organisation must keep at least one active organisation admin." in response.content.decode()


def test_a_complaint_handler_cannot_change_roles(bob, carol):
    response = bob.browser().post(f"/o/acme/members/{carol.membership.pk}/edit/", {"role": "org_admin"})
    assert response.status_code == 403
    carol.membership.refresh_from_db()
    assert carol.membership.role == Role.INSPECTOR


# Organisation settings ------------------------------------------------------------------------------

def test_settings_are_saved(alice):
    response = alice.browser().post("/o/acme/settings/", {
        "name": "Acme Hotels Group", "default_language": "en", "timezone": "Europe/London", "country": "gb",
    })
    assert response["Location"] == "/o/acme/settings/"
    org = Organization.objects.get(slug="acme")
    assert (org.name, org.default_language, org.timezone, org.country) == (
        "Acme Hotels Group", "en", "Europe/London", "GB")
    assert AuditEvent.objects.filter(object_type="accounts.organization", action="updated").count() == 1


def test_an_unknown_timezone_is_refused(alice):
    response = alice.browser().post("/o/acme/settings/", {
        "name": "Acme", "default_language": "en", "timezone": "Mars/Olympus", "country": "PL",
    })
    assert response.status_code == 200
    assert Organization.objects.get(slug="acme").timezone == "Europe/Warsaw"


# API tokens ----------------------------------------------------------------------------------------

def _create_token(client: Client, name: str = "Export") -> tuple[str, str]:
    html = client.post("/o/acme/tokens/new/", {"name": name}).content.decode()
    token = ApiToken.objects.get(name=name)
    start = html.index(f"csm_{token.prefix}_")
    return html, html[start:html.index("<", start)]


def test_a_new_token_is_shown_once_with_a_curl_example(alice):
    client = alice.browser()
    html, raw = _create_token(client)
    assert f'curl -H "Authorization: Bearer {raw}" http://testserver/api/v1/touch-points' in html
    assert raw not in client.get("/o/acme/tokens/").content.decode()
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/me").status_code == 200


def test_the_token_page_is_not_cached(alice):
    response = alice.browser().post("/o/acme/tokens/new/", {"name": "Export"})
    assert "no-store" in response["Cache-Control"]


def test_a_token_needs_a_name(alice):
    response = alice.browser().post("/o/acme/tokens/new/", {"name": " "})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_a_revoked_token_no_longer_authenticates(alice):
    client = alice.browser()
    _, raw = _create_token(client)
    token = ApiToken.objects.get(name="Export")
    response = client.post(f"/o/acme/tokens/{token.pk}/revoke/")
    assert response["Location"] == "/o/acme/tokens/"
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/me").status_code == 401
    assert "Revoked" in client.get("/o/acme/tokens/").content.decode()


def test_revoking_needs_post(alice):
    _create_token(alice.browser())
    token = ApiToken.objects.get(name="Export")
    assert alice.browser().get(f"/o/acme/tokens/{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_tokens_of_other_people_are_neither_listed_nor_revocable(alice, bob):
    _create_token(alice.browser(), name="Alice export")
    token = ApiToken.objects.get(name="Alice export")
    client = bob.browser()
    assert "Alice export" not in client.get("/o/acme/tokens/").content.decode()
    assert client.post(f"/o/acme/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
