"""Browser smoke test: a real Chromium signs in, switches language and opens the blueprint.

Skipped, with the reason printed, where Debian's /usr/bin/chromium is missing. Screenshots go to
test-artifacts/ for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from csm.catalogue import services as catalogue
from csm.core.models import AuditEvent

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"

pytestmark = [pytest.mark.browser]


@pytest.fixture
def page(chromium):
    return chromium()


@pytest.fixture
def blueprint(alice):
    actor = alice.actor
    service = catalogue.create_service(actor=actor, name="Accommodation")
    points = [
        catalogue.create_touch_point(actor=actor, service=service, name=name, staffing=staffing, channel=channel)
        for name, staffing, channel in [
            ("Booking website", "unstaffed", "web"),
            ("Reception desk", "staffed", "in_person"),
            ("Guest room", "unstaffed", "in_person"),
        ]
    ]
    line = catalogue.create_touch_line(actor=actor, service=service, name="Guest journey", direction="one_way",
                                       touch_point_ids=[p.pk for p in points])
    catalogue.create_touch_face(actor=actor, service=service, name="Lobby", openness="fully_open",
                                touch_point_ids=[points[1].pk], touch_line_ids=[line.pk])
    return service


@pytest.mark.django_db(transaction=True)
def test_a_manager_signs_in_switches_language_and_sees_the_blueprint(page, live_server, alice, blueprint):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("E-mail address").fill("alice@acme.test")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/o/acme/")
    assert page.locator("main").is_visible()

    page.goto(f"{live_server.url}/o/acme/catalogue/blueprint/?service={blueprint.pk}")
    svg = page.locator("svg[role=img]")
    assert svg.is_visible()
    assert svg.locator("text", has_text="Reception desk").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "blueprint-en.png"), full_page=True)

    page.locator("select[name=language]").select_option("pl")
    page.locator("form[action$='setlang/'] button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "pl"
    page.screenshot(path=str(ARTIFACTS / "blueprint-pl.png"), full_page=True)
    assert AuditEvent.objects.filter(organization=alice.organization, action="created").count() >= 5
