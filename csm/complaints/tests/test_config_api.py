"""The complaint configuration endpoints: /api/v1/complaint-categories, /api/v1/remedies,
/api/v1/sla-policies, /api/v1/escalation-tiers, /api/v1/jurisdiction-presets (with /load and
/{preset_id}/apply) and /api/v1/complaint-settings.

alice (org admin) writes; bob (complaint handler) reads but gets 403 on writes; charlie (globex)
gets 404 on every acme id and sees only globex rows.
"""

from __future__ import annotations

import json
from typing import Any, get_args

import pytest
from django.test import Client

from csm.complaints import config_services as services
from csm.complaints.config_schemas import AnyPriority
from csm.complaints.models import (
    ComplaintCategory,
    ComplaintSettings,
    EscalationTier,
    JurisdictionPreset,
    Priority,
    Remedy,
    SlaPolicy,
)
from csm.complaints.tests.test_config_urls import URLCONF
from csm.core.models import AuditEvent
from csm.core.tests.factories import BusinessCalendarFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLCONF)]

NOT_FOUND = {"detail": "Not found.", "code": "not_found"}
PERMISSION_DENIED = {"detail": "Your role does not allow this action.", "code": "permission_denied"}
FOREIGN = "No such object in this organisation."


def send(client: Client, method: str, path: str, body: Any = None) -> Any:
    return client.generic(method, path, json.dumps(body or {}), content_type="application/json")


def errors(response: Any) -> list[tuple[str, str]]:
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"
    return [(e["field"], e["message"]) for e in response.json()["detail"]]


def without_times(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in {"id", "created_at", "updated_at"}}


@pytest.fixture
def calendar(acme):
    return BusinessCalendarFactory(organization=acme, name="Office")


def acme_rows(acme, calendar) -> dict[str, Any]:
    """One row of each kind at acme, by the collection path that lists it."""
    category = ComplaintCategory.objects.create(organization=acme, name="Billing")
    return {
        "/api/v1/complaint-categories": category,
        "/api/v1/remedies": Remedy.objects.create(organization=acme, name="Refund"),
        "/api/v1/sla-policies": SlaPolicy.objects.create(organization=acme, name="P", calendar=calendar,
                                                         category=category),
        "/api/v1/escalation-tiers": EscalationTier.objects.create(organization=acme, level=1, name="Desk",
                                                                  owner_role="complaint_handler"),
        "/api/v1/jurisdiction-presets": JurisdictionPreset.objects.create(
            organization=acme, code="x", name="X", acknowledge_target="1wd", respond_target="2wd",
            resolve_target="3wd"),
    }


COLLECTIONS = ["/api/v1/complaint-categories", "/api/v1/remedies", "/api/v1/sla-policies",
               "/api/v1/escalation-tiers", "/api/v1/jurisdiction-presets"]
PATCHES = {"/api/v1/complaint-categories": {"name": "Renamed"}, "/api/v1/remedies": {"name": "Renamed"},
           "/api/v1/sla-policies": {"name": "Renamed"}, "/api/v1/escalation-tiers": {"name": "Renamed"},
           "/api/v1/jurisdiction-presets": {"name": "Renamed"}}


# Isolation --------------------------------------------------------------------------------------

@pytest.mark.parametrize("collection", COLLECTIONS)
def test_charlie_gets_not_found_on_every_acme_item_and_nothing_changes(collection, acme, calendar, charlie):
    row = acme_rows(acme, calendar)[collection]
    client = charlie.api()
    before = AuditEvent.objects.count()
    for method in ("GET", "PATCH", "DELETE"):
        response = send(client, method, f"{collection}/{row.pk}", PATCHES[collection])
        assert (response.status_code, response.json()) == (404, NOT_FOUND), method
    assert type(row).objects.get(pk=row.pk).name == row.name
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_charlies_lists_hold_only_globex_rows(collection, acme, globex, calendar, charlie):
    acme_rows(acme, calendar)
    theirs = acme_rows(globex, BusinessCalendarFactory(organization=globex))[collection]
    items = charlie.api().get(collection).json()["items"]
    assert [item["id"] for item in items] == [theirs.pk]


