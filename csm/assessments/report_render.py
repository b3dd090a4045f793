"""Rendering an issued report and its confirmation certificate: the HTML of the report page, the
report PDF and the one-page certificate PDF, each in one language ("en", "pl" or "zh-hans").

The page and the PDF come from the same templates (assessments/report/): the page embeds the body,
the PDF lays out the standalone document with report.css read from disk. Everything shown is read
from the frozen snapshot and the protocol it was scored on (the caller passes the shipped protocol of
snapshot["protocol"]["version"]), so a report reads the same for ever. Fonts are local only (see
report.css): a Latin font for Latin and Polish, since Noto Sans CJK SC has no ł, ż, ś, ć, ą or ę,
and Noto Sans CJK SC for Chinese; nothing is fetched from the network.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import segno
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from csm.assessments import report_model as model
from csm.assessments import report_trends as trends
from csm.assessments.models import Certificate, Mode
from csm.assessments.protocol import Protocol
from csm.assessments.report_chart import clause_chart_svg
from csm.assessments.report_model import level_label, standard_number, standard_title

__all__ = ["build_report_view", "certificate_document", "clause_chart_svg", "render_certificate_html",
           "render_certificate_pdf", "render_report_html", "render_report_pdf"]

REPORT_CSS = Path(__file__).resolve().parent / "static" / "assessments" / "report.css"
TEMPLATES = "assessments/"
QR_ERROR_LEVEL = "m"  # survives a little dirt or a crease (15 %)


@dataclass(frozen=True)
class ReportView:
    language: str
    cover: model.Cover
    summary: tuple[model.SummaryRow, ...]
    overall: model.Overall
    chart_svg: str
    metrics: tuple[trends.MetricRow, ...]
    findings: tuple[model.Findings, ...]
    change: trends.Change | None
    benchmark: trends.Benchmark | None
    answers: tuple[model.AnswerView, ...]

    @property
    def is_self_assessment(self) -> bool:
        return self.cover.mode == Mode.SELF

    @property
    def attainment_headers(self) -> tuple[tuple[str, str], ...]:
        """(symbol, meaning) of A1-A3: the symbols are the scoring rules' own, the same in every language."""
        return (("A1", gettext("Weighted share of questions at score 1 or above")),
                ("A2", gettext("Weighted share of questions at score 2 or above")),
                ("A3", gettext("Weighted share of questions at score 3")))


def build_report_view(snapshot: Mapping[str, Any], protocol: Protocol, language: str) -> ReportView:
    """The report's sections, in order, localized to `language`."""
    with translation.override(language):
        cover = model.cover(snapshot, protocol, language)
        summary, overall = model.summary(snapshot, cover.standards)
        return ReportView(
            language=language, cover=cover, summary=summary, overall=overall,
            chart_svg=clause_chart_svg(snapshot, language), metrics=trends.metrics(snapshot, protocol, language),
            findings=model.findings(snapshot, protocol, language, cover.standards),
            change=trends.change(snapshot, cover.standards), benchmark=trends.benchmark(snapshot, cover.standards),
            answers=model.answers(snapshot, protocol, language))


def render_report_html(snapshot: Mapping[str, Any], protocol: Protocol, language: str, *, standalone: bool) -> str:
    """The report as HTML: a whole document with its stylesheet inlined (`standalone`), or the body
    to place in the site's layout."""
    view = build_report_view(snapshot, protocol, language)
    template = "report/document.html" if standalone else "report/_body.html"
    with translation.override(language):
        return render_to_string(TEMPLATES + template, {
            "report": view, "css": REPORT_CSS.read_text(encoding="utf-8") if standalone else ""})


def _write_pdf(html: str) -> bytes:
    # Imported here, not at the top: loading WeasyPrint takes about two seconds, which every web and
    # worker process would otherwise pay at start-up for documents that are seldom printed.
    from weasyprint import HTML

    return bytes(HTML(string=html).write_pdf())


def render_report_pdf(snapshot: Mapping[str, Any], protocol: Protocol, language: str) -> bytes:
    return _write_pdf(render_report_html(snapshot, protocol, language, standalone=True))


@dataclass(frozen=True)
class CertifiedStandard:
    number: str
    title: str
    level_label: str


@dataclass(frozen=True)
class CertificateView:
    organization: str
    unit: str
    standards: tuple[CertifiedStandard, ...]
    mode_label: str
    assessing_body: str
    lead_assessor: str
    issued_on: dt.date
    valid_until: dt.date
    report_number: str
    code: str
    verify_url: str
    qr_svg: str


def qr_svg(url: str) -> str:
    """The QR code of `url`, as inline SVG that scales to its box."""
    return str(segno.make(url, error=QR_ERROR_LEVEL, micro=False).svg_inline(scale=1, border=2, omitsize=True))


def certificate_view(certificate: Certificate, snapshot: Mapping[str, Any], verify_url: str,
                     language: str) -> CertificateView:
    mode = snapshot.get("mode", "")
    return CertificateView(
        organization=snapshot["organization"]["name"], unit=(snapshot.get("unit") or {}).get("name", ""),
        standards=tuple(CertifiedStandard(standard_number(s["id"]), standard_title(None, s["id"], language),
                                          level_label(s["level"])) for s in certificate.standards),
        mode_label=str(Mode(mode).label) if mode in Mode.values else mode,
        assessing_body=snapshot.get("assessing_body", ""), lead_assessor=snapshot.get("lead_assessor", ""),
        issued_on=certificate.issued_on, valid_until=certificate.valid_until, report_number=snapshot["number"],
        code=certificate.code, verify_url=verify_url, qr_svg=qr_svg(verify_url))


def render_certificate_html(certificate: Certificate, snapshot: Mapping[str, Any], verify_url: str,
                            language: str) -> str:
    with translation.override(language):
        return render_to_string(TEMPLATES + "certificate/certificate.html", {
            "certificate": certificate_view(certificate, snapshot, verify_url, language), "language": language,
            "css": REPORT_CSS.read_text(encoding="utf-8")})


def certificate_document(certificate: Certificate, snapshot: Mapping[str, Any], verify_url: str,
                         language: str) -> Any:
    """The laid-out WeasyPrint document of the certificate (one A4 page)."""
    from weasyprint import HTML  # see _write_pdf

    return HTML(string=render_certificate_html(certificate, snapshot, verify_url, language)).render()


def render_certificate_pdf(certificate: Certificate, snapshot: Mapping[str, Any], verify_url: str,
                           language: str) -> bytes:
    """ONE A4 page: organisation, unit, standards with levels, dates, report number, code and QR."""
    return bytes(certificate_document(certificate, snapshot, verify_url, language).write_pdf())
