"""The dashboard selector: its figures equal `csm analyze` on the same responses to 1e-9, the filters
filter, versions merge, and the number of queries stays fixed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from csm.accounts.models import Unit
from csm.accounts.roles import Role
from csm.catalogue.models import ServiceCharacteristic
from csm.complaints.tests.factories import member
from csm.core import clock
from csm.core.errors import InvalidInput, NotFound, PermissionDenied
from csm.surveys import measure, starter
from csm.surveys.dashboards import DashboardFilters, dashboard
from csm.surveys.services import authoring, rollups
from csm.surveys.services.responding import Submission, submit_response
from csm.surveys.tests import dashboard_data
from csm.surveys.tests.dashboard_data import CSV_COLUMNS, csv_rows
from csm.surveys.tests.factories import full_answers, hotel_items, new_key

pytestmark = pytest.mark.django_db
TOLERANCE = 1e-9


@pytest.fixture
def data(alice, acme):
    return dashboard_data.build(acme, alice)


def analyze_spec(data) -> dict:
    return {**data.survey.current_version.spec, "segment": "purpose", "period": {"column": "day", "by": "month"}}


def engine(data, given=None) -> dict:
    """`measure.analyze` (the engine of `csm analyze`) on the responses as a CSV's rows."""
    spec = measure.parse_spec(analyze_spec(data))
    return measure.analyze([measure.block_from_rows(list(CSV_COLUMNS), csv_rows(given or data.given), spec)], spec)


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=0, abs_tol=TOLERANCE)


def same_estimate(mine, theirs: dict, *, n: int | None = None) -> None:
    assert close(mine.value, theirs["value"]), (mine, theirs)
    assert close(mine.ci_low, theirs["ci_low"]) and close(mine.ci_high, theirs["ci_high"]), (mine, theirs)
    if n is not None:
        assert mine.n == n


def same_nps(mine, theirs: dict) -> None:
    same_estimate(mine, theirs, n=theirs["n"])
    assert (mine.promoters, mine.passives, mine.detractors) == (
        theirs["promoters"], theirs["passives"], theirs["detractors"])


def same_summary(mine, theirs: dict) -> None:
    assert mine.n == theirs["n"]
    for name in ("index", "satisfaction_rate"):
        if theirs[name] is None:
            assert getattr(mine, name) is None
        else:
            same_estimate(getattr(mine, name), theirs[name])
    if theirs["nps"] is None:
        assert mine.nps is None
    else:
        same_nps(mine.nps, theirs["nps"])


def assert_equal_to_engine(figures, expected: dict) -> None:
    assert figures.n == expected["n"]
    same_estimate(figures.index, expected["index"], n=expected["n"])
    same_estimate(figures.satisfaction_rate, expected["satisfaction_rate"], n=expected["satisfaction_rate"]["n"])
    same_nps(figures.nps, expected["nps"])
    assert figures.ces.n == expected["ces"]["n"] and close(figures.ces.mean, expected["ces"]["mean"])
    assert close(figures.drivers_r2, expected["drivers_r2"])
    drivers: dict = {d["id"]: d for d in expected["drivers"]}
    for mine, theirs in zip(figures.items, expected["items"], strict=True):
        assert (mine.id, mine.n, mine.quadrant) == (theirs["id"], theirs["n"], theirs["quadrant"])
        for name in ("mean", "satisfied_share", "importance", "weight"):
            assert close(getattr(mine, name), theirs[name]), name
        assert close(mine.score.value, theirs["score"])
        assert close(mine.r, drivers.get(mine.id, {}).get("r"))
        assert close(mine.relative_weight, drivers.get(mine.id, {}).get("relative_weight"))
    segments = {s.key: s for s in figures.segments}
    assert set(segments) == set(expected["segments"])
    for key, theirs in expected["segments"].items():
        assert segments[key].suppressed == theirs["suppressed"]
        same_summary(segments[key], theirs)
    assert [p.key for p in figures.periods] == [p["period"] for p in expected["periods"]]
    for mine, theirs in zip(figures.periods, expected["periods"], strict=True):
        same_summary(mine, theirs)
        for name, change in (("nps", mine.nps_change), ("satisfaction_rate", mine.rate_change)):
            if theirs["change"] is None:
                assert change is None
            else:
                assert close(change.diff, theirs["change"][name]["diff"])
                assert close(change.p_value, theirs["change"][name]["p_value"])
                assert change.significant == theirs["change"][name]["significant"]


# Equal to the engine ------------------------------------------------------------------------------

