"""Building and publishing surveys (services): versions, what may not change between them, every
problem of a draft named with its place and nothing written, status moves that never touch the
responses, the linked expectation survey, and the item bank."""

from __future__ import annotations

import copy

import pytest

from csm.core.errors import Conflict, InvalidInput, PermissionDenied
from csm.core.models import AuditEvent
from csm.surveys import starter
from csm.surveys.models import Purpose, Response, Survey, SurveyItem, SurveyStatus, SurveyVersion
from csm.surveys.services import authoring
from csm.surveys.services.responding import Submission, submit_response
from csm.surveys.tests.factories import full_answers, hotel_items, new_key, published_survey

pytestmark = pytest.mark.django_db


def draft_survey(persona, **data) -> Survey:
    content = starter.start("post_service", hotel_items(persona.organization), anonymous=False)
    return authoring.create_survey(actor=persona.actor, data={"name": "Guest survey", **data}, draft=content)


def edited(persona, survey: Survey, change) -> Survey:
    draft = copy.deepcopy(survey.draft)
    change(draft)
    return authoring.save_draft(actor=persona.actor, survey=survey, draft=draft)


def test_publishing_makes_version_1_from_the_draft_and_opens_the_survey(alice):
    survey = draft_survey(alice)
    version = authoring.publish_survey(actor=alice.actor, survey=survey)
    survey.refresh_from_db()
    assert (version.number, version.content, version.published_by) == (1, survey.draft, alice.user)
    assert version.spec["items"][0] == {"id": "room", "satisfaction": "chars.room", "importance": "chars.room.second"}
    assert (survey.status, survey.current_version) == (SurveyStatus.OPEN, version)
    assert AuditEvent.objects.filter(action="published", changes={"version": [None, 1]}).count() == 1


def test_an_edited_draft_publishes_version_2_and_responses_keep_version_1(alice):
    survey = published_survey(alice)
    first = submit_response(survey=survey, submission=Submission(full_answers(), new_key(), complete=True)).response
    survey = edited(alice, survey, lambda d: d["title"].update(en="Tell us"))
    second = authoring.publish_survey(actor=alice.actor, survey=survey)
    survey.refresh_from_db()
    assert (second.number, survey.current_version_id) == (2, second.pk)
    assert SurveyVersion.objects.get(survey=survey, number=1).content["title"]["en"] == "How was your experience?"
    first.refresh_from_db()
    assert first.version.number == 1
    later = submit_response(survey=survey, submission=Submission(full_answers(), new_key(), complete=True)).response
    assert later.version.number == 2


def test_the_rating_scale_cannot_change_between_versions_and_nothing_is_written(alice):
    survey = published_survey(alice)

    def to_seven(draft):
        draft["scale"] = {"min": 1, "max": 7, "satisfied_min": 6}
        draft["pages"][0]["questions"][1]["scale"] = {"min": 1, "max": 7}

    survey = edited(alice, survey, to_seven)
    assert authoring.draft_problems(survey=survey) == [{"field": "draft.scale", "message": (
        "The rating scale cannot change between versions; make a new survey.")}]
    with pytest.raises(InvalidInput) as caught:
        authoring.publish_survey(actor=alice.actor, survey=survey)
    assert caught.value.detail[0]["field"] == "draft.scale"
    assert list(SurveyVersion.objects.values_list("number", flat=True)) == [1]


def test_publishing_an_unchanged_draft_is_a_conflict(alice):
    survey = published_survey(alice)
    with pytest.raises(Conflict) as caught:
        authoring.publish_survey(actor=alice.actor, survey=survey)
    assert str(caught.value.detail) == "Nothing has changed since version 1."
    assert SurveyVersion.objects.count() == 1


def test_anonymity_can_change_until_the_survey_is_published(alice):
    survey = draft_survey(alice)
    survey = edited(alice, survey, lambda d: d["pages"][1]["questions"].pop())  # no contact question
    authoring.update_survey(actor=alice.actor, survey=survey, data={"is_anonymous": True})
    authoring.publish_survey(actor=alice.actor, survey=survey)
    survey.refresh_from_db()
    with pytest.raises(Conflict):
        authoring.update_survey(actor=alice.actor, survey=survey, data={"is_anonymous": False})
    survey.refresh_from_db()
    assert survey.is_anonymous is True
    authoring.update_survey(actor=alice.actor, survey=survey, data={"is_anonymous": True, "name": "Renamed"})
    assert Survey.objects.get().name == "Renamed"


def test_an_invalid_draft_is_refused_with_every_problem_in_its_place_and_nothing_written(alice):
    survey = draft_survey(alice)

    def break_it(draft):
        draft["pages"][0]["questions"][0]["rows"][0]["label"].pop("pl")
        draft["pages"][1]["questions"][1]["text"] = {"en": "NPS?"}

    survey = edited(alice, survey, break_it)
    events = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as caught:
        authoring.publish_survey(actor=alice.actor, survey=survey)
    assert caught.value.detail == [
        {"field": "draft.pages[0].questions[0].rows[0].label.pl", "message": "is missing"},
        {"field": "draft.pages[1].questions[1].text.pl", "message": "is missing"},
    ]
    survey.refresh_from_db()
    assert (survey.status, survey.current_version_id) == (SurveyStatus.DRAFT, None)
    assert not SurveyVersion.objects.exists()
    assert AuditEvent.objects.count() == events


def test_an_anonymous_survey_cannot_publish_a_contact_question(alice):
    survey = draft_survey(alice, is_anonymous=True)
    assert authoring.draft_problems(survey=survey) == [
        {"field": "draft.pages[1].questions[5].type", "message": "an anonymous survey cannot ask for contact details"}]


