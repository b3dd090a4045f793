"""The service blueprint endpoints. Isolation, roles and authentication of every endpoint are in
config/tests/test_api.py; here: behaviour, validation, filters, pagination and audit events."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from csm.accounts.tests.factories import UnitFactory
from csm.catalogue.models import (
    Channel,
    CharacteristicKind,
    Service,
    ServiceCharacteristic,
    Staffing,
    TouchFace,
    TouchLine,
    TouchLineStep,
    TouchPoint,
)
from csm.catalogue.tests.factories import (
    ServiceCharacteristicFactory,
    ServiceFactory,
    TouchFaceFactory,
    TouchLineFactory,
    TouchPointFactory,
)
from csm.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def post(client: Client, path: str, body: Any) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def patch(client: Client, path: str, body: Any) -> Any:
    return client.patch(path, json.dumps(body), content_type="application/json")


def errors(response: Any) -> list[str]:
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"
    return [e["field"] for e in response.json()["detail"]]


def events_after(before: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("pk")[before:])


@pytest.fixture
def desk(acme) -> Service:
    return ServiceFactory(organization=acme, name="Front desk")


@pytest.fixture
def points(desk) -> list[TouchPoint]:
    return [TouchPointFactory(service=desk, name=n) for n in ("Door", "Reception", "Lift")]


def nothing_written(before_events: int) -> bool:
    return (not TouchLine.objects.exists() and not TouchLineStep.objects.exists()
            and AuditEvent.objects.count() == before_events)


# Services --------------------------------------------------------------------------------------

def test_alice_creates_reads_updates_and_deletes_a_service(alice, acme):
    unit = UnitFactory(organization=acme)
    client = alice.api()
    created = post(client, "/api/v1/services", {"name": "Check-in", "code": "CI", "unit_id": unit.pk})
    assert created.status_code == 201
    sid = created.json()["id"]
    assert {k: created.json()[k] for k in ("name", "code", "description", "unit_id", "is_active")} == {
        "name": "Check-in", "code": "CI", "description": "", "unit_id": unit.pk, "is_active": True}
    assert client.get(f"/api/v1/services/{sid}").json() == created.json()
    updated = patch(client, f"/api/v1/services/{sid}", {"unit_id": None, "is_active": False})
    assert (updated.json()["unit_id"], updated.json()["is_active"]) == (None, False)
    assert client.delete(f"/api/v1/services/{sid}").status_code == 204
    assert not Service.objects.exists()


def test_a_service_with_touch_points_cannot_be_deleted(alice, desk, points):
    client = alice.api()
    before = AuditEvent.objects.count()
    response = client.delete(f"/api/v1/services/{desk.pk}")
    assert (response.status_code, response.json()["code"]) == (409, "conflict")
    assert Service.objects.filter(pk=desk.pk).exists()
    assert TouchPoint.objects.count() == 3
    assert AuditEvent.objects.count() == before


def test_a_duplicate_service_name_is_a_422_on_name(alice, desk):
    assert errors(post(alice.api(), "/api/v1/services", {"name": "Front desk"})) == ["name"]
    assert Service.objects.count() == 1


def test_service_filters_return_exact_sets(alice, acme, globex):
    unit = UnitFactory(organization=acme)
    laundry = ServiceFactory(organization=acme, name="Laundry", unit=unit)
    spa = ServiceFactory(organization=acme, name="Spa", is_active=False)
    ServiceFactory(organization=globex, name="Laundry")
    client = alice.api()

    def ids(query: str) -> set[int]:
        return {s["id"] for s in client.get(f"/api/v1/services?{query}").json()["items"]}

    assert ids("") == {laundry.pk, spa.pk}
    assert ids(f"unit_id={unit.pk}") == {laundry.pk}
    assert ids("is_active=false") == {spa.pk}
    assert ids("q=LAUN") == {laundry.pk}


# Touch points ----------------------------------------------------------------------------------

def test_alice_creates_a_touch_point_and_it_is_audited(alice, acme, desk):
    client = alice.api()
    before = AuditEvent.objects.count()
    response = post(client, "/api/v1/touch-points", {"service_id": desk.pk, "name": "Reception",
                                                     "staffing": "staffed", "channel": "in_person"})
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("service_id", "name", "staffing", "channel", "unit_id", "is_active")} == {
        "service_id": desk.pk, "name": "Reception", "staffing": "staffed", "channel": "in_person",
        "unit_id": None, "is_active": True}
    [event] = events_after(before)
    assert (event.actor, event.organization_id, event.action, event.object_type, event.object_id) == (
        alice.user, acme.pk, "created", "catalogue.touchpoint", str(body["id"]))
    assert event.changes == {"service": [None, desk.pk], "name": [None, "Reception"],
                             "staffing": [None, "staffed"], "channel": [None, "in_person"],
                             "is_active": [None, True]}


def test_it_names_each_bad_touch_point_field(alice, desk):
    response = post(alice.api(), "/api/v1/touch-points", {"service_id": desk.pk, "name": "", "staffing": "robot",
                                                          "channel": "pigeon"})
    assert sorted(errors(response)) == ["channel", "name", "staffing"]
    assert not TouchPoint.objects.exists()


def test_it_names_every_missing_touch_point_field(alice):
    assert sorted(errors(post(alice.api(), "/api/v1/touch-points", {}))) == [
        "channel", "name", "service_id", "staffing"]


def test_a_touch_point_on_a_line_cannot_move_to_another_service(alice, acme, desk, points):
    TouchLineFactory(service=desk, points=points[:2])
    other = ServiceFactory(organization=acme)
    client = alice.api()
    before = AuditEvent.objects.count()
    response = patch(client, f"/api/v1/touch-points/{points[0].pk}", {"service_id": other.pk})
    assert response.json()["detail"] == [{"field": "service_id", "message":
                                          "This touch point is on a touch line or face of its service; "
                                          "take it off them first."}]
    assert TouchPoint.objects.get(pk=points[0].pk).service_id == desk.pk
    assert AuditEvent.objects.count() == before


def test_a_touch_point_on_a_face_cannot_move_to_another_service(alice, acme, desk, points):
    TouchFaceFactory(service=desk, touch_points=[points[2]])
    other = ServiceFactory(organization=acme)
    response = patch(alice.api(), f"/api/v1/touch-points/{points[2].pk}", {"service_id": other.pk})
    assert errors(response) == ["service_id"]
    assert TouchPoint.objects.get(pk=points[2].pk).service_id == desk.pk


def test_a_free_touch_point_moves_to_another_service(alice, acme, desk, points):
    TouchLineFactory(service=desk, points=points[:2])
    other = ServiceFactory(organization=acme)
    client = alice.api()
    before = AuditEvent.objects.count()
    response = patch(client, f"/api/v1/touch-points/{points[2].pk}", {"service_id": other.pk})
    assert response.json()["service_id"] == other.pk
    [event] = events_after(before)
    assert event.changes == {"service": [desk.pk, other.pk]}


def test_a_touch_point_on_a_line_cannot_be_deleted(alice, desk, points):
    TouchLineFactory(service=desk, points=points[:2])
    response = alice.api().delete(f"/api/v1/touch-points/{points[0].pk}")
    assert (response.status_code, response.json()["code"]) == (409, "conflict")
    assert TouchPoint.objects.count() == 3


def test_touch_point_filters_return_exact_sets(alice, acme, globex, desk):
    unit = UnitFactory(organization=acme)
    spa = ServiceFactory(organization=acme, name="Spa")
    door = TouchPointFactory(service=desk, name="Door", staffing=Staffing.UNSTAFFED, channel=Channel.IN_PERSON)
    phone = TouchPointFactory(service=desk, name="Phone line", staffing=Staffing.STAFFED, channel=Channel.PHONE,
                              unit=unit)
    web = TouchPointFactory(service=spa, name="Booking page", staffing=Staffing.UNSTAFFED, channel=Channel.WEB,
                            is_active=False)
    TouchPointFactory(service=ServiceFactory(organization=globex), name="Door", channel=Channel.IN_PERSON)
    client = alice.api()

    def ids(query: str) -> set[int]:
        return {p["id"] for p in client.get(f"/api/v1/touch-points?{query}").json()["items"]}

    assert ids("") == {door.pk, phone.pk, web.pk}
    assert ids(f"service_id={desk.pk}") == {door.pk, phone.pk}
    assert ids("channel=phone") == {phone.pk}
    assert ids("staffing=unstaffed") == {door.pk, web.pk}
    assert ids(f"unit_id={unit.pk}") == {phone.pk}
    assert ids("q=door") == {door.pk}
    assert ids("is_active=false") == {web.pk}
    assert ids(f"service_id={desk.pk}&staffing=unstaffed") == {door.pk}
    assert errors(client.get("/api/v1/touch-points?channel=pigeon")) == ["channel"]
    assert errors(client.get("/api/v1/touch-points?service_id=desk")) == ["service_id"]


def test_a_cursor_pages_through_120_touch_points(alice, desk):
    made = [TouchPointFactory(service=desk).pk for _ in range(120)]
    client = alice.api()
    first = client.get("/api/v1/touch-points?limit=50").json()
    second = client.get(f"/api/v1/touch-points?limit=50&cursor={first['next_cursor']}").json()
    third = client.get(f"/api/v1/touch-points?limit=50&cursor={second['next_cursor']}").json()
    assert [len(p["items"]) for p in (first, second, third)] == [50, 50, 20]
    assert third["next_cursor"] is None
    assert [p["id"] for page in (first, second, third) for p in page["items"]] == made


def test_the_default_page_is_50(alice, desk):
    for _ in range(51):
        TouchPointFactory(service=desk)
    page = alice.api().get("/api/v1/touch-points").json()
    assert (len(page["items"]), page["next_cursor"] is None) == (50, False)


# Touch lines -----------------------------------------------------------------------------------

def test_alice_creates_a_touch_line_with_ordered_steps(alice, acme, desk, points):
    door, reception, lift = points
    client = alice.api()
    before = AuditEvent.objects.count()
    response = post(client, "/api/v1/touch-lines", {
        "service_id": desk.pk, "name": "Arrival", "direction": "round_trip",
        "touch_point_ids": [lift.pk, door.pk, reception.pk]})
    assert response.status_code == 201
    body = response.json()
    assert (body["touch_point_ids"], body["direction"]) == ([lift.pk, door.pk, reception.pk], "round_trip")
    assert client.get(f"/api/v1/touch-lines/{body['id']}").json() == body
    [event] = events_after(before)
    assert (event.action, event.object_type, event.object_id) == ("created", "catalogue.touchline", str(body["id"]))
    assert event.changes == {"service": [None, desk.pk], "name": [None, "Arrival"],
                             "direction": [None, "round_trip"],
                             "touch_point_ids": [None, [lift.pk, door.pk, reception.pk]]}


def test_it_refuses_a_touch_line_through_another_orgs_point(alice, globex, desk, points):
    foreign = TouchPointFactory(service=ServiceFactory(organization=globex))
    client = alice.api()
    before = AuditEvent.objects.count()
    response = post(client, "/api/v1/touch-lines", {
        "service_id": desk.pk, "name": "Arrival", "direction": "one_way",
        "touch_point_ids": [points[0].pk, foreign.pk]})
    assert response.json()["detail"] == [{"field": "touch_point_ids",
                                          "message": f"No such object in this organisation: {foreign.pk}."}]
    assert nothing_written(before)


@pytest.mark.parametrize("path", [[], ["door"], ["door", "door"], ["door", "lift", "lift"]])
def test_it_refuses_a_touch_line_without_two_different_points_in_a_row(alice, desk, points, path):
    by_name = {p.name.lower(): p.pk for p in points}
    client = alice.api()
    before = AuditEvent.objects.count()
    response = post(client, "/api/v1/touch-lines", {"service_id": desk.pk, "name": "Loop", "direction": "one_way",
                                                    "touch_point_ids": [by_name[n] for n in path]})
    assert errors(response) == ["touch_point_ids"]
    assert nothing_written(before)


def test_a_touch_line_may_come_back_to_a_point(alice, desk, points):
    door, reception, _ = points
    response = post(alice.api(), "/api/v1/touch-lines", {
        "service_id": desk.pk, "name": "Visit", "direction": "one_way",
        "touch_point_ids": [door.pk, reception.pk, door.pk]})
    assert response.json()["touch_point_ids"] == [door.pk, reception.pk, door.pk]


def test_it_refuses_a_touch_line_through_points_of_another_service(alice, acme, desk, points):
    spa_point = TouchPointFactory(service=ServiceFactory(organization=acme, name="Spa"))
    client = alice.api()
    before = AuditEvent.objects.count()
    response = post(client, "/api/v1/touch-lines", {
        "service_id": desk.pk, "name": "Arrival", "direction": "one_way",
        "touch_point_ids": [points[0].pk, spa_point.pk]})
    assert response.json()["detail"] == [{"field": "touch_point_ids",
                                          "message": f"These belong to another service: {spa_point.pk}."}]
    assert nothing_written(before)


def test_it_names_bad_touch_line_fields_including_list_items(alice, desk):
    response = post(alice.api(), "/api/v1/touch-lines", {"service_id": desk.pk, "name": "x", "direction": "sideways",
                                                         "touch_point_ids": [1, "two"]})
    assert sorted(errors(response)) == ["direction", "touch_point_ids.1"]


def test_alice_replaces_a_lines_path_in_one_audited_change(alice, desk, points):
    door, reception, lift = points
    line = TouchLineFactory(service=desk, points=[door, reception], name="Arrival")
    client = alice.api()
    before = AuditEvent.objects.count()
    response = patch(client, f"/api/v1/touch-lines/{line.pk}", {"name": "Arrival 2",
                                                                "touch_point_ids": [reception.pk, lift.pk]})
    assert response.json()["touch_point_ids"] == [reception.pk, lift.pk]
    assert list(line.steps.order_by("position").values_list("touch_point_id", "position")) == [
        (reception.pk, 0), (lift.pk, 1)]
    [event] = events_after(before)
    assert event.changes == {"name": ["Arrival", "Arrival 2"],
                             "touch_point_ids": [[door.pk, reception.pk], [reception.pk, lift.pk]]}


def test_a_refused_path_change_leaves_the_line_as_it_was(alice, acme, desk, points):
    door, reception, _ = points
    line = TouchLineFactory(service=desk, points=[door, reception], name="Arrival")
    spa_point = TouchPointFactory(service=ServiceFactory(organization=acme))
    client = alice.api()
    before = AuditEvent.objects.count()
    response = patch(client, f"/api/v1/touch-lines/{line.pk}", {"name": "Changed",
                                                                "touch_point_ids": [door.pk, spa_point.pk]})
    assert errors(response) == ["touch_point_ids"]
    assert TouchLine.objects.get(pk=line.pk).name == "Arrival"
    assert list(line.steps.order_by("position").values_list("touch_point_id", flat=True)) == [door.pk, reception.pk]
    assert AuditEvent.objects.count() == before


def test_touch_line_filters_return_exact_sets(alice, acme, desk):
    spa = ServiceFactory(organization=acme, name="Spa")
    arrival = TouchLineFactory(service=desk, name="Arrival")
    departure = TouchLineFactory(service=desk, name="Departure")
    massage = TouchLineFactory(service=spa, name="Massage")
    client = alice.api()

    def ids(query: str) -> set[int]:
        return {line["id"] for line in client.get(f"/api/v1/touch-lines?{query}").json()["items"]}

    assert ids("") == {arrival.pk, departure.pk, massage.pk}
    assert ids(f"service_id={desk.pk}") == {arrival.pk, departure.pk}
    assert ids("q=ARR") == {arrival.pk}


# Touch faces -----------------------------------------------------------------------------------

def test_alice_creates_a_touch_face_of_points_and_lines(alice, desk, points):
    line = TouchLineFactory(service=desk, points=points[:2])
    client = alice.api()
    before = AuditEvent.objects.count()
    response = post(client, "/api/v1/touch-faces", {
        "service_id": desk.pk, "name": "Lobby", "openness": "fully_open",
        "touch_point_ids": [points[2].pk, points[0].pk], "touch_line_ids": [line.pk]})
    assert response.status_code == 201
    body = response.json()
    assert (body["touch_point_ids"], body["touch_line_ids"]) == (sorted([points[2].pk, points[0].pk]), [line.pk])
    [event] = events_after(before)
    assert event.changes == {"service": [None, desk.pk], "name": [None, "Lobby"], "openness": [None, "fully_open"],
                             "touch_point_ids": [None, sorted([points[0].pk, points[2].pk])],
                             "touch_line_ids": [None, [line.pk]]}


@pytest.mark.parametrize("member", ["touch_point_ids", "touch_line_ids"])
def test_a_face_holds_only_members_of_its_own_service(alice, acme, desk, member):
    spa = ServiceFactory(organization=acme, name="Spa")
    foreign = TouchPointFactory(service=spa) if member == "touch_point_ids" else TouchLineFactory(service=spa)
    client = alice.api()
    before = AuditEvent.objects.count()
    response = post(client, "/api/v1/touch-faces", {"service_id": desk.pk, "name": "Lobby", "openness": "semi_open",
                                                    member: [foreign.pk]})
    assert errors(response) == [member]
    assert not TouchFace.objects.exists()
    assert AuditEvent.objects.count() == before


def test_a_face_cannot_hold_another_orgs_line(alice, globex, desk):
    foreign = TouchLineFactory(service=ServiceFactory(organization=globex))
    response = post(alice.api(), "/api/v1/touch-faces", {"service_id": desk.pk, "name": "Lobby",
                                                         "openness": "semi_open", "touch_line_ids": [foreign.pk]})
    assert errors(response) == ["touch_line_ids"]
    assert not TouchFace.objects.exists()


def test_patching_a_face_replaces_only_the_member_lists_given(alice, desk, points):
    line = TouchLineFactory(service=desk, points=points[:2])
    face = TouchFaceFactory(service=desk, touch_points=[points[0]], touch_lines=[line])
    client = alice.api()
    before = AuditEvent.objects.count()
    response = patch(client, f"/api/v1/touch-faces/{face.pk}", {"touch_point_ids": [points[1].pk, points[2].pk]})
    assert (response.json()["touch_point_ids"], response.json()["touch_line_ids"]) == (
        sorted([points[1].pk, points[2].pk]), [line.pk])
    [event] = events_after(before)
    assert event.changes == {"touch_point_ids": [[points[0].pk], sorted([points[1].pk, points[2].pk])]}


def test_touch_face_filters_return_exact_sets(alice, acme, desk):
    lobby = TouchFaceFactory(service=desk, name="Lobby")
    TouchFaceFactory(service=ServiceFactory(organization=acme), name="Pool")
    client = alice.api()
    assert [f["id"] for f in client.get(f"/api/v1/touch-faces?service_id={desk.pk}").json()["items"]] == [lobby.pk]
    assert [f["id"] for f in client.get("/api/v1/touch-faces?q=lob").json()["items"]] == [lobby.pk]


# Characteristics -------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "category"), [
    ("venue", "tangible"), ("facilities", "tangible"), ("supplies", "tangible"), ("staff", "tangible"),
    ("grade", "intangible"), ("content", "intangible"), ("procedure", "intangible"), ("method", "intangible"),
    ("time", "intangible"), ("fee", "intangible"), ("value_added", "intangible"), ("brand", "intangible"),
])
def test_a_characteristics_category_follows_its_kind(alice, kind, category):
    response = post(alice.api(), "/api/v1/characteristics", {"name": "Aspect", "kind": kind})
    assert (response.status_code, response.json()["category"]) == (201, category)


def test_changing_the_kind_changes_the_category_and_both_are_audited(alice, acme):
    item = ServiceCharacteristicFactory(organization=acme, kind=CharacteristicKind.STAFF)
    client = alice.api()
    before = AuditEvent.objects.count()
    response = patch(client, f"/api/v1/characteristics/{item.pk}", {"kind": "fee"})
    assert (response.json()["kind"], response.json()["category"]) == ("fee", "intangible")
    [event] = events_after(before)
    assert event.changes == {"kind": ["staff", "fee"], "category": ["tangible", "intangible"]}


def test_the_category_cannot_be_chosen(alice, acme):
    item = ServiceCharacteristicFactory(organization=acme, kind=CharacteristicKind.STAFF)
    response = patch(alice.api(), f"/api/v1/characteristics/{item.pk}", {"category": "intangible"})
    assert response.status_code == 200  # not a field of the patch schema: ignored
    assert ServiceCharacteristic.objects.get(pk=item.pk).category == "tangible"


def test_a_characteristic_links_points_of_any_service_of_the_organisation(alice, acme, desk, points):
    spa_point = TouchPointFactory(service=ServiceFactory(organization=acme))
    response = post(alice.api(), "/api/v1/characteristics", {
        "name": "Friendly staff", "kind": "staff", "touch_point_ids": [spa_point.pk, points[0].pk]})
    assert response.json()["touch_point_ids"] == sorted([spa_point.pk, points[0].pk])


def test_characteristic_filters_return_exact_sets(alice, acme, desk, points):
    staff = ServiceCharacteristicFactory(organization=acme, kind=CharacteristicKind.STAFF, name="Staff",
                                         touch_points=[points[0]])
    fee = ServiceCharacteristicFactory(organization=acme, kind=CharacteristicKind.FEE, name="Fee",
                                       touch_points=[points[0], points[1]])
    venue = ServiceCharacteristicFactory(organization=acme, kind=CharacteristicKind.VENUE, name="Venue")
    client = alice.api()

    def ids(query: str) -> set[int]:
        return {c["id"] for c in client.get(f"/api/v1/characteristics?{query}").json()["items"]}

    assert ids("category=tangible") == {staff.pk, venue.pk}
    assert ids("kind=fee") == {fee.pk}
    assert ids(f"touch_point_id={points[0].pk}") == {staff.pk, fee.pk}
    assert ids(f"touch_point_id={points[1].pk}") == {fee.pk}
    assert ids("q=ven") == {venue.pk}
    assert errors(client.get("/api/v1/characteristics?kind=mood")) == ["kind"]
    assert errors(client.get("/api/v1/characteristics?category=spiritual")) == ["category"]


HUGE = 2**70


@pytest.mark.parametrize("query", [f"service_id={HUGE}", f"unit_id={HUGE}", "service_id=0", "unit_id=-1"])
def test_an_id_filter_out_of_range_is_a_422_naming_it(alice, query):
    assert errors(alice.api().get(f"/api/v1/touch-points?{query}")) == [query.split("=")[0]]


def test_an_id_in_a_body_out_of_range_is_a_422_naming_its_position(alice, desk, points):
    response = post(alice.api(), "/api/v1/touch-lines", {"service_id": desk.pk, "name": "x", "direction": "one_way",
                                                         "touch_point_ids": [points[0].pk, HUGE]})
    assert errors(response) == ["touch_point_ids.1"]
    assert not TouchLine.objects.exists()
