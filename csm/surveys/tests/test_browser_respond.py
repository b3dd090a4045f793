"""A respondent answers a survey on a phone-sized screen, in Polish and in Chinese, in a real browser
(Debian Chromium): two pages, a display condition that shows a question only after a low overall
rating, a required question the page insists on, and one complete response at the end. Screenshots
go to test-artifacts/. Skipped, with the reason, where Chromium is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from csm.surveys.models import Response
from csm.surveys.tests.factories import published_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
PHONE = {"width": 390, "height": 844}


def _rate(page, name: str, value: int) -> None:
    page.locator(f"input[name='{name}'][value='{value}']").check(force=True)


@pytest.mark.parametrize(("lang", "locale", "next_label", "send_label", "thanks"), [
    ("pl", "pl-PL", "Następna", "Wyślij odpowiedzi", "Dziękujemy za odpowiedzi."),
    ("zh-Hans", "zh-CN", "下一页", "提交答案", "感谢您的回答。"),
])
def test_a_respondent_answers_on_a_phone(alice, live_server, chromium, lang, locale, next_label, send_label, thanks):
    survey = published_survey(alice)
    page = chromium(locale=locale)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/s/{survey.public_key}/?lang={lang}")
    for row in ("room", "staff", "checkin"):
        _rate(page, f"chars.{row}", 4)
        _rate(page, f"chars.{row}.second", 5)
    page.get_by_role("button", name=next_label).click()
    page.wait_for_load_state()
    assert page.locator("#q-overall .field-error").count() == 1  # the overall rating is required
    _rate(page, "overall", 2)
    page.get_by_role("button", name=next_label).click()
    page.wait_for_load_state()
    # "What should we have done better?" shows only after an overall rating of 3 or less (page 1).
    page.locator("#q-why_low textarea").fill("Zimny pokój" if lang == "pl" else "房间太冷")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"survey-phone-{lang}.png"), full_page=True)
    _rate(page, "nps", 6)
    page.get_by_role("button", name=send_label).click()
    page.wait_for_load_state()
    assert thanks in page.content()
    response = Response.objects.get()
    assert (response.status, response.language, response.answers.get(key="overall").number) == ("complete", lang, 2)
    assert response.answers.get(key="why_low").text in ("Zimny pokój", "房间太冷")