def test_every_figure_equals_the_engine_on_the_raw_answers(alice, data):
    result = dashboard(actor=alice.actor, survey=data.survey, filters=DashboardFilters())
    expected = engine(data)
    assert expected["n"] == 150 and len(expected["periods"]) == 3
    assert expected["segments"]["leisure"]["suppressed"] and not expected["segments"]["business"]["suppressed"]
    assert_equal_to_engine(result.figures, expected)


def test_every_figure_equals_csm_analyze_run_on_the_export(alice, data, tmp_path):
    source, spec = tmp_path / "responses.csv", tmp_path / "spec.json"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(csv_rows(data.given))
    spec.write_text(json.dumps(analyze_spec(data)), encoding="utf-8")
    out = io.StringIO()
    try:
        call_command("analyze", str(source), "--spec", str(spec), "--no-progress", stdout=out)
    except ImportError as error:  # the command is being built alongside
        pytest.skip(f"csm analyze is not importable yet: {error}")
    result = dashboard(actor=alice.actor, survey=data.survey, filters=DashboardFilters())
    assert_equal_to_engine(result.figures, json.loads(out.getvalue()))


def test_a_filtered_dashboard_equals_the_engine_on_the_same_responses(alice, data):
    filters = DashboardFilters(start=dt.date(2026, 2, 1), end=dt.date(2026, 3, 15), unit_id=data.warsaw.pk,
                               channel="link")
    chosen = [g for g in data.given if dt.date(2026, 2, 1) <= g.day <= dt.date(2026, 3, 15)
              and g.unit in (data.warsaw, data.spa) and g.channel == "link"]
    result = dashboard(actor=alice.actor, survey=data.survey, filters=filters)
    assert result.figures.n == len(chosen) == 38
    assert result.unit_name == "Warsaw"
    assert_equal_to_engine(result.figures, engine(data, chosen))


# Filters ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("make_filters", "keep"), [
    (lambda d: DashboardFilters(start=dt.date(2026, 3, 1)), lambda d, g: g.day >= dt.date(2026, 3, 1)),
    (lambda d: DashboardFilters(end=dt.date(2026, 1, 31)), lambda d, g: g.day <= dt.date(2026, 1, 31)),
    (lambda d: DashboardFilters(unit_id=d.warsaw.pk), lambda d, g: g.unit in (d.warsaw, d.spa)),
    (lambda d: DashboardFilters(unit_id=d.spa.pk), lambda d, g: g.unit == d.spa),
    (lambda d: DashboardFilters(touch_point_id=d.reception.pk), lambda d, g: g.touch_point == d.reception),
    (lambda d: DashboardFilters(segment="leisure"), lambda d, g: g.segment == "leisure"),
    (lambda d: DashboardFilters(segment=""), lambda d, g: g.segment == ""),
    (lambda d: DashboardFilters(channel="qr"), lambda d, g: g.channel == "qr"),
])
def test_each_filter_counts_exactly_its_responses(alice, data, make_filters, keep):
    result = dashboard(actor=alice.actor, survey=data.survey, filters=make_filters(data))
    expected = sum(1 for g in data.given if keep(data, g))
    assert 0 < expected < 150
    assert result.figures.n == expected


def test_the_breakdowns_count_each_group(alice, data):
    figures = dashboard(actor=alice.actor, survey=data.survey, filters=DashboardFilters()).figures
    assert [(u.label, u.n, u.suppressed) for u in figures.units] == [
        ("Kraków", 50, False), ("Warsaw", 50, False), ("Warsaw spa", 50, False)]
    assert [(t.label, t.n) for t in figures.touch_points] == [("Reception", 60), ("Restaurant", 75),
                                                             ("No touch point", 15)]
    assert figures.touch_points[-1].suppressed and figures.touch_points[-1].index is None
    assert [(s.key, s.n, s.suppressed) for s in figures.segments] == [("business", 90, False),
                                                                       ("leisure", 20, True)]
    assert [(c.label, c.items, c.score.n) for c in figures.characteristics] == [
        ("Room", 1, 150), ("Staff", 1, 150), ("Check-in time", 1, 150)]


