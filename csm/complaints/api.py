"""Complaint endpoints for staff: the queue, intake (with Idempotency-Key), one complaint, its
timeline, and one POST per handling action.

Reading needs `complaints.view` (every role; personal fields are masked for roles without
`complaints.personal_data`); intake and actions need `complaints.handle` (approval:
`complaints.approve`). A complaint of another organisation is a 404 on every path, before any body
reference is looked at. A move the status machine does not allow (e.g. changing a closed
complaint without reopening it) is a 409.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Status

from csm.accounts.context import Actor
from csm.accounts.models import User
from csm.accounts.selectors import access_unit, list_memberships
from csm.catalogue.selectors import access_characteristic, access_service, access_touch_point
from csm.complaints import selectors, services
from csm.complaints.config_selectors import access_category, access_remedy
from csm.complaints.models import Complaint, ComplaintEvent
from csm.complaints.schemas import (
    AssessIn,
    AssignIn,
    BodyIn,
    ComplaintIn,
    ComplaintOut,
    DuplicateIn,
    EventOut,
    IdempotencyKeyHeader,
    NoteIn,
    ProposeIn,
    ReasonIn,
    StatusIn,
)
from csm.complaints.workflow import Status as ComplaintStatus
from csm.core import clock
from csm.core.errors import InvalidInput
from csm.core.pagination import paginate
from csm.core.schemas import ERRORS, Id, PageOut, PageQuery
from csm.core.writes import resolve_reference

router = Router(tags=["complaints"])

# Body field -> (model field, lookup by id in the actor's organisation).
REFERENCES: dict[str, tuple[str, Callable[[Actor, int], Any]]] = {
    "unit_id": ("unit", lambda actor, pk: access_unit(actor=actor, unit_id=pk)),
    "service_id": ("service", lambda actor, pk: access_service(actor=actor, service_id=pk)),
    "touch_point_id": ("touch_point", lambda actor, pk: access_touch_point(actor=actor, touch_point_id=pk)),
    "characteristic_id": ("characteristic",
                          lambda actor, pk: access_characteristic(actor=actor, characteristic_id=pk)),
    "category_id": ("category", lambda actor, pk: access_category(actor=actor, category_id=pk)),
    "remedy_id": ("remedy", lambda actor, pk: access_remedy(actor=actor, remedy_id=pk)),
}


def _actor(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _refs(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """Turn *_id references into objects of the actor's organisation (422 on a foreign id)."""
    for field, (name, lookup) in REFERENCES.items():
        if field in data:
            pk = data.pop(field)
            data[name] = None if pk is None else resolve_reference(field, partial(lookup, actor, pk))
    return data


def _complaint(request: HttpRequest, complaint_id: int) -> tuple[Actor, Complaint]:
    actor = _actor(request)
    return actor, selectors.access_complaint(actor=actor, complaint_id=complaint_id)


def _shown(actor: Actor, complaint: Complaint) -> Complaint:
    return selectors.for_display(actor=actor, complaint=complaint)


# Reading ----------------------------------------------------------------------------------------

class ComplaintFilter(PageQuery):
    status: ComplaintStatus | None = None
    assignee_id: Id | None = None
    unit_id: Id | None = None
    category_id: Id | None = None
    q: str | None = Field(None, max_length=200, description="Part of the reference or the description.")
    overdue: bool | None = Field(None, description="true: only open complaints past their next deadline.")


