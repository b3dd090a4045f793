"""Complaint analytics and service volume endpoints.

`GET /complaints/analytics?from=&to=&unit=` returns every measure of `analytics.complaint_analytics`
(needs `complaints.analytics`); a bad period or a unit of another organisation is a 422. Service
volumes: reading needs `complaints.analytics`, writing `complaints.configure`; `POST` records a
month's volume for the organisation or a unit, 201 when new and 200 when it replaces the month's
figure; a volume of another organisation is a 404 and a unit of another organisation a 422.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from csm.accounts.context import Actor
from csm.accounts.selectors import access_unit
from csm.complaints import analytics, service_volumes
from csm.complaints.analytics_schemas import AnalyticsOut, AnalyticsQuery, ServiceVolumeIn, ServiceVolumeOut
from csm.core.pagination import paginate
from csm.core.schemas import ERRORS, PageOut, PageQuery
from csm.core.writes import resolve_reference

router = Router(tags=["complaint analytics"])


def _actor(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined,no-any-return]


@router.get("/complaints/analytics", response={200: AnalyticsOut, **ERRORS})
def complaint_analytics(request: HttpRequest, filters: Query[AnalyticsQuery]) -> Any:
    """Volumes, Pareto, step times, on-time, reopen and outcome rates, remedy cost, backlog age,
    months and the p-chart for the complaints received in the period (default: the last twelve
    calendar months). Aggregates only: no personal data."""
    actor = _actor(request)
    default_start, default_end = analytics.default_period(analytics.organization_today(actor))
    return analytics.complaint_analytics(actor=actor, period_start=filters.start or default_start,
                                         period_end=filters.end or default_end, unit_id=filters.unit)


@router.get("/service-volumes", response={200: PageOut[ServiceVolumeOut], **ERRORS})
def list_service_volumes(request: HttpRequest, filters: Query[PageQuery]) -> Any:
    return paginate(service_volumes.list_service_volumes(actor=_actor(request)), cursor=filters.cursor,
                    limit=filters.limit)


@router.post("/service-volumes", response={200: ServiceVolumeOut, 201: ServiceVolumeOut, **ERRORS})
def set_service_volume(request: HttpRequest, payload: ServiceVolumeIn) -> Any:
    actor = _actor(request)
    unit = None if payload.unit_id is None else resolve_reference(
        "unit_id", lambda: access_unit(actor=actor, unit_id=payload.unit_id))  # type: ignore[arg-type]
    month = dt.date.fromisoformat(f"{payload.month}-01")
    row, created = service_volumes.set_service_volume(actor=actor, month=month, volume=payload.volume, unit=unit)
    return Status(201 if created else 200, row)


@router.get("/service-volumes/{volume_id}", response={200: ServiceVolumeOut, **ERRORS})
def get_service_volume(request: HttpRequest, volume_id: int) -> Any:
    return service_volumes.access_service_volume(actor=_actor(request), volume_id=volume_id)


@router.delete("/service-volumes/{volume_id}", response={204: None, **ERRORS})
def delete_service_volume(request: HttpRequest, volume_id: int) -> Any:
    actor = _actor(request)
    row = service_volumes.access_service_volume(actor=actor, volume_id=volume_id)
    service_volumes.delete_service_volume(actor=actor, service_volume=row)
    return Status(204, None)
