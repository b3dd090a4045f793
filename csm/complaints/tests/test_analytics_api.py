"""The analytics and service volume endpoints: GET /api/v1/complaints/analytics and
/api/v1/service-volumes (list, record, read, delete). Charlie (globex) sees nothing of acme's; roles
without the permissions get 403 and nothing changes; every write records one audit event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from config.tests.endpoints import NOT_FOUND, PERMISSION_DENIED, database_state
from csm.accounts.roles import Role
from csm.accounts.services import create_api_token
from csm.complaints.models import ServiceVolume
from csm.complaints.tests.analytics_data import NOW, hand_built
from csm.complaints.tests.factories import member
from csm.core import clock
from csm.core.models import AuditEvent

pytestmark = pytest.mark.django_db

ANALYTICS = "/api/v1/complaints/analytics"
VOLUMES = "/api/v1/service-volumes"


@pytest.fixture(autouse=True)
def _now():
    with clock.frozen(NOW):
        yield


@pytest.fixture
def data(acme, globex):
    return hand_built(acme, globex)


def post(client, body):
    return client.post(VOLUMES, body, content_type="application/json")


def viewer_client(acme):
    """dave, a viewer at acme, calling the API."""
    _, raw = create_api_token(actor=member(acme, Role.VIEWER, "dave@acme.test"), name="tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def volume(org, month=dt.date(2026, 1, 1), value=1000, unit=None):
    return ServiceVolume.objects.create(organization=org, month=month, volume=value, unit=unit)


# Analytics ----------------------------------------------------------------------------------------

def test_it_returns_every_measure_of_the_period(alice, data):
    body = alice.api().get(f"{ANALYTICS}?from=2026-01-01&to=2026-02-28").json()
    assert (body["period_start"], body["period_end"], body["total"], body["time_unit"]) == (
        "2026-01-01", "2026-02-28", 8, "calendar_hours")
    assert [(r["key"], r["count"]) for r in body["by_channel"]] == [("web", 4), ("phone", 2), ("email", 1),
                                                                   ("letter", 1)]
    assert body["by_channel"][0]["share"] == {"successes": 4, "n": 8, "p": 0.5,
                                              "low": pytest.approx(0.2152161), "high": pytest.approx(0.7847839)}
    assert [(s["step"], s["on_time"]["successes"], s["on_time"]["n"]) for s in body["on_time"]] == [
        ("acknowledge", 5, 7), ("assess", 4, 6), ("respond", 3, 6), ("resolve", 2, 5)]
    assert body["timings"][0] == {"step": "acknowledge", "hours": {"n": 6, "median": 1.5, "p90": 7.0}}
    assert body["remedy_costs"]["total"] == "100.05"
    assert body["remedy_costs"]["by_remedy"][0] == {"key": body["remedy_costs"]["by_remedy"][0]["key"],
                                                    "label": "Refund", "n": 2, "total": "80.05", "mean": "40.03"}
    assert [b["count"] for b in body["backlog"]["buckets"]] == [1, 1, 1, 1, 1]
    assert [(m["month"], m["received"], m["closed"]) for m in body["months"]] == [
        ("2026-01-01", 3, 3), ("2026-02-01", 5, 1)]
    assert body["rate_chart"]["kind"] == "on_time_resolution"
    assert body["rate_chart"]["chart"]["centre"] == 0.4


def test_it_holds_no_personal_data(alice, data):
    text = alice.api().get(f"{ANALYTICS}?from=2026-01-01&to=2026-02-28").content.decode()
    assert "Jan Kowalski" not in text
    assert "jan@example.com" not in text


def test_the_complaint_rate_needs_service_volumes(alice, data):
    volume(alice.organization, dt.date(2026, 1, 1), 1000)
    volume(alice.organization, dt.date(2026, 2, 1), 1250)
    chart = alice.api().get(f"{ANALYTICS}?from=2026-01-01&to=2026-02-28").json()["rate_chart"]
    assert chart["kind"] == "complaint_rate"
    assert [(p["label"], p["x"], p["n"]) for p in chart["chart"]["points"]] == [("2026-01", 3, 1000),
                                                                                ("2026-02", 5, 1250)]


def test_it_defaults_to_the_last_twelve_calendar_months(alice, data):
    body = alice.api().get(ANALYTICS).json()
    assert (body["period_start"], body["period_end"]) == ("2025-04-01", "2026-03-02")
    assert body["total"] == 9  # the December complaint is inside this longer period


def test_the_unit_filter_takes_the_units_below(alice, data):
    hotel = data["units"]["hotel"]
    body = alice.api().get(f"{ANALYTICS}?from=2026-01-01&to=2026-02-28&unit={hotel.pk}").json()
    assert (body["unit_id"], body["unit_name"], body["total"]) == (hotel.pk, "Hotel", 6)


def test_charlie_sees_only_globex_in_the_analytics(charlie, data):
    body = charlie.api().get(f"{ANALYTICS}?from=2026-01-01&to=2026-02-28").json()
    assert body["total"] == 1
    assert [r["label"] for r in body["by_channel"]] == ["Chat"]
    assert "Cleanliness" not in str(body)


def test_charlie_cannot_filter_by_an_acme_unit(charlie, data):
    response = charlie.api().get(f"{ANALYTICS}?unit={data['units']['hotel'].pk}")
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "unit", "message": "No such object in this organisation."}]


@pytest.mark.parametrize(("query", "field"), [("from=2026-03-01&to=2026-02-01", "to"),
                                              ("from=2001-01-01&to=2026-02-01", "to"),
                                              ("from=yesterday", "from"), ("unit=0", "unit"),
                                              ("from=0001-01-01&to=0001-02-01", "from"), ("to=9999-12-31", "to")])
def test_a_bad_filter_is_a_422_on_its_field(alice, query, field):
    response = alice.api().get(f"{ANALYTICS}?{query}")
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["detail"]] == [field]


@pytest.mark.parametrize("persona", ["bob", "carol"])
def test_handlers_and_inspectors_get_403(request, persona, data):
    response = request.getfixturevalue(persona).api().get(ANALYTICS)
    assert (response.status_code, response.json()) == (403, PERMISSION_DENIED)


def test_a_viewer_may_read_the_analytics(acme, data):
    assert viewer_client(acme).get(ANALYTICS).json()["total"] == 9


# Service volumes ----------------------------------------------------------------------------------

def test_alice_records_a_month_and_recording_it_again_replaces_it(alice):
    client = alice.api()
    before = AuditEvent.objects.count()
    created = post(client, {"month": "2026-01", "volume": 1000})
    assert created.status_code == 201
    assert {k: created.json()[k] for k in ("month", "unit_id", "volume")} == {
        "month": "2026-01", "unit_id": None, "volume": 1000}
    replaced = post(client, {"month": "2026-01", "volume": 1100})
    assert (replaced.status_code, replaced.json()["id"], replaced.json()["volume"]) == (
        200, created.json()["id"], 1100)
    assert list(ServiceVolume.objects.values_list("month", "volume")) == [(dt.date(2026, 1, 1), 1100)]
    events = list(AuditEvent.objects.order_by("pk")[before:].values_list("action", "changes"))
    assert events == [("created", {"month": [None, "2026-01-01"], "volume": [None, 1000]}),
                      ("updated", {"volume": [1000, 1100]})]


def test_a_unit_has_its_own_volume_beside_the_organisations(alice, data):
    client = alice.api()
    hotel = data["units"]["hotel"]
    assert post(client, {"month": "2026-01", "volume": 1000}).status_code == 201
    response = post(client, {"month": "2026-01", "volume": 600, "unit_id": hotel.pk})
    assert (response.status_code, response.json()["unit_id"]) == (201, hotel.pk)
    assert ServiceVolume.objects.count() == 2


@pytest.mark.parametrize("body", [{"month": "2026-13", "volume": 5}, {"month": "2026-1", "volume": 5},
                                  {"month": "0000-01", "volume": 5},
                                  {"month": "2026-01", "volume": 0}, {"month": "2026-01"}])
def test_a_bad_volume_is_a_422_and_nothing_is_written(alice, body):
    response = post(alice.api(), body)
    assert response.status_code == 422
    assert not ServiceVolume.objects.exists()


def test_the_list_and_one_volume(alice):
    row = volume(alice.organization)
    client = alice.api()
    assert [item["id"] for item in client.get(VOLUMES).json()["items"]] == [row.pk]
    assert client.get(f"{VOLUMES}/{row.pk}").json()["month"] == "2026-01"


def test_alice_deletes_a_volume(alice):
    row = volume(alice.organization)
    response = alice.api().delete(f"{VOLUMES}/{row.pk}")
    assert response.status_code == 204
    assert not ServiceVolume.objects.exists()
    assert AuditEvent.objects.filter(action="deleted", object_id=str(row.pk)).count() == 1


def test_charlies_volume_list_holds_only_globex_rows(alice, charlie):
    volume(alice.organization)
    theirs = volume(charlie.organization)
    assert [item["id"] for item in charlie.api().get(VOLUMES).json()["items"]] == [theirs.pk]


@pytest.mark.parametrize("method", ["get", "delete"])
def test_charlie_gets_not_found_on_an_acme_volume_and_nothing_changes(alice, charlie, method):
    row = volume(alice.organization)
    client = charlie.api()
    client.get(VOLUMES)  # the token's first use, before the snapshot
    before = database_state()
    response = getattr(client, method)(f"{VOLUMES}/{row.pk}")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert database_state() == before


def test_charlie_cannot_record_a_volume_for_an_acme_unit(charlie, data):
    client = charlie.api()
    client.get(VOLUMES)
    before = database_state()
    response = post(client, {"month": "2026-01", "volume": 5, "unit_id": data["units"]["hotel"].pk})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "unit_id", "message": "No such object in this organisation."}]
    assert database_state() == before


@pytest.mark.parametrize("persona", ["bob", "carol"])
def test_roles_without_analytics_cannot_read_volumes(request, persona, alice):
    row = volume(alice.organization)
    client = request.getfixturevalue(persona).api()
    assert client.get(VOLUMES).status_code == 403
    assert client.get(f"{VOLUMES}/{row.pk}").status_code == 403


def test_a_viewer_reads_volumes_but_cannot_write_them(acme):
    row = volume(acme)
    client = viewer_client(acme)
    assert client.get(VOLUMES).status_code == 200
    before = database_state()
    assert post(client, {"month": "2026-02", "volume": 5}).status_code == 403
    assert client.delete(f"{VOLUMES}/{row.pk}").status_code == 403
    assert database_state() == before
