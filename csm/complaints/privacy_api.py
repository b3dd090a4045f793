"""Privacy endpoints: data-subject export and erasure (by e-mail, in the caller's organisation) and
a complaint's legal hold.

Export needs `complaints.personal_data`; erasure and legal holds also `complaints.configure`. An
erasure skips complaints under legal hold and reports them as held.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from csm.accounts.context import Actor
from csm.complaints import privacy, selectors
from csm.complaints.schemas import MAX_TEXT, ComplaintOut
from csm.core.schemas import ERRORS, Id, InputSchema

router = Router(tags=["privacy"])


class SubjectQuery(InputSchema):
    email: str = Field(min_length=1, max_length=254)


class ErasureIn(InputSchema):
    email: str = Field(min_length=1, max_length=254)
    reason: str = Field(min_length=1, max_length=MAX_TEXT)


class ErasureOut(Schema):
    erased: list[str]
    held: list[str]


class LegalHoldIn(InputSchema):
    hold: bool
    reason: str = Field(min_length=1, max_length=MAX_TEXT)


def _actor(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined,no-any-return]


@router.get("/privacy/subject-export", response={200: dict[str, Any], **ERRORS})
def subject_export(request: HttpRequest, query: Query[SubjectQuery]) -> Any:
    """Everything kept about one complainant: their complaints and what they were shown."""
    return privacy.subject_export(actor=_actor(request), email=query.email)


@router.post("/privacy/subject-erasure", response={200: ErasureOut, **ERRORS})
def subject_erasure(request: HttpRequest, payload: ErasureIn) -> Any:
    """Anonymise one complainant's complaints, except those under legal hold (listed as held)."""
    return privacy.erase_subject(actor=_actor(request), email=payload.email, reason=payload.reason)


@router.post("/complaints/{complaint_id}/legal-hold", response={200: ComplaintOut, **ERRORS})
def legal_hold(request: HttpRequest, complaint_id: Id, payload: LegalHoldIn) -> Any:
    actor = _actor(request)
    complaint = selectors.access_complaint(actor=actor, complaint_id=complaint_id)
    held = privacy.set_legal_hold(actor=actor, complaint=complaint, hold=payload.hold, reason=payload.reason)
    return selectors.for_display(actor=actor, complaint=held)
