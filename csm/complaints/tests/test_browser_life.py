"""A complaint's whole life in a real browser (Debian Chromium): the public form, the acknowledgement
e-mail, the handler's assessment and decision, the complainant accepting it on the tracking page,
closure and the rating. The description carries an XSS payload: no dialog may open anywhere and the
text must show as text. Skipped, with the reason, where Chromium is missing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail

from csm.complaints.models import Complaint
from csm.complaints.tests.factories import SlaPolicyFactory
from csm.complaints.workflow import Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert("y")>'


def watch_dialogs(page, opened: list[str]) -> None:
    page.on("dialog", lambda dialog: (opened.append(dialog.message), dialog.dismiss()))


def file_complaint(page, base: str) -> str:
    page.goto(f"{base}/c/acme/complaint/")
    page.get_by_label("Your name").fill("Zofia Nowak")
    page.get_by_label("E-mail").fill("zofia@example.pl")
    page.get_by_label("What happened?").fill(f"The room was cold. {PAYLOAD}")
    page.locator("input[name=consent]").check()
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    return page.locator("a[href*='/track/']").first.get_attribute("href")


def handle_as_staff(page, base: str, complaint: Complaint) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("E-mail address").fill("alice@acme.test")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/o/acme/"))
    page.goto(f"{base}/o/acme/complaints/{complaint.pk}/")
    assert "&lt;script&gt;" in page.content()
    for action, fill in (("assess", assess), ("propose", propose), ("decide", lambda form: None)):
        panel = page.locator(f"#action-{action}")
        assert panel.count() == 1, action
        if panel.get_attribute("open") is None:
            panel.locator("summary").click()
        fill(panel)
        panel.locator("button[type=submit]").click()
        page.wait_for_load_state()


def assess(panel) -> None:
    panel.locator("select[name=assess-severity]").select_option("medium")
    panel.locator("select[name=assess-priority]").select_option("normal")


def propose(panel) -> None:
    panel.locator("select[name=propose-outcome]").select_option("upheld")
    panel.locator("textarea[name=propose-decision_text]").fill("We are sorry; we refund the night.")


def test_a_complaint_lives_its_whole_life_in_the_browser(chromium, live_server, acme, alice):
    SlaPolicyFactory(organization=acme)
    dialogs: list[str] = []
    customer = chromium()
    watch_dialogs(customer, dialogs)
    tracking = file_complaint(customer, live_server.url)
    complaint = Complaint.objects.get(organization=acme)
    assert complaint.status == Status.ACKNOWLEDGED
    private_path = tracking[tracking.index("/c/acme/track/"):]
    assert any(complaint.reference in m.subject and private_path in m.body for m in mail.outbox)
    if not tracking.startswith("http"):
        tracking = live_server.url + tracking

    staff = chromium()
    watch_dialogs(staff, dialogs)
    handle_as_staff(staff, live_server.url, complaint)
    complaint.refresh_from_db()
    assert complaint.status == Status.DECISION_COMMUNICATED

    customer.goto(tracking)
    assert "&lt;script&gt;" in customer.content()
    customer.get_by_role("button", name="Accept the decision").click()
    customer.wait_for_load_state()
    customer.goto(tracking.rstrip("/") + "/rate/?score=5")
    complaint.refresh_from_db()
    assert (complaint.status, complaint.rating) == (Status.CLOSED, None)  # a GET never rates
    customer.get_by_role("button", name="Send rating").click()
    customer.wait_for_load_state()
    ARTIFACTS.mkdir(exist_ok=True)
    customer.screenshot(path=str(ARTIFACTS / "complaint-rated.png"), full_page=True)

    complaint.refresh_from_db()
    assert (complaint.status, complaint.rating, complaint.customer_reaction) == (Status.CLOSED, 5, "accepted")
    assert dialogs == []