def test_the_heatmap_pools_each_touch_point_and_characteristic(alice, data):
    heatmap = dashboard(actor=alice.actor, survey=data.survey, filters=DashboardFilters()).figures.heatmap
    assert [p.label for p in heatmap.touch_points] == ["Reception", "Restaurant", "No touch point"]
    assert [c.label for c in heatmap.characteristics] == ["Room", "Staff", "Check-in time"]
    reception = [g.answers["chars.staff"] for g in data.given if g.touch_point == data.reception]
    cell = next(c for c in heatmap.cells if c.touch_point == str(data.reception.pk)
                and c.characteristic == str(data.survey.current_version.content["pages"][0]["questions"][0]
                                            ["rows"][1]["characteristic"]))
    assert cell.n == len(reception) == 60
    assert close(cell.score, 100 * (sum(reception) / 60 - 1) / 4)
    none_cells = [c for c in heatmap.cells if c.touch_point == ""]
    assert all(c.suppressed and c.score is None and c.n == 15 for c in none_cells)


def test_bad_filters_are_refused(alice, charlie, data):
    other_unit = Unit.objects.create(organization=charlie.organization, kind="site", name="Beijing")
    for filters, field in ((DashboardFilters(unit_id=other_unit.pk), "unit"),
                           (DashboardFilters(touch_point_id=999_999), "touch_point"),
                           (DashboardFilters(channel="pigeon"), "channel"),
                           (DashboardFilters(period_by="day"), "period"),
                           (DashboardFilters(start=dt.date(2026, 3, 1), end=dt.date(2026, 2, 1)), "to")):
        with pytest.raises(InvalidInput) as caught:
            dashboard(actor=alice.actor, survey=data.survey, filters=filters)
        assert caught.value.detail[0]["field"] == field


# Access -------------------------------------------------------------------------------------------

def test_another_organisations_survey_is_not_found(alice, charlie, globex, data):
    theirs = dashboard_data.other_organisation(globex, charlie)
    with pytest.raises(NotFound):
        dashboard(actor=alice.actor, survey=theirs, filters=DashboardFilters())
    mine = dashboard(actor=charlie.actor, survey=theirs, filters=DashboardFilters())
    assert mine.figures.n == 5


def test_a_role_without_survey_analytics_is_refused(carol, bob, data):
    for persona in (carol, bob):
        with pytest.raises(PermissionDenied):
            dashboard(actor=persona.actor, survey=data.survey, filters=DashboardFilters())


def test_a_viewer_may_read_it(acme, data):
    viewer = member(acme, Role.VIEWER, "dave@acme.test")
    assert dashboard(actor=viewer, survey=data.survey, filters=DashboardFilters()).figures.n == 150


# Cost ---------------------------------------------------------------------------------------------

def test_the_number_of_queries_does_not_grow_with_the_data(alice, data, django_assert_num_queries):
    filters = DashboardFilters(unit_id=data.warsaw.pk, touch_point_id=data.reception.pk)
    # units, versions, rollups, touch points, characteristics, the pre-service survey's rollups
    with django_assert_num_queries(6):
        dashboard(actor=alice.actor, survey=data.survey, filters=filters)


def test_it_reads_only_rollups_never_answers(alice, data):
    with CaptureQueriesContext(connection) as queries:
        dashboard(actor=alice.actor, survey=data.survey, filters=DashboardFilters())
    sql = " ".join(q["sql"] for q in queries)
    assert "surveys_answer" not in sql and "surveys_response" not in sql
    assert sum(1 for q in queries if "surveys_rollup" in q["sql"]) == 2  # its own, its pre-service survey's


# Versions -----------------------------------------------------------------------------------------

