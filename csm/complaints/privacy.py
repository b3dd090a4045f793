"""Privacy for complaints: anonymisation, retention, legal holds and data-subject requests.

`anonymise_complaint` replaces the complainant's personal data on the complaint itself and deletes
its attachments (their files once the transaction commits); the timeline is append-only, so its
entries stay and `anonymised_at` tells pages to hide their bodies from the complainant side.
Nothing is anonymised while the complaint is under a legal hold (a Conflict `legal_hold`).

`retention_sweep` (daily, periodic.py) anonymises closed complaints once their organisation's
`retention_days` after closure have passed, in keyset batches of locked rows, and deletes the log
entries of inbound mail that made no complaint after 90 days.

Data-subject requests go by e-mail address within the actor's organisation: an export needs
`complaints.personal_data`; an erasure also `complaints.configure`, skips complaints under legal
hold (reported as held) and is logged as one audit event besides each complaint's own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django_tasks import task

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.complaints.models import (
    CUSTOMER_LABELS,
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    ComplaintSettings,
    EventKind,
    InboundMail,
    Notification,
)
from csm.complaints.services.moves import event, lock, require_text
from csm.complaints.workflow import Status
from csm.core import clock
from csm.core.audit import record_event
from csm.core.errors import Conflict, NotFound

BATCH_SIZE = 500
# The log of mail that made no complaint (automatic, rejected) exists only to read each message once.
UNLINKED_MAIL_DAYS = 90
ANONYMISED = "Anonymised"
# Replaced by ANONYMISED (they may not be blank) and blanked, respectively.
REPLACED_FIELDS = ("complainant_name", "description")
BLANKED_FIELDS = ("complainant_email", "complainant_phone", "complainant_address", "representative_name",
                  "representative_contact", "order_reference", "remedy_sought", "rating_comment")
SUBJECT_TYPE = "complaints.data_subject"
EXPORTED_FIELDS = ("reference", "received_at", "channel", "complainant_name", "complainant_email",
                   "complainant_phone", "complainant_address", "representative_name", "representative_contact",
                   "order_reference", "product", "description", "remedy_sought", "outcome", "decision_text",
                   "customer_reaction", "rating", "rating_comment", "closed_at")


@dataclasses.dataclass(frozen=True)
class ErasureResult:
    erased: list[str]
    held: list[str]


# Anonymisation ----------------------------------------------------------------------------------

@transaction.atomic
def anonymise_complaint(*, complaint: Complaint, reason: str, actor: Actor | None = None) -> Complaint:
    """Replace the complainant's personal data and delete the attachments (the worker passes no
    actor; a user needs personal-data and configuration rights). Anonymising twice does nothing."""
    if actor is not None:
        _require_eraser(actor, complaint)
    lock(complaint)
    if complaint.legal_hold:
        raise Conflict(_("This complaint is under a legal hold; its data must be kept."), code="legal_hold")
    if complaint.anonymised_at is not None:
        return complaint
    user = actor.user if actor else None
    complaint.anonymised_at = clock.now()
    for name in REPLACED_FIELDS:
        setattr(complaint, name, ANONYMISED)
    for name in BLANKED_FIELDS:
        setattr(complaint, name, "")
    complaint.save(update_fields=[*REPLACED_FIELDS, *BLANKED_FIELDS, "anonymised_at", "updated_at"])
    deleted = _delete_attachments(complaint)
    # Our e-mails hold the address and the messages: once anonymised, neither stays nor goes out.
    Notification.objects.filter(complaint=complaint).delete()
    InboundMail.objects.filter(complaint=complaint).update(from_address="", subject="")
    event(complaint, EventKind.ANONYMISED, actor=user, body=reason, data={"attachments_deleted": deleted})
    record_event(organization_id=complaint.organization_id, actor=user or "system", action="anonymised",
                 obj=complaint, changes={"anonymised_at": [None, complaint.anonymised_at.isoformat()],
                                         "reason": [None, reason]})
    return complaint


def _require_eraser(actor: Actor, complaint: Complaint) -> None:
    actor.require(roles.COMPLAINTS_PERSONAL_DATA)
    actor.require(roles.COMPLAINTS_CONFIGURE)
    if complaint.organization_id != actor.organization_id:
        raise NotFound()


def _delete_attachments(complaint: Complaint) -> int:
    """Delete the rows now and their files once the transaction commits (a rollback keeps both)."""
    attachments = list(ComplaintAttachment.objects.filter(complaint=complaint))
    for attachment in attachments:
        storage, name = attachment.file.storage, attachment.file.name
        if name:
            transaction.on_commit(partial(storage.delete, name))
    ComplaintAttachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
    return len(attachments)


# Retention --------------------------------------------------------------------------------------

def retention_sweep(batch_size: int = BATCH_SIZE) -> int:
    """Anonymise every closed complaint past its organisation's retention period that is neither
    held nor anonymised yet, in keyset batches by id, each in its own transaction with its rows
    locked; returns how many were anonymised. Also forgets the log of inbound mail that made no
    complaint after UNLINKED_MAIL_DAYS."""
    InboundMail.objects.filter(complaint__isnull=True,
                               created_at__lt=clock.now() - dt.timedelta(days=UNLINKED_MAIL_DAYS)).delete()
    expired = expired_complaints(clock.now())
    done, last_id = 0, 0
    while True:
        with transaction.atomic():
            batch = list(expired.filter(pk__gt=last_id).select_for_update(skip_locked=True)
                         .order_by("id")[:batch_size])
            for complaint in batch:
                anonymise_complaint(complaint=complaint, reason=_("Retention period ended."))
        if not batch:
            return done
        done, last_id = done + len(batch), batch[-1].pk


@task()
def complaint_retention(batch_size: int = BATCH_SIZE) -> int:
    return retention_sweep(batch_size=batch_size)


def expired_complaints(now: dt.datetime) -> QuerySet[Complaint]:
    """Closed, unheld, not yet anonymised complaints closed more than their organisation's
    retention period before `now` (one condition per distinct period)."""
    periods = dict(ComplaintSettings.objects.values_list("organization_id", "retention_days"))
    by_days: dict[int, list[int]] = defaultdict(list)
    for organization_id, days in periods.items():
        by_days[days].append(organization_id)
    default_days: int = ComplaintSettings._meta.get_field("retention_days").get_default()
    expired = Q(closed_at__lt=now - dt.timedelta(days=default_days)) & ~Q(organization_id__in=list(periods))
    for days, organization_ids in by_days.items():
        expired |= Q(organization_id__in=organization_ids, closed_at__lt=now - dt.timedelta(days=days))
    return Complaint.objects.filter(expired, status=Status.CLOSED, legal_hold=False, anonymised_at__isnull=True)


# Legal hold -------------------------------------------------------------------------------------

@transaction.atomic
def set_legal_hold(*, actor: Actor, complaint: Complaint, hold: bool, reason: str) -> Complaint:
    """Put a complaint under a legal hold (its data is kept while a dispute lasts) or lift it."""
    actor.require(roles.COMPLAINTS_CONFIGURE)
    if complaint.organization_id != actor.organization_id:
        raise NotFound()
    reason = require_text("reason", reason, _("Give a reason."))
    lock(complaint)
    if complaint.legal_hold == hold:
        return complaint
    complaint.legal_hold = hold
    complaint.save(update_fields=["legal_hold", "updated_at"])
    event(complaint, EventKind.NOTE, actor=actor.user, body=reason, data={"legal_hold": hold})
    record_event(organization_id=actor.organization_id, actor=actor.user, action="updated", obj=complaint,
                 changes={"legal_hold": [not hold, hold], "reason": [None, reason]})
    return complaint


# Data-subject requests --------------------------------------------------------------------------

def subject_complaints(*, actor: Actor, email: str) -> QuerySet[Complaint]:
    """The complaints of one complainant (e-mail, case-insensitive) in the actor's organisation."""
    actor.require(roles.COMPLAINTS_PERSONAL_DATA)
    email = require_text("email", email, _("Give the complainant's e-mail address."))
    return Complaint.objects.filter(organization_id=actor.organization_id,
                                    complainant_email__iexact=email).order_by("received_at", "id")


