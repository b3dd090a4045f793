"""The quality manager's way through in a real browser (Debian Chromium): a survey made from the
starter with items of the bank, a question added in the builder (htmx redraws the form), the check
listing what is missing, publishing, and the public link answering. Screenshots go to /tmp.
Skipped, with the reason, where Chromium is missing."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from csm.catalogue.models import ServiceCharacteristic
from csm.surveys.models import Survey, SurveyItem, SurveyStatus
from csm.surveys.starter import words

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir())


def item_bank(organization) -> None:
    for code, text, kind in (("staff-friendly", words("Friendly staff", "Uprzejmy personel", "员工友好"), "staff"),
                             ("room-clean", words("Clean room", "Czysty pokój", "客房整洁"), "venue")):
        characteristic = ServiceCharacteristic.objects.create(organization=organization, name=text["en"], kind=kind)
        SurveyItem.objects.create(organization=organization, code=code, text=text, characteristic=characteristic)


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("E-mail address").fill("alice@acme.test")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/o/acme/"))


def create_from_starter(page, base: str) -> None:
    page.goto(f"{base}/o/acme/surveys/")
    page.get_by_role("link", name="New survey").first.click()
    page.get_by_label("Name").fill("Hotel guests")
    page.get_by_label(re.compile("staff-friendly")).check()
    page.get_by_label(re.compile("room-clean")).check()
    page.screenshot(path=str(SHOTS / "survey-create.png"), full_page=True)
    page.get_by_role("button", name="Create the survey").click()
    page.wait_for_url(re.compile(r".*/builder/$"))


def add_question(page) -> None:
    page.locator("select[name='p1.new_type']").select_option("yes_no")
    with page.expect_response(re.compile(r".*/builder/$")):
        page.get_by_role("button", name="Add to page 2").click()
    question = page.locator("#q-1-6")
    question.wait_for()
    # The new question's first field gets the focus once htmx has swapped and settled the form.
    page.wait_for_function("document.activeElement && document.activeElement.name === 'p1.q6.text.en'",
                           timeout=10_000)
    question.locator("textarea[name='p1.q6.text.en']").fill("Would you stay with us again?")
    question.locator("textarea[name='p1.q6.text.pl']").fill("Czy zatrzymałbyś się u nas ponownie?")
    with page.expect_response(re.compile(r".*/builder/$")):
        page.get_by_role("button", name="Check").click()
    problems = page.locator("#problems")
    assert "Page 2, question 7 (yes_no)" in problems.inner_text() and "text.zh-Hans" in problems.inner_text()
    page.screenshot(path=str(SHOTS / "survey-builder-check.png"))
    page.locator("#problems a").first.click()
    page.locator("textarea[name='p1.q6.text.zh-Hans']").fill("您还会再次入住吗？")
    page.locator("input[name='p1.q6.id']").fill("stay_again")
    with page.expect_response(re.compile(r".*/builder/$")):
        page.get_by_role("button", name="Check").click()
    assert "No problems: the draft can be published." in page.locator("#problems").inner_text()
    page.screenshot(path=str(SHOTS / "survey-builder.png"), full_page=True)


def test_alice_builds_publishes_and_opens_a_survey(chromium, live_server, alice):
    item_bank(alice.organization)
    dialogs: list[str] = []
    page = chromium()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, live_server.url)
    create_from_starter(page, live_server.url)
    add_question(page)
    page.get_by_role("button", name="Publish as version 1").click()
    page.wait_for_url(re.compile(r".*/surveys/\d+/$"))
    assert "Version 1 is published." in page.locator(".messages").inner_text()
    page.screenshot(path=str(SHOTS / "survey-detail.png"), full_page=True)
    survey = Survey.objects.get()
    assert survey.status == SurveyStatus.OPEN and survey.current_version.number == 1
    stay_again = survey.current_version.content["pages"][1]["questions"][6]
    assert (stay_again["id"], stay_again["text"]["zh-Hans"]) == ("stay_again", "您还会再次入住吗？")
    page.goto(page.locator("#public-link").get_attribute("href"))
    assert page.locator("h1").inner_text() == "How was your experience?"
    assert page.get_by_text("Friendly staff").count() == 1
    page.screenshot(path=str(SHOTS / "survey-public.png"), full_page=True)
    page.goto(f"{live_server.url}/o/acme/surveys/{survey.pk}/preview/?lang=pl")
    assert page.get_by_text("Czy zatrzymałbyś się u nas ponownie?").count() == 1
    page.screenshot(path=str(SHOTS / "survey-preview.png"), full_page=True)
    assert dialogs == []