def test_versions_with_other_items_merge_into_their_union(alice, acme, data):
    """Version 2 drops check-in and adds wi-fi: the union is room, staff, wi-fi, check-in, and every
    figure equals the engine's on the responses of both versions, blank where an item was not asked."""
    wifi = ServiceCharacteristic.objects.create(organization=acme, name="Wi-fi", kind="facilities")
    items = [i for i in hotel_items(acme) if i.id != "checkin"]
    items.append(starter.RatedItem("wifi", starter.words("Wi-fi", "Wi-fi", "无线网络"), "wifi", wifi.pk))
    with clock.frozen(dashboard_data.NOW):
        authoring.save_draft(actor=alice.actor, survey=data.survey, draft=starter.post_service(items))
        authoring.publish_survey(actor=alice.actor, survey=data.survey)
        data.survey.refresh_from_db()
        newer = []
        for r in range(40):
            answers = full_answers(**{"chars.checkin": None, "chars.checkin.second": None, "chars.wifi": 1 + r % 5,
                                      "chars.wifi.second": 5, "chars.room": 1 + (r * 3) % 5, "purpose": "leisure"})
            day = dt.date(2026, 3, 1) + dt.timedelta(days=r % 20)
            submit_response(survey=data.survey, submission=Submission(
                answers, new_key(), complete=True,
                completed_at=dt.datetime.combine(day, dt.time(10), tzinfo=dashboard_data.WARSAW)))
            newer.append(dashboard_data.Given(answers, day, None, None, "link", "leisure"))
        while rollups.roll_up_pending():
            pass
    result = dashboard(actor=alice.actor, survey=data.survey, filters=DashboardFilters())
    assert result.versions == (2, 1)
    assert [i.id for i in result.figures.items] == ["room", "staff", "wifi", "checkin"]
    columns = ["chars.room", "chars.staff", "chars.wifi", "chars.checkin"]
    spec = {"scale": {"min": 1, "max": 5}, "satisfied_min": 4, "overall": "overall", "nps": "nps", "ces": "effort",
            "segment": "purpose", "period": {"column": "day", "by": "month"},
            "items": [{"id": key.split(".")[1], "satisfaction": key, "importance": f"{key}.second"} for key in columns]}
    header = [*columns, *(f"{c}.second" for c in columns), "overall", "nps", "effort", "purpose", "day"]
    rows = [[str(g.answers.get(c, "")) if c != "day" else g.day.isoformat() for c in header]
            for g in [*data.given, *newer]]
    parsed = measure.parse_spec(spec)
    expected = measure.analyze([measure.block_from_rows(header, rows, parsed)], parsed)
    assert expected["n"] == 190 and expected["drivers"] == []
    assert_equal_to_engine(result.figures, expected)


def test_the_satisfaction_degree_uses_the_expectations_of_the_linked_pre_service_survey(alice, acme):
    """standards.md §3.3: E_i = ē_i / Σ ē_j from the survey before the service, degree = Σ E_i · S_i."""
    items = hotel_items(acme)
    post = authoring.create_survey(actor=alice.actor, data={"name": "After"}, draft=starter.post_service(items))
    authoring.publish_survey(actor=alice.actor, survey=post)
    pre = authoring.create_survey(actor=alice.actor, data={"name": "Before", "purpose": "pre_service",
                                                           "expectations_for": post},
                                  draft=starter.pre_service(items))
    authoring.publish_survey(actor=alice.actor, survey=pre)
    post.refresh_from_db()
    pre.refresh_from_db()
    expected_ratings = [(5, 3, 4), (5, 2, 4), (4, 3, 5)]  # room, staff, checkin before the service
    for room, staff, checkin in expected_ratings:
        submit_response(survey=pre, submission=Submission(
            {"chars.room": room, "chars.staff": staff, "chars.checkin": checkin}, new_key(), complete=True))
    post_ratings = [(4, 5, 2), (3, 5, 3)]
    for room, staff, checkin in post_ratings:
        submit_response(survey=post, submission=Submission(
            full_answers(**{"chars.room": room, "chars.staff": staff, "chars.checkin": checkin}), new_key(),
            complete=True))
    while rollups.roll_up_pending():
        pass
    figures = dashboard(actor=alice.actor, survey=post, filters=DashboardFilters()).figures
    e = np.mean(np.array(expected_ratings, dtype=float), axis=0)
    weights = e / e.sum()
    scores = 100 * (np.mean(np.array(post_ratings, dtype=float), axis=0) - 1) / 4
    assert figures.degree.value == pytest.approx(float(weights @ scores), abs=TOLERANCE)
    assert dict(figures.expectation_weights) == pytest.approx(dict(zip(("room", "staff", "checkin"), weights, strict=True)))
    assert figures.expectation_n == 3 and figures.degree.ci_low < figures.degree.value < figures.degree.ci_high
    # by hand: ē = (14/3, 8/3, 13/3), Σ = 35/3, E = (14, 8, 13)/35; S = (62.5, 100, 37.5) → 2162.5/35
    assert figures.degree.value == pytest.approx(2162.5 / 35, abs=TOLERANCE)


def test_the_default_survey_is_the_latest_open_one_after_the_service():
    from csm.surveys.dashboards import default_survey
    from csm.surveys.models import Survey

    closure = Survey(name="closure", purpose="complaint_closure", status="open")
    guests = Survey(name="guests", purpose="post_service", status="open")
    old = Survey(name="old", purpose="post_service", status="closed")
    assert default_survey([closure, guests, old]) is guests
    assert default_survey([closure, old]) is closure
    assert default_survey([old]) is old and default_survey([]) is None
