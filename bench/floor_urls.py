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


# The respond floor: the same rows a survey response writes, into tables as wide as
# surveys_response and surveys_answer, with nothing checked.
RESPONSE_FLOOR, ANSWER_FLOOR = "bench_floor_response", "bench_floor_answer"


def create_respond_floor_tables() -> None:
    with connection.cursor() as cursor:
        for floor, table in ((RESPONSE_FLOOR, "surveys_response"), (ANSWER_FLOOR, "surveys_answer")):
            cursor.execute(f"CREATE TABLE {floor} (LIKE {table} INCLUDING DEFAULTS INCLUDING IDENTITY)")
            cursor.execute(f"ALTER TABLE {floor} ADD PRIMARY KEY (id)")


@csrf_exempt
def respond_floor(request: HttpRequest, survey_id: int) -> JsonResponse:
    """The same request as POST /api/v1/public/surveys/{key}/responses: read the JSON body, insert the
    response row and its answers; no survey lookup, checks, idempotency, quota, rate limit or rollup."""
    payload = json.loads(request.body)
    now = clock.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RESPONSE_FLOOR} (organization_id, survey_id, version_id, status, channel, language, "  # noqa: S608
            "is_anonymous, segment, submission_key, started_at, completed_at, is_rolled_up, created_at, updated_at) "
            "VALUES (0, %s, 0, 'complete', 'api', 'en', false, '', %s, %s, %s, false, %s, %s) RETURNING id",
            [survey_id, request.headers.get("Idempotency-Key", ""), now, now, now, now])
        (response_id,) = cursor.fetchone()
        answers = [(response_id, key, value if not isinstance(value, str) else None,
                    value if isinstance(value, str) else "") for key, value in payload["answers"].items()]
        cursor.executemany(f"INSERT INTO {ANSWER_FLOOR} (response_id, key, number, text) VALUES (%s, %s, %s, %s)",  # noqa: S608
                           answers)
    return JsonResponse({"id": response_id}, status=201)


urlpatterns.insert(0, path("bench/floor/respond/<int:survey_id>", respond_floor))
