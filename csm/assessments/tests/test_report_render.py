"""The report's view-model, HTML and PDF, and the certificate PDF, from a snapshot whose figures are
worked by hand in report_fixtures. No database: the snapshot is built in memory."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from decimal import Decimal
from types import SimpleNamespace

import pytest

from csm.assessments import report_render, rounding
from csm.assessments.models import Certificate
from csm.assessments.tests.report_fixtures import CODE, make_snapshot, report_protocol

ACME = SimpleNamespace(pk=1, name="Acme Hotels")
VERIFY_URL = "https://csm.example.com/verify/K7QP-4M2X-9TDA/"
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")


@pytest.fixture(scope="module")
def protocol():
    return report_protocol()


@pytest.fixture(scope="module")
def snapshot(protocol):
    return make_snapshot(ACME, protocol=protocol)


def view(snapshot, protocol, language="en", **options):
    data = make_snapshot(ACME, protocol=protocol, **options) if options else snapshot
    return report_render.build_report_view(data, protocol, language)


@pytest.mark.parametrize(("value", "shown"), [
    (60.65, Decimal("60.7")), (55.55, Decimal("55.6")), (66.66666666666667, Decimal("66.7")), (0.05, Decimal("0.1")),
    (100, Decimal("100.0")), (None, None),
])
def test_indices_round_half_up_to_one_decimal(value, shown):
    assert rounding.rounded(value) == shown


@pytest.mark.parametrize(("share", "shown"), [
    (9 / 11, Decimal("82")), (6 / 11, Decimal("55")), (0.125, Decimal("13")), (0.005, Decimal("1")), (1, Decimal("100")),
])
def test_attainments_round_half_up_to_whole_percent(share, shown):
    assert rounding.percent(share) == shown


def figures(row):
    return [(figure.value, figure.n) for figure in (row.index, row.enabler_index, row.result_index, *row.attainments)]


def test_the_summary_shows_each_rounded_figure_with_its_n(snapshot, protocol):
    report = view(snapshot, protocol)
    complaints, satisfaction = report.summary
    assert (complaints.standard.number, complaints.level_label, complaints.claimed_label) == (
        "ISO 10002", "Level 1", "Level 2")
    assert figures(complaints) == [(Decimal("73.3"), 4), (Decimal("75.0"), 3), (Decimal("66.7"), 1),
                                   (Decimal("100"), 4), (Decimal("70"), 4), (Decimal("50"), 4)]
    assert (complaints.n_questions, complaints.n_scored, complaints.n_na, complaints.is_claim_above) == (5, 4, 1, True)
    assert figures(satisfaction) == [(Decimal("88.9"), 3), (Decimal("86.7"), 2), (Decimal("100.0"), 1),
                                     (Decimal("100"), 3), (Decimal("100"), 3), (Decimal("67"), 3)]
    assert (report.overall.level_label, report.overall.index.value, report.overall.index.n) == (
        "Level 1", Decimal("79.2"), 7)


def test_opportunities_carry_the_next_level_descriptor_and_sustain_at_three(snapshot, protocol):
    complaints, satisfaction = view(snapshot, protocol).findings
    assert [(o.question.id, o.score, o.target_level, o.action) for o in complaints.opportunities] == [
        ("C2", 1, 2, "C2: managed and measured")]
    assert [(o.question.id, o.score, o.target_level, o.action) for o in satisfaction.opportunities] == [
        ("M1", 3, None, "Sustain: keep the level-3 practice (M1: improving and integrated)"),
        ("M2", 2, 3, "M2: improving and integrated"),
        ("M3", 3, None, "Sustain: keep the level-3 practice (M3: improving and integrated)"),
    ]


def test_the_recommended_action_is_in_the_report_language(snapshot, protocol):
    complaints, _ = view(snapshot, protocol, "pl").findings
    assert complaints.opportunities[0].action == "C2: zarządzany i mierzony"
    assert complaints.opportunities[0].question.text == "Czy każda skarga jest rejestrowana w chwili przyjęcia?"


def test_key_questions_at_one_or_below_are_flagged_red_among_the_risks(snapshot, protocol):
    complaints, _ = view(snapshot, protocol).findings
    assert [(r.question.id, r.question.clause, r.question.weight, r.question.is_key, r.score, r.risk, r.is_red)
            for r in complaints.risks] == [
        ("C2", "7.2", 3, True, 1, 12, True), ("C5", "8.4", 2, False, 2, 2, False),
        ("C1", "5.3", 3, True, 3, 0, False), ("C3", "7.3", 2, False, 3, 0, False)]
    assert [(f.question.id, f.score) for f in complaints.strengths] == [("C1", 3), ("C3", 3), ("C5", 2)]
    assert [(f.question.id, f.score) for f in complaints.weaknesses] == [("C2", 1)]


def test_live_metrics_show_value_n_trend_and_targets(snapshot, protocol):
    acknowledged, reopened = view(snapshot, protocol).metrics
    assert (acknowledged.label, acknowledged.value, acknowledged.n, acknowledged.previous, acknowledged.arrow,
            acknowledged.is_improving, acknowledged.comparator, acknowledged.targets) == (
        "Complaints acknowledged on time", Decimal("92.35"), 140, Decimal("88"), "↑", True, "≥",
        (Decimal("80"), Decimal("90"), Decimal("95")))
    assert (acknowledged.period_start, acknowledged.period_end) == (dt.date(2025, 1, 1), dt.date(2025, 3, 31))
    assert (reopened.has_data, reopened.comparator, reopened.trend) == (False, "≤", "")


def test_the_change_is_the_difference_of_the_rounded_figures(snapshot, protocol):
    change = view(snapshot, protocol).change
    assert [(row.standard.number, row.index.before, row.index.now, row.index.delta_text, row.level.before_label,
             row.level.now_label, row.level.delta_text) for row in (*change.standards, change.overall)] == [
        ("ISO 10002", Decimal("61.3"), Decimal("73.3"), "+12.0", "Not confirmed", "Level 1", "+1"),
        ("ISO 10004", None, Decimal("88.9"), "—", "—", "Level 3", "—"),
        ("", Decimal("61.3"), Decimal("79.2"), "+17.9", "Not confirmed", "Level 1", "+1"),
    ]
    assert [(row.standard, row.clause, row.index.delta_text) for row in change.clauses] == [
        ("ISO 10002", "5.3", "+33.3"), ("ISO 10002", "7.2", "±0"), ("ISO 10002", "7.3", "—"),
        ("ISO 10002", "8.4", "—"), ("ISO 10004", "6.1", "—"), ("ISO 10004", "7.3", "—"), ("ISO 10004", "8", "—")]
    assert [row.index.n for row in (*change.standards, change.overall, *change.clauses)] == [4, 3, 7, 1, 1, 1, 1, 1, 1, 1]


def test_a_first_assessment_says_so(snapshot, protocol):
    report = view(snapshot, protocol, previous=None)
    assert report.change is None
    html = report_render.render_report_html(make_snapshot(ACME, protocol=protocol, previous=None), protocol, "en",
                                            standalone=False)
    assert "First assessment: there is no earlier report to compare with." in html


def test_the_benchmark_puts_this_report_first_and_rounds_half_up(snapshot, protocol):
    benchmark = view(snapshot, protocol).benchmark
    assert [(row.unit, row.number, row.is_this_report, [(c.index, c.level_label) for c in row.cells])
            for row in benchmark.rows] == [
        ("Whole organisation", "ACME-2025-07", True, [(Decimal("73.3"), "Level 1"), (Decimal("88.9"), "Level 3")]),
        ("Kraków branch", "ACME-2025-02", False, [(Decimal("55.6"), "Not confirmed"), (None, "—")]),
    ]


SECTIONS = ["CSM assessment report", "Overall result", "Summary", "Index by clause", "Effectiveness", "Findings",
            "Change since the last assessment", "Internal benchmark", "Appendix: every answer"]


def test_the_html_has_every_section_in_order(snapshot, protocol):
    html = report_render.render_report_html(snapshot, protocol, "en", standalone=False)
    positions = [html.index(heading) for heading in SECTIONS]
    assert positions == sorted(positions)
    assert html.count("<svg") == 2 and "<style" not in html and "<html" not in html  # a chart per standard


def test_the_html_shows_the_figures_the_metrics_and_the_appendix(snapshot, protocol):
    html = report_render.render_report_html(snapshot, protocol, "en", standalone=False)
    for text in ["73.3<span class=\"n\">n = 4</span>", "67%<span class=\"n\">n = 3</span>", "no data in CSM",
                 "Nordic Assurance Sp. z o.o.", "Łucja Żak", "csm-test test-1", "Bob Builder, Carol Chen",
                 "To score 2:</strong> C2: managed and measured", "Audits are run by the group, outside the scope",
                 "Policy signed on 3 March.", "policy-v2.pdf", "Tracking page", "(capped by the evidence)",
                 "Complaints acknowledged on time = 92.35 (n = 140; 2025-Q1)", "code K7QP-4M2X-9TDA",
                 '<tr class="is-red">']:
        assert text in html, text


def test_a_self_assessment_explains_the_claimed_level(snapshot, protocol):
    html = report_render.render_report_html(make_snapshot(ACME, protocol=protocol, mode="self"), protocol, "en",
                                            standalone=False)
    assert "Self-assessment: the claimed level" in html
    assert "Self-assessment: the claimed level" not in report_render.render_report_html(
        snapshot, protocol, "en", standalone=False)


def test_the_standalone_html_inlines_the_stylesheet(snapshot, protocol):
    html = report_render.render_report_html(snapshot, protocol, "zh-hans", standalone=True)
    assert html.startswith("<!doctype html>") and '<html lang="zh-hans">' in html
    assert report_render.REPORT_CSS.read_text(encoding="utf-8") in html
    assert "http://" not in html.split("<body")[0] and "https://" not in html.split("<body")[0]


def test_the_chart_is_inline_svg_without_css(snapshot):
    svg = report_render.clause_chart_svg(snapshot, "zh-hans")
    assert svg.count('<div class="report-chart-panel"><svg ') == 2 and svg.rstrip().endswith("</svg>\n</div>")
    assert "<style" not in svg and ' style="' not in svg and 'fill="#0b5cad"' in svg
    assert svg.count('fill="#0b5cad"') == 7  # one bar per clause: four of ISO10002, three of ISO10004


def pdf_text(tmp_path, content: bytes) -> tuple[str, str]:
    path = tmp_path / "out.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,  # noqa: S607
                          text=True).stdout
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout  # noqa: S607
    return text, fonts


@needs_poppler
def test_the_polish_pdf_keeps_diacritics_as_text(snapshot, protocol, tmp_path):
    text, fonts = pdf_text(tmp_path, report_render.render_report_pdf(snapshot, protocol, "pl"))
    assert "Czy każda skarga jest rejestrowana w chwili przyjęcia?" in text
    assert "zatwierdził" in text and "Łucja Żak" in text and "Kraków branch" in text
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # every font embedded


@needs_poppler
def test_the_chinese_pdf_keeps_chinese_as_text(snapshot, protocol, tmp_path):
    text, fonts = pdf_text(tmp_path, report_render.render_report_pdf(snapshot, protocol, "zh-hans"))
    assert "每项投诉在接收时是否都被记录？" in text and "投诉处理" in text and "C2：已管理并测量" in text
    assert "Noto-Sans-CJK-SC" in fonts


def certificate(snapshot):
    return Certificate(code=CODE, standards=snapshot["certificate"]["standards"], issued_on=dt.date(2025, 4, 15),
                       valid_until=dt.date(2026, 4, 14))


def test_the_certificate_is_one_a4_page_with_the_qr_code_of_the_verify_url(snapshot):
    document = report_render.certificate_document(certificate(snapshot), snapshot, VERIFY_URL, "pl")
    assert len(document.pages) == 1
    assert (round(document.pages[0].width * 25.4 / 96), round(document.pages[0].height * 25.4 / 96)) == (210, 297)
    shown = report_render.certificate_view(certificate(snapshot), snapshot, VERIFY_URL, "pl")
    assert shown.qr_svg == report_render.qr_svg(VERIFY_URL)
    assert [(s.number, s.level_label) for s in shown.standards] == [("ISO 10002", "Level 1"), ("ISO 10004", "Level 3")]


@needs_poppler
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_certificate_pdf_shows_the_code_and_the_verify_url(snapshot, tmp_path, language):
    text, _ = pdf_text(tmp_path, report_render.render_certificate_pdf(certificate(snapshot), snapshot, VERIFY_URL,
                                                                      language))
    assert text.count("\f") == 1  # one page
    assert CODE in text and VERIFY_URL in text and "ACME-2025-07" in text and "Acme Hotels" in text


def test_a_share_is_shown_as_a_percentage_with_its_targets(protocol):
    from csm.assessments.report_trends import metric_row

    row = metric_row({"name": "complaints.acknowledged_on_time", "value": 0.955, "n": 200, "previous": 0.9,
                      "unit": "share", "thresholds": [0.85, 0.95, 0.98], "higher_is_better": True}, protocol, "en")
    assert (str(row.value), str(row.previous), row.suffix) == ("95.5", "90", " %")
    assert [str(t) for t in row.targets] == ["85", "95", "98"] and row.is_improving is True
    index = metric_row({"name": "surveys.satisfaction_index", "value": 71.25, "n": 40, "unit": "index",
                        "thresholds": [60, 70, 80]}, protocol, "en")
    assert (str(index.value), index.suffix) == ("71.25", "")
