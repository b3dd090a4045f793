"""The public check of a confirmation certificate, under /verify/ (no login): a form to type the
code, and the code's page with what the certificate confirms and whether it still holds.

The status, in order of precedence: revoked (with date and reason), superseded (the report was
corrected by a newer revision), expired (today, in the organisation's timezone, is after
valid_until), else valid. The page shows only what the certificate itself states. Lookups are
rate-limited per client IP in a fixed hourly window in the shared cache, so that codes cannot be
guessed by a script; past the limit the answer is 429.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from csm.assessments.models import Certificate, Report
from csm.assessments.report_model import level_label, standard_number, standard_title
from csm.assessments.report_selectors import certificate_by_code, normalize_code
from csm.complaints.intake_limits import client_ip
from csm.core import clock, hourly_limits

TEMPLATES = "assessments/verify/"
WINDOW_SECONDS = 3600
DEFAULT_PER_IP_HOUR = 30


class CertificateStatus:
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


def allow_lookup(request: HttpRequest) -> bool:
    """Count this lookup; False once the client's IP is past its limit in this window."""
    limit = int(getattr(settings, "CSM_VERIFY_PER_IP_HOUR", DEFAULT_PER_IP_HOUR))
    return hourly_limits.allow(prefix="verify", identity=client_ip(request.META), limit=limit,
                               window_seconds=WINDOW_SECONDS)


def _newer(report: Report) -> Report | None:
    try:
        return report.superseded_by  # type: ignore[no-any-return]
    except Report.DoesNotExist:
        return None


def certificate_status(certificate: Certificate, *, today: dt.date) -> str:
    if certificate.revoked_at is not None:
        return CertificateStatus.REVOKED
    if _newer(certificate.report) is not None:
        return CertificateStatus.SUPERSEDED
    return CertificateStatus.EXPIRED if today > certificate.valid_until else CertificateStatus.VALID


@dataclass(frozen=True)
class ConfirmedStandard:
    number: str
    title: str
    level: int
    level_label: str


def _standards(certificate: Certificate) -> list[ConfirmedStandard]:
    language = get_language() or "en"
    return [ConfirmedStandard(standard_number(s["id"]), standard_title(None, s["id"], language), s["level"],
                              level_label(s["level"])) for s in certificate.standards]


def _today(certificate: Certificate) -> dt.date:
    return clock.now().astimezone(ZoneInfo(certificate.organization.timezone)).date()


@require_GET
def verify_form(request: HttpRequest) -> HttpResponse:
    """The form; `?code=` goes on to that code's page."""
    code = normalize_code(request.GET.get("code", ""))
    if code:
        return HttpResponseRedirect(reverse("assessments_public:verify", kwargs={"code": code}))
    return render(request, TEMPLATES + "form.html", {"was_empty": "code" in request.GET})


@never_cache
@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    if not allow_lookup(request):
        return render(request, TEMPLATES + "rate_limited.html", status=429)
    certificate = certificate_by_code(code)
    if certificate is None:
        return render(request, TEMPLATES + "unknown.html", {"code": code}, status=404)
    snapshot = certificate.report.snapshot
    return render(request, TEMPLATES + "result.html", {
        "certificate": certificate, "status": certificate_status(certificate, today=_today(certificate)),
        "organization": snapshot["organization"]["name"], "unit": (snapshot.get("unit") or {}).get("name", ""),
        "standards": _standards(certificate), "report_number": certificate.report.number,
        "newer": _newer(certificate.report)})
