"""Staff pages of an issued report (ASSESSMENTS_VIEW): the report page in the site's layout, in the
report language chosen by `?lang=` (default: the organisation's language), its PDF, and the PDF of
its confirmation certificate. The report is read from its frozen snapshot against the shipped
protocol it was scored on."""

from __future__ import annotations

import re

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.decorators import org_view
from csm.assessments import protocol_store, report_render
from csm.assessments.models import Report
from csm.assessments.protocol import Protocol
from csm.assessments.report_selectors import access_report, newer_report, report_certificate

# Each language named in itself, for the switch links.
REPORT_LANGUAGES = (("en", "English"), ("pl", "Polski"), ("zh-hans", "简体中文"))
UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def _language(request: HttpRequest) -> str:
    chosen = request.GET.get("lang", "")
    if chosen in dict(REPORT_LANGUAGES):
        return chosen
    return _actor(request).organization.default_language


def _protocol(report: Report) -> Protocol:
    # A shipped protocol is never removed, so a missing one is a broken deployment: let it fail loudly.
    return protocol_store.protocol_version(report.snapshot["protocol"]["version"])


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{UNSAFE_FILENAME.sub("-", filename)}"'
    return response


@org_view(roles.ASSESSMENTS_VIEW)
def report_page(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access_report(actor=_actor(request), report_id=report_id)
    language = _language(request)
    return render(request, "assessments/report/page.html", {
        "report": report, "language": language, "languages": REPORT_LANGUAGES,
        "report_html": report_render.render_report_html(report.snapshot, _protocol(report), language,
                                                        standalone=False),
        "certificate": report_certificate(report=report), "newer": newer_report(report=report),
        "can_manage": _actor(request).can(roles.ASSESSMENTS_MANAGE)})


@org_view(roles.ASSESSMENTS_VIEW)
def report_pdf(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access_report(actor=_actor(request), report_id=report_id)
    language = _language(request)
    content = report_render.render_report_pdf(report.snapshot, _protocol(report), language)
    return _pdf(content, f"report-{report.number}-{language}.pdf")


@org_view(roles.ASSESSMENTS_VIEW)
def certificate_pdf(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access_report(actor=_actor(request), report_id=report_id)
    certificate = report_certificate(report=report)
    if certificate is None:
        raise Http404()
    verify_url = settings.CSM_BASE_URL.rstrip("/") + reverse("assessments_public:verify",
                                                             kwargs={"code": certificate.code})
    content = report_render.render_certificate_pdf(certificate, report.snapshot, verify_url, _language(request))
    return _pdf(content, f"certificate-{certificate.code}.pdf")
