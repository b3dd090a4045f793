"""Every operation of the API, read from the OpenAPI document so a new endpoint cannot be forgotten:
charlie (globex) sees none of acme's data, roles without write permission get 403, anonymous and
revoked callers get 401, and each write records exactly one audit event.

The table of operations, makers and bodies is in config/tests/endpoints.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from config.tests.endpoints import (
    AUTHENTICATED_OPS,
    ELSEWHERE,
    ITEM_BODIES,
    ITEM_OPS,
    LIST_OPS,
    MAKERS,
    MINE,
    MODELS,
    NOT_AUTHENTICATED,
    NOT_FOUND,
    OPERATIONS,
    PATCH_BODIES,
    PERMISSION_DENIED,
    POST_BODIES,
    RECORD_KINDS,
    WRITE_OPS,
    call,
    classified,
    database_state,
    fill,
    list_param,
    make_service,
    op_ids,
    organization_state,
    path_params,
)
from conftest import Persona
from csm.accounts.api_auth import SESSION_ORG_KEY
from csm.accounts.models import ClientOrganization, Membership, Organization
from csm.accounts.roles import Role
from csm.accounts.services import revoke_api_token
from csm.accounts.tests.factories import MembershipFactory, UnitFactory, UserFactory
from csm.catalogue.tests.factories import TouchLineFactory, TouchPointFactory
from csm.core import clock
from csm.core.models import AuditEvent

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db

@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    """Frozen so a token's last_used_at, touched on first use, stays put on the next requests."""
    with clock.frozen(NOW):
        yield


def warm(client: Client) -> Client:
    assert client.get("/api/v1/me").status_code == 200
    return client


@pytest.fixture
def dave(acme):
    """A viewer at acme."""
    user = UserFactory(email="dave@acme.test")
    return Persona(user=user, membership=MembershipFactory(organization=acme, user=user, role=Role.VIEWER))


# The endpoint table ------------------------------------------------------------------------------

def test_every_operation_in_the_schema_is_in_the_isolation_table():
    assert [f"{m} {p}" for m, p in OPERATIONS if not classified(m, p)] == []


@pytest.mark.parametrize("prefix", sorted(ELSEWHERE))
def test_operations_covered_elsewhere_have_isolation_tests_there(prefix):
    source = (Path(settings.BASE_DIR) / ELSEWHERE[prefix]).read_text()
    assert prefix in source
    assert re.search(r"def test_charlie_\w+", source)


def test_the_table_covers_crud_of_every_kind():
    kinds = {p.split("/")[3] for _, p in MINE}
    assert kinds == {"units", "clients", "memberships", "services", "touch-points", "touch-lines",
                     "touch-faces", "characteristics", "complaint-categories", "remedies", "sla-policies",
                     "escalation-tiers", "complaints"}
    for kind in kinds:
        methods = {m for m, p in MINE if p.split("/")[3] == kind}
        assert methods == ({"GET", "POST"} if kind in RECORD_KINDS else {"GET", "POST", "PATCH", "DELETE"}), kind


# Charlie sees none of alice's data ---------------------------------------------------------------

@pytest.mark.parametrize(("method", "path"), ITEM_OPS, ids=op_ids(ITEM_OPS))
def test_charlie_gets_not_found_on_acme_ids_and_nothing_changes(method, path, acme, charlie):
    target = MAKERS[path_params(path)[0]](acme)
    client = warm(charlie.api())
    before = database_state()
    response = call(client, method, fill(path, target), ITEM_BODIES.get(path))
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert database_state() == before


@pytest.mark.parametrize(("method", "path"), LIST_OPS, ids=op_ids(LIST_OPS))
def test_charlies_lists_hold_only_globex_rows(method, path, acme, globex, charlie):
    param = list_param(path)
    assert param is not None
    acme_rows = {MAKERS[param](acme).pk, MAKERS[param](acme).pk}
    globex_row = MAKERS[param](globex).pk
    items = charlie.api().get(path).json()["items"]
    expected = set(MODELS[param].objects.filter(organization=globex).values_list("pk", flat=True))
    assert {item["id"] for item in items} == expected
    assert globex_row in expected
    assert not acme_rows & expected


@pytest.mark.parametrize("path", sorted(POST_BODIES), ids=sorted(POST_BODIES))
def test_charlie_cannot_create_anything_that_refers_to_acme(path, acme, charlie):
    make_body, field = POST_BODIES[path]
    body = make_body(acme)
    client = warm(charlie.api())
    before, acme_before = database_state(), organization_state(acme)
    response = call(client, "POST", path, body)
    if field is None:
        assert response.status_code == 201
        assert organization_state(acme) == acme_before
    else:
        assert response.status_code == 422
        [error] = response.json()["detail"]
        assert error["field"] == field
        assert error["message"].startswith("No such object in this organisation")
        assert database_state() == before


def test_charlie_sees_his_own_organisation_and_profile(acme, alice, charlie):
    client = charlie.api()
    assert client.get("/api/v1/organization").json()["slug"] == "globex"
    me = client.get("/api/v1/me").json()
    assert (me["email"], me["organization"]["slug"], me["role"]) == ("charlie@globex.test", "globex", "org_admin")


