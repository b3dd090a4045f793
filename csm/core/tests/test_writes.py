"""validate / create_audited / update_audited / delete_audited: validation names each field, a
scoped unique constraint names its own field, a database conflict is a 409, one event per write."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from csm.core.audit import record_event
from csm.core.errors import Conflict, InvalidInput, NotFound
from csm.core.models import AuditEvent, BusinessCalendar, CalendarHoliday, WorkingInterval
from csm.core.writes import (
    check_fields,
    create_audited,
    delete_audited,
    insert_rows,
    inserted_instance,
    json_record,
    resolve_reference,
    update_audited,
    update_in_bulk,
    validate,
    validation_errors,
)

pytestmark = pytest.mark.django_db

FIELDS = ("name", "timezone", "country", "include_public_holidays")


def _calendar(org, **kwargs) -> BusinessCalendar:
    return BusinessCalendar(organization=org, **{"name": "Office", "timezone": "Europe/Warsaw", "country": "PL",
                                                 **kwargs})


def _detail(exc_info) -> list[dict[str, str]]:
    return exc_info.value.detail


def test_validate_names_each_bad_field(acme):
    with pytest.raises(InvalidInput) as caught:
        validate(_calendar(acme, name="", country="POL"))
    assert sorted(e["field"] for e in _detail(caught)) == ["country", "name"]


def test_a_duplicate_name_in_the_organisation_is_an_error_on_name(acme, globex):
    _calendar(acme).save()
    validate(_calendar(globex))  # another organisation may use the name
    with pytest.raises(InvalidInput) as caught:
        validate(_calendar(acme))
    assert _detail(caught) == [{"field": "name", "message": "This value is already in use."}]


def test_a_field_that_failed_is_not_checked_again_by_its_constraint(acme):
    _calendar(acme).save()
    with pytest.raises(InvalidInput) as caught:
        validate(_calendar(acme, name="x" * 121))
    assert [e["field"] for e in _detail(caught)] == ["name"]


def test_a_constraint_over_several_fields_is_a_non_field_error(acme):
    calendar = _calendar(acme)
    calendar.save()
    CalendarHoliday.objects.create(calendar=calendar, date=dt.date(2026, 5, 1), name="May Day")
    with pytest.raises(InvalidInput) as caught:
        validate(CalendarHoliday(calendar=calendar, date=dt.date(2026, 5, 1), name="Again"))
    assert [e["field"] for e in _detail(caught)] == ["__all__"]


def test_a_check_constraint_is_a_non_field_error(acme):
    calendar = _calendar(acme)
    calendar.save()
    with pytest.raises(InvalidInput) as caught:
        validate(WorkingInterval(calendar=calendar, weekday=0, start=dt.time(17), end=dt.time(9)))
    assert [e["field"] for e in _detail(caught)] == ["__all__"]


def test_validation_errors_flattens_a_plain_error():
    assert validation_errors(ValidationError(["One.", "Two."])) == [
        {"field": "__all__", "message": "One."}, {"field": "__all__", "message": "Two."}]


def test_a_missing_reference_is_a_422_on_that_field():
    def lookup() -> None:
        raise NotFound()

    with pytest.raises(InvalidInput) as caught:
        resolve_reference("service_id", lookup)
    assert _detail(caught) == [{"field": "service_id", "message": "No such object in this organisation."}]


def test_create_audited_saves_and_records_one_event_with_non_empty_fields(acme, alice):
    calendar = create_audited(_calendar(acme), actor=alice.user, fields=FIELDS, organization_id=acme.pk,
                              extra_changes={"holidays": ["2026-05-01"], "nothing": []})
    [event] = AuditEvent.objects.all()
    assert (event.action, event.object_id, event.actor, event.organization_id) == (
        "created", str(calendar.pk), alice.user, acme.pk)
    assert event.changes == {"name": [None, "Office"], "timezone": [None, "Europe/Warsaw"],
                             "country": [None, "PL"], "include_public_holidays": [None, True],
                             "holidays": [None, ["2026-05-01"]]}


def test_create_audited_saves_nothing_when_invalid(acme, alice):
    with pytest.raises(InvalidInput):
        create_audited(_calendar(acme, name=""), actor=alice.user, fields=FIELDS, organization_id=acme.pk)
    assert (BusinessCalendar.objects.count(), AuditEvent.objects.count()) == (0, 0)


def test_a_database_conflict_on_save_is_a_409(acme, alice):
    calendar = _calendar(acme)
    with mock.patch.object(BusinessCalendar, "save", side_effect=IntegrityError("race")), \
            pytest.raises(Conflict):
        create_audited(calendar, actor=alice.user, fields=FIELDS, organization_id=acme.pk)
    assert AuditEvent.objects.count() == 0


def test_update_audited_records_only_what_changed(acme, alice):
    calendar = _calendar(acme)
    calendar.save()
    changes = update_audited(calendar, actor=alice.user, data={"name": "HQ", "country": "PL"}, fields=FIELDS,
                             organization_id=acme.pk, extra_changes={"holidays": [[], ["2026-05-01"]]})
    assert changes == {"name": ["Office", "HQ"], "holidays": [[], ["2026-05-01"]]}
    [event] = AuditEvent.objects.all()
    assert (event.action, event.changes) == ("updated", changes)


def test_update_audited_without_changes_records_nothing(acme, alice):
    calendar = _calendar(acme)
    calendar.save()
    assert update_audited(calendar, actor=alice.user, data={"name": "Office"}, fields=FIELDS,
                          organization_id=acme.pk) == {}
    assert not AuditEvent.objects.exists()


def test_update_audited_refuses_fields_it_was_not_given(acme, alice):
    calendar = _calendar(acme)
    calendar.save()
    with pytest.raises(InvalidInput) as caught:
        update_audited(calendar, actor=alice.user, data={"is_default": True, "organization": None}, fields=FIELDS,
                       organization_id=acme.pk)
    assert [e["field"] for e in _detail(caught)] == ["is_default", "organization"]


def test_delete_audited_records_what_was_deleted(acme, alice):
    calendar = _calendar(acme)
    calendar.save()
    pk = calendar.pk
    delete_audited(calendar, actor=alice.user, organization_id=acme.pk)
    [event] = AuditEvent.objects.all()
    assert (event.action, event.object_type, event.object_id, event.object_repr) == (
        "deleted", "core.businesscalendar", str(pk), "Office")
    assert not BusinessCalendar.objects.exists()


def test_deleting_what_others_still_refer_to_is_a_conflict(acme, alice):
    record_event(organization_id=acme.pk, actor=None, action="created", object_type="t")
    with pytest.raises(Conflict):
        delete_audited(acme, actor=alice.user, organization_id=None)
    assert acme.__class__.objects.filter(pk=acme.pk).exists()
    assert AuditEvent.objects.count() == 1


# update_in_bulk -------------------------------------------------------------------------------------

def test_update_in_bulk_writes_the_given_fields_of_every_row_in_one_statement(acme):
    calendars = [_calendar(acme, name=f"Office {n}") for n in range(3)]
    for calendar in calendars:
        calendar.save()
    untouched = _calendar(acme, name="Untouched")
    untouched.save()
    for n, calendar in enumerate(calendars):
        calendar.timezone, calendar.include_public_holidays = f"Etc/GMT-{n}", n % 2 == 0
        calendar.name = "Not written"  # not among the fields

    with CaptureQueriesContext(connection) as queries:
        update_in_bulk(calendars, ["timezone", "include_public_holidays"])

    assert [q["sql"].split()[0] for q in queries] == ["UPDATE"]
    rows = BusinessCalendar.objects.order_by("id").values_list("name", "timezone", "include_public_holidays")
    assert list(rows) == [("Office 0", "Etc/GMT-0", True), ("Office 1", "Etc/GMT-1", False),
                          ("Office 2", "Etc/GMT-2", True), ("Untouched", "Europe/Warsaw", True)]


def test_update_in_bulk_of_nothing_runs_no_query(acme):
    with CaptureQueriesContext(connection) as queries:
        update_in_bulk([], ["name"])
    assert len(queries) == 0


# json_record ----------------------------------------------------------------------------------------

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def test_json_record_writes_every_column_as_json_with_defaults_and_times_filled():
    from csm.complaints.models import Complaint

    record = json_record(Complaint, {"organization_id": 7, "reference": "C-1", "remedy_cost": Decimal("12.50"),
                                     "received_at": NOW, "description": "Cold room"}, NOW)
    columns = {field.column for field in Complaint._meta.concrete_fields} - {"id"}
    assert set(record) == columns
    assert (record["organization_id"], record["remedy_cost"], record["description"], record["status"],
            record["intake_pending"], record["unit_id"]) == (7, "12.50", "Cold room", "received", False, None)
    received = dt.datetime.fromisoformat(record["received_at"])  # SQLite's text has no offset: UTC
    assert received.replace(tzinfo=received.tzinfo or dt.UTC) == NOW
    assert dt.datetime.fromisoformat(record["created_at"]) > dt.datetime(2000, 1, 1, tzinfo=received.tzinfo)
    assert json.loads(json.dumps(record)) == record  # plain JSON, nothing left for a custom encoder


def test_json_record_calls_callable_defaults_each_time_and_keeps_json_columns_nested():
    from django_tasks_db.models import DBTaskResult

    first, second = (json_record(DBTaskResult, {"args_kwargs": {"args": [1], "kwargs": {}}, "task_path": "a.b",
                                                "queue_name": "default", "backend_name": "default",
                                                "run_after": NOW}, NOW) for _ in range(2))
    assert first["id"] != second["id"]  # uuid4 per row, not one remembered
    assert first["args_kwargs"] == {"args": [1], "kwargs": {}}


def test_json_record_refuses_an_unknown_column():
    with pytest.raises(ValueError, match="no column"):
        json_record(BusinessCalendar, {"nonsense": 1}, NOW)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="jsonb_populate_record is PostgreSQL's")
def test_a_json_record_populated_by_postgresql_is_the_row_insert_rows_writes(acme):
    row = {"organization_id": acme.pk, "name": "Office", "timezone": "Europe/Warsaw", "country": "PL"}
    (by_rows,) = insert_rows(BusinessCalendar, [row])
    table = connection.ops.quote_name(BusinessCalendar._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in BusinessCalendar._meta.concrete_fields
                        if not f.primary_key)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} "  # noqa: S608 - model names
                       f"FROM jsonb_populate_record(NULL::{table}, %s::jsonb) RETURNING id",
                       [json.dumps(json_record(BusinessCalendar, {**row, "name": "Office 2"}, NOW))])
        (by_json,) = cursor.fetchone()
    first, second = (BusinessCalendar.objects.filter(pk=pk).values().get() for pk in (by_rows, by_json))
    differing = {key for key in first if first[key] != second[key]}
    assert differing <= {"id", "name", "created_at", "updated_at"}
    assert {"id", "name"} <= differing


def test_inserted_instance_is_the_row_the_database_holds(acme):
    row = {"organization_id": acme.pk, "name": "Office", "timezone": "Europe/Warsaw", "country": "PL",
           "created_at": NOW, "updated_at": NOW}
    (pk,) = insert_rows(BusinessCalendar, [row])
    built = inserted_instance(BusinessCalendar, {**row, "id": pk}, NOW)
    stored = BusinessCalendar.objects.get(pk=pk)
    assert built == stored and not built._state.adding and built.get_deferred_fields() == set()
    for field in BusinessCalendar._meta.concrete_fields:
        assert getattr(built, field.attname) == getattr(stored, field.attname), field.name
    built.name = "Front office"
    built.save(update_fields=["name"])
    assert BusinessCalendar.objects.get(pk=pk).name == "Front office"


# check_fields -----------------------------------------------------------------------------------

CHECKED = ("channel", "complainant_name", "complainant_email", "complainant_phone", "preferred_contact",
           "description", "remedy_sought", "severity")


@pytest.mark.parametrize(("data", "bad"), [
    ({"channel": "web", "complainant_name": "Jan", "description": "Cold room"}, set()),
    ({"channel": "web", "complainant_name": "Jan", "description": "Cold", "complainant_email": "", "complainant_phone": "",
      "remedy_sought": ""}, set()),
    ({"channel": "pigeon", "complainant_name": "", "description": "Cold"}, {"channel", "complainant_name"}),
    ({"channel": "web", "complainant_name": "J" * 201, "description": "", "complainant_email": "not-mail"},
     {"complainant_name", "description", "complainant_email"}),
    ({"channel": "web", "complainant_name": "Jan", "description": "Cold", "preferred_contact": "fax",
      "severity": "apocalyptic"}, {"preferred_contact", "severity"}),
])
def test_check_fields_finds_what_full_clean_finds(acme, data, bad):
    from csm.complaints.models import Complaint

    try:
        check_fields(Complaint, data, fields=CHECKED)
        found: set[str] = set()
    except InvalidInput as exc:
        found = {error["field"] for error in exc.detail}
    assert found == bad
    complaint = Complaint(organization=acme, reference="C-1", received_at=NOW, tracking_secret="s", **data)
    try:
        complaint.full_clean(exclude=[f.name for f in Complaint._meta.fields if f.name not in CHECKED])
        by_django: set[str] = set()
    except ValidationError as exc:
        by_django = set(exc.message_dict)
    assert found == by_django
