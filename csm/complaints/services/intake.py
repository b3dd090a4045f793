"""Registering a complaint (ISO 10002 7.2) and acknowledging it (7.4)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, models, transaction
from django.utils.translation import gettext as _
from django_tasks import task

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.models import Organization, User
from csm.complaints import attachments, deadlines, intake_limits, notifications
from csm.complaints.config_selectors import get_settings
from csm.complaints.models import Complaint, ComplaintSettings, EventKind
from csm.complaints.services import intake_rows, moves
from csm.complaints.tracking import new_tracking_secret, tracking_token
from csm.complaints.workflow import Status
from csm.core import clock
from csm.core.audit import record_event
from csm.core.errors import Conflict, InvalidInput, PermissionDenied
from csm.core.queueing import on_database
from csm.core.writes import check_fields, inserted_instance

logger = logging.getLogger(__name__)

INTAKE_FIELDS = (
    "unit", "channel", "complainant_name", "complainant_email", "complainant_phone", "complainant_address",
    "preferred_contact", "language", "representative_name", "representative_contact", "consent_given",
    "service", "product", "order_reference", "touch_point", "characteristic", "description", "remedy_sought",
)


@dataclass(frozen=True)
class Registered:
    complaint: Complaint
    tracking_token: str  # for the complainant's private link (see tracking.py)
    created: bool


@dataclass(frozen=True)
class _Key:
    """The request's Idempotency-Key (blank: none), its scope and the payload's digest."""

    key: str
    scope: str
    digest: str


def request_digest(payload: dict[str, Any]) -> str:
    """A fingerprint of an intake payload; referenced objects count by id, not by name."""
    plain = {key: value.pk if isinstance(value, models.Model) else value for key, value in payload.items()}
    return hashlib.sha256(json.dumps(plain, sort_keys=True, default=str).encode()).hexdigest()


def register_complaint(
    *, organization: Organization, data: dict[str, Any], actor: Actor | None = None,
    received_at: dt.datetime | None = None, idempotency_key: str = "", scope: str = "api",
    from_mailbox: bool = False, in_reply_to: str = "", settings: ComplaintSettings | None = None,
) -> Registered:
    """Record a complaint (ISO 10002 7.2) and acknowledge it at once when we can write to the
    complainant (7.4): its timeline, deadlines, acknowledgement mail and audit are written before
    this returns. Without an actor it comes from the public form (if the organisation has it
    enabled). With an Idempotency-Key, a retry with the same payload returns the first complaint
    unchanged (`created` False), one with another payload is a Conflict; two racing requests with
    one key create one complaint. Mail read from the organisation's own complaints mailbox
    (`from_mailbox`) is taken even when the public form is off; its acknowledgement answers
    `in_reply_to`. `settings` are the organisation's, when the caller has read them already."""
    if not from_mailbox:
        settings = _check_intake(organization, actor, settings)
    key = _Key(idempotency_key, scope, request_digest(data) if idempotency_key else "")
    user = actor.user if actor else None

    def write() -> Complaint:
        complaint = _insert(organization, data, received_at, key)
        _complete(complaint, settings or get_settings(organization_id=organization.pk), user, in_reply_to)
        return complaint

    return _registered_once(organization, key, write)


