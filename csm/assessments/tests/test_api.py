"""The assessment endpoints: /api/v1/assessments (open, answer, evidence, submit, sign-off, stateless
scoring), /api/v1/assessment-reports and /api/v1/improvement-items. Charlie (globex) gets 404 on
every acme id; bob (a complaint handler) reads but may not conduct (403); refused writes change nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from csm.assessments.models import Answer, Assessment, Evidence, ImprovementItem, Report
from csm.assessments.selectors import assessed_questions
from csm.assessments.services import conducting, issuing
from csm.assessments.tests.factories import answer_all, open_assessment

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "Not found.", "code": "not_found"}
DENIED = {"detail": "Your role does not allow this action.", "code": "permission_denied"}


def send(client: Client, method: str, path: str, body: Any = None) -> Any:
    return client.generic(method, path, json.dumps(body if body is not None else {}), content_type="application/json")


def everything() -> list[Any]:
    return [list(m.objects.order_by("pk").values()) for m in (Assessment, Answer, Evidence, Report, ImprovementItem)]


def body(persona, **extra) -> dict[str, Any]:
    return {"title": "Annual review", "standards": ["ISO10003"], "mode": "self", "lead_assessor_id": persona.user.pk,
            "starts_on": "2026-10-01", "ends_on": "2026-10-05", **extra}


def test_an_assessment_is_opened_answered_submitted_and_signed_off_over_the_api(alice):
    api = alice.api()
    created = send(api, "POST", "/api/v1/assessments", body(alice))
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["standards"], data["questions"], data["answered"], data["status"]) == (["ISO10003"], 25, 0, "in_progress")
    assert len(data["answers"]) == 25 and data["provisional"] is None
    aid = data["id"]
    for question in data["answers"]:
        got = send(api, "PUT", f"/api/v1/assessments/{aid}/answers/{question['id']}", {"score": 3})
        assert got.status_code == 200
        ev = send(api, "POST", f"/api/v1/assessments/{aid}/answers/{question['id']}/evidence",
                  {"type": "R", "note": "Referral letters 2026"})
        assert ev.status_code == 201 and ev.json()["type"] == "R"
    detail = api.get(f"/api/v1/assessments/{aid}").json()
    assert detail["answered"] == 25
    assert detail["provisional"]["standards"][0]["level"] == 3
    assert detail["provisional"]["overall"] == {"level": 3, "index": 100.0}
    assert send(api, "POST", f"/api/v1/assessments/{aid}/submit").json()["status"] == "in_review"
    issued = send(api, "POST", f"/api/v1/assessments/{aid}/sign-off")
    assert issued.status_code == 201
    report = issued.json()
    assert report["overall_level"] == 3 and report["overall_index"] == 100.0
    assert report["certificate_code"] and report["snapshot"]["number"] == report["number"]
    assert api.get(f"/api/v1/assessment-reports/{report['id']}").json()["digest"] == report["digest"]


def test_rule_breaking_answers_are_422_and_change_nothing(alice):
    api = alice.api()
    aid = send(api, "POST", "/api/v1/assessments", body(alice)).json()["id"]
    key = next(q for q in assessed_questions(Assessment.objects.get(pk=aid)) if q.key)
    before = everything()
    for payload in ({"score": None, "is_na": True, "na_reason": "x"}, {"score": 4}):
        got = send(api, "PUT", f"/api/v1/assessments/{aid}/answers/{key.id}", payload)
        assert got.status_code == 422
    assert send(api, "PUT", f"/api/v1/assessments/{aid}/answers/NOPE", {"score": 1}).status_code == 422
    bad_header = send(api, "POST", "/api/v1/assessments", body(alice, ends_on="2026-09-01"))
    assert bad_header.status_code == 422 and bad_header.json()["detail"][0]["field"] == "ends_on"
    assert everything() == before


def test_charlie_sees_nothing_of_acme_and_bob_may_not_conduct(alice, bob, charlie):
    assessment = open_assessment(alice)
    answer_all(alice, assessment)
    conducting.submit_for_review(actor=alice.actor, assessment=assessment)
    report = issuing.sign_off(actor=alice.actor, assessment=assessment)
    item = ImprovementItem.objects.filter(report=report).first()
    outsider = charlie.api()
    before = everything()
    for path in (f"/api/v1/assessments/{assessment.pk}", f"/api/v1/assessment-reports/{report.pk}"):
        assert outsider.get(path).json() == NOT_FOUND
    assert send(outsider, "PATCH", f"/api/v1/improvement-items/{item.pk}",
                {"due_on": "2027-01-01", "status": "done", "closing_note": "x"}).json() == NOT_FOUND
    assert outsider.get("/api/v1/assessments").json()["items"] == []
    assert outsider.get("/api/v1/improvement-items").json()["items"] == []
    handler = bob.api()
    assert handler.get(f"/api/v1/assessments/{assessment.pk}").status_code == 200
    assert send(handler, "POST", "/api/v1/assessments", body(bob)).json() == DENIED
    assert everything() == before


def test_stateless_scoring_matches_the_command(alice):
    answers = [{"question": q.id, "score": 2, "evidence": [{"type": "D", "note": ""}]}
               for q in assessed_questions(open_assessment(alice, standards=("ISO10003",)))]
    got = send(alice.api(), "POST", "/api/v1/assessment-scores",
               {"protocol": "csm-assessment", "standards": ["ISO10003"], "answers": answers})
    assert got.status_code == 200
    assert got.json()["standards"][0]["level"] == 2
    assert got.json()["overall"]["index"] == pytest.approx(200 / 3)
    rejected = send(alice.api(), "POST", "/api/v1/assessment-scores",
                    {"protocol": "csm-assessment", "standards": ["ISO10003"],
                     "answers": [{**answers[0], "score": 7}]})
    assert rejected.status_code == 422
    assert "the score must be a whole number from 0 to 3" in rejected.json()["detail"][0]["message"]


def test_improvement_items_are_listed_and_closed_with_a_note(alice, bob):
    assessment = open_assessment(alice)
    answer_all(alice, assessment)
    conducting.submit_for_review(actor=alice.actor, assessment=assessment)
    report = issuing.sign_off(actor=alice.actor, assessment=assessment)
    api = alice.api()
    items = api.get("/api/v1/improvement-items?limit=500").json()["items"]
    assert len(items) == 45 and {i["report_id"] for i in items} == {report.pk}
    target = items[0]
    missing_note = send(api, "PATCH", f"/api/v1/improvement-items/{target['id']}",
                        {"owner_id": bob.user.pk, "due_on": "2027-02-01", "status": "done"})
    assert missing_note.status_code == 422
    done = send(api, "PATCH", f"/api/v1/improvement-items/{target['id']}",
                {"owner_id": bob.user.pk, "due_on": "2027-02-01", "status": "done", "closing_note": "Trained"})
    assert done.json()["status"] == "done" and done.json()["owner_id"] == bob.user.pk
    other = items[1]
    assert send(bob.api(), "PATCH", f"/api/v1/improvement-items/{other['id']}",
                {"owner_id": bob.user.pk, "due_on": "2027-02-01", "status": "in_progress"}).json()["code"] == \
        "permission_denied"


def test_the_assessment_list_costs_a_fixed_number_of_queries(alice, django_assert_max_num_queries):
    for i in range(3):
        open_assessment(alice, title=f"A{i}")
    api = alice.api()
    assert api.get("/api/v1/me").status_code == 200
    with django_assert_max_num_queries(4 + 3 * 1):
        assert len(api.get("/api/v1/assessments").json()["items"]) == 3
