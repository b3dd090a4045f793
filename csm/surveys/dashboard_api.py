"""The satisfaction dashboard endpoint.

`GET /surveys/{survey_id}/dashboard?from=&to=&unit=&touch_point=&segment=&channel=&period=` returns
every figure of `dashboards.dashboard` (needs `surveys.analytics`): computed from the rollups, never
from the answers, so it costs the same for a thousand responses or a million. Another
organisation's survey is a 404; a unit or touch point of another organisation is a 422.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from csm.accounts.context import Actor
from csm.core.schemas import ERRORS, Id
from csm.surveys.dashboard_schemas import DashboardOut, DashboardQuery
from csm.surveys.dashboards import dashboard
from csm.surveys.selectors import access_survey

router = Router(tags=["surveys"])


@router.get("/surveys/{survey_id}/dashboard", response={200: DashboardOut, **ERRORS}, by_alias=True)
def survey_dashboard(request: HttpRequest, survey_id: Id, filters: Query[DashboardQuery]) -> Any:
    """Satisfaction index (degree), satisfaction rate (CSAT), NPS and CES with their n and 95%
    intervals; items with IPA quadrants and key drivers; trend by period with each change's p-value
    and minimum detectable difference; units, touch points, characteristics and segments (small
    bases suppressed, segments tested against the rest); the touch point × characteristic heatmap.
    Aggregates only: no personal data."""
    actor: Actor = request.auth  # type: ignore[attr-defined]
    survey = access_survey(actor=actor, survey_id=survey_id)
    return dashboard(actor=actor, survey=survey, filters=filters.filters())
