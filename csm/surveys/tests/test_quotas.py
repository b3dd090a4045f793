"""Quotas: adding them checks the question and value; their fill counts complete responses."""

from __future__ import annotations

import pytest

from csm.core.errors import InvalidInput, NotFound, PermissionDenied
from csm.core.models import AuditEvent
from csm.surveys.distribution_selectors import list_quotas
from csm.surveys.models import Quota, QuotaAction
from csm.surveys.services.quotas import add_quota, delete_quota
from csm.surveys.services.responding import Submission, submit_response
from csm.surveys.tests.factories import full_answers, new_key, published_survey

pytestmark = pytest.mark.django_db


def answer(survey, **overrides) -> None:
    submit_response(survey=survey, submission=Submission(full_answers(**overrides), new_key(), complete=True))


def test_quotas_on_a_segment_an_option_and_a_score_count_their_complete_responses(alice):
    survey = published_survey(alice)
    business = add_quota(actor=alice.actor, survey=survey, question="", value="business", limit=2,
                         action=QuotaAction.CLOSE)
    leisure = add_quota(actor=alice.actor, survey=survey, question="purpose", value="leisure", limit=5,
                        action=QuotaAction.MESSAGE, message="We have enough answers from leisure guests.")
    promoters = add_quota(actor=alice.actor, survey=survey, question="nps", value="10", limit=1,
                          action=QuotaAction.MESSAGE)
    answer(survey)
    answer(survey, purpose="leisure", nps=10)
    answer(survey, purpose="leisure", nps=3)
    submit_response(survey=survey, submission=Submission({"chars.room": 1}, new_key(), complete=False))
    fills = {fill.quota.pk: (fill.filled, fill.is_full) for fill in list_quotas(actor=alice.actor, survey=survey)}
    assert fills == {business.pk: (1, False), leisure.pk: (2, False), promoters.pk: (1, True)}
    assert leisure.message == {"en": "We have enough answers from leisure guests."} and promoters.value == "10"


@pytest.mark.parametrize(("question", "value", "limit", "field"), [
    ("purpose", "space", 5, "value"),
    ("nps", "11", 5, "value"),
    ("comment", "x", 5, "question"),
    ("nope", "1", 5, "question"),
    ("", "", 5, "value"),
    ("", "vip", 0, "limit"),
])
def test_a_quota_that_could_never_match_is_refused(alice, question, value, limit, field):
    survey = published_survey(alice)
    with pytest.raises(InvalidInput) as caught:
        add_quota(actor=alice.actor, survey=survey, question=question, value=value, limit=limit,
                  action=QuotaAction.MESSAGE)
    assert caught.value.detail[0]["field"] == field and not Quota.objects.exists()


def test_deleting_a_quota_is_audited(alice):
    survey = published_survey(alice)
    quota = add_quota(actor=alice.actor, survey=survey, question="", value="vip", limit=3, action=QuotaAction.CLOSE)
    delete_quota(actor=alice.actor, quota=quota)
    assert not Quota.objects.exists()
    assert list(AuditEvent.objects.filter(object_type="surveys.quota").values_list("action", flat=True)
                .order_by("id")) == ["created", "deleted"]


def test_only_survey_managers_of_the_organisation_edit_quotas(alice, bob, charlie):
    survey = published_survey(alice)
    with pytest.raises(PermissionDenied):
        add_quota(actor=bob.actor, survey=survey, question="", value="vip", limit=3, action=QuotaAction.CLOSE)
    with pytest.raises(NotFound):
        add_quota(actor=charlie.actor, survey=survey, question="", value="vip", limit=3, action=QuotaAction.CLOSE)
    quota = add_quota(actor=alice.actor, survey=survey, question="", value="vip", limit=3, action=QuotaAction.CLOSE)
    with pytest.raises(NotFound):
        delete_quota(actor=charlie.actor, quota=quota)
    assert Quota.objects.count() == 1
