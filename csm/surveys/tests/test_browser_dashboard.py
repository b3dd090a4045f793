"""Browser test: a real Chromium opens the satisfaction dashboard as a manager would, and plotly
(served from the plotly package) draws every chart; the blueprint heatmap and the tables are there.
Skipped where Debian's /usr/bin/chromium is missing; screenshots (desktop and phone) go to
test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest

from csm.catalogue.tests.factories import TouchFaceFactory, TouchLineFactory
from csm.surveys.tests import dashboard_data

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
CHARTS = 10

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_a_manager_sees_every_chart_and_the_heatmap_on_the_blueprint(chromium, live_server, alice, acme):
    data = dashboard_data.build(acme, alice)
    line = TouchLineFactory(service=data.service, name="Stay", points=[data.reception, data.restaurant])
    TouchFaceFactory(service=data.service, name="Front of house", touch_lines=[line])
    page = chromium()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("E-mail address").fill("alice@acme.test")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/o/acme/")

    page.goto(f"{live_server.url}/o/acme/surveys/dashboard/")
    page.wait_for_function(f"document.querySelectorAll('[data-chart] .main-svg').length >= {CHARTS}")
    assert page.locator("[data-chart]").count() == CHARTS
    assert page.locator("[data-chart][hidden]").count() == 0
    assert page.locator("[data-chart=chart-ipa-data] .main-svg").first.is_visible()
    assert page.locator(".heat-point").count() == 2
    assert page.get_by_role("heading", name="Touch points × characteristics on the blueprint").is_visible()
    assert errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "satisfaction-dashboard.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "satisfaction-dashboard-phone.png"), full_page=True)