def test_a_draft_that_is_not_an_object_is_not_kept(alice):
    survey = draft_survey(alice)
    with pytest.raises(InvalidInput):
        authoring.save_draft(actor=alice.actor, survey=survey, draft=["pages"])  # type: ignore[arg-type]
    assert Survey.objects.get().draft["title"]["en"] == "How was your experience?"


@pytest.mark.parametrize(("moves", "final"), [
    (["closed"], SurveyStatus.CLOSED), (["closed", "open"], SurveyStatus.OPEN),
    (["archived"], SurveyStatus.ARCHIVED), (["closed", "archived", "closed"], SurveyStatus.CLOSED),
])
def test_a_published_survey_moves_between_open_closed_and_archived(alice, moves, final):
    survey = published_survey(alice)
    for status in moves:
        authoring.set_survey_status(actor=alice.actor, survey=survey, status=status)
    assert Survey.objects.get().status == final


@pytest.mark.parametrize(("start", "status", "message"), [
    ("draft", "open", "Publish the survey first."), ("draft", "closed", "A survey that is draft cannot become closed."),
    ("open", "open", "A survey that is open cannot become open."),
    ("archived", "open", "A survey that is archived cannot become open."),
])
def test_a_status_move_the_rules_do_not_allow_is_a_conflict(alice, start, status, message):
    survey = draft_survey(alice) if start == "draft" else published_survey(alice)
    if start == "archived":
        authoring.set_survey_status(actor=alice.actor, survey=survey, status="archived")
    with pytest.raises(Conflict) as caught:
        authoring.set_survey_status(actor=alice.actor, survey=survey, status=status)
    assert str(caught.value.detail) == message
    assert Survey.objects.get().status == start


def test_closing_and_archiving_keep_every_response_and_its_version(alice):
    survey = published_survey(alice)
    submit_response(survey=survey, submission=Submission(full_answers(), new_key(), complete=True))
    submit_response(survey=survey, submission=Submission({"chars.room": 2}, new_key(), complete=False))
    before = list(Response.objects.order_by("pk").values("pk", "survey_id", "version_id", "status"))
    answers = sorted(Response.objects.values_list("answers__key", flat=True))
    for status in ("closed", "archived", "closed", "open"):
        authoring.set_survey_status(actor=alice.actor, survey=survey, status=status)
        assert list(Response.objects.order_by("pk").values("pk", "survey_id", "version_id", "status")) == before
    assert sorted(Response.objects.values_list("answers__key", flat=True)) == answers


def test_only_a_role_that_manages_surveys_may_publish_or_close(alice, bob):
    survey = draft_survey(alice)
    for write in (lambda: authoring.publish_survey(actor=bob.actor, survey=survey),
                  lambda: authoring.set_survey_status(actor=bob.actor, survey=survey, status="archived"),
                  lambda: authoring.save_draft(actor=bob.actor, survey=survey, draft={}),
                  lambda: authoring.update_survey(actor=bob.actor, survey=survey, data={"name": "x"})):
        with pytest.raises(PermissionDenied):
            write()
    survey.refresh_from_db()
    assert (survey.status, survey.name, survey.current_version_id) == (SurveyStatus.DRAFT, "Guest survey", None)


def test_a_pre_service_survey_names_the_post_service_survey_it_prepares(alice, charlie):
    post = draft_survey(alice)
    pre = authoring.create_survey(actor=alice.actor, data={"name": "Before", "purpose": Purpose.PRE_SERVICE,
                                                           "expectations_for": post})
    assert Survey.objects.get(pk=pre.pk).expectations_for == post
    with pytest.raises(InvalidInput) as caught:
        authoring.create_survey(actor=alice.actor, data={"name": "After", "expectations_for": post})
    assert caught.value.detail[0]["field"] == "expectations_for"
    with pytest.raises(InvalidInput):
        authoring.update_survey(actor=alice.actor, survey=pre, data={"expectations_for": pre})
    theirs = authoring.create_survey(actor=charlie.actor, data={"name": "Globex"})
    with pytest.raises(InvalidInput) as caught:
        authoring.update_survey(actor=alice.actor, survey=pre, data={"expectations_for": theirs})
    assert caught.value.detail == [{"field": "expectations_for", "message": "No such object in this organisation."}]
    assert Survey.objects.get(pk=pre.pk).expectations_for == post


def test_an_unknown_survey_field_is_refused(alice):
    with pytest.raises(InvalidInput) as caught:
        authoring.create_survey(actor=alice.actor, data={"name": "x", "public_key": "mine"})
    assert caught.value.detail == [{"field": "public_key", "message": "This field cannot be set."}]
    assert not Survey.objects.exists()


def test_an_item_needs_words_in_some_language_and_a_code_unique_in_the_organisation(alice, charlie):
    item = authoring.create_item(actor=alice.actor, data={"code": "room-clean", "text": {"pl": "Czystość"}})
    assert SurveyItem.objects.get().text == {"pl": "Czystość"}
    with pytest.raises(InvalidInput) as caught:
        authoring.create_item(actor=alice.actor, data={"code": "other", "text": {"en": "  "}})
    assert caught.value.detail == [{"field": "text", "message": "Give the wording in at least one language."}]
    with pytest.raises(InvalidInput) as caught:
        authoring.create_item(actor=alice.actor, data={"code": "room-clean", "text": {"en": "Again"}})
    assert caught.value.detail[0]["field"] == "code"
    authoring.create_item(actor=charlie.actor, data={"code": "room-clean", "text": {"en": "Theirs"}})
    authoring.update_item(actor=alice.actor, item=item, data={"is_active": False, "text": {"en": "Clean room"}})
    item.refresh_from_db()
    assert (item.is_active, item.text) == (False, {"en": "Clean room"})
