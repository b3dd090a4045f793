"""Conducting and issuing an assessment through the services, with the personas."""

from __future__ import annotations

import datetime as dt

import pytest

from csm.accounts.roles import Role
from csm.assessments.models import (
    Answer,
    Assessment,
    Certificate,
    Evidence,
    ImmutableError,
    ImprovementItem,
    Report,
    Status,
)
from csm.assessments.scoring import result_to_json, score_assessment
from csm.assessments.selectors import answer_records, assessed_questions, protocol_of
from csm.assessments.services import conducting, issuing
from csm.assessments.snapshot import digest
from csm.assessments.tests.factories import answer_all, member, open_assessment
from csm.core import clock
from csm.core.errors import Conflict, InvalidInput, PermissionDenied
from csm.core.models import AuditEvent

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


def test_it_opens_an_assessment_on_the_current_protocol_with_the_lead_in_the_team(alice):
    dora = member(alice.organization, "dora@acme.test")
    assessment = open_assessment(alice, standards=("ISO10004", "ISO10002"), lead=dora, mode="independent")
    assert assessment.protocol_version == "1.0"
    assert assessment.standards == ["ISO10002", "ISO10004"]  # protocol order
    assert set(assessment.team.values_list("email", flat=True)) == {"dora@acme.test"}
    assert AuditEvent.objects.filter(action="assessment.opened", object_id=str(assessment.pk)).count() == 1


@pytest.mark.parametrize(("change", "field"), [
    ({"standards": ()}, "standards"), ({"standards": ("ISO9001",)}, "standards"),
    ({"mode": "peer"}, "mode"), ({"title": "  "}, "title"),
])
def test_it_refuses_a_bad_header_and_writes_nothing(alice, change, field):
    with pytest.raises(InvalidInput) as caught:
        open_assessment(alice, **change)
    assert field in {e["field"] for e in caught.value.detail}
    assert not Assessment.objects.exists()


def test_the_lead_assessor_must_be_a_member_who_may_assess(alice, bob, charlie):
    for lead in (bob, charlie):  # a complaint handler; someone of another organisation
        with pytest.raises(InvalidInput) as caught:
            open_assessment(alice, lead=lead)
        assert caught.value.detail[0]["field"] == "lead_assessor"
    with pytest.raises(PermissionDenied):
        open_assessment(bob)  # a complaint handler may not open one
    assert not Assessment.objects.exists()


def test_answers_follow_the_rules_and_only_the_team_may_give_them(alice):
    assessment = open_assessment(alice)
    key = next(q for q in assessed_questions(assessment) if q.key)
    plain = next(q for q in assessed_questions(assessment) if not q.key)
    with pytest.raises(InvalidInput, match="key question cannot be marked N/A"):
        conducting.save_answer(actor=alice.actor, assessment=assessment, question_id=key.id, score=None, is_na=True,
                               na_reason="not us")
    with pytest.raises(InvalidInput, match="does not apply"):
        conducting.save_answer(actor=alice.actor, assessment=assessment, question_id=plain.id, score=None, is_na=True)
    with pytest.raises(InvalidInput, match="0, 1, 2 or 3"):
        conducting.save_answer(actor=alice.actor, assessment=assessment, question_id=plain.id, score=4)
    with pytest.raises(InvalidInput, match="No such question"):
        conducting.save_answer(actor=alice.actor, assessment=assessment, question_id="ISO10004-6.1-1", score=2)
    outsider = member(alice.organization, "erin@acme.test", Role.QUALITY_MANAGER)
    with pytest.raises(PermissionDenied):
        conducting.save_answer(actor=outsider.actor, assessment=assessment, question_id=plain.id, score=2)
    assert not Answer.objects.exists()
    conducting.save_answer(actor=alice.actor, assessment=assessment, question_id=plain.id, score=None, is_na=True,
                           na_reason="We sell nothing online")
    assert Answer.objects.get().na_reason == "We sell nothing online"


