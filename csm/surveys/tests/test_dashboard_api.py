"""GET /api/v1/surveys/{id}/dashboard: the figures as JSON, the filters as query parameters, roles,
organisations and bad filters."""

from __future__ import annotations

import pytest
from django.test import Client

from config.tests.endpoints import NOT_FOUND, PERMISSION_DENIED
from csm.accounts.models import Unit
from csm.accounts.roles import Role
from csm.accounts.services import create_api_token
from csm.complaints.tests.factories import member
from csm.surveys.dashboards import DashboardFilters, dashboard
from csm.surveys.services import authoring
from csm.surveys.tests import dashboard_data
from csm.surveys.tests.factories import published_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(alice, acme):
    return dashboard_data.build(acme, alice)


def url(survey, query: str = "") -> str:
    return f"/api/v1/surveys/{survey.pk}/dashboard" + (f"?{query}" if query else "")


def test_it_returns_the_selectors_figures(alice, data):
    response = alice.api().get(url(data.survey))
    assert response.status_code == 200
    body = response.json()
    expected = dashboard(actor=alice.actor, survey=data.survey, filters=DashboardFilters()).figures
    assert (body["survey_id"], body["survey_name"], body["versions"]) == (data.survey.pk, "Guest survey", [1])
    assert (body["scale_min"], body["scale_max"], body["satisfied_min"]) == (1, 5, 4)
    figures = body["figures"]
    assert figures["n"] == 150 and figures["min_base"] == 30
    assert figures["index"] == {"value": expected.index.value, "ci_low": expected.index.ci_low,
                                "ci_high": expected.index.ci_high, "n": 150}
    assert figures["nps"]["promoters"] == expected.nps.promoters
    assert [i["id"] for i in figures["items"]] == ["room", "staff", "checkin"]
    assert figures["items"][0]["label"] == {"en": "Room", "pl": "Pokój", "zh-Hans": "客房"}
    assert [p["key"] for p in figures["periods"]] == ["2026-01", "2026-02", "2026-03"]
    assert figures["periods"][0]["nps_change"] is None
    change = figures["periods"][1]["rate_change"]
    assert set(change) == {"diff", "p_value", "significant", "mdd"} and change["mdd"] > 0
    leisure = next(s for s in figures["segments"] if s["key"] == "leisure")
    assert leisure == {"key": "leisure", "label": "leisure", "n": 20, "suppressed": True, "index": None,
                       "satisfaction_rate": None, "nps": None, "index_vs_rest": None, "rate_vs_rest": None,
                       "nps_vs_rest": None}
    business = next(s for s in figures["segments"] if s["key"] == "business")
    assert set(business["rate_vs_rest"]) == {"diff", "p_value", "p_adjusted", "significant"}
    assert {c["label"] for c in figures["heatmap"]["characteristics"]} == {"Room", "Staff", "Check-in time"}
    assert figures["ipa"]["importance_source"] == "stated"


def test_the_filters_are_query_parameters(alice, data):
    query = f"from=2026-02-01&to=2026-03-15&unit={data.warsaw.pk}&channel=link&period=week"
    body = alice.api().get(url(data.survey, query)).json()
    assert body["filters"] == {"from": "2026-02-01", "to": "2026-03-15", "unit": data.warsaw.pk, "touch_point": None,
                               "segment": None, "channel": "link", "period": "week"}
    assert body["figures"]["n"] == 38 and body["unit_name"] == "Warsaw"
    assert body["figures"]["periods"][0]["key"] == "2026-W05"
    point = alice.api().get(url(data.survey, f"touch_point={data.restaurant.pk}&segment=business")).json()
    expected = sum(1 for g in data.given if g.touch_point == data.restaurant and g.segment == "business")
    assert point["figures"]["n"] == expected and point["touch_point_name"] == "Restaurant"


def test_bad_filters_are_a_422_naming_the_field(alice, charlie, data):
    api = alice.api()
    response = api.get(url(data.survey, "from=2026-03-01&to=2026-02-01"))
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "to"
    for query in ("channel=pigeon", "period=day", "from=yesterday", "unit=0"):
        assert api.get(url(data.survey, query)).status_code == 422, query
    other_unit = Unit.objects.create(organization=charlie.organization, kind="site", name="Beijing")
    response = api.get(url(data.survey, f"unit={other_unit.pk}"))
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "unit"


def test_another_organisations_survey_is_not_found(charlie, data):
    response = charlie.api().get(url(data.survey))
    assert response.status_code == 404 and response.json() == NOT_FOUND


def test_an_unknown_survey_is_not_found(alice, data):
    assert alice.api().get("/api/v1/surveys/999999/dashboard").json() == NOT_FOUND


def test_an_inspector_and_a_handler_are_refused_a_viewer_is_not(acme, carol, bob, data):
    for persona in (carol, bob):
        response = persona.api().get(url(data.survey))
        assert response.status_code == 403 and response.json() == PERMISSION_DENIED
    viewer = member(acme, Role.VIEWER, "dave@acme.test")
    _token, raw = create_api_token(actor=viewer, name="tests")
    response = Client(headers={"Authorization": f"Bearer {raw}"}).get(url(data.survey))
    assert response.status_code == 200 and response.json()["figures"]["n"] == 150


def test_it_needs_a_signed_in_caller(data):
    assert Client().get(url(data.survey)).status_code == 401


def test_a_survey_without_responses_has_empty_figures_and_a_draft_none(alice):
    survey = published_survey(alice)
    body = alice.api().get(url(survey)).json()
    figures = body["figures"]
    assert figures["n"] == 0 and figures["index"] == {"value": None, "ci_low": None, "ci_high": None, "n": 0}
    assert figures["satisfaction_rate"]["value"] is None and figures["nps"]["value"] is None
    assert figures["periods"] == figures["units"] == figures["segments"] == figures["touch_points"] == []
    assert figures["heatmap"]["cells"] == [] and [i["n"] for i in figures["items"]] == [0, 0, 0]
    draft = authoring.create_survey(actor=alice.actor, data={"name": "Draft"}, draft={})
    body = alice.api().get(url(draft)).json()
    assert body["figures"] is None and body["versions"] == []