def test_charlie_cannot_apply_an_acme_preset_or_use_acme_references(acme, calendar, charlie):
    preset = acme_rows(acme, calendar)["/api/v1/jurisdiction-presets"]
    client = charlie.api()
    theirs = BusinessCalendarFactory(organization=charlie.organization)
    response = send(client, "POST", f"/api/v1/jurisdiction-presets/{preset.pk}/apply", {"calendar_id": theirs.pk})
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    body = {"name": "Mine", "calendar_id": calendar.pk}
    assert errors(send(client, "POST", "/api/v1/sla-policies", body)) == [("calendar_id", FOREIGN)]
    category = ComplaintCategory.objects.get(organization=acme)
    body = {"name": "Mine", "calendar_id": theirs.pk, "category_id": category.pk}
    assert errors(send(client, "POST", "/api/v1/sla-policies", body)) == [("category_id", FOREIGN)]
    assert SlaPolicy.objects.filter(organization=charlie.organization).count() == 0


def test_charlie_reads_and_changes_only_globex_complaint_settings(acme, alice, charlie):
    services.update_settings(actor=alice.actor, retention_days=700)
    client = charlie.api()
    assert client.get("/api/v1/complaint-settings").json()["retention_days"] == 1095
    assert send(client, "PATCH", "/api/v1/complaint-settings", {"retention_days": 30}).status_code == 200
    assert ComplaintSettings.objects.get(organization=acme).retention_days == 700
    assert ComplaintSettings.objects.get(organization=charlie.organization).retention_days == 30


def test_charlie_loads_presets_into_globex_only(acme, charlie):
    response = send(charlie.api(), "POST", "/api/v1/jurisdiction-presets/load")
    assert response.status_code == 200
    assert len(response.json()["created"]) == 6
    assert not JurisdictionPreset.objects.filter(organization=acme).exists()


# Roles ------------------------------------------------------------------------------------------

def _writes(acme, calendar) -> list[tuple[str, str, dict[str, Any]]]:
    rows = acme_rows(acme, calendar)
    item = {path: f"{path}/{row.pk}" for path, row in rows.items()}
    return [
        ("POST", "/api/v1/complaint-categories", {"name": "Staff"}),
        ("POST", "/api/v1/remedies", {"name": "Voucher"}),
        ("POST", "/api/v1/sla-policies", {"name": "Q", "calendar_id": calendar.pk}),
        ("POST", "/api/v1/escalation-tiers", {"level": 2, "name": "Manager", "owner_role": "quality_manager"}),
        ("POST", "/api/v1/jurisdiction-presets", {"code": "y", "name": "Y", "acknowledge_target": "1wd",
                                                  "respond_target": "2wd", "resolve_target": "3wd"}),
        ("POST", "/api/v1/jurisdiction-presets/load", {}),
        ("POST", f"{item['/api/v1/jurisdiction-presets']}/apply", {"calendar_id": calendar.pk}),
        ("PATCH", "/api/v1/complaint-settings", {"retention_days": 10}),
        *[("PATCH", item[path], PATCHES[path]) for path in COLLECTIONS],
        *[("DELETE", item[path], {}) for path in ["/api/v1/sla-policies", *COLLECTIONS[:2], *COLLECTIONS[3:]]],
    ]


def test_bob_reads_everything_but_gets_403_on_every_write(acme, calendar, bob):
    writes = _writes(acme, calendar)
    client = bob.api()
    for path in [*COLLECTIONS, "/api/v1/complaint-settings"]:
        assert client.get(path).status_code == 200, path
    before = AuditEvent.objects.count()
    counts = [model.objects.count() for model in (ComplaintCategory, Remedy, SlaPolicy, EscalationTier,
                                                  JurisdictionPreset)]
    for method, path, body in writes:
        response = send(client, method, path, body)
        assert (response.status_code, response.json()) == (403, PERMISSION_DENIED), (method, path)
    assert counts == [model.objects.count() for model in (ComplaintCategory, Remedy, SlaPolicy, EscalationTier,
                                                          JurisdictionPreset)]
    assert AuditEvent.objects.count() == before


def test_alice_succeeds_on_the_same_writes(acme, calendar, alice):
    client = alice.api()
    for method, path, body in _writes(acme, calendar):
        response = send(client, method, path, body)
        expected = 201 if method == "POST" and not path.endswith("/load") else {"POST": 200, "PATCH": 200,
                                                                               "DELETE": 204}[method]
        assert response.status_code == expected, (method, path, response.content)


