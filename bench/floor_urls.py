"""The project's URLs plus the benchmarks' floor views, which are never part of the app."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns
from csm.catalogue.models import TouchPoint

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


urlpatterns = [path("bench/floor/touch-points", touch_points_floor), *project_urlpatterns]
