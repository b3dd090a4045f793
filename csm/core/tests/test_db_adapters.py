"""fast_rows: the rows Django would read, timestamps through psycopg's C loader on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from csm.core import db_adapters
from csm.core.models import BusinessCalendar

pytestmark = pytest.mark.django_db

MOMENTS = [dt.datetime(2026, 3, 29, 0, 59, 59, 123456, tzinfo=dt.UTC),  # an hour before Warsaw's DST change
           dt.datetime(1999, 12, 31, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))]


def test_fast_rows_are_the_rows_django_reads(acme):
    for n, moment in enumerate(MOMENTS):
        BusinessCalendar.objects.create(organization=acme, name=f"Office {n}", timezone="Europe/Warsaw",
                                        country="PL", created_at=moment)
    queryset = BusinessCalendar.objects.order_by("id").values_list("id", "name", "created_at", "include_public_holidays")
    with CaptureQueriesContext(connection) as queries:
        fast = db_adapters.fast_rows(queryset)
    assert len(queries) == 1
    assert fast == list(queryset)
    assert [row[2] for row in fast] == MOMENTS
    assert {row[2].tzinfo for row in fast} == {dt.UTC}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the C loader is psycopg's: PostgreSQL only")
def test_the_c_loader_is_used_on_that_cursor_only(acme):
    if db_adapters.fast_timestamptz_loader() is None:
        pytest.skip("psycopg's binary package is not installed")
    BusinessCalendar.objects.create(organization=acme, name="Office", timezone="Europe/Warsaw", country="PL")
    db_adapters.fast_rows(BusinessCalendar.objects.values_list("created_at"))
    oid = connection.connection.adapters.types["timestamptz"].oid
    assert connection.connection.adapters.get_loader(oid, 0) is not db_adapters.fast_timestamptz_loader()
    assert BusinessCalendar.objects.get().created_at.tzinfo is dt.UTC  # Django's own reading, unchanged
