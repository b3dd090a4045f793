"""The comparison pages over HTTP with the personas: exact figures for alice, nothing of acme's for
charlie, superseded reports left out, CSV/XLSX downloads, and query counts that do not grow."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook

from csm.accounts.models import Organization, Unit, UnitKind, User
from csm.assessments.models import Report
from csm.assessments.tests.comparison_fixtures import answer, issue_report, make_snapshot

pytestmark = pytest.mark.django_db

PROGRESS, BENCHMARK, GAP = "/o/acme/assessments/progress/", "/o/acme/assessments/benchmark/", "/o/acme/assessments/gap/"
I2, I4 = "ISO10002", "ISO10004"


@dataclass
class Acme:
    airport: Unit
    beach: Unit
    reports: dict[str, Report]


def unit(organization: Organization, name: str) -> Unit:
    return Unit.objects.create(organization=organization, kind=UnitKind.SITE, name=name)


def org_answers(q1: int, q2: int, q3: int, q4: int | None, e3: int | None = None) -> list[dict]:
    return [answer("q1", I2, "7.2", q1), answer("q2", I2, "7.2", q2), answer("q3", I2, "7.4", q3, e3),
            answer("q4", I2, "7.4", q4)]


def issue(organization: Organization, user: User, number: str, *, unit_: Unit | None = None,
          supersedes: Report | None = None, **snapshot) -> Report:
    return issue_report(organization, make_snapshot(number, unit=unit_, **snapshot), lead_assessor=user,
                        unit=unit_, supersedes=supersedes)


def acme_reports(organization: Organization, user: User, prefix: str = "") -> Acme:
    """Organisation-wide: R-101 self, R-102 independent, R-103 self superseded by R-104. Units: the
    airport's R-201 (older) and R-202 (latest), the beach's R-301."""
    airport, beach = unit(organization, f"{prefix}Airport"), unit(organization, f"{prefix}Beach")
    reports: dict[str, Report] = {}
    reports["R-101"] = issue(organization, user, f"{prefix}R-101", mode="self", ends_on="2025-06-30",
                             issued_at="2025-07-02T09:00:00+00:00", standards=[(I2, 50.0, 1, 4)],
                             clauses=[(I2, "7.2", 40.0, 2), (I2, "7.4", 60.0, 2)], answers=org_answers(2, 1, 2, 1))
    reports["R-102"] = issue(organization, user, f"{prefix}R-102", mode="independent", ends_on="2025-09-30",
                             issued_at="2025-10-03T09:00:00+00:00", standards=[(I2, 62.5, 1, 4)],
                             clauses=[(I2, "7.2", 50.0, 2), (I2, "7.4", 75.0, 2)], answers=org_answers(1, 2, 3, 2))
    reports["R-103"] = issue(organization, user, f"{prefix}R-103", mode="self", ends_on="2025-12-31",
                             issued_at="2026-01-05T09:00:00+00:00", standards=[(I2, 10.0, 0, 4)],
                             clauses=[(I2, "7.2", 10.0, 2), (I2, "7.4", 10.0, 2)], answers=org_answers(0, 0, 0, 1))
    reports["R-104"] = issue(organization, user, f"{prefix}R-104", mode="self", ends_on="2025-12-31",
                             issued_at="2026-01-20T09:00:00+00:00", standards=[(I2, 75.0, 2, 4)],
                             clauses=[(I2, "7.2", 70.0, 2), (I2, "7.4", 80.0, 2)],
                             answers=org_answers(3, 2, 3, None, e3=1), supersedes=reports["R-103"])
    reports["R-201"] = issue(organization, user, f"{prefix}R-201", unit_=airport, ends_on="2025-03-31",
                             issued_at="2025-04-02T09:00:00+00:00", standards=[(I2, 30.0, 0, 3)],
                             clauses=[(I2, "7.2", 30.0, 3)])
    reports["R-202"] = issue(organization, user, f"{prefix}R-202", unit_=airport, ends_on="2025-11-30",
                             issued_at="2025-12-02T09:00:00+00:00", standards=[(I2, 80.0, 2, 4), (I4, 60.0, 1, 2)],
                             clauses=[(I2, "7.2", 90.0, 2), (I2, "7.4", 70.0, 2), (I4, "8.1", 60.0, 2)],
                             overall=(73.3, 1))
    reports["R-301"] = issue(organization, user, f"{prefix}R-301", unit_=beach, mode="independent",
                             ends_on="2025-10-31",
                             issued_at="2025-11-04T09:00:00+00:00", standards=[(I2, 55.5, 1, 3)],
                             clauses=[(I2, "7.2", 45.25, 1), (I2, "7.4", 60.0, 2)])
    return Acme(airport=airport, beach=beach, reports=reports)


@pytest.fixture
def data(alice, acme) -> Acme:
    return acme_reports(acme, alice.user)


@pytest.fixture
def globex_data(charlie, globex) -> dict[str, Report]:
    shanghai = unit(globex, "Shanghai")
    return {"G-1": issue(globex, charlie.user, "G-1", mode="self", standards=[(I2, 99.0, 3, 4)],
                         clauses=[(I2, "7.2", 99.0, 4)], answers=[answer("q1", I2, "7.2", 3)]),
            "G-2": issue(globex, charlie.user, "G-2", mode="independent", unit_=shanghai,
                         standards=[(I2, 88.0, 3, 4)], clauses=[(I2, "7.9", 88.0, 4)])}


def html_of(response) -> str:
    assert response.status_code == 200
    return re.sub(r">\s+<", "><", response.content.decode())


def figure(html: str, chart_id: str) -> dict:
    found = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', html, re.S)
    assert found, chart_id
    return json.loads(found.group(1))


def row(*cells: str, text: int = 1) -> str:
    """A table row as rendered: the row header, then `text` - 1 text cells and the figures."""
    return (f'<tr><th scope="row">{cells[0]}</th>' + "".join(f'<td class="text">{c}</td>' for c in cells[1:text])
            + "".join(f'<td class="numeric">{c}</td>' for c in cells[text:]) + "</tr>")


def counted(value: str, n: int, rank: int | None = None) -> str:
    ranked = f'<br><span class="muted">rank {rank}</span>' if rank else ""
    return f'{value} <span class="muted">(n&nbsp;=&nbsp;{n})</span>{ranked}'


# Progress --------------------------------------------------------------------------------------------

def test_progress_shows_the_organisations_reports_in_period_order_without_the_superseded_one(alice, data):
    html = html_of(alice.browser().get(PROGRESS))
    assert "3 issued reports." in html
    assert row("ISO10002", "R-101", "2025-06-30", "Self-assessment", "50.0", "1", "4", "—", "—", text=4) in html
    assert row("ISO10002", "R-102", "2025-09-30", "Independent assessment", "62.5", "1", "4", "12.5", "0",
               text=4) in html
    assert row("ISO10002", "R-104", "2025-12-31", "Self-assessment", "75.0", "2", "4", "12.5", "1", text=4) in html
    assert '<th scope="col">Clause</th><th scope="col" class="numeric">R-101</th>' in html
    assert row("ISO10002 7.4", counted("60.0", 2), counted("75.0", 2), counted("80.0", 2), "20.0") in html
    assert "R-103" not in html


def test_progress_chart_has_the_tables_numbers_and_its_n(alice, data):
    chart = figure(html_of(alice.browser().get(PROGRESS)), "chart-progress")
    iso, overall = chart["data"]
    assert (iso["name"], iso["y"], iso["customdata"]) == ("ISO10002", [50.0, 62.5, 75.0], [4, 4, 4])
    assert iso["x"] == ["R-101<br>2025-06-30", "R-102<br>2025-09-30", "R-104<br>2025-12-31"]
    assert overall["name"] == "Overall"
    assert chart["layout"]["title"]["text"] == "Index per standard (n = 3 reports)"


def test_progress_of_one_unit_and_of_one_mode(alice, data):
    html = html_of(alice.browser().get(f"{PROGRESS}?unit={data.airport.pk}"))
    assert row("ISO10002", "R-202", "2025-11-30", "Self-assessment", "80.0", "2", "4", "50.0", "2", text=4) in html
    assert row("ISO10004", "R-202", "2025-11-30", "Self-assessment", "60.0", "1", "2", "—", "—", text=4) in html
    assert row("Overall", "R-202", "2025-11-30", "Self-assessment", "73.3", "1", "6", "43.3", "1", text=4) in html
    html = html_of(alice.browser().get(f"{PROGRESS}?mode=independent"))
    assert "1 issued report." in html and "R-102" in html and "R-101" not in html


def test_progress_says_so_when_there_is_no_issued_report(alice, acme):
    html = html_of(alice.browser().get(PROGRESS))
    assert "No issued assessment reports for this scope yet." in html
    assert "plotly.min.js" not in html


@pytest.mark.parametrize("query", ["unit=999999", "unit=abc", "mode=audit"])
def test_progress_refuses_an_unknown_unit_or_mode(alice, data, query):
    assert alice.browser().get(f"{PROGRESS}?{query}").status_code == 404


def test_progress_query_count_does_not_grow_with_reports(alice, acme, django_assert_num_queries):
    client = alice.browser()
    client.get(PROGRESS)
    with django_assert_num_queries(6):
        client.get(PROGRESS)
    acme_reports(acme, alice.user)
    with django_assert_num_queries(6):
        client.get(PROGRESS)


# The unit benchmark -------------------------------------------------------------------------------

def test_benchmark_shows_each_units_latest_report_clause_by_clause(alice, data):
    html = html_of(alice.browser().get(BENCHMARK))
    assert row("ISO10002 7.2", counted("90.0", 2), counted("45.3", 1), "67.6", "45.3", "90.0", "2") in html
    assert row("ISO10004 8.1", counted("60.0", 2), "—", "60.0", "60.0", "60.0", "1") in html
    assert row("Airport", "R-202", "2025-11-30", "Self-assessment", counted("73.3", 6), "1", counted("80.0", 4, 1),
               counted("60.0", 2, 1), text=4) in html
    assert row("Beach", "R-301", "2025-10-31", "Independent assessment", counted("55.5", 3), "1",
               counted("55.5", 3, 2), "—", text=4) in html
    assert "R-201" not in html


def test_benchmark_heatmap_has_the_tables_numbers_and_its_n(alice, data):
    chart = figure(html_of(alice.browser().get(BENCHMARK)), "chart-benchmark")
    heatmap = chart["data"][0]
    assert (heatmap["x"], heatmap["y"]) == (["Airport", "Beach"], ["ISO10002 7.2", "ISO10002 7.4", "ISO10004 8.1"])
    assert heatmap["z"] == [[90.0, 45.3], [70.0, 60.0], [60.0, None]]
    assert heatmap["customdata"] == [[2, 1], [2, 2], [2, None]]
    assert chart["layout"]["title"]["text"] == "Clause index by unit (n = 2 units)"


def test_benchmark_csv_is_the_matrix(alice, data):
    response = alice.browser().get(f"{BENCHMARK}?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="assessment-benchmark.csv"'
    assert response.content.decode() == (
        "Clause,Airport,Beach,Mean,Minimum,Maximum,n units\r\n"
        "ISO10002 7.2,90.0,45.3,67.6,45.3,90.0,2\r\n"
        "ISO10002 7.4,70.0,60.0,65.0,60.0,70.0,2\r\n"
        "ISO10004 8.1,60.0,,60.0,60.0,60.0,1\r\n")


def test_benchmark_xlsx_has_the_matrix_and_the_units(alice, data):
    response = alice.browser().get(f"{BENCHMARK}?format=xlsx&mode=")
    workbook = load_workbook(io.BytesIO(response.content))
    matrix, units = workbook.worksheets
    assert [cell.value for cell in matrix[2]] == ["ISO10002 7.2", 90.0, 45.3, 67.6, 45.3, 90.0, 2]
    assert [cell.value for cell in units[1]][:6] == ["Unit", "Report", "Period end", "Mode", "Overall index",
                                                     "Overall level"]
    assert [cell.value for cell in units[3]] == ["Beach", "R-301", "2025-10-31", "Independent assessment", 55.5, 1,
                                                 55.5, 2, None, None]


def test_benchmark_of_one_mode_and_an_unknown_format(alice, data):
    rows = list(csv.reader(io.StringIO(alice.browser().get(f"{BENCHMARK}?mode=independent&format=csv")
                                       .content.decode())))
    assert rows[0] == ["Clause", "Beach", "Mean", "Minimum", "Maximum", "n units"]
    assert alice.browser().get(f"{BENCHMARK}?format=pdf").status_code == 404


def test_benchmark_says_so_when_no_unit_has_a_report(alice, acme):
    html = html_of(alice.browser().get(BENCHMARK))
    assert "No unit has an issued assessment report yet." in html
    assert "Download CSV" not in html


def test_benchmark_query_count_does_not_grow_with_units(alice, acme, django_assert_num_queries):
    client = alice.browser()
    client.get(BENCHMARK)
    with django_assert_num_queries(6):
        client.get(BENCHMARK)
    acme_reports(acme, alice.user)
    with django_assert_num_queries(6):
        client.get(BENCHMARK)


# Self against independent --------------------------------------------------------------------------

def test_gap_pairs_the_latest_self_assessment_with_the_latest_independent_one_before_it(alice, data):
    # R-104 (q4 N/A) against R-102, on q1-q3. Effective: 3−1, 2−2, 1−3 → calibration 4/3, bias 0.
    # Claimed: 3−1, 2−2, 3−3 → calibration 2/3, bias 2/3.
    html = html_of(alice.browser().get(GAP))
    assert "R-104 against R-102" in html
    assert row("Overall", "3", "75.0", "2", "62.5", "1", "1.33", "0.00", "0.67", "0.67") in html
    assert row("ISO10002", "3", "75.0", "2", "62.5", "1", "1.33", "0.00", "0.67", "0.67") in html
    assert row("ISO10002 7.2", "2", "70.0", "50.0", "1.00", "1.00", "1.00", "1.00") in html
    assert row("ISO10002 7.4", "1", "80.0", "75.0", "2.00", "-2.00", "0.00", "0.00") in html
    chart = figure(html, "chart-gap")
    assert [(bar["name"], bar["y"], bar["customdata"]) for bar in chart["data"]] == [
        ("Calibration", [1.0, 2.0], [2, 1]), ("Bias", [1.0, -2.0], [2, 1])]
    assert "(n = 3 questions)" in chart["layout"]["title"]["text"]


def test_gap_lists_the_scopes_pairs_and_compares_a_chosen_pair(alice, data):
    reports = data.reports
    html = html_of(alice.browser().get(GAP))
    assert html.count("against R-102 (issued") == 2
    chosen = alice.browser().get(f"{GAP}?self={reports['R-101'].pk}&independent={reports['R-301'].pk}")
    html = html_of(chosen)
    assert "R-101 against R-301" in html and "The two reports are of different scopes." in html
    assert "The two reports have no question answered in both" in html


@pytest.mark.parametrize("pick", [("R-103", "R-102"), ("R-102", "R-102"), ("R-101", "R-104"), ("R-101", "x")])
def test_gap_refuses_a_superseded_report_or_the_wrong_mode(alice, data, pick):
    ids = [data.reports[number].pk if number in data.reports else number for number in pick]
    assert alice.browser().get(f"{GAP}?self={ids[0]}&independent={ids[1]}").status_code == 404


def test_gap_says_so_without_a_pair(alice, acme):
    assert "No issued assessment reports yet." in html_of(alice.browser().get(GAP))


def test_gap_query_count_does_not_grow_with_reports(alice, data, django_assert_num_queries):
    client = alice.browser()
    client.get(GAP)
    with django_assert_num_queries(8):
        client.get(GAP)
    acme_reports(alice.organization, alice.user, prefix="2-")
    with django_assert_num_queries(8):
        client.get(GAP)


# Another organisation sees nothing ------------------------------------------------------------------

def test_charlie_cannot_open_acmes_pages(charlie, data):
    for page in (PROGRESS, BENCHMARK, GAP):
        assert charlie.browser().get(page).status_code == 404


def test_charlie_sees_only_his_organisations_figures(charlie, data, globex_data):
    client = charlie.browser()
    progress = html_of(client.get("/o/globex/assessments/progress/"))
    assert "G-1" in progress and "1 issued report." in progress
    benchmark = html_of(client.get("/o/globex/assessments/benchmark/"))
    assert "Shanghai" in benchmark and "Airport" not in benchmark
    gap = html_of(client.get("/o/globex/assessments/gap/"))
    for html in (progress, benchmark, gap):
        assert not re.search(r"R-[123]0\d|Airport|Beach", html)


def test_charlie_gets_404_for_acmes_report_and_unit_ids(charlie, data, globex_data):
    client, mine = charlie.browser(), globex_data["G-1"].pk
    for number in data.reports:
        acme_id = data.reports[number].pk
        assert client.get(f"/o/globex/assessments/gap/?self={acme_id}&independent={globex_data['G-2'].pk}"
                          ).status_code == 404
        assert client.get(f"/o/globex/assessments/gap/?self={mine}&independent={acme_id}").status_code == 404
    assert client.get(f"/o/globex/assessments/progress/?unit={data.airport.pk}").status_code == 404
    assert client.get(f"/o/globex/assessments/gap/?unit={data.beach.pk}").status_code == 404


def test_a_stranger_is_sent_to_sign_in(client, data):
    response = client.get(PROGRESS)
    assert response.status_code == 302 and "login" in response["Location"]
