"""lookups.loaded: instances built from a few columns behave as `only()` ones do."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from csm.core.lookups import loaded
from csm.core.models import BusinessCalendar

pytestmark = pytest.mark.django_db

COLUMNS = ("id", "organization_id", "name")


def _calendars(acme):
    for name in ("Office", "Night desk"):
        BusinessCalendar.objects.create(organization=acme, name=name, timezone="Europe/Warsaw", country="PL")
    return BusinessCalendar.objects.order_by("id")


def test_loaded_instances_hold_the_columns_as_only_would(acme):
    calendars = _calendars(acme)
    with CaptureQueriesContext(connection) as queries:
        built = loaded(BusinessCalendar, COLUMNS, calendars.values_list(*COLUMNS))
    assert len(queries) == 1
    expected = list(calendars.only(*COLUMNS))
    assert [(c.pk, c.organization_id, c.name) for c in built] == [(c.pk, c.organization_id, c.name) for c in expected]
    assert built == expected  # equal by model and primary key
    assert {c.get_deferred_fields() == e.get_deferred_fields() for c, e in zip(built, expected, strict=True)} == {True}
    assert not built[0]._state.adding and built[0]._state.db == "default"


def test_a_field_left_out_loads_on_access_and_a_save_writes_what_was_changed(acme):
    calendars = _calendars(acme)
    first = loaded(BusinessCalendar, COLUMNS, calendars.values_list(*COLUMNS))[0]
    with CaptureQueriesContext(connection) as queries:
        assert first.timezone == "Europe/Warsaw"
    assert len(queries) == 1
    first.name = "Front office"
    first.save(update_fields=["name"])
    assert BusinessCalendar.objects.get(pk=first.pk).name == "Front office"


def test_the_primary_key_must_be_among_the_columns():
    with pytest.raises(ValueError, match="primary key"):
        loaded(BusinessCalendar, ("name",), [("Office",)])