def subject_export(*, actor: Actor, email: str) -> dict[str, Any]:
    """Everything kept about the complainant, with each complaint's customer-visible timeline;
    the export is logged (references only)."""
    visible = ComplaintEvent.objects.filter(is_customer_visible=True).order_by("created_at", "id")
    complaints = list(subject_complaints(actor=actor, email=email).prefetch_related(
        Prefetch("events", queryset=visible, to_attr="visible_events")))
    record_event(organization_id=actor.organization_id, actor=actor.user, action="subject_export",
                 object_type=SUBJECT_TYPE, changes={"complaints": [None, [c.reference for c in complaints]]})
    return {"email": email.strip(), "exported_at": clock.now().isoformat(),
            "complaints": [_exported(complaint) for complaint in complaints]}


def _exported(complaint: Complaint) -> dict[str, Any]:
    data = {name: _json(getattr(complaint, name)) for name in EXPORTED_FIELDS}
    data["status"] = str(CUSTOMER_LABELS.get(Status(complaint.status), complaint.status))
    data["timeline"] = [{"at": e.created_at.isoformat(), "kind": e.kind, "status": e.to_status, "body": e.body}
                        for e in complaint.visible_events]  # type: ignore[attr-defined]
    return data


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime) else value


@transaction.atomic
def erase_subject(*, actor: Actor, email: str, reason: str) -> ErasureResult:
    """Anonymise every complaint of the complainant except those under legal hold (listed as held)."""
    actor.require(roles.COMPLAINTS_CONFIGURE)
    reason = require_text("reason", reason, _("Give a reason."))
    complaints = list(subject_complaints(actor=actor, email=email).select_for_update().order_by("id"))
    held = [c.reference for c in complaints if c.legal_hold]
    erased = [anonymise_complaint(complaint=c, reason=reason, actor=actor).reference
              for c in complaints if not c.legal_hold]
    record_event(organization_id=actor.organization_id, actor=actor.user, action="subject_erasure",
                 object_type=SUBJECT_TYPE, changes={"erased": [None, erased], "held": [None, held],
                                                    "reason": [None, reason]})
    return ErasureResult(erased=erased, held=held)
