"""The plotly figures: the same numbers as the tables, Wilson intervals as error bars, the p-chart
with its limits and the months out of control marked; every figure is plain JSON."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from csm.complaints.analytics import complaint_analytics
from csm.complaints.analytics_charts import figures
from csm.complaints.models import ServiceVolume
from csm.complaints.tests.analytics_data import NOW, PERIOD, hand_built
from csm.core import clock

pytestmark = pytest.mark.django_db


def result_for(alice):
    with clock.frozen(NOW):
        return complaint_analytics(actor=alice.actor, period_start=PERIOD[0], period_end=PERIOD[1])


@pytest.fixture
def data(acme, globex):
    return hand_built(acme, globex)


def test_every_figure_is_plain_json_with_data_and_layout(alice, data):
    for name, figure in figures(result_for(alice)).items():
        assert set(figure) == {"data", "layout"}, name
        assert json.loads(json.dumps(figure)) == figure


def test_on_time_bars_are_percentages_with_wilson_error_bars(alice, data):
    result = result_for(alice)
    [trace] = figures(result)["on_time"]["data"]
    resolve = result.on_time[3].on_time
    assert trace["x"] == ["Acknowledge", "Assess", "Respond", "Resolve"]
    assert trace["y"] == [71.43, 66.67, 50.0, 40.0]
    assert trace["customdata"] == [7, 6, 6, 5]
    assert trace["error_y"]["array"][3] == round((resolve.high - resolve.p) * 100, 2)
    assert trace["error_y"]["arrayminus"][3] == round((resolve.p - resolve.low) * 100, 2)


def test_the_pareto_marks_the_vital_few_and_draws_the_80_percent_line(alice, data):
    figure = figures(result_for(alice))["pareto"]
    bars, cumulative = figure["data"]
    assert bars["y"] == [3, 3, 1, 1]
    assert bars["marker"]["color"] == ["#1f5fa8", "#1f5fa8", "#1f5fa8", "#7a8a99"]
    assert cumulative["y"] == [37.5, 75.0, 87.5, 100.0]
    assert figure["layout"]["shapes"][0]["y0"] == 80


def test_the_p_chart_draws_limits_and_marks_months_out_of_control(alice, data):
    # p̄ = 8 / 13,500 = 0.059 %; January's 3 of 1,000 (0.3 %) lies above its UCL p̄ + 3σ = 0.290 %.
    for month, volume in ((dt.date(2026, 1, 1), 1000), (dt.date(2026, 2, 1), 12500)):
        ServiceVolume.objects.create(organization=alice.organization, month=month, volume=volume)
    result = result_for(alice)
    points = result.rate_chart.chart.points
    p, centre, ucl, lcl, outside = figures(result)["p_chart"]["data"]
    assert p["y"] == [0.003, 0.0004]
    assert centre["y"] == [8 / 13500] * 2
    assert (ucl["y"], lcl["y"]) == ([pt.ucl for pt in points], [pt.lcl for pt in points])
    assert [pt.is_out_of_control for pt in points] == [True, False]
    assert outside["x"] == ["2026-01"]
