"""The paper-form pages: batches, and keying in one form after another with a running count."""

from __future__ import annotations

import datetime as dt

import pytest

from csm.core import clock
from csm.surveys.models import PaperBatch, Response, ResponseStatus
from csm.surveys.services import paper
from csm.surveys.tests.factories import full_answers, published_survey

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 7, 6, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with clock.frozen(T0):
        yield


@pytest.fixture
def batch(alice, bob):
    survey = published_survey(alice)
    return paper.create_batch(actor=bob.actor, survey=survey, label="Lobby box", collected_on=dt.date(2026, 7, 3))


def batch_url(batch) -> str:
    return f"/o/acme/surveys/paper/{batch.pk}/"


def form_data(page, **answers) -> dict:
    """The keying page's hidden fields and `answers` as a browser would post them."""
    return {"form_key": page.context["form_key"], "language": page.context["language"],
            **{key: str(value) for key, value in answers.items()}}


def test_a_batch_is_started_and_opens_its_keying_page(alice, carol):
    survey = published_survey(alice)
    response = carol.browser().post("/o/acme/surveys/paper/", {"survey": survey.pk, "label": "Bar, June",
                                                               "collected_on": "2026-06-30"})
    batch = PaperBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch_url(batch)
    assert (batch.label, batch.collected_on, batch.keyed_by_id) == ("Bar, June", dt.date(2026, 6, 30), carol.user.pk)
    listing = carol.browser().get("/o/acme/surveys/paper/")
    assert "Bar, June" in listing.content.decode()


def test_a_batch_in_the_future_is_a_form_error(alice, carol):
    survey = published_survey(alice)
    response = carol.browser().post("/o/acme/surveys/paper/", {"survey": survey.pk, "label": "x",
                                                               "collected_on": "2026-07-09"})
    assert response.status_code == 422 and response.context["form"].errors["collected_on"]
    assert not PaperBatch.objects.exists()


def test_the_keying_page_shows_every_question_at_once(bob, batch):
    page = bob.browser().get(batch_url(batch))
    html = page.content.decode()
    assert page.status_code == 200
    assert [len(section["questions"]) for section in page.context["sections"]] == [2, 6]
    assert 'name="chars.room"' in html and 'name="nps"' in html and 'name="comment"' in html
    assert "Only when “Overall, how satisfied are you with our service?” ≤ 3." in html
    assert "0 forms keyed in this batch" in html


def test_forms_are_keyed_in_one_after_another_with_a_running_count(bob, batch):
    client = bob.browser()
    for _ in range(2):
        page = client.get(batch_url(batch))
        saved = client.post(batch_url(batch), form_data(page, **full_answers()))
        assert saved.status_code == 302 and saved["Location"] == batch_url(batch) + "?language=en"
    page = client.get(batch_url(batch) + "?language=pl")
    assert "2 forms keyed in this batch" in page.content.decode() and page.context["language"] == "pl"
    responses = Response.objects.filter(paper_batch=batch, status=ResponseStatus.COMPLETE)
    assert responses.count() == 2 and set(responses.values_list("channel", flat=True)) == {"paper"}


def test_a_double_click_saves_one_form(bob, batch):
    client = bob.browser()
    data = form_data(client.get(batch_url(batch)), **full_answers())
    client.post(batch_url(batch), data)
    again = client.post(batch_url(batch), data, follow=True)
    assert Response.objects.count() == 1
    assert "This form was already saved; it was not counted again." in again.content.decode()


def test_errors_are_shown_next_to_their_questions_and_nothing_is_saved(bob, batch):
    client = bob.browser()
    data = form_data(client.get(batch_url(batch)), **full_answers(nps=None, overall=None, why_low="Cold"))
    response = client.post(batch_url(batch), data)
    html = response.content.decode()
    assert response.status_code == 422 and not Response.objects.exists()
    # overall and nps are required; why_low is hidden while overall is blank
    assert response.context["error_count"] == 3 and not response.context["only_required_missing"]
    assert "This question does not apply to your earlier answer; leave it blank." in html
    assert 'id="q-nps-error"' in html and "Please answer this question." in html
    assert 'value="Cold"' not in html and ">Cold</textarea>" in html  # what was typed stays
    assert response.context["form_key"] == data["form_key"]


def test_a_form_with_blank_required_answers_can_be_kept_as_incomplete(bob, batch):
    client = bob.browser()
    data = form_data(client.get(batch_url(batch)), **full_answers(nps=None))
    refused = client.post(batch_url(batch), data)
    assert refused.status_code == 422 and refused.context["only_required_missing"]
    assert 'name="incomplete"' in refused.content.decode()
    kept = client.post(batch_url(batch), {**data, "incomplete": "1"})
    assert kept.status_code == 302 and Response.objects.get().status == ResponseStatus.PARTIAL


def test_other_organisations_see_no_batch(charlie, batch):
    assert charlie.browser().get(batch_url(batch)).status_code == 404
    assert charlie.browser().get(f"/o/globex/surveys/paper/{batch.pk}/").status_code == 404
    assert list(charlie.browser().get("/o/globex/surveys/paper/").context["batches"]) == []
