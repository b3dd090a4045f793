"""The staff survey endpoints: /api/v1/surveys (with their draft, publishing, status and versions),
/api/v1/survey-items and /api/v1/survey-follow-ups. Charlie (globex) gets 404 on every acme id and
sees none of acme's rows; bob (a complaint handler) reads surveys and closes follow-ups but may not
build or publish (403); carol (an inspector) may not see follow-ups. Refused writes change nothing.
These operations are listed under ELSEWHERE in config/tests/endpoints.py."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.test import Client

from csm.catalogue.models import Service, ServiceCharacteristic
from csm.surveys import starter
from csm.surveys.models import FollowUp, FollowUpStatus, Survey, SurveyItem, SurveyStatus, SurveyVersion
from csm.surveys.services import authoring
from csm.surveys.services.responding import Submission, submit_response
from csm.surveys.tests.factories import full_answers, hotel_items, new_key, published_survey

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "Not found.", "code": "not_found"}
DENIED = {"detail": "Your role does not allow this action.", "code": "permission_denied"}


def send(client: Client, method: str, path: str, body: Any = None) -> Any:
    return client.generic(method, path, json.dumps(body if body is not None else {}), content_type="application/json")


def warm(client: Client) -> Client:
    assert client.get("/api/v1/me").status_code == 200
    return client


def everything() -> list[Any]:
    return [list(model.objects.order_by("pk").values()) for model in (Survey, SurveyVersion, SurveyItem, FollowUp)]


def a_draft(persona) -> dict[str, Any]:
    return starter.start("post_service", hotel_items(persona.organization), anonymous=False)


# Surveys --------------------------------------------------------------------------------------------

def test_a_survey_is_created_with_its_draft_and_the_problems_that_stop_it_publishing(alice):
    service = Service.objects.create(organization=alice.organization, name="Stay")
    draft = a_draft(alice)
    draft["title"].pop("pl")
    response = send(alice.api(), "POST", "/api/v1/surveys", {"name": "Guests", "draft": draft,
                                                              "service_id": service.pk, "follow_up_at_most": 2})
    assert response.status_code == 201, response.content
    body = response.json()
    survey = Survey.objects.get()
    assert (body["id"], body["status"], body["current_version"], body["public_url"]) == (
        survey.pk, "draft", None, None)
    assert (body["service_id"], body["follow_up_at_most"], body["draft"]) == (service.pk, 2.0, draft)
    assert body["draft_problems"] == [{"field": "draft.title.pl", "message": "is missing"}]
    assert (body["complete_count"], body["partial_count"]) == (0, 0)


def test_the_list_pages_with_a_cursor_and_counts_each_surveys_responses(alice):
    first = published_survey(alice, name="One")
    submit_response(survey=first, submission=Submission(full_answers(), new_key(), complete=True))
    submit_response(survey=first, submission=Submission({"chars.room": 1}, new_key(), complete=False))
    second = authoring.create_survey(actor=alice.actor, data={"name": "Two"})
    client = alice.api()
    page = client.get("/api/v1/surveys?limit=1").json()
    assert [s["id"] for s in page["items"]] == [first.pk]
    assert (page["items"][0]["complete_count"], page["items"][0]["partial_count"]) == (1, 1)
    assert page["items"][0]["public_url"] == f"http://testserver/s/{first.public_key}/"
    assert page["items"][0]["current_version"] == 1 and "draft" not in page["items"][0]
    rest = client.get(f"/api/v1/surveys?limit=1&cursor={page['next_cursor']}").json()
    assert [s["id"] for s in rest["items"]] == [second.pk] and rest["next_cursor"] is None
    assert [s["name"] for s in client.get("/api/v1/surveys?status=draft").json()["items"]] == ["Two"]
    assert [s["name"] for s in client.get("/api/v1/surveys?q=on").json()["items"]] == ["One"]


def test_the_survey_list_costs_two_queries_whatever_its_length(alice, django_assert_num_queries):
    client = warm(alice.api())
    for rows in (2, 12):
        while Survey.objects.count() < rows:
            survey = published_survey(alice)
            submit_response(survey=survey, submission=Submission(full_answers(), new_key(), complete=True))
        with django_assert_num_queries(2):
            assert len(client.get("/api/v1/surveys?limit=100").json()["items"]) == rows


def test_the_item_and_follow_up_lists_cost_two_queries_whatever_their_length(alice, django_assert_num_queries):
    client = warm(alice.api())
    survey = published_survey(alice)
    for rows in (2, 12):
        while SurveyItem.objects.count() < rows:
            n = SurveyItem.objects.count()
            authoring.create_item(actor=alice.actor, data={"code": f"item-{n}", "text": {"en": "x"},
                                                           "characteristic": ServiceCharacteristic.objects.first()})
            submit_response(survey=survey, submission=Submission(full_answers(nps=1), new_key(), complete=True))
        with django_assert_num_queries(2):
            assert len(client.get("/api/v1/survey-items?limit=100").json()["items"]) == rows
        with django_assert_num_queries(2):
            assert len(client.get("/api/v1/survey-follow-ups?limit=100").json()["items"]) == rows


def test_a_survey_is_read_patched_and_its_draft_replaced(alice):
    survey = authoring.create_survey(actor=alice.actor, data={"name": "Guests"})
    client = alice.api()
    assert client.get(f"/api/v1/surveys/{survey.pk}").json()["draft_problems"][0]["field"] == "draft.languages"
    patched = send(client, "PATCH", f"/api/v1/surveys/{survey.pk}", {"name": "Hotel guests", "closes_at": None,
                                                                      "retention_days": 90})
    assert (patched.status_code, patched.json()["name"], patched.json()["retention_days"]) == (200, "Hotel guests", 90)
    saved = send(client, "PUT", f"/api/v1/surveys/{survey.pk}/draft", {"draft": a_draft(alice)})
    assert saved.status_code == 200 and saved.json()["draft_problems"] == []
    assert Survey.objects.get().draft == a_draft(alice)


def test_publishing_creates_versions_and_refuses_problems_and_repeats(alice):
    survey = authoring.create_survey(actor=alice.actor, data={"name": "Guests"}, draft=a_draft(alice))
    client = alice.api()
    published = send(client, "POST", f"/api/v1/surveys/{survey.pk}/publish")
    assert published.status_code == 201
    body = published.json()
    assert (body["number"], body["question_count"], body["content"]) == (1, 8, a_draft(alice))
    assert body["spec"]["overall"] == "overall" and body["published_by_id"] == alice.user.pk
    again = send(client, "POST", f"/api/v1/surveys/{survey.pk}/publish")
    assert again.status_code == 409 and again.json()["detail"] == "Nothing has changed since version 1."
    broken = copy.deepcopy(a_draft(alice))
    broken["pages"][1]["questions"][1]["type"] = "slider"
    broken["scale"]["satisfied_min"] = 9
    send(client, "PUT", f"/api/v1/surveys/{survey.pk}/draft", {"draft": broken})
    before = everything()
    refused = send(client, "POST", f"/api/v1/surveys/{survey.pk}/publish")
    assert refused.status_code == 422
    assert refused.json() == {"code": "validation_error", "detail": [
        {"field": "draft.scale.satisfied_min", "message": "must be on the scale"},
        {"field": "draft.pages[1].questions[1].type",
         "message": "must be one of rating, nps, ces, single, multiple, yes_no, text, matrix, contact"}]}
    assert everything() == before


def test_versions_are_listed_and_each_read_whole(alice):
    survey = published_survey(alice)
    draft = copy.deepcopy(survey.draft)
    draft["title"]["en"] = "Tell us"
    authoring.save_draft(actor=alice.actor, survey=survey, draft=draft)
    authoring.publish_survey(actor=alice.actor, survey=survey)
    client = alice.api()
    listed = client.get(f"/api/v1/surveys/{survey.pk}/versions").json()
    assert [(v["number"], v["question_count"]) for v in listed["items"]] == [(1, 8), (2, 8)]
    assert client.get(f"/api/v1/surveys/{survey.pk}/versions/2").json()["content"]["title"]["en"] == "Tell us"
    missing = client.get(f"/api/v1/surveys/{survey.pk}/versions/3")
    assert (missing.status_code, missing.json()) == (404, NOT_FOUND)
    assert client.get(f"/api/v1/surveys/{survey.pk}").json()["current_version"] == 2


def test_status_moves_keep_the_responses_and_a_move_not_allowed_is_a_conflict(alice):
    survey = published_survey(alice)
    submit_response(survey=survey, submission=Submission(full_answers(), new_key(), complete=True))
    client = alice.api()
    closed = send(client, "POST", f"/api/v1/surveys/{survey.pk}/status", {"status": "closed"})
    assert (closed.status_code, closed.json()["status"], closed.json()["complete_count"]) == (200, "closed", 1)
    draft = authoring.create_survey(actor=alice.actor, data={"name": "Draft"})
    refused = send(client, "POST", f"/api/v1/surveys/{draft.pk}/status", {"status": "open"})
    assert (refused.status_code, refused.json()["detail"]) == (409, "Publish the survey first.")
    assert send(client, "POST", f"/api/v1/surveys/{survey.pk}/status", {"status": "draft"}).status_code == 422
    assert Survey.objects.get(pk=survey.pk).status == SurveyStatus.CLOSED


def test_anonymity_is_fixed_once_published(alice):
    survey = published_survey(alice)
    response = send(alice.api(), "PATCH", f"/api/v1/surveys/{survey.pk}", {"is_anonymous": True})
    assert response.status_code == 409 and not Survey.objects.get().is_anonymous


def test_a_draft_with_nul_characters_is_refused(alice):
    survey = authoring.create_survey(actor=alice.actor, data={"name": "Guests"})
    response = send(alice.api(), "PUT", f"/api/v1/surveys/{survey.pk}/draft", {"draft": {"title": {"en": "a\x00"}}})
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "draft"
    assert Survey.objects.get().draft == {}


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/api/v1/surveys", {"name": "Mine"}),
    ("PATCH", "/api/v1/surveys/{id}", {"name": "Mine"}),
    ("PUT", "/api/v1/surveys/{id}/draft", {"draft": {}}),
    ("POST", "/api/v1/surveys/{id}/publish", None),
    ("POST", "/api/v1/surveys/{id}/status", {"status": "closed"}),
    ("POST", "/api/v1/survey-items", {"code": "x", "text": {"en": "X"}}),
])
def test_bob_may_not_build_or_publish_and_nothing_changes(alice, bob, method, path, body):
    survey = published_survey(alice)
    draft = copy.deepcopy(survey.draft)
    draft["title"]["en"] = "Changed"
    authoring.save_draft(actor=alice.actor, survey=survey, draft=draft)
    before = everything()
    response = send(bob.api(), method, path.format(id=survey.pk), body)
    assert (response.status_code, response.json()) == (403, DENIED)
    assert everything() == before


def test_bob_and_carol_read_surveys_versions_and_items(alice, bob, carol):
    survey = published_survey(alice)
    authoring.create_item(actor=alice.actor, data={"code": "x", "text": {"en": "X"}})
    for persona in (bob, carol):
        client = persona.api()
        for path in ("/api/v1/surveys", f"/api/v1/surveys/{survey.pk}", f"/api/v1/surveys/{survey.pk}/versions",
                     f"/api/v1/surveys/{survey.pk}/versions/1", "/api/v1/survey-items"):
            assert client.get(path).status_code == 200, path


# Charlie sees nothing of acme's ---------------------------------------------------------------------

def acme_objects(alice) -> dict[str, int]:
    survey = published_survey(alice)
    submit_response(survey=survey, submission=Submission(full_answers(nps=0), new_key(), complete=True))
    item = authoring.create_item(actor=alice.actor, data={"code": "acme", "text": {"en": "Acme"}})
    return {"survey": survey.pk, "item": item.pk, "follow_up": FollowUp.objects.get().pk}


CHARLIE_CALLS = [
    ("GET", "/api/v1/surveys/{survey}", None), ("PATCH", "/api/v1/surveys/{survey}", {"name": "Mine"}),
    ("PUT", "/api/v1/surveys/{survey}/draft", {"draft": {}}), ("POST", "/api/v1/surveys/{survey}/publish", None),
    ("POST", "/api/v1/surveys/{survey}/status", {"status": "closed"}),
    ("GET", "/api/v1/surveys/{survey}/versions", None), ("GET", "/api/v1/surveys/{survey}/versions/1", None),
    ("GET", "/api/v1/survey-items/{item}", None), ("PATCH", "/api/v1/survey-items/{item}", {"code": "mine"}),
    ("POST", "/api/v1/survey-follow-ups/{follow_up}/close", {"note": "done"}),
]


@pytest.mark.parametrize(("method", "path", "body"), CHARLIE_CALLS, ids=[f"{m} {p}" for m, p, _ in CHARLIE_CALLS])
def test_charlie_gets_not_found_on_acme_ids_and_nothing_changes(alice, charlie, method, path, body):
    ids = acme_objects(alice)
    before = everything()
    response = send(charlie.api(), method, path.format(**ids), body)
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert everything() == before


def test_charlies_lists_hold_only_globex_rows(alice, charlie):
    acme_objects(alice)
    mine = published_survey(charlie, name="Globex")
    client = charlie.api()
    assert [s["id"] for s in client.get("/api/v1/surveys").json()["items"]] == [mine.pk]
    assert client.get("/api/v1/survey-items").json()["items"] == []
    assert client.get("/api/v1/survey-follow-ups?status=all").json()["items"] == []


def test_charlie_cannot_create_anything_that_refers_to_acme(alice, charlie):
    ids = acme_objects(alice)
    acme_service = Service.objects.create(organization=alice.organization, name="Acme stay")
    acme_characteristic = ServiceCharacteristic.objects.filter(organization=alice.organization).first()
    client = charlie.api()
    before = everything()
    for path, body, field in [
        ("/api/v1/surveys", {"name": "x", "service_id": acme_service.pk}, "service_id"),
        ("/api/v1/surveys", {"name": "x", "purpose": "pre_service", "expectations_for_id": ids["survey"]},
         "expectations_for_id"),
        ("/api/v1/survey-items", {"code": "x", "text": {"en": "x"}, "characteristic_id": acme_characteristic.pk},
         "characteristic_id"),
    ]:
        response = send(client, "POST", path, body)
        assert response.status_code == 422, response.content
        assert response.json()["detail"] == [{"field": field, "message": "No such object in this organisation."}]
    assert everything() == before


# The item bank --------------------------------------------------------------------------------------

def test_an_item_is_created_read_and_patched(alice):
    characteristic = ServiceCharacteristic.objects.create(organization=alice.organization, name="Staff", kind="staff")
    client = alice.api()
    created = send(client, "POST", "/api/v1/survey-items", {"code": "staff", "text": {"en": "Staff", "zh-Hans": "员工"},
                                                             "characteristic_id": characteristic.pk})
    assert created.status_code == 201
    body = created.json()
    assert (body["code"], body["text"], body["characteristic_id"], body["is_active"]) == (
        "staff", {"en": "Staff", "zh-Hans": "员工"}, characteristic.pk, True)
    patched = send(client, "PATCH", f"/api/v1/survey-items/{body['id']}", {"is_active": False,
                                                                           "characteristic_id": None})
    assert (patched.json()["is_active"], patched.json()["characteristic_id"]) == (False, None)
    assert client.get("/api/v1/survey-items?is_active=true").json()["items"] == []
    for bad, field in [({"code": "x", "text": {"de": "X"}}, "text.de.[key]"), ({"code": "a b", "text": {"en": "X"}}, "code"),
                       ({"code": "y", "text": {"en": " "}}, "text"), ({"code": "staff", "text": {"en": "X"}}, "code")]:
        response = send(client, "POST", "/api/v1/survey-items", bad)
        assert response.status_code == 422 and response.json()["detail"][0]["field"] == field, bad
    assert SurveyItem.objects.count() == 1


# Follow-ups -----------------------------------------------------------------------------------------

def test_follow_ups_are_listed_by_status_and_closed_with_a_note(alice, bob, carol):
    survey = published_survey(alice)
    response = submit_response(survey=survey, submission=Submission(full_answers(nps=4), new_key(),
                                                                    complete=True)).response
    follow_up = FollowUp.objects.get()
    client = bob.api()
    (listed,) = client.get("/api/v1/survey-follow-ups").json()["items"]
    assert (listed["id"], listed["reason"], listed["status"], listed["response_id"], listed["survey_id"]) == (
        follow_up.pk, "detractor", "open", response.pk, survey.pk)
    assert listed["responded_at"] == response.completed_at.isoformat().replace("+00:00", "Z")
    closed = send(client, "POST", f"/api/v1/survey-follow-ups/{follow_up.pk}/close", {"note": "Called back."})
    assert closed.status_code == 200 and (closed.json()["status"], closed.json()["note"]) == ("done", "Called back.")
    assert client.get("/api/v1/survey-follow-ups").json()["items"] == []
    assert len(client.get("/api/v1/survey-follow-ups?status=done").json()["items"]) == 1
    assert send(client, "POST", f"/api/v1/survey-follow-ups/{follow_up.pk}/close", {"note": "x"}).status_code == 409
    assert FollowUp.objects.get().note == "Called back." and FollowUp.objects.get().status == FollowUpStatus.DONE
    assert carol.api().get("/api/v1/survey-follow-ups").status_code == 403
