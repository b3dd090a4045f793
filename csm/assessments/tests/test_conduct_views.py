"""The assessment pages: list, opening, the workspace and its htmx cards, sign-off, corrections,
revocation and improvement items. Charlie gets 404 on acme's pages; bob reads but may not conduct."""

from __future__ import annotations

import pytest

from csm.assessments.models import Answer, Assessment, Certificate, Evidence, ImprovementItem, Status
from csm.assessments.selectors import assessed_questions
from csm.assessments.services import conducting, issuing
from csm.assessments.tests.factories import answer_all, open_assessment

pytestmark = pytest.mark.django_db


def url(path: str) -> str:
    return f"/o/acme/assessments/{path}"


def test_the_list_shows_the_organisation_s_assessments_only(alice, charlie):
    open_assessment(alice, title="Acme review")
    open_assessment(charlie, title="Globex review")
    page = alice.browser().get(url("")).content.decode()
    assert "Acme review" in page and "Globex review" not in page
    assert charlie.browser().get(url("")).status_code == 404


def test_opening_an_assessment_from_the_form(alice):
    client = alice.browser()
    assert client.get(url("new/")).status_code == 200
    bad = client.post(url("new/"), {"title": "Review", "standards": ["ISO10002"], "mode": "self",
                                     "lead_assessor": alice.user.pk, "starts_on": "2026-10-05",
                                     "ends_on": "2026-10-01"})
    assert bad.status_code == 422 and "cannot be before the start date" in bad.content.decode()
    assert not Assessment.objects.exists()
    good = client.post(url("new/"), {"title": "Review", "standards": ["ISO10002", "ISO10004"], "mode": "independent",
                                      "lead_assessor": alice.user.pk, "starts_on": "2026-10-01",
                                      "ends_on": "2026-10-05", "assessing_body": "DNV"})
    assessment = Assessment.objects.get()
    assert good.status_code == 302 and good["Location"] == url(f"{assessment.pk}/")
    assert (assessment.standards, assessment.mode, assessment.assessing_body) == (
        ["ISO10002", "ISO10004"], "independent", "DNV")


def test_the_workspace_shows_each_question_with_its_descriptors_and_live_figure(alice):
    assessment = open_assessment(alice, standards=("ISO10002",))
    page = alice.browser().get(url(f"{assessment.pk}/")).content.decode()
    questions = assessed_questions(assessment)
    assert page.count('class="card question') == 45
    first = questions[0]
    assert first.text["en"] in page and first.levels[3]["en"] in page
    assert "Live figure:" in page  # complaints metrics exist for ISO 10002 questions
    polish = alice.browser()
    polish.cookies["django_language"] = "pl"
    assert first.text["pl"] in polish.get(url(f"{assessment.pk}/"), HTTP_ACCEPT_LANGUAGE="pl").content.decode()


def test_an_answer_and_evidence_are_saved_from_the_card(alice):
    assessment = open_assessment(alice, standards=("ISO10003",))
    question = assessed_questions(assessment)[0]
    client = alice.browser()
    card = client.post(url(f"{assessment.pk}/answer/{question.id}/"), {"score": "2", "notes": "Seen the policy"},
                       HTTP_HX_REQUEST="true")
    assert card.status_code == 200 and f'id="q-{question.id}"' in card.content.decode()
    assert Answer.objects.get().score == 2
    card = client.post(url(f"{assessment.pk}/evidence/{question.id}/"), {"type": "D", "note": "Policy v3"},
                       HTTP_HX_REQUEST="true")
    assert "Policy v3" in card.content.decode() and Evidence.objects.get().type == "D"
    refused = client.post(url(f"{assessment.pk}/evidence/{question.id}/"), {"type": "D", "note": ""},
                          HTTP_HX_REQUEST="true")
    assert refused.status_code == 422 and Evidence.objects.count() == 1
    evidence = Evidence.objects.get()
    client.post(url(f"{assessment.pk}/evidence/{evidence.pk}/remove/"), HTTP_HX_REQUEST="true")
    assert not Evidence.objects.exists()


def test_bob_reads_but_may_not_answer_and_charlie_gets_404(alice, bob, charlie):
    assessment = open_assessment(alice, standards=("ISO10003",))
    question = assessed_questions(assessment)[0]
    assert bob.browser().get(url(f"{assessment.pk}/")).status_code == 200
    assert bob.browser().post(url(f"{assessment.pk}/answer/{question.id}/"), {"score": "3"}).status_code == 403
    assert charlie.browser().get(url(f"{assessment.pk}/")).status_code == 404
    assert not Answer.objects.exists()


def test_submit_and_sign_off_from_the_workspace(alice):
    assessment = open_assessment(alice, standards=("ISO10003",))
    answer_all(alice, assessment)
    client = alice.browser()
    client.post(url(f"{assessment.pk}/submit/"))
    assert Assessment.objects.get().status == Status.IN_REVIEW
    unconfirmed = client.post(url(f"{assessment.pk}/sign-off/"))
    assert unconfirmed["Location"] == url(f"{assessment.pk}/") and Assessment.objects.get().status == Status.IN_REVIEW
    issued = client.post(url(f"{assessment.pk}/sign-off/"), {"confirm": "yes"})
    report = Assessment.objects.get().report
    assert issued["Location"] == url(f"reports/{report.pk}/")
    assert client.get(url(f"{assessment.pk}/"))["Location"] == url(f"reports/{report.pk}/")


