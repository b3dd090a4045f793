"""An assessment from opening to the issued report in a real browser (Debian Chromium): alice opens an
ISO 10003 self-assessment, scores three questions on the workspace and attaches evidence to two (htmx
swaps each question's card in place), submits it, signs it off and downloads the report's PDF, whose
text carries the report number. The other 22 questions are answered through the services to keep the
test short. Screenshots go to test-artifacts/. Skipped, with the reason, where Chromium is missing."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from csm.assessments.models import Assessment, Evidence, Report, Status
from csm.assessments.selectors import assessed_questions
from csm.assessments.services import conducting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
IN_BROWSER = {"ISO10003-4-1": 2, "ISO10003-4-2": 3, "ISO10003-4-3": 1}  # question → score
WITH_EVIDENCE = ("ISO10003-4-1", "ISO10003-4-2")


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("E-mail address").fill("alice@acme.test")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/o/acme/"))


def open_assessment(page, base: str) -> None:
    page.goto(f"{base}/o/acme/assessments/")
    page.get_by_role("link", name="New assessment").first.click()
    page.wait_for_url(re.compile(r".*/assessments/new/$"))
    page.get_by_label("Title", exact=True).fill("Dispute resolution review")
    page.get_by_role("checkbox", name=re.compile(r"ISO10002 ·")).uncheck()
    page.get_by_role("checkbox", name=re.compile(r"ISO10003 ·")).check()
    page.get_by_label("Self-assessment", exact=True).check()
    page.screenshot(path=str(ARTIFACTS / "assessment-new.png"), full_page=True)
    page.get_by_role("button", name="Open the assessment").click()
    page.wait_for_url(re.compile(r".*/assessments/\d+/$"))


def answer_the_rest(persona, assessment: Assessment) -> None:
    for question in assessed_questions(assessment):
        if question.id in IN_BROWSER:
            continue
        conducting.save_answer(actor=persona.actor, assessment=assessment, question_id=question.id, score=2)
        conducting.add_evidence(actor=persona.actor, assessment=assessment, data=conducting.EvidenceData(
            question_id=question.id, type="R", note=f"Dispute log, sample for {question.id}"))


def answer(page, question_id: str, score: int) -> None:
    card = page.locator(f"#q-{question_id}")
    card.locator(f"input[name=score][value='{score}']").check()
    with page.expect_response(re.compile(rf".*/answer/{question_id}/$")) as response:
        card.get_by_role("button", name="Save the answer").click()
    assert response.value.status == 200
    # The card is swapped for a new one; its badge shows the saved score once the swap is done.
    page.locator(f"#q-{question_id} .question-head .badge.success", has_text=f"score {score}").wait_for()


def add_evidence(page, question_id: str, description: str) -> None:
    card = page.locator(f"#q-{question_id}")
    card.locator("summary", has_text="Add evidence").click()
    card.get_by_label("Type", exact=True).select_option(label="Document")
    card.get_by_label("Description", exact=True).fill(description)
    with page.expect_response(re.compile(rf".*/evidence/{question_id}/$")) as response:
        card.get_by_role("button", name="Attach").click()
    assert response.value.status == 200
    page.locator(f"#q-{question_id} h4", has_text="Evidence (1)").wait_for()
    assert description in page.locator(f"#q-{question_id} ul.evidence").inner_text()


def pdf_text(content: bytes, folder: Path) -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = folder / "report.pdf"
    path.write_bytes(content)
    return subprocess.run([pdftotext, str(path), "-"], check=True, capture_output=True, text=True).stdout


def test_alice_conducts_signs_off_and_downloads_an_assessment_report(chromium, live_server, alice, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    page = chromium()
    sign_in(page, live_server.url)
    open_assessment(page, live_server.url)
    assessment = Assessment.objects.get(organization=alice.organization)
    assert (assessment.standards, assessment.mode, assessment.lead_assessor_id) == (["ISO10003"], "self",
                                                                                   alice.user.pk)
    answer_the_rest(alice, assessment)
    page.reload()
    for question_id, score in IN_BROWSER.items():
        answer(page, question_id, score)
    for question_id in WITH_EVIDENCE:
        add_evidence(page, question_id, f"Dispute-resolution policy, section on {question_id}")
    page.screenshot(path=str(ARTIFACTS / "assessment-workspace.png"), full_page=True)
    assert dict(assessment.answers.filter(question_id__in=IN_BROWSER).values_list("question_id", "score")) == \
        IN_BROWSER
    assert set(Evidence.objects.filter(assessment=assessment, type="D").values_list("question_id", flat=True)) == \
        set(WITH_EVIDENCE)

    page.get_by_role("button", name="Submit for sign-off").click()
    page.wait_for_load_state()
    assert page.locator("h1 .badge").inner_text() == "Awaiting sign-off"
    page.screenshot(path=str(ARTIFACTS / "assessment-review.png"), full_page=True)
    page.get_by_label("I have reviewed the answers and the evidence", exact=False).check()
    page.get_by_role("button", name="Sign off and issue the report").click()
    page.wait_for_url(re.compile(r".*/assessments/reports/\d+/$"))
    report = Report.objects.get(assessment=assessment)
    assert Assessment.objects.get(pk=assessment.pk).status == Status.ISSUED
    assert report.number in page.locator("main").inner_text()
    page.screenshot(path=str(ARTIFACTS / "assessment-report.png"), full_page=True)

    pdf = page.request.get(live_server.url + page.get_by_role("link", name="Report (PDF)").get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    assert report.number in pdf_text(pdf.body(), tmp_path)
