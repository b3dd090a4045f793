"""Issued reports for the comparison tests: hand-made snapshots (schema 1, only the parts the
comparisons read, plus the header) and the Assessment + Report rows that carry them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from csm.accounts.models import Organization, Unit, User
from csm.assessments.models import Assessment, Report, Status
from csm.assessments.snapshot import digest

Standard = tuple[str, float, int, int]  # id, index, level, n scored
Clause = tuple[str, str, float, int]  # standard, clause, index, n


def answer(question: str, standard: str, clause: str, score: int | None, effective: int | None = None,
           weight: int = 1) -> dict[str, Any]:
    """A snapshot answer; `effective` defaults to the claimed score, N/A (None) stays None."""
    return {"question": question, "standard": standard, "clause": clause, "kind": "enabler", "weight": weight,
            "key": weight == 3, "score": score, "effective": score if effective is None else effective,
            "na_reason": "" if score is not None else "not applicable", "notes": "", "evidence": []}


def make_snapshot(number: str, *, standards: Sequence[Standard], clauses: Sequence[Clause] = (),
                  answers: Sequence[dict[str, Any]] = (), mode: str = "self", unit: Unit | None = None,
                  ends_on: str = "2026-01-31", issued_at: str = "2026-02-02T09:00:00+00:00",
                  overall: tuple[float, int] | None = None) -> dict[str, Any]:
    """`overall` defaults to the mean of the standards' indices and the lowest level."""
    index, level = overall or (sum(s[1] for s in standards) / len(standards), min(s[2] for s in standards))
    return {
        "schema": 1, "number": number, "title": f"Assessment {number}", "organization": {"id": 0, "name": ""},
        "unit": None if unit is None else {"id": unit.pk, "name": unit.name}, "mode": mode,
        "assessing_body": "", "lead_assessor": "Alice", "team": [], "starts_on": ends_on, "ends_on": ends_on,
        "issued_at": issued_at, "issued_by": "Alice", "revision": 1, "supersedes": None, "correction_reason": "",
        "protocol": {"id": "csm", "version": "1.0"}, "overall": {"level": level, "index": index},
        "standards": [{"id": sid, "index": value, "level": lvl, "n_scored": n} for sid, value, lvl, n in standards],
        "clauses": [{"standard": sid, "clause": clause, "index": value, "n": n} for sid, clause, value, n in clauses],
        "answers": list(answers), "metrics": [], "previous": None, "benchmark": [], "certificate": None,
    }


def issue_report(organization: Organization, snapshot: dict[str, Any], *, lead_assessor: User,
                 unit: Unit | None = None, supersedes: Report | None = None) -> Report:
    """The Assessment (issued) and its Report, as the sign-off service would leave them."""
    ends_on = dt.date.fromisoformat(snapshot["ends_on"])
    assessment = Assessment.objects.create(
        organization=organization, title=snapshot["title"], unit=unit, mode=snapshot["mode"],
        standards=[s["id"] for s in snapshot["standards"]], protocol_version="1.0", lead_assessor=lead_assessor,
        starts_on=ends_on - dt.timedelta(days=30), ends_on=ends_on, status=Status.ISSUED)
    return Report.objects.create(
        organization=organization, assessment=assessment, number=snapshot["number"], snapshot=snapshot,
        digest=digest(snapshot), overall_level=snapshot["overall"]["level"],
        overall_index=Decimal(repr(snapshot["overall"]["index"])).quantize(Decimal("0.1")),
        issued_at=dt.datetime.fromisoformat(snapshot["issued_at"]), supersedes=supersedes)
