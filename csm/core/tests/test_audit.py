"""Audit events: append-only, stamped with the request id, and `changes` as {field: [old, new]}."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

import pytest

from csm.core.audit import diff, record_event, snapshot, to_json_value
from csm.core.models import AppendOnlyError, AuditEvent, BusinessCalendar
from csm.core.request_context import reset_request_id, set_request_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def event() -> AuditEvent:
    return record_event(organization_id=None, actor=None, action="created", object_type="test.thing",
                        object_id=7, changes={"name": [None, "x"]})


def test_an_event_cannot_be_saved_again(event):
    event.action = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "created"


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_events_cannot_be_updated_or_deleted_in_bulk(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "created"


def test_an_event_records_the_system_when_there_is_no_user(event):
    assert (event.actor, event.actor_label, event.object_id, event.changes) == (
        None, "system", "7", {"name": [None, "x"]})


def test_an_event_is_stamped_with_the_current_request_id():
    token = set_request_id("req-42")
    try:
        stamped = record_event(organization_id=None, actor="importer", action="imported", object_type="t")
    finally:
        reset_request_id(token)
    assert (stamped.request_id, stamped.actor_label) == ("req-42", "importer")


def test_an_event_for_a_model_takes_its_type_id_and_label(acme, alice):
    calendar = BusinessCalendar.objects.create(organization=acme, name="Office", timezone="UTC", country="PL")
    stamped = record_event(organization_id=acme.pk, actor=alice.user, action="created", obj=calendar)
    assert (stamped.object_type, stamped.object_id, stamped.object_repr) == (
        "core.businesscalendar", str(calendar.pk), "Office")
    assert (stamped.actor, stamped.actor_label) == (alice.user, "alice@acme.test")


@pytest.mark.parametrize(("value", "expected"), [
    (dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC), "2026-01-02T03:04:00+00:00"),
    (dt.date(2026, 1, 2), "2026-01-02"),
    (dt.time(9, 30), "09:30:00"),
    (decimal.Decimal("1.50"), "1.50"),
    (uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"),
    ({3, 1, 2}, [1, 2, 3]),
    ((dt.date(2026, 1, 2),), ["2026-01-02"]),
    ("plain", "plain"),
    (None, None),
])
def test_values_become_json(value, expected):
    assert to_json_value(value) == expected


def test_a_snapshot_names_a_foreign_key_by_field_and_gives_its_id(acme):
    calendar = BusinessCalendar(organization=acme, name="Office", timezone="UTC", country="PL")
    assert snapshot(calendar, ["organization", "name"]) == {"organization": acme.pk, "name": "Office"}


def test_a_diff_holds_only_changed_fields():
    assert diff({"a": 1, "b": 2, "c": None}, {"a": 1, "b": 3, "c": "x"}) == {"b": [2, 3], "c": [None, "x"]}
