"""The one-statement completion on PostgreSQL (outside a transaction): the response, its answers and
the rate-limit count together; a retry returns the first; a refusal leaves nothing written."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from csm.complaints.models import IntakeCounter
from csm.core.errors import RateLimited
from csm.surveys import respond_limits
from csm.surveys.models import Answer, Response
from csm.surveys.services.responding import Submission, submit_response
from csm.surveys.tests.factories import full_answers, new_key, published_survey

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement completion exists on PostgreSQL only (SQLite uses a transaction)")


def _submit(survey, key, **answers):
    return submit_response(survey=survey, submission=Submission(full_answers(**answers), key, complete=True),
                           version=survey.current_version, has_quotas=False,
                           count=respond_limits.counter(survey_id=survey.pk, ip="192.0.2.1", kiosk=False))


def test_a_completion_is_one_statement_and_a_retry_returns_it(alice):
    survey = published_survey(alice)
    assert survey.current_version is not None  # loaded before counting, as the API's cache has it
    key = new_key()
    with CaptureQueriesContext(connection) as queries:
        first = _submit(survey, key)
    assert first.created and len(queries) == 1 and "csm_refuse_intake" in queries[0]["sql"]
    again = _submit(survey, key)
    assert not again.created and again.response.pk == first.response.pk
    stored = Response.objects.get()
    assert (stored.pk, stored.status, stored.segment, stored.channel) == (first.response.pk, "complete", "business",
                                                                          "link")
    assert dict(Answer.objects.filter(response=stored, number__isnull=False).values_list("key", "number"))["nps"] == 9
    assert Answer.objects.get(response=stored, key="comment").text == "Lovely stay"
    assert IntakeCounter.objects.get().count == 1


def test_a_refusal_writes_nothing(alice, settings):
    settings.CSM_SURVEY_RESPONSES_PER_IP_HOUR = 1
    survey = published_survey(alice)
    _submit(survey, new_key())
    with pytest.raises(RateLimited):
        _submit(survey, new_key())
    assert Response.objects.count() == 1 and Answer.objects.count() == len(full_answers())
    assert IntakeCounter.objects.get().count == 1


def test_a_detractor_takes_the_full_path_with_its_follow_up(alice):
    survey = published_survey(alice)
    outcome = _submit(survey, new_key(), nps=3)
    assert outcome.created and outcome.response.follow_up.reason == "detractor"