def test_corrections_and_revocation_from_the_report(alice, bob):
    assessment = open_assessment(alice, standards=("ISO10003",))
    answer_all(alice, assessment)
    conducting.submit_for_review(actor=alice.actor, assessment=assessment)
    report = issuing.sign_off(actor=alice.actor, assessment=assessment)
    assert bob.browser().post(url(f"reports/{report.pk}/revoke/"), {"reason": "x"}).status_code == 403
    alice.browser().post(url(f"reports/{report.pk}/revoke/"), {"reason": "Scope misstated"})
    assert Certificate.objects.get().revoked_reason == "Scope misstated"
    opened = alice.browser().post(url(f"reports/{report.pk}/correct/"), {"reason": "Scope misstated"})
    revision = Assessment.objects.get(revision=2)
    assert opened["Location"] == url(f"{revision.pk}/")


def test_improvement_items_list_and_edit(alice, bob):
    assessment = open_assessment(alice, standards=("ISO10003",))
    answer_all(alice, assessment)
    conducting.submit_for_review(actor=alice.actor, assessment=assessment)
    issuing.sign_off(actor=alice.actor, assessment=assessment)
    item = ImprovementItem.objects.order_by("pk").first()
    client = alice.browser()
    page = client.get(url("improvements/")).content.decode()
    assert page.count("/improvements/") >= ImprovementItem.objects.count()
    saved = client.post(url(f"improvements/{item.pk}/"), {"owner": bob.user.pk, "due_on": "2027-03-01",
                                                         "status": "in_progress", "closing_note": ""})
    assert saved.status_code == 302
    item.refresh_from_db()
    assert (item.owner_id, item.status, str(item.due_on)) == (bob.user.pk, "in_progress", "2027-03-01")
    refused = client.post(url(f"improvements/{item.pk}/"), {"owner": bob.user.pk, "due_on": "2027-03-01",
                                                           "status": "done", "closing_note": ""})
    assert refused.status_code == 422


def test_an_evidence_file_is_checked_stored_under_a_random_name_and_served_only_to_members(alice, charlie):
    from django.core.files.uploadedfile import SimpleUploadedFile

    assessment = open_assessment(alice, standards=("ISO10003",))
    question = assessed_questions(assessment)[0]
    client = alice.browser()
    fake = SimpleUploadedFile("policy.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    refused = client.post(url(f"{assessment.pk}/evidence/{question.id}/"), {"type": "D", "file": fake},
                          HTTP_HX_REQUEST="true")
    assert refused.status_code == 422 and not Evidence.objects.exists()
    pdf = SimpleUploadedFile("Polityka reklamacji.pdf", b"%PDF-1.4\n%demo\n", content_type="application/pdf")
    client.post(url(f"{assessment.pk}/evidence/{question.id}/"), {"type": "D", "file": pdf}, HTTP_HX_REQUEST="true")
    evidence = Evidence.objects.get()
    assert evidence.filename == "Polityka reklamacji.pdf" and "Polityka" not in evidence.file.name
    download = client.get(url(f"{assessment.pk}/evidence/{evidence.pk}/file/"))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert download["Content-Type"] == "application/octet-stream" and download["X-Content-Type-Options"] == "nosniff"
    assert charlie.browser().get(url(f"{assessment.pk}/evidence/{evidence.pk}/file/")).status_code == 404


def test_only_managers_see_the_correction_and_revocation_forms_on_the_report(alice, bob):
    assessment = open_assessment(alice, standards=("ISO10003",))
    answer_all(alice, assessment)
    conducting.submit_for_review(actor=alice.actor, assessment=assessment)
    report = issuing.sign_off(actor=alice.actor, assessment=assessment)
    managed = alice.browser().get(url(f"reports/{report.pk}/")).content.decode()
    assert "Revoke the certificate" in managed and "Open a corrected revision" in managed
    assert f"/verify/{report.certificate.code}/" in managed
    read_only = bob.browser().get(url(f"reports/{report.pk}/")).content.decode()
    assert "Revoke the certificate" not in read_only and "Open a corrected revision" not in read_only


def test_an_answer_refreshes_the_progress_panel_in_a_fixed_number_of_queries(alice, django_assert_max_num_queries):
    assessment = open_assessment(alice, standards=("ISO10003",))
    questions = assessed_questions(assessment)
    client = alice.browser()
    client.get(url(f"{assessment.pk}/"))
    for question in questions[:5]:
        conducting.save_answer(actor=alice.actor, assessment=assessment, question_id=question.id, score=1)
    with django_assert_max_num_queries(25):
        card = client.post(url(f"{assessment.pk}/answer/{questions[5].id}/"), {"score": "3"}, HTTP_HX_REQUEST="true")
    body = card.content.decode()
    assert 'id="progress" aria-labelledby="progress-title" hx-swap-oob="true"' in body
    assert "6 / 25" in body
