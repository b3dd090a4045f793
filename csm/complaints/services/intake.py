"""Registering a complaint (ISO 10002 7.2) and acknowledging it (7.4)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.models import Organization
from csm.complaints import deadlines, notifications
from csm.complaints.config_selectors import get_settings
from csm.complaints.models import Complaint, ComplaintSettings, EventKind, IdempotencyKey
from csm.complaints.services import moves
from csm.complaints.tracking import new_tracking_secret, tracking_token
from csm.complaints.workflow import Status
from csm.core import clock
from csm.core.audit import record_event
from csm.core.errors import Conflict, InvalidInput, PermissionDenied
from csm.core.writes import validate

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
    complainant (7.4). Without an actor it comes from the public form (if the organisation has it
    enabled). With an Idempotency-Key, a retry with the same payload returns the first complaint
    unchanged (`created` False), one with another payload is a Conflict; two racing requests with
    one key create one complaint. Mail read from the organisation's own complaints mailbox
    (`from_mailbox`) is taken even when the public form is off; its acknowledgement answers
    `in_reply_to`. `settings` are the organisation's, when the caller has read them already."""
    if not from_mailbox:
        settings = _check_intake(organization, actor, settings)
    digest = request_digest(data) if idempotency_key else ""
    if idempotency_key and (replayed := _replay(organization, scope, idempotency_key, digest)):
        return replayed
    try:
        with transaction.atomic():
            return _register(organization, settings, data, actor, received_at,
                             _Key(idempotency_key, scope, digest), in_reply_to)
    except IntegrityError:
        if idempotency_key and (replayed := _replay(organization, scope, idempotency_key, digest)):
            return replayed
        raise


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


def _replay(organization: Organization, scope: str, key: str, digest: str) -> Registered | None:
    found = IdempotencyKey.objects.select_related("complaint").filter(
        organization=organization, scope=scope, key=key).first()
    if found is None:
        return None
    if found.request_digest != digest:
        raise Conflict(_("This Idempotency-Key was already used for a different request."),
                       code="idempotency_conflict")
    return Registered(complaint=found.complaint, tracking_token=tracking_token(found.complaint.tracking_secret),
                      created=False)


@dataclass(frozen=True)
class _Key:
    """The request's Idempotency-Key (blank: none), its scope and the payload's digest."""

    key: str
    scope: str
    digest: str


def _register(organization: Organization, settings: ComplaintSettings | None, data: dict[str, Any],
              actor: Actor | None, received_at: dt.datetime | None, key: _Key, in_reply_to: str = "",
              ) -> Registered:
    moves.reject_unknown(data, INTAKE_FIELDS)
    moves.check_same_organization(organization.pk, data)
    complaint = _create(organization, data, received_at)
    settings = settings or get_settings(organization_id=organization.pk)
    user = actor.user if actor else None
    moves.event(complaint, EventKind.RECEIVED, actor=user, label="" if user else "complainant", visible=True,
                body=complaint.description, data={"channel": complaint.channel})
    if key.key:
        IdempotencyKey.objects.create(organization=organization, scope=key.scope, key=key.key,
                                      request_digest=key.digest, complaint=complaint)
    if complaint.complainant_email:
        moves.move(complaint, Status.ACKNOWLEDGED, actor=None, label="system",
                   pausing=frozenset(settings.pause_statuses))
    _save_with_deadlines(complaint, settings)
    acknowledgement = notifications.prepare_notification(
        complaint=complaint, template="acknowledgement", context=moves.links(complaint), in_reply_to=in_reply_to)
    if acknowledgement is not None:
        notifications.queue_prepared([acknowledgement])
    record_event(organization_id=organization.pk, actor=user or "complainant", action="created", obj=complaint,
                 changes={"channel": [None, complaint.channel]})
    return Registered(complaint=complaint, tracking_token=tracking_token(complaint.tracking_secret), created=True)


def _create(organization: Organization, data: dict[str, Any], received_at: dt.datetime | None) -> Complaint:
    """Validate and insert the row; its reference ("C-<local year of receipt>-<id>") needs the id, so
    it is written with the first save of the deadlines."""
    now = clock.now()
    if received_at is not None and received_at > now:
        raise InvalidInput("received_at", _("A complaint cannot be received in the future."))
    complaint = Complaint(organization=organization, reference=f"tmp-{secrets.token_hex(8)}",
                          tracking_secret=new_tracking_secret(), received_at=received_at or now, **data)
    validate(complaint, exclude=["reference", "organization"])  # the organisation is loaded: it exists
    complaint.save()
    year = complaint.received_at.astimezone(ZoneInfo(organization.timezone)).year
    complaint.reference = f"C-{year}-{complaint.pk:06d}"
    return complaint


def _save_with_deadlines(complaint: Complaint, settings: ComplaintSettings) -> None:
    """`moves.save` with the settings already read. A complaint just received has no pause on its
    timeline unless its acknowledgement opened one (an organisation pausing on "acknowledged"), so
    the timeline is read back only then."""
    pauses = None if complaint.paused_since else ()
    deadlines.apply_clocks(complaint, deadlines.context_for(complaint, settings), now=clock.now(), pauses=pauses)
    complaint.save()
