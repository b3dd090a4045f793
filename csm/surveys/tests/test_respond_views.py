"""The respondent's pages: a two-page survey answered by link, resumed, completed once; kiosk
without cookies; an invitation; required questions and closed surveys."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from csm.surveys.models import Response, ResponseStatus, SurveyStatus
from csm.surveys.services import authoring
from csm.surveys.tests.factories import published_survey

pytestmark = pytest.mark.django_db

PAGE_1 = {"chars.room": "4", "chars.staff": "5", "chars.checkin": "3", "chars.room.second": "5",
          "chars.staff.second": "4", "chars.checkin.second": "3", "overall": "4", "go": "next"}
PAGE_2 = {"purpose": "leisure", "nps": "10", "effort": "6", "comment": "Great", "go": "next"}


def _url(survey, name="respond"):
    return reverse(f"surveys_public:{name}", args=[survey.public_key])


def _key(page) -> str:
    text = page.content.decode()
    start = text.index('name="submission_key" value="') + len('name="submission_key" value="')
    return text[start:text.index('"', start)]


def test_a_respondent_answers_two_pages_and_is_counted_once(alice):
    survey = published_survey(alice)
    client = Client()
    first = client.get(_url(survey) + "?lang=pl")
    assert first.status_code == 200 and "Jak oceniasz naszą obsługę?" in first.content.decode()
    key = _key(first)
    moved = client.post(_url(survey), {**PAGE_1, "submission_key": key, "page": "1", "lang": "pl"})
    assert moved.status_code == 302 and "page=2" in moved["Location"]
    response = Response.objects.get()
    assert response.status == ResponseStatus.PARTIAL and response.language == "pl"
    done = client.post(_url(survey), {**PAGE_2, "submission_key": key, "page": "2", "lang": "pl"})
    assert done.status_code == 302
    thanks = client.get(done["Location"])
    assert "Dziękujemy za odpowiedzi." in thanks.content.decode()
    again = client.post(_url(survey), {**PAGE_2, "submission_key": key, "page": "2", "lang": "pl"})
    assert again.status_code == 200 and Response.objects.filter(status="complete").count() == 1
    assert Response.objects.get().answers.get(key="nps").number == 10


def test_a_partial_response_resumes_from_the_cookie(alice):
    survey = published_survey(alice)
    client = Client()
    key = _key(client.get(_url(survey)))
    client.post(_url(survey), {**PAGE_1, "submission_key": key, "page": "1"})
    back = client.get(_url(survey) + "?page=1")
    assert _key(back) == key and 'value="4" checked' in back.content.decode()


def test_a_required_question_left_blank_is_shown_with_its_message(alice):
    survey = published_survey(alice)
    client = Client()
    key = _key(client.get(_url(survey)))
    page = client.post(_url(survey), {**PAGE_1, "overall": "", "submission_key": key, "page": "1"})
    assert page.status_code == 422 and "Please answer this question." in page.content.decode()
    assert 'name="chars.room" value="4" checked' in page.content.decode()  # what was given stays given
    assert not Response.objects.exists()


def test_the_kiosk_sets_no_cookie_and_starts_again(alice):
    survey = published_survey(alice)
    client = Client()
    first = client.get(_url(survey, "kiosk"))
    assert not first.cookies and first.status_code == 200
    key = _key(first)
    step = client.post(_url(survey, "kiosk"), {**PAGE_1, "submission_key": key, "page": "1"})
    assert not step.cookies
    done = client.post(_url(survey, "kiosk"), {**PAGE_2, "submission_key": key, "page": "2"})
    thanks = client.get(done["Location"])
    assert 'http-equiv="refresh"' in thanks.content.decode() and not thanks.cookies
    fresh = client.get(_url(survey, "kiosk"))
    assert _key(fresh) != key
    assert Response.objects.get().channel == "kiosk"


def test_a_closed_survey_says_so(alice):
    survey = published_survey(alice)
    authoring.set_survey_status(actor=alice.actor, survey=survey, status=SurveyStatus.CLOSED)
    page = Client().get(_url(survey))
    assert "This survey is closed" in page.content.decode()


def test_an_unknown_link_is_a_plain_404(db):
    assert Client().get("/s/nothing-here/").status_code == 404
