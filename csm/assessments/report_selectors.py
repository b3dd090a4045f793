"""Reads of issued reports and their confirmation certificates.

Staff reads are scoped to the actor's organisation and need ASSESSMENTS_VIEW; a missing report and
another organisation's raise the same NotFound. The one public read, `certificate_by_code`, finds a
certificate by the code printed on it, however it was typed (case, spaces and dashes do not count).
"""

from __future__ import annotations

import re

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.assessments.models import Certificate, Report
from csm.core.lookups import get_or_not_found

CODE_NOISE = re.compile(r"[\s\-‐-―−]+")
CODE_LENGTH = 12  # without its dashes


def access_report(*, actor: Actor, report_id: int) -> Report:
    actor.require(roles.ASSESSMENTS_VIEW)
    return get_or_not_found(Report.objects.filter(organization_id=actor.organization_id)
                            .select_related("organization", "assessment"), report_id)


def report_certificate(*, report: Report) -> Certificate | None:
    """The report's certificate, if it has one (a report at level 0 in every standard has none)."""
    return Certificate.objects.filter(organization_id=report.organization_id, report=report).first()


def newer_report(*, report: Report) -> Report | None:
    """The report that corrects this one, if any."""
    return Report.objects.filter(organization_id=report.organization_id, supersedes=report).first()


def normalize_code(code: str) -> str:
    """The code as compared: upper case, without spaces or dashes ("ab12-cd34 " → "AB12CD34")."""
    return CODE_NOISE.sub("", code).upper()


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate whose code matches `code` however it was typed, with its report, the
    report's newer revision and the organisation; None for an unknown or malformed code.

    Codes are issued as three groups of four (issuing.new_code), so the typed code is put back in
    that form and found through the unique index."""
    wanted = normalize_code(code)
    if len(wanted) != CODE_LENGTH:
        return None
    return (Certificate.objects.filter(code=f"{wanted[:4]}-{wanted[4:8]}-{wanted[8:]}")
            .select_related("organization", "report", "report__superseded_by").first())
