"""Paper forms keyed in by staff: batches, the date and place of each form, and no form counted twice."""

from __future__ import annotations

import datetime as dt

import pytest

from csm.accounts.models import Unit
from csm.accounts.roles import Role
from csm.catalogue.tests.factories import TouchPointFactory
from csm.complaints.tests.factories import member
from csm.core import clock
from csm.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from csm.surveys.models import PaperBatch, Response, ResponseChannel, ResponseStatus
from csm.surveys.services import paper
from csm.surveys.tests.factories import full_answers, published_survey

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 7, 6, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with clock.frozen(T0):
        yield


@pytest.fixture
def batch(alice, carol):
    survey = published_survey(alice)
    unit = Unit.objects.create(organization=alice.organization, kind="site", name="Seaside hotel")
    touch_point = TouchPointFactory(service__organization=alice.organization, name="Lobby box")
    return paper.create_batch(actor=carol.actor, survey=survey, label="Lobby box, week 27",
                              collected_on=dt.date(2026, 7, 3), unit=unit, touch_point=touch_point)


def test_a_keyed_form_is_a_paper_response_dated_noon_of_the_collection_day(carol, batch):
    outcome = paper.key_in_form(actor=carol.actor, batch=batch, answers=full_answers(), language="pl",
                                form_key=paper.new_form_key(batch))
    response = outcome.response
    assert outcome.created and response.channel == ResponseChannel.PAPER and response.paper_batch_id == batch.pk
    assert response.completed_at == dt.datetime(2026, 7, 3, 10, 0, tzinfo=dt.UTC)  # 12:00 in Warsaw (CEST)
    assert (response.unit_id, response.touch_point_id, response.language) == (batch.unit_id, batch.touch_point_id, "pl")


def test_the_same_form_posted_twice_counts_once(carol, batch):
    key = paper.new_form_key(batch)
    first = paper.key_in_form(actor=carol.actor, batch=batch, answers=full_answers(), language="en", form_key=key)
    again = paper.key_in_form(actor=carol.actor, batch=batch, answers=full_answers(), language="en", form_key=key)
    assert not again.created and again.response.pk == first.response.pk and Response.objects.count() == 1


def test_a_form_with_blank_required_questions_can_be_kept_as_incomplete(carol, batch):
    answers = full_answers(nps=None, overall=None)
    with pytest.raises(InvalidInput) as caught:
        paper.key_in_form(actor=carol.actor, batch=batch, answers=answers, language="en",
                          form_key=paper.new_form_key(batch))
    assert {item["field"] for item in caught.value.detail} == {"nps", "overall"} and not Response.objects.exists()
    kept = paper.key_in_form(actor=carol.actor, batch=batch, answers=answers, language="en",
                             form_key=paper.new_form_key(batch), complete=False).response
    assert kept.status == ResponseStatus.PARTIAL and kept.completed_at is None


def test_a_form_key_of_another_batch_is_refused(alice, carol, batch):
    other = paper.create_batch(actor=carol.actor, survey=batch.survey, label="Bar", collected_on=dt.date(2026, 7, 1))
    with pytest.raises(Conflict):
        paper.key_in_form(actor=carol.actor, batch=batch, answers=full_answers(), language="en",
                          form_key=paper.new_form_key(other))
    assert not Response.objects.exists()


def test_a_batch_cannot_be_collected_in_the_future_or_somewhere_else(alice, carol, charlie):
    survey = published_survey(alice)
    with pytest.raises(InvalidInput) as caught:
        paper.create_batch(actor=carol.actor, survey=survey, label="x", collected_on=dt.date(2026, 7, 7))
    assert caught.value.detail[0]["field"] == "collected_on"
    elsewhere = Unit.objects.create(organization=charlie.organization, kind="site", name="Globex HQ")
    with pytest.raises(InvalidInput) as caught:
        paper.create_batch(actor=carol.actor, survey=survey, label="x", collected_on=dt.date(2026, 7, 6), unit=elsewhere)
    assert caught.value.detail[0]["field"] == "unit" and not PaperBatch.objects.exists()


def test_only_staff_who_key_in_of_the_organisation_may(alice, charlie, batch):
    viewer = member(alice.organization, Role.VIEWER, "vera@acme.test")
    with pytest.raises(PermissionDenied):
        paper.key_in_form(actor=viewer, batch=batch, answers=full_answers(), language="en",
                          form_key=paper.new_form_key(batch))
    with pytest.raises(NotFound):
        paper.key_in_form(actor=charlie.actor, batch=batch, answers=full_answers(), language="en",
                          form_key=paper.new_form_key(batch))
    assert not Response.objects.exists()
