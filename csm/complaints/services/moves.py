"""What every complaint service shares: the timeline, status moves with their clock pauses, the
row lock, deadline refreshes and the checks every write makes.

`move` is the only place a status changes: along `workflow.TRANSITIONS` or a Conflict with code
`transition_not_allowed`; entering a pause status appends "paused", leaving one "resumed" (the
clocks read these events back, see deadlines.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.models import User
from csm.complaints import deadlines, workflow
from csm.complaints.config_selectors import get_settings
from csm.complaints.models import Complaint, ComplaintEvent, EventKind
from csm.complaints.tracking import tracking_url
from csm.complaints.workflow import Status
from csm.core import clock
from csm.core.errors import Conflict, InvalidInput, NotFound

STEP_STAMPS = {Status.ACKNOWLEDGED: "acknowledged_at", Status.ASSESSED: "assessed_at",
               Status.DECISION_COMMUNICATED: "responded_at", Status.CLOSED: "closed_at"}


def event(complaint: Complaint, kind: str, *, actor: User | None = None, label: str = "", body: str = "",
          visible: bool = False, data: dict[str, Any] | None = None, from_status: str = "",
          to_status: str = "", message_id: str = "") -> ComplaintEvent:
    """Append one entry to the complaint's timeline (`label` names a non-user actor)."""
    entry = unsaved_event(complaint, kind, actor=actor, label=label, body=body, visible=visible, data=data,
                          from_status=from_status, to_status=to_status, message_id=message_id)
    entry.save()
    return entry


def unsaved_event(complaint: Complaint, kind: str, *, actor: User | None = None, label: str = "", body: str = "",
                  visible: bool = False, data: dict[str, Any] | None = None, from_status: str = "",
                  to_status: str = "", message_id: str = "") -> ComplaintEvent:
    """The entry `event` appends, not yet saved, for a caller that appends many in one INSERT."""
    row = event_row(complaint, kind, actor=actor, label=label, body=body, visible=visible, data=data,
                    from_status=from_status, to_status=to_status, message_id=message_id)
    del row["complaint_id"], row["actor_id"]
    return ComplaintEvent(**row, complaint=complaint, actor=actor)


def event_row(complaint: Complaint, kind: str, *, actor: User | None = None, label: str = "", body: str = "",
              visible: bool = False, data: dict[str, Any] | None = None, from_status: str = "",
              to_status: str = "", message_id: str = "") -> dict[str, Any]:
    """`unsaved_event`'s columns by attribute name, for `core.writes.insert_rows` (a sweep appending
    thousands at once builds no model instance for them)."""
    return {
        "organization_id": complaint.organization_id, "complaint_id": complaint.pk, "kind": kind,
        "actor_id": actor.pk if actor else None, "actor_label": label or (actor.email if actor else "system"),
        "body": body, "is_customer_visible": visible, "data": data or {}, "from_status": from_status,
        "to_status": to_status, "message_id": message_id,
    }


def links(complaint: Complaint) -> dict[str, str]:
    """The complainant's private links, rebuilt from the stored secret (see tracking.py)."""
    url = tracking_url(organization_slug=complaint.organization.slug, reference=complaint.reference,
                       secret=complaint.tracking_secret)
    return {"tracking_url": url, "rating_url": url + "rate/"}


def pause_statuses(organization_id: int) -> frozenset[str]:
    return frozenset(get_settings(organization_id=organization_id).pause_statuses)


def move(complaint: Complaint, target: Status, *, actor: User | None, label: str = "", body: str = "",
         pausing: frozenset[str] | None = None) -> None:
    """Change the status along an allowed transition, pausing or resuming the clocks as configured
    (`pausing`: the organisation's pause statuses, when the caller has its settings already)."""
    try:
        workflow.check_transition(complaint.status, target)
    except workflow.TransitionNotAllowed as exc:
        raise Conflict(str(exc), code="transition_not_allowed") from None
    before, now = complaint.status, clock.now()
    pausing = pause_statuses(complaint.organization_id) if pausing is None else pausing
    complaint.resume_status = before if target == Status.AWAITING_CUSTOMER else ""
    complaint.status = target
    event(complaint, EventKind.STATUS_CHANGED, actor=actor, label=label, body=body, from_status=before,
          to_status=target, visible=True)
    if target in pausing and before not in pausing:
        complaint.paused_since = now
        event(complaint, EventKind.PAUSED, actor=actor, label=label)
    elif before in pausing and target not in pausing:
        complaint.paused_since = None
        event(complaint, EventKind.RESUMED, actor=actor, label=label)
    stamp_step(complaint, target, now)


def stamp_step(complaint: Complaint, target: Status, now: dt.datetime) -> None:
    """Record when a step was first done; reopening undoes the closure."""
    field = STEP_STAMPS.get(target)
    if field and getattr(complaint, field) is None:
        setattr(complaint, field, now)
    if target == Status.REOPENED:
        complaint.closed_at = None


def refresh_deadlines(complaint: Complaint) -> deadlines.Timing:
    """Recompute the step deadlines, the queue order and the next SLA check from the policy that
    now applies and the timeline (on the instance; the caller saves)."""
    return deadlines.apply_clocks(complaint, deadlines.context_for(complaint), now=clock.now())


def save(complaint: Complaint) -> None:
    refresh_deadlines(complaint)
    complaint.save()


def lock(complaint: Complaint) -> Complaint:
    """Lock the complaint's row for this transaction and reload it in place, so two writers never
    overwrite each other's changes."""
    complaint.refresh_from_db(from_queryset=Complaint.objects.select_for_update())
    return complaint


def require_handler(actor: Actor, complaint: Complaint) -> Complaint:
    """The actor handles complaints in the complaint's organisation (another's is not found); the
    complaint comes back locked and fresh."""
    actor.require(roles.COMPLAINTS_HANDLE)
    if complaint.organization_id != actor.organization_id:
        raise NotFound()
    return lock(complaint)


def require_open(complaint: Complaint) -> None:
    if complaint.status == Status.CLOSED:
        raise Conflict(_("This complaint is closed; reopen it first."), code="complaint_closed")


def require_text(field: str, text: str, message: str) -> str:
    if not text.strip():
        raise InvalidInput(field, message)
    return text.strip()


def reject_unknown(data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise InvalidInput(errors=[{"field": f, "message": _("Unknown field.")} for f in sorted(unknown)])


def check_same_organization(organization_id: int, data: dict[str, Any]) -> None:
    """Every referenced object (unit, service, touch point, category, remedy…) is the organisation's."""
    for field, value in data.items():
        if isinstance(value, models.Model) and getattr(value, "organization_id", organization_id) != organization_id:
            raise InvalidInput(field, _("No such object in this organisation."))