# Behaviour --------------------------------------------------------------------------------------

def test_alice_creates_reads_updates_and_deletes_an_sla_policy(acme, alice, calendar):
    client = alice.api()
    category = send(client, "POST", "/api/v1/complaint-categories", {"name": "Billing", "code": "BIL"}).json()
    created = send(client, "POST", "/api/v1/sla-policies", {
        "name": "Billing urgent", "category_id": category["id"], "priority": "urgent", "calendar_id": calendar.pk,
        "acknowledge_target": "16H", "respond_target": "15d"})
    assert created.status_code == 201
    assert without_times(created.json()) == {
        "name": "Billing urgent", "category_id": category["id"], "priority": "urgent", "calendar_id": calendar.pk,
        "acknowledge_target": "16h", "assess_target": "2wd", "respond_target": "15d", "resolve_target": "15wd",
        "is_active": True}
    url = f"/api/v1/sla-policies/{created.json()['id']}"
    assert client.get(url).json() == created.json()
    updated = send(client, "PATCH", url, {"category_id": None, "priority": "", "resolve_target": "48ch"})
    assert updated.status_code == 200
    assert (updated.json()["category_id"], updated.json()["priority"], updated.json()["resolve_target"]) == (
        None, "", "48ch")
    assert send(client, "DELETE", url).status_code == 204
    assert not SlaPolicy.objects.exists()


@pytest.mark.parametrize(("body", "field"), [
    ({"respond_target": "0wd"}, "respond_target"),
    ({"respond_target": "5 weeks"}, "respond_target"),
    ({"priority": "asap"}, "priority"),
])
def test_a_bad_sla_policy_is_a_422_naming_the_field_and_nothing_is_written(acme, alice, calendar, body, field):
    response = send(alice.api(), "POST", "/api/v1/sla-policies", {"name": "P", "calendar_id": calendar.pk, **body})
    assert [name for name, _ in errors(response)] == [field]
    assert not SlaPolicy.objects.exists()


def test_the_priority_choices_of_the_api_are_the_models_and_any():
    assert set(get_args(AnyPriority)) == {"", *Priority.values}


def test_a_null_name_in_a_patch_is_a_422_and_an_absent_one_keeps_the_name(acme, alice):
    client = alice.api()
    remedy = send(client, "POST", "/api/v1/remedies", {"name": "Refund", "default_cost": "12.50"}).json()
    assert remedy["default_cost"] == "12.50"
    url = f"/api/v1/remedies/{remedy['id']}"
    assert [f for f, _ in errors(send(client, "PATCH", url, {"name": None}))] == ["name"]
    assert send(client, "PATCH", url, {"is_active": False}).json()["name"] == "Refund"


def test_a_negative_remedy_cost_is_a_422(acme, alice):
    response = send(alice.api(), "POST", "/api/v1/remedies", {"name": "Refund", "approval_limit": "-5"})
    assert [f for f, _ in errors(response)] == ["approval_limit"]
    assert not Remedy.objects.exists()


def test_lists_page_with_a_cursor_and_filter_on_active(acme, alice):
    for n in range(5):
        ComplaintCategory.objects.create(organization=acme, name=f"C{n}", is_active=n != 2)
    client = alice.api()
    first = client.get("/api/v1/complaint-categories?limit=3").json()
    second = client.get(f"/api/v1/complaint-categories?limit=3&cursor={first['next_cursor']}").json()
    assert [i["name"] for i in first["items"]] + [i["name"] for i in second["items"]] == [
        "C0", "C1", "C2", "C3", "C4"]
    assert second["next_cursor"] is None
    inactive = client.get("/api/v1/complaint-categories?is_active=false").json()["items"]
    assert [i["name"] for i in inactive] == ["C2"]


def test_a_list_costs_two_queries_whatever_its_length(acme, alice, calendar, django_assert_num_queries):
    client = alice.api()
    assert client.get("/api/v1/me").status_code == 200
    for n in range(10):
        SlaPolicy.objects.create(organization=acme, name=f"P{n}", calendar=calendar)
    with django_assert_num_queries(2):
        assert len(client.get("/api/v1/sla-policies").json()["items"]) == 10