def accept_complaint(
    *, organization: Organization, data: dict[str, Any], idempotency_key: str, scope: str, ip: str, email: str,
    uploads: Sequence[attachments.Upload] = (),
) -> Registered:
    """Take a complaint from the public form or API: the fast half of `register_complaint`.

    Atomically: the complaint's row (status "received", `intake_pending`, its reference, tracking
    secret and Idempotency-Key), one count against the rate limits of `ip` and `email` (RateLimited
    undoes everything, see intake_limits) and then the `uploads`. On PostgreSQL without uploads
    that is one statement and no transaction. The worker writes the rest (timeline,
    acknowledgement, deadlines, mail, audit), normally within a second: its poller
    `complete_pending_intake` takes the pending rows, which are the queue (decision 0011); with
    another task backend (the immediate one of the tests) `complete_intake` is enqueued instead.
    Until then the complaint has no deadlines. The caller has checked that the organisation takes
    public complaints (`intake_organization`). See decision 0010."""
    key = _Key(idempotency_key, scope, request_digest(data) if idempotency_key else "")

    def write() -> Complaint:
        complaint = _insert(organization, data, None, key, pending=True,
                            count=intake_limits.counting(ip=ip, email=email, now=clock.now()))
        if uploads:
            attachments.store_attachments(complaint=complaint, uploads=uploads)
        return complaint

    registered = _registered_once(organization, key, write,
                                  one_statement=intake_rows.one_statement(uploads=bool(uploads)))
    if registered.created and not on_database(complete_intake):
        complete_intake.enqueue(registered.complaint.pk)
    return registered


@task()
def complete_intake(complaint_id: int) -> bool:
    """The worker's half of `accept_complaint` for one complaint, for task backends other than the
    database (whose worker polls the pending rows instead); does nothing (False) for a complaint
    already completed, so running it twice is harmless."""
    with transaction.atomic():
        complaint = (Complaint.objects.select_for_update().select_related("organization")
                     .filter(pk=complaint_id, intake_pending=True).first())
        if complaint is None:
            return False
        _complete(complaint, get_settings(organization_id=complaint.organization_id), None, "")
        return True


def complete_pending_intake(*, limit: int = 50) -> int:
    """The worker's half of `accept_complaint`: complete up to `limit` pending complaints, oldest
    first, each in a transaction of its own that locks its row (skipping rows another worker
    holds, so any number of workers poll at once); returns how many were completed. A complaint
    whose completion fails is logged and left pending for the next round, after the others."""
    completed, failed = 0, set[int]()
    while completed + len(failed) < limit:
        with transaction.atomic():
            complaint = (Complaint.objects.select_for_update(skip_locked=True).select_related("organization")
                         .filter(intake_pending=True).exclude(pk__in=failed).order_by("received_at", "id").first())
            if complaint is None:
                break
            try:
                with transaction.atomic():
                    _complete(complaint, get_settings(organization_id=complaint.organization_id), None, "")
            except Exception:
                logger.exception("Could not complete the intake of complaint %s", complaint.pk)
                failed.add(complaint.pk)
                continue
        completed += 1
    return completed


@transaction.atomic
def acknowledge_complaint(*, actor: Actor, complaint: Complaint, note: str = "") -> Complaint:
    """Acknowledge (7.4), e.g. after a phone call; the complainant gets the acknowledgement mail if
    we have their e-mail."""
    complaint = moves.require_handler(actor, complaint)
    moves.move(complaint, Status.ACKNOWLEDGED, actor=actor.user, body=note.strip())
    moves.save(complaint)
    notifications.queue_notification(complaint=complaint, template="acknowledgement", context=moves.links(complaint))
    return complaint


def _check_intake(organization: Organization, actor: Actor | None,
                  settings: ComplaintSettings | None) -> ComplaintSettings | None:
    """The settings as given, or read for a public submission (to see whether intake is on)."""
    if actor is not None:
        actor.require(roles.COMPLAINTS_HANDLE)
        if actor.organization_id != organization.pk:
            raise PermissionDenied()
        return settings
    settings = settings or get_settings(organization_id=organization.pk)
    if not settings.public_intake_enabled:
        raise PermissionDenied(_("This organisation does not take complaints through its public form."),
                               code="public_intake_disabled")
    return settings


def _registered_once(organization: Organization, key: _Key, write: Callable[[], Complaint], *,
                     one_statement: bool = False) -> Registered:
    """Run `write` in a transaction (none when it is `one_statement`, atomic by itself, outside
    any transaction), or replay the first complaint of a reused Idempotency-Key.
    The key is a column of the complaint's row, unique in its organisation and scope, so of two
    racing requests one commits and the other meets the constraint, rolls back and replays; the
    common case costs no lookup."""
    alone = one_statement and not connection.in_atomic_block
    try:
        with contextlib.nullcontext() if alone else transaction.atomic():
            complaint = write()
    except IntegrityError:
        if key.key and (replayed := _replay(organization, key)):
            return replayed
        raise
    return Registered(complaint=complaint, tracking_token=tracking_token(complaint.tracking_secret), created=True)


