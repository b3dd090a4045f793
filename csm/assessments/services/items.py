"""Improvement items: an issued report's opportunities, each with an owner, a due date and a status.

Managers (ASSESSMENTS_MANAGE) set the owner and the due date; the owner or a manager moves the
status. Closing (done or cancelled) needs a note. The CAPA module will later turn an item into a
corrective action.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.models import Membership
from csm.assessments.models import ImprovementItem, ItemStatus
from csm.core import clock
from csm.core.audit import record_event
from csm.core.errors import InvalidInput, PermissionDenied

CLOSED = (ItemStatus.DONE, ItemStatus.CANCELLED)


@transaction.atomic
def update_improvement_item(*, actor: Actor, item: ImprovementItem, owner_id: int | None, due_on: dt.date,
                            status: str, closing_note: str = "") -> ImprovementItem:
    is_manager = actor.can(roles.ASSESSMENTS_MANAGE)
    if not is_manager and item.owner_id != actor.user.pk:
        raise PermissionDenied(_("Only the item's owner or a manager can change it."))
    if not is_manager and (owner_id != item.owner_id or due_on != item.due_on):
        raise PermissionDenied(_("Only a manager can change the owner or the due date."))
    if status not in ItemStatus.values:
        raise InvalidInput("status", _("Choose a status."))
    if owner_id is not None and not Membership.objects.filter(organization_id=actor.organization_id,
                                                              user_id=owner_id, is_active=True).exists():
        raise InvalidInput("owner", _("The owner must be a member of the organisation."))
    if status in CLOSED and not closing_note.strip():
        raise InvalidInput("closing_note", _("Say what was done, or why the item is cancelled."))
    before = {"owner": item.owner_id, "due_on": item.due_on.isoformat(), "status": item.status}
    item.owner_id, item.due_on, item.status = owner_id, due_on, status
    item.closing_note = closing_note.strip()
    item.closed_at = clock.now() if status in CLOSED else None
    item.save(update_fields=["owner", "due_on", "status", "closing_note", "closed_at"])
    after = {"owner": item.owner_id, "due_on": due_on.isoformat(), "status": status}
    record_event(organization_id=actor.organization_id, actor=actor.user, action="assessment.improvement_updated",
                 obj=item, changes={k: [before[k], after[k]] for k in after if before[k] != after[k]})
    return item
