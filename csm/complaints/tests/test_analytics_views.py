"""The analytics page (filters, charts, tables, CSV and XLSX downloads) and the service volumes
page, on the hand-built data set of analytics_data.py."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from config.tests.endpoints import database_state
from csm.accounts.roles import Role
from csm.complaints.models import ComplaintCategory, ServiceVolume
from csm.complaints.tests.analytics_data import NOW, at, hand_built, make_complaint
from csm.complaints.tests.factories import member
from csm.core import clock
from csm.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PAGE = "/o/acme/complaints/analytics/"
PERIOD = "from=2026-01-01&to=2026-02-28"
VOLUMES = "/o/acme/complaints/analytics/volumes/"
EVIL = '=HYPERLINK("http://evil.test","click")'


@pytest.fixture(autouse=True)
def _now():
    with clock.frozen(NOW):
        yield


@pytest.fixture
def data(acme, globex):
    return hand_built(acme, globex)


def viewer(acme):
    actor = member(acme, Role.VIEWER, "dave@acme.test")
    client = Client()
    client.force_login(actor.user)
    return client


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


# The page -----------------------------------------------------------------------------------------

def test_the_page_shows_cards_charts_and_tables(alice, data):
    response = alice.browser().get(f"{PAGE}?{PERIOD}")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<span class="stat-value">8</span><span class="stat-label">Complaints received</span>' in html
    assert "Reopened: 1 of 3 closed (95% CI 6.1 % to 79.2 %)" in html
    assert '<tr><th scope="row">Web</th><td>4</td><td>8</td><td>50.0 %</td><td>21.5 %</td><td>78.5 %</td></tr>' in html
    assert '<tr><th scope="row">Resolve</th><td>2</td><td>5</td><td>40.0 %</td>' in html
    assert '<tr><th scope="row">Refund</th><td>2</td><td>80.05</td><td>40.03</td></tr>' in html


def test_each_chart_is_a_json_figure_drawn_by_our_script_with_the_packaged_plotly(alice, data):
    html = alice.browser().get(f"{PAGE}?{PERIOD}").content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert "/static/plotly/plotly.min.js" in scripts
    assert "/static/complaints/analytics.js" in scripts
    assert re.findall(r"<script(?![^>]*(?:src=|application/json))[^>]*>", html) == []  # no inline code
    charts = re.findall(r'data-chart="([^"]+)"', html)
    assert charts == [f"chart-{m}-data" for m in ("categories", "channels", "touch_points", "units", "pareto",
                                                  "timings", "on_time", "outcomes", "remedy_costs", "backlog",
                                                  "months", "p_chart")]
    figure = json.loads(re.search(r'<script id="chart-channels-data" type="application/json">(.*?)</script>',
                                  html, re.S).group(1))
    assert figure["data"][0]["x"] == ["Web", "Phone", "E-mail", "Letter"]
    assert figure["data"][0]["y"] == [4, 2, 1, 1]


def test_without_volumes_the_page_says_the_p_chart_shows_on_time_resolution(alice, data):
    html = alice.browser().get(f"{PAGE}?{PERIOD}").content.decode()
    assert "No service volumes are recorded for the whole months of this period" in html
    ServiceVolume.objects.create(organization=alice.organization, month=dt.date(2026, 1, 1), volume=1000)
    html = alice.browser().get(f"{PAGE}?{PERIOD}").content.decode()
    assert "No service volumes are recorded" not in html
    assert "p-chart: complaint rate" in html


def test_the_page_defaults_to_the_last_twelve_months(alice, data):
    html = alice.browser().get(PAGE).content.decode()
    assert 'name="from" value="2025-04-01"' in html
    assert 'name="to" value="2026-03-02"' in html
    assert '<span class="stat-value">9</span>' in html


def test_the_unit_filter_lists_the_tree_and_filters(alice, data):
    hotel = data["units"]["hotel"]
    html = alice.browser().get(f"{PAGE}?{PERIOD}&unit={hotel.pk}").content.decode()
    assert f'<option value="{hotel.pk}" selected>Hotel</option>' in html
    assert '<span class="stat-value">6</span>' in html
    assert "Unit: Hotel and the units below it." in html


@pytest.mark.parametrize("query", ["from=2026-03-01&to=2026-02-01", "from=nonsense", "unit=999999"])
def test_a_bad_filter_is_a_422_with_the_error_on_the_form(alice, data, query):
    response = alice.browser().get(f"{PAGE}?{query}")
    assert response.status_code == 422
    assert 'class="errorlist"' in response.content.decode()
    assert "data-chart" not in response.content.decode()


def test_charlie_cannot_open_acmes_analytics(charlie, data):
    assert charlie.browser().get(f"{PAGE}?{PERIOD}").status_code == 404
    assert charlie.browser().get(f"{PAGE}?{PERIOD}&format=xlsx").status_code == 404


def test_charlie_cannot_filter_globex_by_an_acme_unit(charlie, data):
    response = charlie.browser().get(f"/o/globex/complaints/analytics/?unit={data['units']['hotel'].pk}")
    assert response.status_code == 422
    assert "Hotel" not in response.content.decode()


def test_charlies_page_shows_only_globex(charlie, data):
    html = charlie.browser().get(f"/o/globex/complaints/analytics/?{PERIOD}").content.decode()
    assert '<span class="stat-value">1</span><span class="stat-label">Complaints received</span>' in html
    assert "Cleanliness" not in html


def test_a_complaint_handler_gets_403_and_no_menu_item(alice, bob, data):
    assert bob.browser().get(PAGE).status_code == 403
    assert bob.browser().get(f"{PAGE}?{PERIOD}&format=csv&measure=categories").status_code == 403
    assert f'href="{PAGE}"' not in bob.browser().get("/o/acme/").content.decode()
    assert f'href="{PAGE}"' in alice.browser().get("/o/acme/").content.decode()


def test_a_viewer_may_open_the_page(acme, data):
    assert viewer(acme).get(PAGE).status_code == 200


def test_the_page_costs_the_same_queries_for_more_complaints(alice, data):
    browser = alice.browser()
    browser.get(f"{PAGE}?{PERIOD}")  # the session's first use
    with CaptureQueriesContext(connection) as small:
        browser.get(f"{PAGE}?{PERIOD}&unit={data['units']['hotel'].pk}")
    for day in range(1, 29):
        make_complaint(alice.organization, at(2, day), unit=data["units"]["spa"], closed_at=at(2, 28))
    with CaptureQueriesContext(connection) as large:
        html = browser.get(f"{PAGE}?{PERIOD}&unit={data['units']['hotel'].pk}").content.decode()
    assert '<span class="stat-value">34</span>' in html
    assert len(large) == len(small)


# Downloads ----------------------------------------------------------------------------------------

def test_a_measure_downloads_as_csv(alice, data):
    response = alice.browser().get(f"{PAGE}?{PERIOD}&format=csv&measure=on_time")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="complaint-analytics-on_time-20260101-20260228.csv"')
    assert csv_rows(response)[:2] == [["Step", "On time", "n", "Share", "95% CI low", "95% CI high"],
                                      ["Acknowledge", "5", "7", "0.7143", "0.3589", "0.9178"]]


def test_a_formula_typed_as_a_category_name_stays_text_in_the_csv(alice, data):
    ComplaintCategory.objects.filter(pk=data["categories"]["billing"].pk).update(name=EVIL)
    for measure in ("categories", "pareto"):
        rows = csv_rows(alice.browser().get(f"{PAGE}?{PERIOD}&format=csv&measure={measure}"))
        assert [row[0] for row in rows if "HYPERLINK" in row[0]] == ["'" + EVIL]
        assert [cell for row in rows for cell in row if cell[:1] in {"=", "+", "-", "@", "\t", "\r"}] == []


def test_the_workbook_has_a_sheet_per_measure_and_keeps_formulas_as_text(alice, data):
    ComplaintCategory.objects.filter(pk=data["categories"]["billing"].pk).update(name=EVIL)
    response = alice.browser().get(f"{PAGE}?{PERIOD}&format=xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Summary", "Complaints by category", "Complaints by channel", "Complaints by touch point",
        "Complaints by unit", "Pareto by category", "Time to acknowledge, respond an", "On-time rate per step",
        "Decision outcomes", "Remedy cost", "Backlog age", "Complaints per month", "p-chart  share of complaints re"]
    categories = [[cell.value for cell in row] for row in workbook["Complaints by category"].iter_rows()]
    assert categories[0] == ["Category", "Count", "n", "Share", "95% CI low", "95% CI high"]
    assert categories[1] == ["Cleanliness", 3, 8, 0.375, 0.1368, 0.6943]
    evil = next(row[0] for row in workbook["Complaints by category"].iter_rows() if "HYPERLINK" in str(row[0].value))
    assert (evil.value, evil.data_type) == (EVIL, "s")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheets = [archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/")]
    assert not any(b"<f>" in sheet for sheet in sheets)
    remedies = [[cell.value for cell in row] for row in workbook["Remedy cost"].iter_rows()]
    assert remedies[-1] == ["All remedies", 3, 100.05, 33.35]


def test_downloads_hold_no_personal_data(alice, data):
    browser = alice.browser()
    workbook = browser.get(f"{PAGE}?{PERIOD}&format=xlsx").content
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        text = b"".join(archive.read(name) for name in archive.namelist())
    csvs = b"".join(browser.get(f"{PAGE}?{PERIOD}&format=csv&measure={m}").content
                    for m in ("summary", "categories", "units", "touch_points", "backlog"))
    for blob in (text, csvs):
        assert b"Jan Kowalski" not in blob
        assert b"jan@example.com" not in blob


@pytest.mark.parametrize("query", ["format=csv&measure=nope", "format=csv", "format=pdf"])
def test_an_unknown_download_is_not_found(alice, data, query):
    assert alice.browser().get(f"{PAGE}?{PERIOD}&{query}").status_code == 404


# Service volumes ----------------------------------------------------------------------------------

def test_alice_records_a_month_then_replaces_it(alice, data):
    browser = alice.browser()
    response = browser.post(VOLUMES, {"month": "2026-01", "unit": "", "volume": "1000"})
    assert (response.status_code, response["Location"]) == (302, VOLUMES)
    browser.post(VOLUMES, {"month": "2026-01", "unit": "", "volume": "1100"})
    assert list(ServiceVolume.objects.values_list("month", "unit", "volume")) == [(dt.date(2026, 1, 1), None, 1100)]
    html = browser.get(VOLUMES).content.decode()
    assert '<th scope="row">2026-01</th>' in html
    assert "The whole organisation" in html


def test_a_unit_volume_is_recorded_for_that_unit(alice, data):
    spa = data["units"]["spa"]
    alice.browser().post(VOLUMES, {"month": "2026-02", "unit": str(spa.pk), "volume": "40"})
    assert list(ServiceVolume.objects.values_list("unit", "volume")) == [(spa.pk, 40)]


@pytest.mark.parametrize("form", [{"month": "2026-13", "volume": "5"}, {"month": "2026-01", "volume": "0"},
                                  {"month": "", "volume": "5"}, {"month": "2026-01", "volume": "5", "unit": "999999"}])
def test_a_bad_volume_is_a_422_and_nothing_is_written(alice, data, form):
    response = alice.browser().post(VOLUMES, form)
    assert response.status_code == 422
    assert not ServiceVolume.objects.exists()


def test_alice_deletes_a_volume(alice):
    row = ServiceVolume.objects.create(organization=alice.organization, month=dt.date(2026, 1, 1), volume=5)
    response = alice.browser().post(f"{VOLUMES}{row.pk}/delete/")
    assert response.status_code == 302
    assert not ServiceVolume.objects.exists()
    assert AuditEvent.objects.filter(action="deleted", object_id=str(row.pk)).count() == 1


def test_a_viewer_sees_volumes_without_the_form_and_cannot_write(acme):
    row = ServiceVolume.objects.create(organization=acme, month=dt.date(2026, 1, 1), volume=5)
    client = viewer(acme)
    html = client.get(VOLUMES).content.decode()
    assert '<th scope="row">2026-01</th>' in html
    assert 'name="volume"' not in html
    before = database_state()
    assert client.post(VOLUMES, {"month": "2026-02", "volume": "5"}).status_code == 403
    assert client.post(f"{VOLUMES}{row.pk}/delete/").status_code == 403
    assert database_state() == before


def test_charlie_cannot_see_or_delete_acmes_volumes(alice, charlie):
    row = ServiceVolume.objects.create(organization=alice.organization, month=dt.date(2026, 1, 1), volume=5)
    browser = charlie.browser()
    assert browser.get(VOLUMES).status_code == 404
    assert browser.post(f"/o/globex/complaints/analytics/volumes/{row.pk}/delete/").status_code == 404
    assert '<th scope="row">2026-01</th>' not in browser.get("/o/globex/complaints/analytics/volumes/").content.decode()
    assert ServiceVolume.objects.count() == 1


def test_a_handler_cannot_open_the_volumes(bob):
    assert bob.browser().get(VOLUMES).status_code == 403
