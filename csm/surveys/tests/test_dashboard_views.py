"""The dashboard page and its CSV and XLSX downloads, on the data set of dashboard_data.py: cards,
charts and tables, the default survey, filters, the blueprint heatmap, roles and organisations,
and the files holding the API's numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from csm.accounts.roles import Role
from csm.catalogue.tests.factories import TouchFaceFactory, TouchLineFactory, TouchPointFactory
from csm.complaints.tests.factories import member
from csm.core import clock
from csm.surveys.services import authoring, rollups
from csm.surveys.services.responding import Submission, submit_response
from csm.surveys.tests import dashboard_data
from csm.surveys.tests.factories import full_answers, new_key, published_survey

pytestmark = pytest.mark.django_db

PAGE = "/o/acme/surveys/dashboard/"
EXPORT = "/o/acme/surveys/dashboard/export/"


@pytest.fixture
def data(alice, acme):
    return dashboard_data.build(acme, alice)


def html_of(response) -> str:
    return response.content.decode()


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


# The page -----------------------------------------------------------------------------------------

def test_the_page_shows_cards_charts_tables_and_the_heatmap(alice, data):
    response = alice.browser().get(f"{PAGE}?survey={data.survey.pk}")
    assert response.status_code == 200
    html = html_of(response)
    figures = alice.api().get(f"/api/v1/surveys/{data.survey.pk}/dashboard").json()["figures"]
    assert '<span class="stat-value">150</span><span class="stat-label">Respondents</span>' in html
    index = figures["index"]
    assert f'{index["value"]:.1f}</span>' in html
    assert f'[{index["ci_low"]:.1f} – {index["ci_high"]:.1f}] · n = 150' in html
    assert "n &lt; 30, suppressed" in html  # leisure, and the responses at no touch point
    assert "<h2 id=\"heading-heatmap\">" in html and 'class="heat-point"' in html
    charts = re.findall(r'data-chart="([^"]+)"', html)
    assert charts == [f"chart-{name}-data" for name in ("trend_index", "trend_rate", "trend_nps", "ipa", "drivers",
                                                        "items", "characteristics", "touch_points", "units",
                                                        "segments")]


def test_charts_are_json_figures_drawn_by_our_script_with_the_packaged_plotly(alice, data):
    html = html_of(alice.browser().get(PAGE))
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert "/static/plotly/plotly.min.js" in scripts and "/static/surveys/dashboard.js" in scripts
    assert re.findall(r"<script(?![^>]*(?:src=|application/json))[^>]*>", html) == []  # no inline code
    ipa = json.loads(re.search(r'<script id="chart-ipa-data" type="application/json">(.*?)</script>', html,
                               re.S).group(1))
    assert ipa["data"][0]["text"] == ["Room", "Staff", "Check-in time"]
    assert len(ipa["layout"]["shapes"]) == 2 and len(ipa["layout"]["annotations"]) == 4  # cross-hairs, quadrants
    trend = json.loads(re.search(r'<script id="chart-trend_index-data" type="application/json">(.*?)</script>',
                                 html, re.S).group(1))
    assert trend["data"][2]["x"] == ["2026-01", "2026-02", "2026-03"]
    assert trend["data"][1]["fill"] == "tonexty"  # the 95 % band


def test_without_a_survey_chosen_it_shows_the_most_recent_open_one_and_lists_the_others(alice, data):
    with clock.frozen(dashboard_data.NOW):
        closed = published_survey(alice, content=None)
        authoring.set_survey_status(actor=alice.actor, survey=closed, status="closed")
    html = html_of(alice.browser().get(PAGE))
    assert f'<option value="{data.survey.pk}" selected>Guest survey</option>' in html
    assert f'<option value="{closed.pk}">Guest survey</option>' in html


def test_the_filters_filter_and_a_bad_one_is_a_422(alice, data):
    html = html_of(alice.browser().get(f"{PAGE}?survey={data.survey.pk}&unit={data.spa.pk}&period=quarter"))
    assert '<span class="stat-value">50</span><span class="stat-label">Respondents</span>' in html
    assert "2026-Q1" in html
    response = alice.browser().get(f"{PAGE}?survey={data.survey.pk}&from=2026-03-01&to=2026-02-01")
    assert response.status_code == 422
    assert "The end of the period comes before its start." in html_of(response)


def test_the_heatmap_follows_the_blueprint(alice, data):
    line = TouchLineFactory(service=data.service, name="Stay", points=[data.restaurant, data.reception])
    TouchFaceFactory(service=data.service, name="Front of house", touch_lines=[line])
    html = html_of(alice.browser().get(PAGE))
    table = html[html.index('class="table heatmap"'):]
    assert table.index("Front of house") < table.index("Restaurant") < table.index("Reception") \
        < table.index("Not on this service") < table.index("No touch point")


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not any("surveys_answer" in q["sql"] or "surveys_response" in q["sql"] for q in queries)
    return len(queries)


def test_the_page_needs_the_same_number_of_queries_whatever_the_data(alice, data):
    client = alice.browser()
    client.get(PAGE)
    before = count_queries(client, PAGE)
    more = TouchPointFactory(service=data.service, name="Spa desk")
    with clock.frozen(dashboard_data.NOW):
        for r in range(35):
            submit_response(survey=data.survey, submission=Submission(
                full_answers(purpose="leisure"), new_key(), complete=True, touch_point_id=more.pk,
                unit_id=data.krakow.pk, completed_at=dashboard_data.NOW - dt.timedelta(days=r)))
        rollups.roll_up_pending()
    assert count_queries(client, PAGE) == before == 18


# Roles and organisations --------------------------------------------------------------------------

def test_a_viewer_may_see_it_an_inspector_and_a_handler_may_not(acme, carol, bob, data):
    viewer = member(acme, Role.VIEWER, "dave@acme.test")
    client = Client()
    client.force_login(viewer.user)
    assert client.get(PAGE).status_code == 200
    assert client.get(f"{EXPORT}?format=xlsx").status_code == 200
    for persona in (carol, bob):
        assert persona.browser().get(PAGE).status_code == 403
        assert persona.browser().get(f"{EXPORT}?format=xlsx").status_code == 403


def test_another_organisation_sees_nothing(charlie, globex, data):
    dashboard_data.other_organisation(globex, charlie)
    client = charlie.browser()
    assert client.get(PAGE).status_code == 404  # not a member of acme
    assert client.get(f"/o/globex/surveys/dashboard/?survey={data.survey.pk}").status_code == 404
    assert client.get(f"/o/globex/surveys/dashboard/export/?survey={data.survey.pk}&format=xlsx").status_code == 404
    assert client.get("/o/globex/surveys/dashboard/").status_code == 200


def test_with_no_published_survey_it_says_so(alice, acme):
    response = alice.browser().get(PAGE)
    assert response.status_code == 200
    assert "No survey is published yet." in html_of(response)


def test_a_survey_without_responses_shows_empty_cards_and_tables(alice, acme):
    published_survey(alice)
    response = alice.browser().get(PAGE)
    assert response.status_code == 200
    html = html_of(response)
    assert '<span class="stat-value">0</span><span class="stat-label">Respondents</span>' in html
    assert "No responses for this filter." in html


# Downloads ----------------------------------------------------------------------------------------

def test_the_csv_holds_the_numbers_of_the_api(alice, data):
    query = f"survey={data.survey.pk}&unit={data.warsaw.pk}"
    body = alice.api().get(f"/api/v1/surveys/{data.survey.pk}/dashboard?unit={data.warsaw.pk}").json()["figures"]
    rows = csv_rows(alice.browser().get(f"{EXPORT}?{query}&format=csv&table=periods"))
    assert rows[0][:6] == ["Period", "n", "Suppressed (n < base)", "Index", "Index CI low", "Index CI high"]
    for row, period in zip(rows[1:], body["periods"], strict=True):
        assert row[0] == period["key"] and int(row[1]) == period["n"]
        assert float(row[3]) == period["index"]["value"] and float(row[5]) == period["index"]["ci_high"]
        assert float(row[9]) == period["nps"]["value"]
    items = csv_rows(alice.browser().get(f"{EXPORT}?{query}&format=csv&table=items"))
    assert [float(row[4]) for row in items[1:]] == [item["score"]["value"] for item in body["items"]]
    assert [float(row[12]) for row in items[1:]] == [item["relative_weight"] for item in body["items"]]
    segments = csv_rows(alice.browser().get(f"{EXPORT}?{query}&format=csv&table=segments"))
    assert [(row[0], int(row[1])) for row in segments[1:]] == [(s["key"], s["n"]) for s in body["segments"]]


def test_the_workbook_holds_every_table_with_the_numbers_of_the_api(alice, data):
    body = alice.api().get(f"/api/v1/surveys/{data.survey.pk}/dashboard").json()["figures"]
    response = alice.browser().get(f"{EXPORT}?survey={data.survey.pk}&format=xlsx")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Headline figures", "Over time", "Items and key drivers", "Service characteristics",
                               "Touch points", "Units", "Segments", "Touch points × characteristics"]
    headline = {row[0]: row for row in book["Headline figures"].iter_rows(min_row=2, values_only=True)}
    same = pytest.approx  # Excel keeps 15 significant digits
    assert headline["Satisfaction index (degree, 0-100)"][1:] == same(
        (body["index"]["value"], body["index"]["ci_low"], body["index"]["ci_high"], 150), rel=1e-14)
    assert headline["Net Promoter Score"][1] == same(body["nps"]["value"], rel=1e-14)
    assert headline["Satisfaction rate (CSAT)"][2] == same(body["satisfaction_rate"]["ci_low"], rel=1e-14)
    heat = list(book["Touch points × characteristics"].iter_rows(min_row=2, values_only=True))
    assert sorted(row[2] for row in heat) == sorted(cell["n"] for cell in body["heatmap"]["cells"])


def test_an_unknown_format_or_table_is_not_found(alice, data):
    client = alice.browser()
    assert client.get(f"{EXPORT}?format=pdf").status_code == 404
    assert client.get(f"{EXPORT}?format=csv&table=nothing").status_code == 404
    assert client.get(f"{EXPORT}?format=csv&table=items").status_code == 200


def test_text_cells_cannot_run_as_formulas(alice, data):
    data.reception.name = '=HYPERLINK("http://evil.test","x")'
    data.reception.save()
    rows = csv_rows(alice.browser().get(f"{EXPORT}?format=csv&table=touch_points"))
    assert [row[0] for row in rows if "HYPERLINK" in row[0]] == ["'=HYPERLINK(\"http://evil.test\",\"x\")"]