def _replay(organization: Organization, key: _Key) -> Registered | None:
    found = Complaint.objects.filter(organization=organization, idempotency_scope=key.scope,
                                     idempotency_key=key.key).first()
    if found is None:
        return None
    if found.request_digest != key.digest:
        raise Conflict(_("This Idempotency-Key was already used for a different request."),
                       code="idempotency_conflict")
    return Registered(complaint=found, tracking_token=tracking_token(found.tracking_secret), created=False)


def _insert(organization: Organization, data: dict[str, Any], received_at: dt.datetime | None, key: _Key, *,
            pending: bool = False, count: intake_limits.Count | None = None) -> Complaint:
    """Validate and write the complaint's row with its reference and Idempotency-Key, and the
    rate-limit `count` (see intake_rows)."""
    moves.reject_unknown(data, INTAKE_FIELDS)
    moves.check_same_organization(organization.pk, data)
    now = clock.now()
    if received_at is not None and received_at > now:
        raise InvalidInput("received_at", _("A complaint cannot be received in the future."))
    check_fields(Complaint, data, fields=INTAKE_FIELDS)
    received_at = received_at or now
    row = {**{_attname(name): value.pk if isinstance(value, models.Model) else value for name, value in data.items()},
           "organization_id": organization.pk, "tracking_secret": new_tracking_secret(), "received_at": received_at,
           "intake_pending": pending}
    if key.key:
        row.update(idempotency_scope=key.scope, idempotency_key=key.key, request_digest=key.digest)
    prefix = f"C-{received_at.astimezone(ZoneInfo(organization.timezone)).year}-"
    pk = intake_rows.write(intake_rows.NewComplaint(row=row, reference_prefix=prefix, count=count))
    complaint = inserted_instance(Complaint, {**row, "id": pk, "reference": intake_rows.reference(prefix, pk),
                                              "created_at": now, "updated_at": now}, now)
    complaint.organization = organization
    return complaint


def _attname(name: str) -> str:
    field = Complaint._meta.get_field(name)
    return field.attname if isinstance(field, models.Field) else name


def _complete(complaint: Complaint, settings: ComplaintSettings, user: User | None, in_reply_to: str) -> None:
    """Everything of a registration after the row: the "received" entry, the acknowledgement (when
    we can write to the complainant), the deadlines, the acknowledgement mail and the audit."""
    moves.event(complaint, EventKind.RECEIVED, actor=user, label="" if user else "complainant", visible=True,
                body=complaint.description, data={"channel": complaint.channel})
    if complaint.complainant_email and complaint.status == Status.RECEIVED:
        moves.move(complaint, Status.ACKNOWLEDGED, actor=None, label="system",
                   pausing=frozenset(settings.pause_statuses))
    complaint.intake_pending = False
    _save_with_deadlines(complaint, settings)
    acknowledgement = notifications.prepare_notification(
        complaint=complaint, template="acknowledgement", context=moves.links(complaint), in_reply_to=in_reply_to)
    if acknowledgement is not None:
        notifications.queue_prepared([acknowledgement])
    record_event(organization_id=complaint.organization_id, actor=user or "complainant", action="created",
                 obj=complaint, changes={"channel": [None, complaint.channel]})


def _save_with_deadlines(complaint: Complaint, settings: ComplaintSettings) -> None:
    """`moves.save` with the settings already read. A complaint just received has no pause on its
    timeline unless its acknowledgement opened one (an organisation pausing on "acknowledged"), so
    the timeline is read back only then."""
    pauses = None if complaint.paused_since else ()
    deadlines.apply_clocks(complaint, deadlines.context_for(complaint, settings), now=clock.now(), pauses=pauses)
    complaint.save()
