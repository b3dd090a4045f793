"""The staff pages of an issued report: the page in three languages, its PDF and the certificate's,
each scoped to the organisation."""

from __future__ import annotations

import pytest
from django.test import Client

from csm.assessments import protocol_store, report_render
from csm.assessments.report_selectors import access_report
from csm.assessments.tests.report_fixtures import VERSION, issue_report, report_protocol
from csm.core.errors import NotFound

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shipped(monkeypatch, settings):
    protocol = report_protocol()
    monkeypatch.setattr(protocol_store, "shipped_protocols", lambda: {VERSION: protocol})
    settings.CSM_BASE_URL = "https://csm.example.com"


def url(report, suffix: str = "", org: str = "acme") -> str:
    return f"/o/{org}/assessments/reports/{report.pk}/{suffix}"


@pytest.mark.parametrize(("language", "question"), [
    ("en", "Is every complaint recorded when it is received?"),
    ("pl", "Czy każda skarga jest rejestrowana w chwili przyjęcia?"),
    ("zh-hans", "每项投诉在接收时是否都被记录？"),
])
def test_the_page_shows_the_report_in_the_chosen_language(alice, language, question):
    report = issue_report(alice)
    response = alice.browser().get(url(report), {"lang": language})
    assert response.status_code == 200
    assert response.context["language"] == language
    html = response.content.decode()
    assert question in html and f'<article class="report" lang="{language}">' in html


def test_the_page_defaults_to_the_organisations_language(alice):
    report = issue_report(alice)
    response = alice.browser().get(url(report), {"lang": "xx"})
    assert response.context["language"] == "pl"
    assert "Czy zarząd zatwierdził politykę skarg i czy każdy pracownik ją zna?" in response.content.decode()


def test_the_page_links_the_pdf_and_the_certificate_in_the_same_language(alice):
    report = issue_report(alice)
    html = alice.browser().get(url(report), {"lang": "en"}).content.decode()
    assert f'href="{url(report, "pdf/")}?lang=en"' in html
    assert f'href="{url(report, "certificate.pdf")}?lang=en"' in html
    for code, name in (("en", "English"), ("pl", "Polski"), ("zh-hans", "简体中文")):
        assert f'<a href="?lang={code}" lang="{code}" hreflang="{code}"' in html and name in html


def test_without_a_certificate_the_page_has_no_certificate_link(alice):
    report = issue_report(alice, code=None)
    response = alice.browser().get(url(report))
    assert response.status_code == 200 and response.context["certificate"] is None
    assert "certificate.pdf" not in response.content.decode()


def test_a_superseded_report_points_to_the_newer_one(alice):
    old = issue_report(alice, code=None)
    newer = issue_report(alice, number="ACME-2025-08", code=None, supersedes=old)
    html = alice.browser().get(url(old), {"lang": "en"}).content.decode()
    assert "This report has been superseded by report ACME-2025-08." in html
    assert f'href="{url(newer)}?lang=en"' in html


def test_the_pdf_is_a_pdf_named_for_the_report(alice):
    report = issue_report(alice)
    response = alice.browser().get(url(report, "pdf/"), {"lang": "zh-hans"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="report-ACME-2025-07-zh-hans.pdf"'
    assert response.content.startswith(b"%PDF")


def test_the_certificate_pdf_holds_the_verify_url(alice, monkeypatch):
    report = issue_report(alice)
    printed = []
    monkeypatch.setattr(report_render, "render_certificate_pdf",
                        lambda certificate, snapshot, verify_url, language: printed.append(
                            (certificate.code, verify_url, language)) or b"%PDF-1.7")
    response = alice.browser().get(url(report, "certificate.pdf"), {"lang": "pl"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="certificate-K7QP-4M2X-9TDA.pdf"'
    assert printed == [("K7QP-4M2X-9TDA", "https://csm.example.com/verify/K7QP-4M2X-9TDA/", "pl")]


def test_the_certificate_pdf_is_404_without_a_certificate(alice):
    report = issue_report(alice, code=None)
    assert alice.browser().get(url(report, "certificate.pdf")).status_code == 404


@pytest.mark.parametrize("suffix", ["", "pdf/", "certificate.pdf"])
def test_another_organisation_sees_nothing(alice, charlie, suffix):
    report = issue_report(alice)
    assert charlie.browser().get(url(report, suffix)).status_code == 404
    assert charlie.browser().get(url(report, suffix, org="globex")).status_code == 404


def test_a_missing_report_is_404(alice):
    assert alice.browser().get("/o/acme/assessments/reports/999999/").status_code == 404


def test_every_member_may_read_reports_but_only_when_signed_in(alice, carol):
    report = issue_report(alice)
    assert carol.browser().get(url(report)).status_code == 200
    response = Client().get(url(report))
    assert response.status_code == 302 and "login" in response["Location"]


def test_access_report_hides_another_organisations_report(alice, charlie):
    report = issue_report(alice)
    assert access_report(actor=alice.actor, report_id=report.pk) == report
    with pytest.raises(NotFound):
        access_report(actor=charlie.actor, report_id=report.pk)
