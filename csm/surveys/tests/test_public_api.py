"""The public survey API: answers checked like the form (a required question cannot be skipped),
an idempotent completion, partial then complete, a closed survey."""

from __future__ import annotations

import pytest
from django.test import Client

from csm.surveys.models import Response, SurveyStatus
from csm.surveys.services import authoring
from csm.surveys.tests.factories import full_answers, new_key, published_survey

pytestmark = pytest.mark.django_db


def _post(survey, body, key):
    return Client().post(f"/api/v1/public/surveys/{survey.public_key}/responses", body,
                         content_type="application/json", headers={"Idempotency-Key": key})


def test_it_reads_the_questions(alice):
    survey = published_survey(alice)
    body = Client().get(f"/api/v1/public/surveys/{survey.public_key}").json()
    assert body["version"] == 1 and body["content"]["pages"][0]["questions"][0]["id"] == "chars"


def test_a_completion_is_created_once_and_replayed(alice):
    survey = published_survey(alice)
    key = new_key()
    first = _post(survey, {"answers": full_answers()}, key)
    again = _post(survey, {"answers": full_answers()}, key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["status"] == "complete" and Response.objects.count() == 1
    assert Response.objects.get().channel == "api"


def test_the_api_cannot_skip_a_required_question(alice):
    survey = published_survey(alice)
    answer = _post(survey, {"answers": full_answers(overall=None)}, new_key())
    assert answer.status_code == 422
    assert answer.json()["detail"] == [{"field": "overall", "message": "this question is required"}]
    assert not Response.objects.exists()


def test_a_partial_response_is_continued_by_its_key(alice):
    survey = published_survey(alice)
    key = new_key()
    assert _post(survey, {"answers": {"chars.room": 3}, "complete": False}, key).json()["status"] == "partial"
    rest = {k: v for k, v in full_answers().items() if k != "chars.room"}
    assert _post(survey, {"answers": rest}, key).status_code == 201
    assert Response.objects.get().answers.get(key="chars.room").number == 3


def test_a_closed_survey_and_a_short_key_are_refused(alice):
    survey = published_survey(alice)
    assert _post(survey, {"answers": full_answers()}, "short").status_code == 422
    authoring.set_survey_status(actor=alice.actor, survey=survey, status=SurveyStatus.CLOSED)
    refused = _post(survey, {"answers": full_answers()}, new_key())
    assert refused.status_code == 409 and refused.json()["code"] == "survey_closed"


def test_a_touch_point_of_another_organisation_is_refused(alice, charlie):
    from csm.catalogue.models import Service, TouchPoint

    service = Service.objects.create(organization=charlie.organization, name="Shop")
    theirs = TouchPoint.objects.create(organization=charlie.organization, service=service, name="Desk",
                                       staffing="staffed", channel="in_person")
    survey = published_survey(alice)
    refused = _post(survey, {"answers": full_answers(), "touch_point_id": theirs.pk}, new_key())
    assert refused.status_code == 422 and not Response.objects.exists()


def test_closing_is_seen_at_once_by_this_process(alice):
    survey = published_survey(alice)
    assert _post(survey, {"answers": full_answers()}, new_key()).status_code == 201  # remembered now
    authoring.set_survey_status(actor=alice.actor, survey=survey, status=SurveyStatus.CLOSED)
    assert _post(survey, {"answers": full_answers()}, new_key()).status_code == 409
    assert Response.objects.count() == 1


def test_completions_are_rate_limited_per_ip_and_only_accepted_ones_count(alice, settings):
    from csm.complaints.models import IntakeCounter

    settings.CSM_SURVEY_RESPONSES_PER_IP_HOUR = 2
    survey = published_survey(alice)
    assert _post(survey, {"answers": {"chars.room": 3}, "complete": False}, new_key()).status_code == 201  # not counted
    assert _post(survey, {"answers": full_answers(overall=None)}, new_key()).status_code == 422  # refused: not counted
    assert [_post(survey, {"answers": full_answers()}, new_key()).status_code for _ in range(3)] == [201, 201, 429]
    assert Response.objects.filter(status="complete").count() == 2
    assert IntakeCounter.objects.get(key__startswith="survey:").count == 2


def test_past_hours_counters_are_swept(alice):
    import datetime as dt

    from csm.complaints.models import IntakeCounter
    from csm.core import clock
    from csm.surveys import respond_limits

    survey = published_survey(alice)
    _post(survey, {"answers": full_answers()}, new_key())
    assert respond_limits.delete_past_counters(now=clock.now()) == 0
    assert respond_limits.delete_past_counters(now=clock.now() + dt.timedelta(hours=1)) == 1
    assert not IntakeCounter.objects.exists()
