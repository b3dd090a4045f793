"""The project's URLs plus the benchmarks' floor views, which are never part of the app."""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as project_urlpatterns
from csm.catalogue.models import TouchPoint
from csm.complaints.models import Complaint
from csm.core import clock

# The fields TouchPointOut returns, read the cheapest way Django offers.
TOUCH_POINT_FIELDS = (
    "id", "service_id", "name", "code", "staffing", "channel", "location", "unit_id", "description",
    "is_active", "created_at", "updated_at",
)


def touch_points_floor(request: HttpRequest) -> JsonResponse:
    """The same page as GET /api/v1/touch-points: no auth, no validation, `.values()` + JsonResponse."""
    organization_id, after, limit = (int(request.GET[k]) for k in ("organization", "after", "limit"))
    rows = TouchPoint.objects.filter(organization_id=organization_id, pk__gt=after).order_by("pk")
    items = list(rows.values(*TOUCH_POINT_FIELDS)[:limit])
    return JsonResponse({"items": items, "next_cursor": None})


# Every column of complaints_complaint that may not be NULL, so the floor writes as wide a row.
FLOOR_TABLE = "bench_floor"
_FLOOR_FIELDS = [field for field in Complaint._meta.concrete_fields if not field.primary_key and not field.null]
_FLOOR_INSERT = (
    f"INSERT INTO {FLOOR_TABLE} ({', '.join(str(field.column) for field in _FLOOR_FIELDS)}) "  # noqa: S608 - model columns
    f"VALUES ({', '.join(['%s'] * len(_FLOOR_FIELDS))}) RETURNING id"
)


def create_floor_table() -> None:
    """A table as wide as complaints_complaint (same columns and defaults, a primary key, no other
    index or constraint) for the intake floor to insert into."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {FLOOR_TABLE} (LIKE complaints_complaint INCLUDING DEFAULTS INCLUDING IDENTITY)")
        cursor.execute(f"ALTER TABLE {FLOOR_TABLE} ADD PRIMARY KEY (id)")


def _floor_row(organization_id: int, payload: dict[str, Any]) -> list[Any]:
    now = clock.now()
    given = {"organization_id": organization_id, "created_at": now, "updated_at": now, "received_at": now,
             "reference": f"F-{secrets.token_hex(6)}", "tracking_secret": secrets.token_hex(16), "channel": "web",
             "status": "received", **{key: payload[key] for key in payload if key != "consent_given"},
             "consent_given": bool(payload.get("consent_given"))}
    return [field.get_db_prep_save(given.get(field.attname, field.get_default()), connection)
            for field in _FLOOR_FIELDS]


@csrf_exempt
def intake_floor(request: HttpRequest, organization_id: int) -> JsonResponse:
    """The same request as POST /api/v1/public/{org}/complaints: read the JSON body and insert one
    row; no schema, organisation lookup, rate limit, idempotency key, deadlines, timeline or mail."""
    with connection.cursor() as cursor:
        cursor.execute(_FLOOR_INSERT, _floor_row(organization_id, json.loads(request.body)))
        (row_id,) = cursor.fetchone()
    return JsonResponse({"id": row_id}, status=201)


urlpatterns = [
    path("bench/floor/touch-points", touch_points_floor),
    path("bench/floor/intake/<int:organization_id>", intake_floor),
    *project_urlpatterns,
]