def test_escalation_tiers_have_one_per_level(acme, alice):
    client = alice.api()
    body = {"level": 1, "name": "Front line", "owner_role": "complaint_handler", "time_limit": "2WD"}
    created = send(client, "POST", "/api/v1/escalation-tiers", body)
    assert without_times(created.json()) == {"level": 1, "name": "Front line", "owner_role": "complaint_handler",
                                             "time_limit": "2wd", "is_external": False}
    assert errors(send(client, "POST", "/api/v1/escalation-tiers", body)) == [
        ("level", "This value is already in use.")]
    assert [f for f, _ in errors(send(client, "POST", "/api/v1/escalation-tiers", {**body, "level": 0}))] == [
        "level"]
    assert EscalationTier.objects.count() == 1


def test_settings_read_and_patch(acme, alice):
    client = alice.api()
    assert client.get("/api/v1/complaint-settings").json() == {
        "pause_statuses": ["awaiting_customer"], "retention_days": 1095, "reopen_window_days": 30,
        "duplicate_window_days": 30, "reminder_before_percent": 25, "public_intake_enabled": True,
        "external_recourse": "", "max_attachment_mb": 10}
    response = send(client, "PATCH", "/api/v1/complaint-settings",
                    {"pause_statuses": ["referred", "awaiting_customer"], "public_intake_enabled": False})
    assert response.status_code == 200
    assert (response.json()["pause_statuses"], response.json()["public_intake_enabled"]) == (
        ["awaiting_customer", "referred"], False)
    event = AuditEvent.objects.get(object_type="complaints.complaintsettings")
    assert event.changes == {"pause_statuses": [["awaiting_customer"], ["awaiting_customer", "referred"]],
                             "public_intake_enabled": [True, False]}


@pytest.mark.parametrize(("body", "field"), [
    ({"pause_statuses": ["closed"]}, "pause_statuses"),
    ({"pause_statuses": ["awaiting_customer", "sleeping"]}, "pause_statuses.1"),
    ({"reminder_before_percent": 101}, "reminder_before_percent"),
    ({"retention_days": None}, "retention_days"),
])
def test_bad_settings_are_a_422_and_change_nothing(acme, alice, body, field):
    client = alice.api()
    before = client.get("/api/v1/complaint-settings").json()
    response = send(client, "PATCH", "/api/v1/complaint-settings", body)
    assert [f for f, _ in errors(response)] == [field]
    assert client.get("/api/v1/complaint-settings").json() == before
    assert not AuditEvent.objects.filter(object_type="complaints.complaintsettings").exists()


def test_presets_load_once_and_apply_as_an_sla_policy(acme, alice, calendar):
    client = alice.api()
    loaded = send(client, "POST", "/api/v1/jurisdiction-presets/load").json()["created"]
    assert len(loaded) == 6
    assert send(client, "POST", "/api/v1/jurisdiction-presets/load").json() == {"created": []}
    housing = next(p for p in loaded if p["code"] == "uk-housing-ombudsman")
    response = send(client, "POST", f"/api/v1/jurisdiction-presets/{housing['id']}/apply",
                    {"calendar_id": calendar.pk, "priority": "high"})
    assert response.status_code == 201
    assert without_times(response.json()) == {
        "name": housing["name"], "category_id": None, "priority": "high", "calendar_id": calendar.pk,
        "acknowledge_target": "5wd", "assess_target": "5wd", "respond_target": "15wd", "resolve_target": "35wd",
        "is_active": True}
    assert client.get("/api/v1/complaint-settings").json()["external_recourse"] == housing["external_recourse"]
    assert [p["code"] for p in client.get("/api/v1/jurisdiction-presets?code=eu-adr").json()["items"]] == ["eu-adr"]


def test_applying_a_preset_needs_a_calendar_of_the_organisation(acme, alice, globex):
    preset = JurisdictionPreset.objects.create(organization=acme, code="x", name="X", acknowledge_target="1wd",
                                               respond_target="2wd", resolve_target="3wd")
    foreign = BusinessCalendarFactory(organization=globex)
    response = send(alice.api(), "POST", f"/api/v1/jurisdiction-presets/{preset.pk}/apply",
                    {"calendar_id": foreign.pk})
    assert errors(response) == [("calendar_id", FOREIGN)]
    assert not SlaPolicy.objects.exists()


def test_anonymous_callers_get_401(acme):
    for path in [*COLLECTIONS, "/api/v1/complaint-settings"]:
        assert Client().get(path).status_code == 401, path