def test_evidence_links_must_point_at_this_organisation_s_records(alice, charlie):
    assessment = open_assessment(alice)
    qid = assessed_questions(assessment)[0].id
    other = open_assessment(charlie, title="Globex")
    for kind, ref, message in (("complaint", "NOPE-1", "No complaint"), ("survey", "abc", "No survey"),
                               ("url", "javascript:alert(1)", "full web address"), ("", "", "Describe the evidence")):
        with pytest.raises(InvalidInput, match=message):
            conducting.add_evidence(actor=alice.actor, assessment=assessment, data=conducting.EvidenceData(
                question_id=qid, type="D", link_kind=kind, link_ref=ref))
    assert not Evidence.objects.exists()
    evidence = conducting.add_evidence(actor=alice.actor, assessment=assessment, data=conducting.EvidenceData(
        question_id=qid, type="R", link_kind="url", link_ref="https://intranet.acme.test/policy"))
    assert (evidence.link_label, evidence.type) == ("https://intranet.acme.test/policy", "R")
    with pytest.raises(PermissionDenied):
        conducting.add_evidence(actor=charlie.actor, assessment=assessment, data=conducting.EvidenceData(
            question_id=qid, type="D", note="x"))
    assert other.organization_id != assessment.organization_id


def test_submitting_needs_every_question_answered(alice):
    assessment = open_assessment(alice)
    first = assessed_questions(assessment)[0]
    conducting.save_answer(actor=alice.actor, assessment=assessment, question_id=first.id, score=3)
    with pytest.raises(Conflict, match="44 questions are not answered yet"):
        conducting.submit_for_review(actor=alice.actor, assessment=assessment)
    answer_all(alice, assessment)
    conducting.submit_for_review(actor=alice.actor, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.status == Status.IN_REVIEW
    with pytest.raises(Conflict):  # no longer editable
        conducting.save_answer(actor=alice.actor, assessment=assessment, question_id=first.id, score=1)


def _submitted(persona, scorer=lambda q: (2, "D"), **kwargs):
    assessment = open_assessment(persona, **kwargs)
    answer_all(persona, assessment, scorer)
    conducting.submit_for_review(actor=persona.actor, assessment=assessment)
    return assessment


def test_only_the_lead_signs_off_and_the_report_freezes_the_scoring(alice):
    dora = member(alice.organization, "dora@acme.test")
    assessment = _submitted(alice, lambda q: (3 if q.key else 2, "D" if q.weight > 1 else "I"), lead=dora,
                            team=(alice,))
    with pytest.raises(PermissionDenied):
        issuing.sign_off(actor=alice.actor, assessment=assessment)
    with clock.frozen(NOW):
        report = issuing.sign_off(actor=dora.actor, assessment=assessment)
    expected = result_to_json(score_assessment(protocol_of(assessment), assessment.standards,
                                               [r.as_input() for r in answer_records(assessment)]))
    snapshot = report.snapshot
    assert snapshot["overall"] == expected["overall"]
    assert [{k: s[k] for k in expected["standards"][0]} for s in snapshot["standards"]] == expected["standards"]
    assert snapshot["standards"][0]["n_questions"] == 45 and snapshot["standards"][0]["n_scored"] == 45
    assert len(snapshot["answers"]) == 45
    assert report.number == "CSM-2026-0001" and report.digest == digest(snapshot)
    assert snapshot["lead_assessor"] == "Dora" and snapshot["team"] == ["Alice", "Dora"]
    assert Assessment.objects.get(pk=assessment.pk).status == Status.ISSUED
    assert snapshot["previous"] is None and len(snapshot["benchmark"]) == 1


def test_a_confirmed_standard_earns_a_certificate_and_its_opportunities_become_items(alice):
    assessment = _submitted(alice)  # every question at 2 with a document: level 2 (A_3 = 0)
    with clock.frozen(NOW):
        report = issuing.sign_off(actor=alice.actor, assessment=assessment)
    standard = report.snapshot["standards"][0]
    assert (standard["level"], standard["index"]) == (2, pytest.approx(200 / 3))
    certificate = Certificate.objects.get(report=report)
    assert certificate.standards == [{"id": "ISO10002", "level": 2}]
    assert (certificate.issued_on, certificate.valid_until) == (dt.date(2026, 11, 2), dt.date(2027, 11, 2))
    assert len(certificate.code) == 14 and certificate.code[4] == "-"
    assert report.snapshot["certificate"]["code"] == certificate.code
    items = ImprovementItem.objects.filter(report=report)
    assert items.count() == len(standard["opportunities"]) == 45  # s = 2 ≤ L = 2 everywhere
    item = items.get(question_id=standard["opportunities"][0])
    question = protocol_of(assessment).question(item.question_id)
    assert item.action == question.levels[3]["pl"]  # acme writes Polish
    assert (item.owner_id, item.due_on) == (alice.user.pk, dt.date(2027, 1, 31))


def test_no_certificate_below_level_one(alice):
    assessment = _submitted(alice, lambda q: (1, "I") if q.key else (0, "D"))
    report = issuing.sign_off(actor=alice.actor, assessment=assessment)
    assert report.overall_level == 0
    assert not Certificate.objects.exists()


def test_an_issued_report_cannot_change(alice):
    report = issuing.sign_off(actor=alice.actor, assessment=_submitted(alice))
    report.number = "X"
    with pytest.raises(ImmutableError):
        report.save()
    with pytest.raises(ImmutableError):
        Report.objects.filter(pk=report.pk).update(number="X")
    with pytest.raises(ImmutableError):
        report.delete()


def test_a_correction_is_a_new_revision_that_supersedes_the_old_report(alice):
    with clock.frozen(NOW):
        first = issuing.sign_off(actor=alice.actor, assessment=_submitted(alice))
    with pytest.raises(InvalidInput):
        issuing.start_correction(actor=alice.actor, report=first, reason=" ")
    revision = issuing.start_correction(actor=alice.actor, report=first, reason="Evidence for 7.4 was misfiled")
    assert (revision.revision, revision.revision_of_id, revision.status) == (2, first.assessment_id, "in_progress")
    assert Answer.objects.filter(assessment=revision).count() == 45
    assert Evidence.objects.filter(assessment=revision).count() == 45
    with pytest.raises(Conflict):
        issuing.start_correction(actor=alice.actor, report=first, reason="again")
    key = next(q for q in assessed_questions(revision) if q.key)
    conducting.save_answer(actor=alice.actor, assessment=revision, question_id=key.id, score=3)
    conducting.submit_for_review(actor=alice.actor, assessment=revision)
    with clock.frozen(NOW + dt.timedelta(days=3)):
        second = issuing.sign_off(actor=alice.actor, assessment=revision)
    assert second.number == "CSM-2026-0001-R2" and second.supersedes_id == first.pk
    assert second.snapshot["supersedes"] == "CSM-2026-0001"
    assert second.snapshot["correction_reason"] == "Evidence for 7.4 was misfiled"
    assert second.snapshot["previous"] is None  # the superseded report is not its own "last assessment"
    assert [row["number"] for row in second.snapshot["benchmark"]] == ["CSM-2026-0001-R2"]


def test_a_later_assessment_of_the_same_scope_quotes_the_previous_report(alice):
    with clock.frozen(NOW):
        first = issuing.sign_off(actor=alice.actor, assessment=_submitted(alice))
    with clock.frozen(NOW + dt.timedelta(days=365)):
        second = issuing.sign_off(actor=alice.actor, assessment=_submitted(alice, lambda q: (3, "M")))
    previous = second.snapshot["previous"]
    assert previous["number"] == first.number and previous["overall"] == first.snapshot["overall"]
    assert second.number == "CSM-2027-0001"


def test_revoking_a_certificate_needs_a_reason_and_a_manager(alice, bob):
    report = issuing.sign_off(actor=alice.actor, assessment=_submitted(alice))
    certificate = report.certificate
    with pytest.raises(PermissionDenied):
        issuing.revoke_certificate(actor=bob.actor, certificate=certificate, reason="x")
    with pytest.raises(InvalidInput):
        issuing.revoke_certificate(actor=alice.actor, certificate=certificate, reason="")
    issuing.revoke_certificate(actor=alice.actor, certificate=certificate, reason="Evidence found to be false")
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "Evidence found to be false" and certificate.revoked_at is not None
    with pytest.raises(Conflict):
        issuing.revoke_certificate(actor=alice.actor, certificate=certificate, reason="again")


@pytest.mark.parametrize(("day", "months", "expected"), [
    (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)), (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
    (dt.date(2026, 11, 2), 12, dt.date(2027, 11, 2)), (dt.date(2026, 12, 15), 1, dt.date(2027, 1, 15)),
])
def test_add_months(day, months, expected):
    assert issuing.add_months(day, months) == expected

