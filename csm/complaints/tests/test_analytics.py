"""The analytics selector on the hand-built data set of analytics_data.py: exact numbers for every
measure, the period and unit filters, isolation between organisations and a pinned query count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from scipy.stats import binomtest

from csm.complaints import analytics
from csm.complaints.analytics import complaint_analytics
from csm.complaints.tests.analytics_data import NOW, PERIOD, add_volumes, at, hand_built, make_complaint
from csm.complaints.tests.factories import member
from csm.core import clock, stats
from csm.core.errors import InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(acme, globex):
    return hand_built(acme, globex)


def read(persona, period=PERIOD, unit=None):
    with clock.frozen(NOW):
        return complaint_analytics(actor=persona.actor, period_start=period[0], period_end=period[1], unit_id=unit)


def counts(rows):
    return [(row.label, row.count) for row in rows]


def test_volumes_group_the_cohort_by_category_channel_touch_point_and_unit(alice, data):
    result = read(alice)
    assert result.total == 8
    assert counts(result.by_category) == [("Cleanliness", 3), ("Noise", 3), ("Billing", 1), ("No category", 1)]
    assert counts(result.by_channel) == [("Web", 4), ("Phone", 2), ("E-mail", 1), ("Letter", 1)]
    assert counts(result.by_touch_point) == [("Lift", 3), ("Reception", 3), ("No touch point", 2)]
    assert counts(result.by_unit) == [("Front desk", 4), ("Spa", 2), ("Airport", 1), ("No unit", 1)]
    assert [row.key for row in result.by_channel] == ["web", "phone", "email", "letter"]
    assert result.by_category[-1].key == ""
    assert result.by_category[0].key == str(data["categories"]["cleanliness"].pk)


def test_every_share_carries_its_n_and_a_wilson_interval(alice, data):
    web = read(alice).by_channel[0].share
    expected = binomtest(4, 8).proportion_ci(method="wilson")
    assert (web.successes, web.n, web.p) == (4, 8, 0.5)
    assert (web.low, web.high) == (pytest.approx(expected.low), pytest.approx(expected.high))


def test_the_pareto_table_is_the_category_volumes(alice, data):
    pareto = read(alice).pareto
    assert pareto.n == 8
    assert [(b.label, b.count, b.cumulative_share, b.is_vital_few) for b in pareto.bars] == [
        ("Cleanliness", 3, 0.375, True), ("Noise", 3, 0.75, True), ("Billing", 1, 0.875, True),
        ("No category", 1, 1.0, False)]


def test_step_times_are_median_and_p90_in_calendar_hours(alice, data):
    result = read(alice)
    assert result.time_unit == "calendar_hours"
    assert {t.step: (t.hours.n, t.hours.median, t.hours.p90) for t in result.timings} == {
        # [0.5, 1, 1, 2, 2, 12]: h = 2.5 -> 1.5; h = 4.5 -> 2 + 0.5 * 10
        "acknowledge": (6, 1.5, 7.0),
        # [48, 72, 96, 120]: h = 1.5 -> 84; h = 2.7 -> 96 + 0.7 * 24
        "respond": (4, 84.0, pytest.approx(112.8)),
        # [96, 120, 240]: h = 1 -> 120; h = 1.8 -> 120 + 0.8 * 120
        "resolve": (3, 120.0, pytest.approx(216.0)),
    }


def test_on_time_rates_count_done_steps_and_overdue_ones_but_not_those_still_running(alice, data):
    on_time = {row.step: (row.on_time.successes, row.on_time.n) for row in read(alice).on_time}
    assert on_time == {"acknowledge": (5, 7), "assess": (4, 6), "respond": (3, 6), "resolve": (2, 5)}


def test_on_time_rates_have_wilson_intervals(alice, data):
    resolve = read(alice).on_time[3].on_time
    expected = binomtest(2, 5).proportion_ci(method="wilson")
    assert (resolve.p, resolve.low, resolve.high) == (0.4, pytest.approx(expected.low), pytest.approx(expected.high))


def test_reopen_and_outcome_rates(alice, data):
    result = read(alice)
    assert (result.reopen.successes, result.reopen.n) == (1, 3)
    assert [(o.outcome, o.share.successes, o.share.n) for o in result.outcomes] == [
        ("upheld", 2, 4), ("partly_upheld", 1, 4), ("not_upheld", 1, 4)]


def test_remedy_costs_are_decimals_rounded_half_up(alice, data):
    costs = read(alice).remedy_costs
    assert (costs.n, costs.total, costs.mean) == (3, Decimal("100.05"), Decimal("33.35"))
    assert [(r.label, r.n, r.total, r.mean) for r in costs.by_remedy] == [
        ("Refund", 2, Decimal("80.05"), Decimal("40.03")),  # 40.025 rounds up
        ("Voucher", 1, Decimal("20.00"), Decimal("20.00"))]


def test_backlog_ages_the_open_complaints_in_whole_day_buckets(alice, data):
    backlog = read(alice).backlog
    assert backlog.n == 5
    assert [(b.low_days, b.high_days, b.count) for b in backlog.buckets] == [
        (0, 2, 1), (3, 7, 1), (8, 14, 1), (15, 30, 1), (31, None, 1)]
    # ages 1.667, 3.125, 10.125, 29.521, 41.125 days
    assert backlog.age_days.median == pytest.approx(10.125)
    assert backlog.age_days.p90 == pytest.approx(29.520833 + 0.6 * (41.125 - 29.520833))


def test_months_count_receipts_in_the_organisations_timezone_and_closures_by_closing_date(alice, data):
    months = read(alice).months
    assert [(m.month, m.received, m.closed, m.volume) for m in months] == [
        (dt.date(2026, 1, 1), 3, 3, None),  # c3 came at 00:30 on 1 February in Warsaw
        (dt.date(2026, 2, 1), 5, 1, None)]


def test_without_volumes_the_chart_falls_back_to_on_time_resolution(alice, data):
    chart = read(alice).rate_chart
    assert chart.kind == analytics.ON_TIME_RESOLUTION
    assert chart.chart.centre == 0.4
    assert [(p.label, p.x, p.n) for p in chart.chart.points] == [("2026-01", 2, 3), ("2026-02", 0, 2)]


def test_with_volumes_the_p_chart_shows_the_complaint_rate(alice, data):
    add_volumes(alice.organization, data["units"]["hotel"])
    result = read(alice)
    assert [m.volume for m in result.months] == [1000, 1250]
    chart = result.rate_chart
    assert chart.kind == analytics.RATE
    assert chart.chart.centre == 8 / 2250
    assert [(p.label, p.x, p.n) for p in chart.chart.points] == [("2026-01", 3, 1000), ("2026-02", 5, 1250)]
    assert chart.chart == stats.p_chart([("2026-01", 3, 1000), ("2026-02", 5, 1250)])


def test_the_rate_chart_uses_whole_months_only(alice, data):
    add_volumes(alice.organization, data["units"]["hotel"])
    chart = read(alice, period=(dt.date(2026, 1, 15), PERIOD[1])).rate_chart
    assert [(p.label, p.x, p.n) for p in chart.chart.points] == [("2026-02", 5, 1250)]


def test_a_unit_covers_the_units_below_it_and_uses_its_own_volume(alice, data):
    add_volumes(alice.organization, data["units"]["hotel"])
    result = read(alice, unit=data["units"]["hotel"].pk)
    assert (result.total, result.unit_name) == (6, "Hotel")
    assert counts(result.by_unit) == [("Front desk", 4), ("Spa", 2)]
    assert [(p.label, p.x, p.n) for p in result.rate_chart.chart.points] == [("2026-01", 3, 600)]
    assert read(alice, unit=data["units"]["spa"].pk).total == 2


def test_the_period_filter_keeps_only_complaints_received_in_it(alice, data):
    result = read(alice, period=(dt.date(2026, 2, 1), dt.date(2026, 2, 28)))
    assert result.total == 5
    assert [m.month for m in result.months] == [dt.date(2026, 2, 1)]
    january = read(alice, period=(dt.date(2026, 1, 1), dt.date(2026, 1, 31)))
    assert (january.total, january.months[0].closed) == (3, 3)


def test_charlie_sees_only_globex(charlie, data):
    result = read(charlie)
    assert result.total == 1
    assert counts(result.by_channel) == [("Chat", 1)]
    assert result.months[0].closed == 1


def test_a_unit_of_another_organisation_is_refused(charlie, data):
    with pytest.raises(InvalidInput) as raised:
        read(charlie, unit=data["units"]["hotel"].pk)
    assert raised.value.detail == [{"field": "unit", "message": "No such object in this organisation."}]


@pytest.mark.parametrize(("start", "end"), [((2026, 3, 1), (2026, 2, 1)), ((2010, 1, 1), (2026, 1, 1))])
def test_a_backwards_or_overlong_period_is_refused(alice, start, end):
    with pytest.raises(InvalidInput) as raised:
        read(alice, period=(dt.date(*start), dt.date(*end)))
    assert raised.value.detail[0]["field"] == "to"


def test_complaint_handlers_do_not_see_analytics(bob, data):
    with pytest.raises(PermissionDenied):
        read(bob)


@pytest.mark.parametrize("role", ["quality_manager", "assessor", "viewer"])
def test_monitoring_roles_see_analytics(acme, data, role):
    actor = member(acme, role, f"{role}@acme.test")
    with clock.frozen(NOW):
        assert complaint_analytics(actor=actor, period_start=PERIOD[0], period_end=PERIOD[1]).total == 8


def test_the_query_count_does_not_grow_with_the_data(alice, data, django_assert_num_queries):
    hotel = data["units"]["hotel"]
    for extra in (0, 30):
        for day in range(extra):
            make_complaint(alice.organization, at(1, 1 + day % 28), unit=data["units"]["desk"],
                           category=data["categories"]["noise"], closed_at=at(2, 1))
        with django_assert_num_queries(10):
            read(alice)
        with django_assert_num_queries(11):
            read(alice, unit=hotel.pk)
    assert read(alice).total == 38


def test_default_period_is_the_last_twelve_calendar_months():
    assert analytics.default_period(dt.date(2026, 3, 16)) == (dt.date(2025, 4, 1), dt.date(2026, 3, 16))
    assert analytics.default_period(dt.date(2026, 12, 31)) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
