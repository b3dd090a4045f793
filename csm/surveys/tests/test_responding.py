"""Answering: partial and resumed, idempotent completion, required and hidden questions enforced,
single-use invitations, anonymity in the table, closed surveys and quotas."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from csm.core.errors import Conflict, InvalidInput
from csm.surveys.models import (
    Contact,
    Invitation,
    Quota,
    QuotaAction,
    Response,
    ResponseStatus,
    SurveyStatus,
    SurveyVersion,
)
from csm.surveys.services import authoring
from csm.surveys.services.responding import QuotaFull, Submission, SurveyClosed, submit_response, token_digest
from csm.surveys.tests.factories import full_answers, new_key, published_survey

pytestmark = pytest.mark.django_db


def test_it_completes_a_response_with_every_answer(alice):
    survey = published_survey(alice)
    outcome = submit_response(survey=survey, submission=Submission(full_answers(), new_key(), complete=True))
    response = outcome.response
    assert outcome.created and response.status == ResponseStatus.COMPLETE and response.segment == "business"
    assert dict(response.answers.filter(number__isnull=False).values_list("key", "number")) == {
        "chars.room": 4, "chars.staff": 5, "chars.checkin": 3, "chars.room.second": 5, "chars.staff.second": 4,
        "chars.checkin.second": 3, "overall": 4, "nps": 9, "effort": 6}
    assert response.answers.get(key="comment").text == "Lovely stay"


def test_submitting_twice_counts_once(alice):
    survey = published_survey(alice)
    key = new_key()
    first = submit_response(survey=survey, submission=Submission(full_answers(), key, complete=True))
    again = submit_response(survey=survey, submission=Submission(full_answers(nps=2), key, complete=True))
    assert not again.created and again.response.pk == first.response.pk
    assert Response.objects.count() == 1 and again.response.answers.get(key="nps").number == 9


def test_a_partial_response_is_resumed_and_keeps_its_version(alice):
    survey = published_survey(alice)
    key = new_key()
    submit_response(survey=survey, submission=Submission({"chars.room": 2}, key, complete=False))
    survey.draft["title"]["en"] = "Tell us"
    authoring.save_draft(actor=alice.actor, survey=survey, draft=survey.draft)
    authoring.publish_survey(actor=alice.actor, survey=survey)
    rest = {k: v for k, v in full_answers().items() if k != "chars.room"}
    done = submit_response(survey=survey, submission=Submission(rest, key, complete=True)).response
    assert done.version.number == 1 and done.answers.get(key="chars.room").number == 2
    assert Response.objects.count() == 1


def test_a_required_question_cannot_be_skipped(alice):
    survey = published_survey(alice)
    with pytest.raises(InvalidInput) as caught:
        submit_response(survey=survey, submission=Submission(full_answers(nps=None), new_key(), complete=True))
    assert caught.value.detail == [{"field": "nps", "message": "this question is required"}]
    assert not Response.objects.exists()


def test_an_answer_to_a_hidden_question_is_rejected(alice):
    survey = published_survey(alice)
    with pytest.raises(InvalidInput) as caught:
        submit_response(survey=survey, submission=Submission(full_answers(overall=5, why_low="meh"), new_key(),
                                                             complete=True))
    assert caught.value.detail[0]["field"] == "why_low" and "hidden" in caught.value.detail[0]["message"]
    shown = submit_response(survey=survey, submission=Submission(full_answers(overall=2, why_low="Cold room"),
                                                                 new_key(), complete=True))
    assert shown.response.answers.get(key="why_low").text == "Cold room"


@pytest.mark.parametrize(("key", "value", "message"), [
    ("chars.room", 6, "must be a whole number from 1 to 5"), ("nps", "x", "must be a whole number from 0 to 10"),
    ("purpose", "space", "'space' is not one of the options"), ("nope", 1, "no such question"),
])
def test_bad_answers_are_named_by_key(alice, key, value, message):
    survey = published_survey(alice)
    with pytest.raises(InvalidInput) as caught:
        submit_response(survey=survey, submission=Submission(full_answers(**{key: value}), new_key(), complete=True))
    assert {"field": key, "message": message} in caught.value.detail


def test_a_closed_survey_takes_nothing_and_keeps_its_responses(alice):
    survey = published_survey(alice)
    submit_response(survey=survey, submission=Submission(full_answers(), new_key(), complete=True))
    authoring.set_survey_status(actor=alice.actor, survey=survey, status=SurveyStatus.CLOSED)
    authoring.set_survey_status(actor=alice.actor, survey=survey, status=SurveyStatus.ARCHIVED)
    survey.refresh_from_db()
    with pytest.raises(SurveyClosed):
        submit_response(survey=survey, submission=Submission(full_answers(), new_key(), complete=True))
    assert Response.objects.filter(survey=survey).count() == 1


def _invitation(survey, email="guest@example.test") -> tuple[Invitation, str]:
    contact = Contact.objects.create(organization_id=survey.organization_id, email=email, segment="vip")
    token = new_key()
    invitation = Invitation.objects.create(organization_id=survey.organization_id, survey=survey, contact=contact,
                                           token_digest=token_digest(token), source="csv")
    return invitation, token


def test_an_invitation_is_single_use(alice):
    survey = published_survey(alice)
    invitation, token = _invitation(survey)
    key = new_key()
    first = submit_response(survey=survey, submission=Submission(full_answers(purpose=None), key, complete=True,
                                                                 invitation_token=token))
    assert first.response.invitation_id == invitation.pk and first.response.segment == "vip"
    retry = submit_response(survey=survey, submission=Submission(full_answers(), key, complete=True,
                                                                 invitation_token=token))
    assert retry.response.pk == first.response.pk
    with pytest.raises(Conflict) as caught:
        submit_response(survey=survey, submission=Submission(full_answers(), new_key(), complete=True,
                                                             invitation_token=token))
    assert caught.value.code == "invitation_spent"


def test_an_anonymous_response_links_no_contact_even_by_invitation(alice):
    survey = published_survey(alice, anonymous=True)
    invitation, token = _invitation(survey)
    response = submit_response(survey=survey, submission=Submission(
        full_answers(contact_me=None), new_key(), complete=True, invitation_token=token)).response
    assert response.contact_id is None and response.invitation_id is None and response.is_anonymous
    invitation.refresh_from_db()
    assert invitation.spent_at is not None
    response.contact = invitation.contact
    with pytest.raises(IntegrityError), transaction.atomic():
        response.save()


def test_published_versions_are_immutable(alice):
    survey = published_survey(alice)
    version = SurveyVersion.objects.get(survey=survey)
    version.content = {}
    with pytest.raises(Exception, match="immutable"):
        version.save()
    with pytest.raises(Exception, match="immutable"):
        SurveyVersion.objects.filter(pk=version.pk).update(content={})


@pytest.mark.parametrize("action", [QuotaAction.MESSAGE, QuotaAction.CLOSE])
def test_a_full_quota_counts_no_more(alice, action):
    survey = published_survey(alice)
    Quota.objects.create(organization=alice.organization, survey=survey, value="business", limit=1, action=action,
                         message={"en": "We have enough business travellers."})
    submit_response(survey=survey, submission=Submission(full_answers(), new_key(), complete=True))
    expected = QuotaFull if action == QuotaAction.MESSAGE else SurveyClosed
    with pytest.raises(expected):
        submit_response(survey=survey, submission=Submission(full_answers(), new_key(), complete=True))
    leisure = submit_response(survey=survey, submission=Submission(full_answers(purpose="leisure"), new_key(),
                                                                   complete=True)) if action == "message" else None
    assert Response.objects.filter(status="complete").count() == (2 if leisure else 1)