def test_charlies_organisation_patch_changes_only_globex(acme, charlie):
    response = call(charlie.api(), "PATCH", "/api/v1/organization", {"name": "Globex Hotels"})
    assert response.status_code == 200
    assert Organization.objects.get(pk=acme.pk).name == "Acme Hotels"
    assert Organization.objects.get(slug="globex").name == "Globex Hotels"


# Roles ---------------------------------------------------------------------------------------------

def _write_request(method: str, path: str, org: Organization) -> tuple[str, dict[str, Any] | None]:
    if method == "POST":
        return path, POST_BODIES[path][0](org)
    params = path_params(path)
    url = fill(path, MAKERS[params[0]](org)) if params else path
    return url, PATCH_BODIES.get(path)


@pytest.mark.parametrize("persona", ["bob", "carol", "dave"])
@pytest.mark.parametrize(("method", "path"), WRITE_OPS, ids=op_ids(WRITE_OPS))
def test_roles_without_write_permission_get_403_and_nothing_changes(request, persona, method, path, acme):
    url, body = _write_request(method, path, acme)
    client = warm(request.getfixturevalue(persona).api())
    before = database_state()
    response = call(client, method, url, body)
    assert (response.status_code, response.json()) == (403, PERMISSION_DENIED)
    assert database_state() == before


@pytest.mark.parametrize(("method", "path"), WRITE_OPS, ids=op_ids(WRITE_OPS))
def test_the_same_write_succeeds_for_alice(method, path, acme, alice):
    url, body = _write_request(method, path, acme)
    response = call(alice.api(), method, url, body)
    assert response.status_code == {"POST": 201, "PATCH": 200, "DELETE": 204}[method], response.content


@pytest.mark.parametrize("persona", ["bob", "carol", "dave"])
@pytest.mark.parametrize(("method", "path"), [op for op in ITEM_OPS if op[0] == "GET"] + LIST_OPS,
                         ids=op_ids([op for op in ITEM_OPS if op[0] == "GET"] + LIST_OPS))
def test_every_role_can_read(request, persona, method, path, acme):
    url = fill(path, MAKERS[path_params(path)[0]](acme)) if path_params(path) else path
    assert request.getfixturevalue(persona).api().get(url).status_code == 200


# Authentication ----------------------------------------------------------------------------------

def _any_url(path: str) -> str:
    return re.sub(r"{\w+}", "1", path)


@pytest.mark.parametrize(("method", "path"), AUTHENTICATED_OPS, ids=op_ids(AUTHENTICATED_OPS))
def test_anonymous_callers_get_401_on_every_operation(method, path, alice):
    response = call(Client(enforce_csrf_checks=True), method, _any_url(path), {})
    assert (response.status_code, response.json()) == (401, NOT_AUTHENTICATED)


@pytest.mark.parametrize("header", [
    "Bearer csm_nothere_secret", "Bearer not-a-token", "Bearer ", "Basic YWxpY2U6cHc=", "Bearer csm_a_b_c",
])
def test_a_bad_authorization_header_gets_401(header, alice):
    client = Client(enforce_csrf_checks=True, headers={"Authorization": header})
    for method in ("GET", "POST"):
        response = call(client, method, "/api/v1/clients", {"name": "Initech"})
        assert (response.status_code, response.json()) == (401, NOT_AUTHENTICATED)
    assert not ClientOrganization.objects.exists()


def test_a_token_with_the_right_prefix_but_a_wrong_secret_gets_401(alice):
    client = alice.api()
    raw = client.defaults["HTTP_AUTHORIZATION"].removeprefix("Bearer ")
    forged = Client(headers={"Authorization": f"Bearer {raw[:-4]}AAAA"})
    assert forged.get("/api/v1/me").status_code == 401


def test_a_revoked_token_gets_401(alice):
    client = warm(alice.api())
    token = alice.user.api_tokens.get()
    revoke_api_token(actor=alice.actor, token=token)
    for method in ("GET", "POST"):
        response = call(client, method, "/api/v1/clients", {"name": "Initech"})
        assert (response.status_code, response.json()) == (401, NOT_AUTHENTICATED)


def test_a_token_stops_working_when_its_membership_is_deactivated(alice, bob):
    client = warm(bob.api())
    Membership.objects.filter(pk=bob.membership.pk).update(is_active=False)
    assert client.get("/api/v1/me").status_code == 401


def _session_client(persona: Any, *, csrf: str | None = None) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(persona.user)
    session = client.session
    session[SESSION_ORG_KEY] = persona.organization.pk
    session.save()
    if csrf:
        client.cookies["csrftoken"] = csrf
    return client


def test_a_signed_in_browser_can_read_the_api(alice):
    response = _session_client(alice).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["email"] == "alice@acme.test"


def test_a_session_write_without_a_csrf_token_gets_403_and_nothing_is_written(alice):
    response = call(_session_client(alice), "POST", "/api/v1/clients", {"name": "Initech"})
    assert response.status_code == 403
    assert response.json() == {"detail": "CSRF check Failed", "code": "permission_denied"}
    assert not ClientOrganization.objects.exists()


