"""Browser test: a real Chromium opens the analytics page and plotly (served from the plotly
package) draws every chart. Skipped where Debian's /usr/bin/chromium is missing; a screenshot goes
to test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest

from csm.complaints.tests.analytics_data import hand_built

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_plotly_draws_every_chart_of_the_analytics_page(chromium, live_server, alice, globex):
    hand_built(alice.organization, globex)
    page = chromium()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("E-mail address").fill("alice@acme.test")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/o/acme/")

    page.goto(f"{live_server.url}/o/acme/complaints/analytics/?from=2026-01-01&to=2026-02-28")
    page.wait_for_function("document.querySelectorAll('[data-chart] .main-svg').length >= 12")
    charts = page.locator("[data-chart]")
    assert charts.count() == 12
    assert page.locator("[data-chart][hidden]").count() == 0
    assert page.locator("[data-chart=chart-pareto-data] .main-svg").first.is_visible()
    assert errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "complaint-analytics.png"), full_page=True)