@router.get("/complaints", response={200: PageOut[ComplaintOut], **ERRORS})
def list_complaints(request: HttpRequest, filters: Query[ComplaintFilter]) -> Any:
    actor = _actor(request)
    qs = selectors.queue(actor=actor, filters=selectors.QueueFilter(
        status=filters.status or "", assignee_id=filters.assignee_id, unit_id=filters.unit_id,
        category_id=filters.category_id, q=filters.q or "", open_only=bool(filters.overdue)))
    if filters.overdue:
        qs = qs.filter(next_due_at__lt=clock.now())
    page = paginate(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": [_shown(actor, c) for c in page.items], "next_cursor": page.next_cursor}


@router.post("/complaints", response={200: ComplaintOut, 201: ComplaintOut, **ERRORS})
def create_complaint(request: HttpRequest, payload: ComplaintIn,
                     idempotency_key: IdempotencyKeyHeader = None) -> Any:
    """Record a complaint received by staff. With an Idempotency-Key, a retry of the same request
    returns the first complaint (200) and a different request with the same key is a 409."""
    actor = _actor(request)
    data = payload.dict()
    received_at = data.pop("received_at")
    registered = services.register_complaint(
        organization=actor.organization, data=_refs(actor, data), actor=actor, received_at=received_at,
        idempotency_key=idempotency_key or "", scope="api")
    return Status(201 if registered.created else 200, _shown(actor, registered.complaint))


@router.get("/complaints/{complaint_id}", response={200: ComplaintOut, **ERRORS})
def get_complaint(request: HttpRequest, complaint_id: Id) -> Any:
    actor, complaint = _complaint(request, complaint_id)
    return _shown(actor, complaint)


@router.get("/complaints/{complaint_id}/timeline", response={200: PageOut[EventOut], **ERRORS})
def get_timeline(request: HttpRequest, complaint_id: Id, page: Query[PageQuery]) -> Any:
    actor, complaint = _complaint(request, complaint_id)
    return paginate(selectors.timeline(actor=actor, complaint=complaint), cursor=page.cursor, limit=page.limit)


# Actions ----------------------------------------------------------------------------------------

@router.post("/complaints/{complaint_id}/acknowledge", response={200: ComplaintOut, **ERRORS})
def acknowledge(request: HttpRequest, complaint_id: Id, payload: NoteIn) -> Any:
    actor, complaint = _complaint(request, complaint_id)
    return _shown(actor, services.acknowledge_complaint(actor=actor, complaint=complaint, note=payload.note))


@router.post("/complaints/{complaint_id}/assess", response={200: ComplaintOut, **ERRORS})
def assess(request: HttpRequest, complaint_id: Id, payload: AssessIn) -> Any:
    actor, complaint = _complaint(request, complaint_id)
    fields = _refs(actor, payload.dict(exclude_unset=True))
    return _shown(actor, services.assess_complaint(actor=actor, complaint=complaint, **fields))


@router.post("/complaints/{complaint_id}/status", response={200: ComplaintOut, **ERRORS})
def change_status(request: HttpRequest, complaint_id: Id, payload: StatusIn) -> Any:
    actor, complaint = _complaint(request, complaint_id)
    changed = services.change_status(actor=actor, complaint=complaint, status=payload.status, note=payload.note)
    return _shown(actor, changed)


def _assignee(actor: Actor, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    membership = list_memberships(actor=actor).filter(user_id=user_id).first()
    if membership is None:
        raise InvalidInput("assignee_id", "No such object in this organisation.")
    return membership.user


@router.post("/complaints/{complaint_id}/assign", response={200: ComplaintOut, **ERRORS})
def assign(request: HttpRequest, complaint_id: Id, payload: AssignIn) -> Any:
    actor, complaint = _complaint(request, complaint_id)
    assignee = _assignee(actor, payload.assignee_id)
    return _shown(actor, services.assign_complaint(actor=actor, complaint=complaint, assignee=assignee))


@router.post("/complaints/{complaint_id}/notes", response={201: EventOut, **ERRORS})
def add_note(request: HttpRequest, complaint_id: Id, payload: BodyIn) -> Any:
    actor, complaint = _complaint(request, complaint_id)
    return Status(201, services.add_note(actor=actor, complaint=complaint, body=payload.body))


@router.post("/complaints/{complaint_id}/messages", response={201: EventOut, **ERRORS})
def send_message(request: HttpRequest, complaint_id: Id, payload: BodyIn) -> Any:
    """A message to the complainant: shown on their tracking page and sent by e-mail."""
    actor, complaint = _complaint(request, complaint_id)
    event: ComplaintEvent = services.send_message(actor=actor, complaint=complaint, body=payload.body)
    return Status(201, event)


@router.post("/complaints/{complaint_id}/request-information", response={200: ComplaintOut, **ERRORS})
def request_information(request: HttpRequest, complaint_id: Id, payload: BodyIn) -> Any:
    actor, complaint = _complaint(request, complaint_id)
    return _shown(actor, services.request_information(actor=actor, complaint=complaint, body=payload.body))


@router.post("/complaints/{complaint_id}/propose", response={200: ComplaintOut, **ERRORS})
def propose(request: HttpRequest, complaint_id: Id, payload: ProposeIn) -> Any:
    actor, complaint = _complaint(request, complaint_id)
    data = _refs(actor, payload.dict())
    proposed = services.propose_response(actor=actor, complaint=complaint, remedy=data["remedy"], cost=data["cost"],
                                         outcome=data["outcome"], decision_text=data["decision_text"])
    return _shown(actor, proposed)


@router.post("/complaints/{complaint_id}/approve", response={200: ComplaintOut, **ERRORS})
def approve(request: HttpRequest, complaint_id: Id) -> Any:
    actor, complaint = _complaint(request, complaint_id)
    return _shown(actor, services.approve_response(actor=actor, complaint=complaint))


@router.post("/complaints/{complaint_id}/decide", response={200: ComplaintOut, **ERRORS})
def decide(request: HttpRequest, complaint_id: Id) -> Any:
    """Communicate the proposed (and, above its limit, approved) decision to the complainant."""
    actor, complaint = _complaint(request, complaint_id)
    return _shown(actor, services.communicate_decision(actor=actor, complaint=complaint))


@router.post("/complaints/{complaint_id}/close", response={200: ComplaintOut, **ERRORS})
def close(request: HttpRequest, complaint_id: Id, payload: ReasonIn) -> Any:
    actor, complaint = _complaint(request, complaint_id)
    return _shown(actor, services.close_complaint(actor=actor, complaint=complaint, reason=payload.reason))


@router.post("/complaints/{complaint_id}/reopen", response={200: ComplaintOut, **ERRORS})
def reopen(request: HttpRequest, complaint_id: Id, payload: ReasonIn) -> Any:
    actor, complaint = _complaint(request, complaint_id)
    return _shown(actor, services.reopen_complaint(actor=actor, complaint=complaint, reason=payload.reason))


@router.post("/complaints/{complaint_id}/refer", response={200: ComplaintOut, **ERRORS})
def refer(request: HttpRequest, complaint_id: Id, payload: BodyIn) -> Any:
    """Refer the complaint to external dispute resolution (ISO 10003)."""
    actor, complaint = _complaint(request, complaint_id)
    return _shown(actor, services.refer_complaint(actor=actor, complaint=complaint, body=payload.body))


@router.post("/complaints/{complaint_id}/duplicate-of", response={200: ComplaintOut, **ERRORS})
def duplicate_of(request: HttpRequest, complaint_id: Id, payload: DuplicateIn) -> Any:
    actor, complaint = _complaint(request, complaint_id)
    original = resolve_reference(
        "original_id", lambda: selectors.access_complaint(actor=actor, complaint_id=payload.original_id))
    return _shown(actor, services.mark_duplicate(actor=actor, complaint=complaint, original=original))