def test_a_session_write_with_the_csrf_token_succeeds(alice):
    secret = "a" * 32
    client = _session_client(alice, csrf=secret)
    response = call(client, "POST", "/api/v1/clients", {"name": "Initech"}, headers={"X-CSRFToken": secret})
    assert response.status_code == 201
    assert ClientOrganization.objects.get().name == "Initech"


def test_a_session_without_a_chosen_organisation_is_not_authenticated(alice):
    client = Client()
    client.force_login(alice.user)
    assert client.get("/api/v1/me").status_code == 401


def test_a_session_for_an_organisation_the_user_left_is_not_authenticated(alice, globex):
    client = _session_client(alice)
    session = client.session
    session[SESSION_ORG_KEY] = globex.pk
    session.save()
    assert client.get("/api/v1/me").status_code == 401


# Audit -----------------------------------------------------------------------------------------

def _new_events(before: set[int]) -> list[AuditEvent]:
    return list(AuditEvent.objects.exclude(pk__in=before).order_by("pk"))


@pytest.mark.parametrize(("method", "path"), WRITE_OPS, ids=op_ids(WRITE_OPS))
def test_each_write_records_exactly_one_event_with_its_actor_and_request_id(method, path, acme, alice):
    url, body = _write_request(method, path, acme)
    client = alice.api()
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = call(client, method, url, body, headers={"X-Request-ID": "trace-7"})
    events = _new_events(before)
    if (method, path) == ("POST", "/api/v1/memberships"):
        assert [e.object_type for e in events] == ["accounts.user", "accounts.membership"]  # a new person
        events = events[1:]
    [event] = events
    assert response["X-Request-ID"] == "trace-7"
    assert (event.actor, event.organization_id, event.request_id) == (alice.user, acme.pk, "trace-7")
    assert event.action == {"POST": "created", "PATCH": "updated", "DELETE": "deleted"}[method]
    if method == "PATCH":
        field, new = next(iter(body.items()))
        assert event.changes == {field: [event.changes[field][0], new]}
        assert event.changes[field][0] != new
    if method == "POST":
        assert event.object_id == str(response.json()["id"])


def test_a_refused_write_records_no_event(acme, bob):
    client = bob.api()
    before = AuditEvent.objects.count()
    assert call(client, "POST", "/api/v1/clients", {"name": "Initech"}).status_code == 403
    assert AuditEvent.objects.count() == before


def test_an_unchanged_patch_records_no_event(acme, alice):
    unit = UnitFactory(organization=acme, name="Front desk")
    client = alice.api()
    before = AuditEvent.objects.count()
    assert call(client, "PATCH", f"/api/v1/units/{unit.pk}", {"name": "Front desk"}).status_code == 200
    assert AuditEvent.objects.count() == before


# Query counts ----------------------------------------------------------------------------------

# One for the bearer token (the membership joined to the token, with user and organisation), then
# the page, then one per prefetched relation.
LIST_QUERIES = {
    "/api/v1/units": 2, "/api/v1/clients": 2, "/api/v1/memberships": 2, "/api/v1/services": 2,
    "/api/v1/touch-points": 2, "/api/v1/touch-lines": 3, "/api/v1/touch-faces": 4,
    "/api/v1/characteristics": 3, "/api/v1/complaint-categories": 2, "/api/v1/remedies": 2,
    "/api/v1/sla-policies": 2, "/api/v1/escalation-tiers": 2, "/api/v1/complaints": 2,
}


def _rich(param: str, org: Organization) -> None:
    """An object with the relations its list shows, so prefetches have something to fetch."""
    made = MAKERS[param](org)
    if param == "touch_face_id":
        made.touch_points.set(TouchPointFactory.create_batch(2, service=made.service))
        made.touch_lines.set([TouchLineFactory(service=made.service)])
    if param == "characteristic_id":
        made.touch_points.set(TouchPointFactory.create_batch(2, service=make_service(org)))


@pytest.mark.parametrize(("method", "path"), LIST_OPS, ids=op_ids(LIST_OPS))
def test_list_query_count_does_not_grow_with_rows(method, path, acme, alice, django_assert_num_queries):
    param = list_param(path)
    assert param is not None
    client = warm(alice.api())
    for rows in (3, 30):
        while MODELS[param].objects.filter(organization=acme).count() < rows:
            _rich(param, acme)
        with django_assert_num_queries(LIST_QUERIES[path]):
            page = client.get(path).json()
        assert len(page["items"]) >= rows


def test_every_list_has_a_pinned_query_count():
    assert sorted(LIST_QUERIES) == sorted(p for _, p in LIST_OPS)


# Unknown URLs ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/units/1/extra", "/api/v1/units/", "/api/v1/a/b/c"])
def test_an_unknown_api_url_is_a_json_404(path):
    for method in ("GET", "POST", "DELETE"):
        response = call(Client(), method, path, {})
        assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_the_catch_all_does_not_shadow_real_endpoints(alice):
    assert alice.api().get("/api/v1/units").status_code == 200
    assert Client().get("/api/v1/openapi.json").status_code == 200
