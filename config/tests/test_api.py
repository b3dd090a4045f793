"""Every operation of the API, read from the OpenAPI document so a new endpoint cannot be forgotten:
charlie (globex) sees none of acme's data, roles without write permission get 403, anonymous and
revoked callers get 401, and each write records exactly one audit event.

To add an endpoint: give its path parameter a maker in MAKERS, its POST body in POST_BODIES and its
PATCH body in PATCH_BODIES. Operations under COVERED_ELSEWHERE are tested by their own app, which
must keep an equivalent isolation test (csm/core/tests/test_api.py for calendars and audit).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from config.api import api
from conftest import Persona
from csm.accounts.api_auth import SESSION_ORG_KEY
from csm.accounts.models import ClientOrganization, Membership, Organization, Unit
from csm.accounts.roles import Role
from csm.accounts.services import revoke_api_token
from csm.accounts.tests.factories import (
    ClientOrganizationFactory,
    MembershipFactory,
    UnitFactory,
    UserFactory,
)
from csm.catalogue.models import Service, ServiceCharacteristic, TouchFace, TouchLine, TouchPoint
from csm.catalogue.tests.factories import (
    ServiceCharacteristicFactory,
    ServiceFactory,
    TouchFaceFactory,
    TouchLineFactory,
    TouchPointFactory,
)
from csm.core import clock
from csm.core.models import AuditEvent

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "Not found.", "code": "not_found"}
NOT_AUTHENTICATED = {"detail": "Authentication required: send a valid API token or sign in.",
                     "code": "not_authenticated"}
PERMISSION_DENIED = {"detail": "Your role does not allow this action.", "code": "permission_denied"}
# Path prefix -> the test module that keeps those operations' "charlie sees nothing" tests.
ELSEWHERE = {"/api/v1/calendars": "csm/core/tests/test_api.py", "/api/v1/audit": "csm/core/tests/test_api.py"}
COVERED_ELSEWHERE = tuple(ELSEWHERE)
SINGLETONS = {("GET", "/api/v1/me"), ("GET", "/api/v1/organization"), ("PATCH", "/api/v1/organization")}
NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)

OPERATIONS = sorted(
    (method.upper(), path) for path, ops in api.get_openapi_schema()["paths"].items() for method in ops
)


def _service(org: Organization) -> Service:
    return ServiceFactory(organization=org)


# One standalone, deletable object of each kind, by the path parameter that names it.
MAKERS: dict[str, Callable[[Organization], Any]] = {
    "unit_id": lambda org: UnitFactory(organization=org),
    "client_id": lambda org: ClientOrganizationFactory(organization=org),
    "membership_id": lambda org: MembershipFactory(organization=org, role=Role.VIEWER),
    "service_id": _service,
    "touch_point_id": lambda org: TouchPointFactory(service=_service(org)),
    "touch_line_id": lambda org: TouchLineFactory(service=_service(org)),
    "touch_face_id": lambda org: TouchFaceFactory(service=_service(org)),
    "characteristic_id": lambda org: ServiceCharacteristicFactory(organization=org),
}
MODELS = {"unit_id": Unit, "client_id": ClientOrganization, "membership_id": Membership, "service_id": Service,
          "touch_point_id": TouchPoint, "touch_line_id": TouchLine, "touch_face_id": TouchFace,
          "characteristic_id": ServiceCharacteristic}


def _touch_line_body(org: Organization) -> dict[str, Any]:
    service = _service(org)
    points = TouchPointFactory.create_batch(2, service=service)
    return {"service_id": service.pk, "name": "Arrival", "direction": "one_way",
            "touch_point_ids": [p.pk for p in points]}


def _touch_face_body(org: Organization) -> dict[str, Any]:
    point = TouchPointFactory(service=_service(org))
    return {"service_id": point.service_id, "name": "Lobby", "openness": "fully_open",
            "touch_point_ids": [point.pk]}


# A valid body for each create, whose references are objects of `org`; the field charlie's
# request must be refused on when `org` is acme (None: the body refers to nothing of acme's).
POST_BODIES: dict[str, tuple[Callable[[Organization], dict[str, Any]], str | None]] = {
    "/api/v1/units": (lambda org: {"kind": "team", "name": "Night desk", "parent_id": UnitFactory(organization=org).pk},
                      "parent_id"),
    "/api/v1/clients": (lambda org: {"name": "Initech", "code": "INI"}, None),
    "/api/v1/memberships": (lambda org: {"email": "dora@example.test", "role": "viewer", "full_name": "Dora"}, None),
    "/api/v1/services": (lambda org: {"name": "Check-in", "unit_id": UnitFactory(organization=org).pk}, "unit_id"),
    "/api/v1/touch-points": (lambda org: {"service_id": _service(org).pk, "name": "Reception",
                                          "staffing": "staffed", "channel": "in_person"}, "service_id"),
    "/api/v1/touch-lines": (_touch_line_body, "service_id"),
    "/api/v1/touch-faces": (_touch_face_body, "service_id"),
    "/api/v1/characteristics": (lambda org: {"name": "Clean rooms", "kind": "venue", "touch_point_ids": [
        TouchPointFactory(service=_service(org)).pk]}, "touch_point_ids"),
}
PATCH_BODIES: dict[str, dict[str, Any]] = {
    "/api/v1/organization": {"name": "Renamed"},
    "/api/v1/units/{unit_id}": {"name": "Renamed"},
    "/api/v1/clients/{client_id}": {"name": "Renamed"},
    "/api/v1/memberships/{membership_id}": {"role": "inspector"},
    "/api/v1/services/{service_id}": {"name": "Renamed"},
    "/api/v1/touch-points/{touch_point_id}": {"name": "Renamed"},
    "/api/v1/touch-lines/{touch_line_id}": {"name": "Renamed"},
    "/api/v1/touch-faces/{touch_face_id}": {"name": "Renamed"},
    "/api/v1/characteristics/{characteristic_id}": {"name": "Renamed"},
}


def _params(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)


def _list_param(path: str) -> str | None:
    """The id parameter of the item path below a list path: /units -> unit_id."""
    items = [p for _, p in OPERATIONS if p.startswith(path + "/{") and len(_params(p)) == 1]
    return _params(items[0])[0] if items else None


def _classified(method: str, path: str) -> bool:
    params = _params(path)
    if path.startswith(COVERED_ELSEWHERE) or (method, path) in SINGLETONS:
        return True
    if method == "POST":
        return path in POST_BODIES
    if not params:
        return method == "GET" and _list_param(path) in MAKERS
    return all(p in MAKERS for p in params) and (method != "PATCH" or path in PATCH_BODIES)


MINE = [op for op in OPERATIONS if _classified(*op) and not op[1].startswith(COVERED_ELSEWHERE)
        and op not in SINGLETONS]
ITEM_OPS = [op for op in MINE if _params(op[1])]
LIST_OPS = [op for op in MINE if op[0] == "GET" and not _params(op[1])]
WRITE_OPS = [op for op in MINE if op[0] != "GET"] + [("PATCH", "/api/v1/organization")]


def _ids(ops: list[tuple[str, str]]) -> list[str]:
    return [f"{m} {p}" for m, p in ops]


def call(client: Client, method: str, path: str, body: dict[str, Any] | None = None, **kw: Any) -> Any:
    if method in {"POST", "PATCH"}:
        return client.generic(method, path, json.dumps(body or {}), content_type="application/json", **kw)
    return client.generic(method, path, **kw)


def _fill(path: str, obj: Any) -> str:
    return re.sub(r"{\w+}", str(obj.pk), path)


def database_state() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table (sessions aside), to prove a refused request changed nothing."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label != "sessions.Session"
    }


def organization_state(org: Organization) -> dict[str, list[dict[str, Any]]]:
    """Every row that belongs to `org`."""
    state = {"accounts.Organization": list(Organization.objects.filter(pk=org.pk).values())}
    for model in apps.get_models():
        if any(f.name == "organization" for f in model._meta.get_fields()):
            state[model._meta.label] = list(model._default_manager.filter(organization=org).order_by("pk").values())
    return state


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
    assert [f"{m} {p}" for m, p in OPERATIONS if not _classified(m, p)] == []


@pytest.mark.parametrize("prefix", sorted(ELSEWHERE))
def test_operations_covered_elsewhere_have_isolation_tests_there(prefix):
    source = (Path(settings.BASE_DIR) / ELSEWHERE[prefix]).read_text()
    assert prefix in source
    assert re.search(r"def test_charlie_\w+", source)


def test_the_table_covers_crud_of_every_kind():
    kinds = {p.split("/")[3] for _, p in MINE}
    assert kinds == {"units", "clients", "memberships", "services", "touch-points", "touch-lines",
                     "touch-faces", "characteristics"}
    for kind in kinds:
        methods = {m for m, p in MINE if p.split("/")[3] == kind}
        assert methods == {"GET", "POST", "PATCH", "DELETE"}, kind


# Charlie sees none of alice's data ---------------------------------------------------------------

@pytest.mark.parametrize(("method", "path"), ITEM_OPS, ids=_ids(ITEM_OPS))
def test_charlie_gets_not_found_on_acme_ids_and_nothing_changes(method, path, acme, charlie):
    target = MAKERS[_params(path)[0]](acme)
    client = warm(charlie.api())
    before = database_state()
    response = call(client, method, _fill(path, target), PATCH_BODIES.get(path))
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert database_state() == before


@pytest.mark.parametrize(("method", "path"), LIST_OPS, ids=_ids(LIST_OPS))
def test_charlies_lists_hold_only_globex_rows(method, path, acme, globex, charlie):
    param = _list_param(path)
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
    params = _params(path)
    url = _fill(path, MAKERS[params[0]](org)) if params else path
    return url, PATCH_BODIES.get(path)


@pytest.mark.parametrize("persona", ["bob", "carol", "dave"])
@pytest.mark.parametrize(("method", "path"), WRITE_OPS, ids=_ids(WRITE_OPS))
def test_roles_without_write_permission_get_403_and_nothing_changes(request, persona, method, path, acme):
    url, body = _write_request(method, path, acme)
    client = warm(request.getfixturevalue(persona).api())
    before = database_state()
    response = call(client, method, url, body)
    assert (response.status_code, response.json()) == (403, PERMISSION_DENIED)
    assert database_state() == before


@pytest.mark.parametrize(("method", "path"), WRITE_OPS, ids=_ids(WRITE_OPS))
def test_the_same_write_succeeds_for_alice(method, path, acme, alice):
    url, body = _write_request(method, path, acme)
    response = call(alice.api(), method, url, body)
    assert response.status_code == {"POST": 201, "PATCH": 200, "DELETE": 204}[method], response.content


@pytest.mark.parametrize("persona", ["bob", "carol", "dave"])
@pytest.mark.parametrize(("method", "path"), [op for op in ITEM_OPS if op[0] == "GET"] + LIST_OPS,
                         ids=_ids([op for op in ITEM_OPS if op[0] == "GET"] + LIST_OPS))
def test_every_role_can_read(request, persona, method, path, acme):
    url = _fill(path, MAKERS[_params(path)[0]](acme)) if _params(path) else path
    assert request.getfixturevalue(persona).api().get(url).status_code == 200


# Authentication ----------------------------------------------------------------------------------

def _any_url(path: str) -> str:
    return re.sub(r"{\w+}", "1", path)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=_ids(OPERATIONS))
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


@pytest.mark.parametrize(("method", "path"), WRITE_OPS, ids=_ids(WRITE_OPS))
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

# Two for the bearer token (the token with its user and organisation, then the membership), then
# the page, then one per prefetched relation.
LIST_QUERIES = {
    "/api/v1/units": 3, "/api/v1/clients": 3, "/api/v1/memberships": 3, "/api/v1/services": 3,
    "/api/v1/touch-points": 3, "/api/v1/touch-lines": 4, "/api/v1/touch-faces": 5,
    "/api/v1/characteristics": 4,
}


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def _rich(param: str, org: Organization) -> None:
    """An object with the relations its list shows, so prefetches have something to fetch."""
    made = MAKERS[param](org)
    if param == "touch_face_id":
        made.touch_points.set(TouchPointFactory.create_batch(2, service=made.service))
        made.touch_lines.set([TouchLineFactory(service=made.service)])
    if param == "characteristic_id":
        made.touch_points.set(TouchPointFactory.create_batch(2, service=_service(org)))


@pytest.mark.parametrize(("method", "path"), LIST_OPS, ids=_ids(LIST_OPS))
def test_list_query_count_does_not_grow_with_rows(method, path, acme, alice):
    param = _list_param(path)
    assert param is not None
    client = warm(alice.api())
    for _ in range(3):
        _rich(param, acme)
    few = _queries(client, path)
    for _ in range(27):
        _rich(param, acme)
    assert len(client.get(path).json()["items"]) >= 30
    assert (few, _queries(client, path)) == (LIST_QUERIES[path], LIST_QUERIES[path])


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
