"""Reads for complaints, scoped by organisation; the complainant's access goes by tracking token.

Personal data: roles without `complaints.personal_data` get complaints whose personal fields are
masked (`masked_copy`), so pages, the API and exports cannot show them by accident.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
from copy import copy

from django.db.models import F, Q, QuerySet

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.complaints.config_selectors import get_settings
from csm.complaints.models import NO_DEADLINE, Complaint, ComplaintEvent, InboundMail, queue_key
from csm.complaints.tracking import token_matches
from csm.complaints.workflow import Status
from csm.core import clock
from csm.core.errors import NotFound
from csm.core.lookups import get_or_not_found

PERSONAL_FIELDS = ("complainant_name", "complainant_email", "complainant_phone", "complainant_address",
                   "representative_name", "representative_contact")
MASK = "•••"


def list_complaints(*, actor: Actor) -> QuerySet[Complaint]:
    actor.require(roles.COMPLAINTS_VIEW)
    return Complaint.objects.filter(organization_id=actor.organization_id).select_related(
        "category", "assignee", "unit", "touch_point")


def access_complaint(*, actor: Actor, complaint_id: int) -> Complaint:
    return get_or_not_found(list_complaints(actor=actor), complaint_id)


def access_complaint_by_reference(*, actor: Actor, reference: str) -> Complaint:
    found = list_complaints(actor=actor).filter(reference=reference).first()
    if found is None:
        raise NotFound()
    return found


@dataclasses.dataclass(frozen=True)
class QueueFilter:
    status: str = ""
    assignee_id: int | None = None
    unit_id: int | None = None
    category_id: int | None = None
    q: str = ""
    open_only: bool = True


def queue(*, actor: Actor, filters: QueueFilter) -> QuerySet[Complaint]:
    """The handler's queue: open complaints, the nearest deadline first, then the oldest id. A
    complaint without a deadline (no policy, or paused: an open pause leaves the steps after it
    without a due date) comes last, on SQLite and PostgreSQL alike. Ordered by the alias
    `queue_key` (see `queue_key`), which `queue_page` pages on."""
    qs = list_complaints(actor=actor)
    if filters.open_only:
        # Every status but closed is open; "not closed" is the condition of the queue's index.
        qs = qs.exclude(status=Status.CLOSED)
    if filters.status:
        qs = qs.filter(status=filters.status)
    for name in ("assignee_id", "unit_id", "category_id"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{name: value})
    if filters.q:
        qs = qs.filter(Q(reference__icontains=filters.q) | Q(description__icontains=filters.q))
    return qs.alias(queue_key=queue_key()).order_by("queue_key", "id")


@dataclasses.dataclass(frozen=True)
class QueuePage:
    complaints: list[Complaint]
    next_cursor: str  # "" on the last page
    previous_cursor: str  # "" on the first page


def queue_page(complaints: QuerySet[Complaint], *, after: str = "", before: str = "", size: int) -> QueuePage:
    """The `size` complaints of a `queue` right after the cursor `after` (or right before `before`),
    in queue order, with the cursors of the pages around them. Keyset paging: a page is one index
    range at any depth and needs no count; complaints added meanwhile do not shift the pages. A
    cursor that does not decode (edited by hand, say) reads as no cursor: the first page."""
    backwards = bool(before) and not after
    position = decode_queue_cursor(before if backwards else after)
    if position is not None:
        complaints = complaints.filter(_beyond(position, backwards=backwards))
    if backwards:
        complaints = complaints.order_by(F("queue_key").desc(), F("id").desc())
    found = list(complaints[:size + 1])
    more, shown = len(found) > size, found[:size]
    if backwards:
        shown.reverse()
    first, last = (encode_queue_cursor(shown[0]), encode_queue_cursor(shown[-1])) if shown else ("", "")
    if backwards:  # came from a later page; more rows before this one mean a previous page
        return QueuePage(shown, next_cursor=last, previous_cursor=first if more else "")
    return QueuePage(shown, next_cursor=last if more else "", previous_cursor=first if position else "")


def _beyond(position: tuple[dt.datetime, int], *, backwards: bool) -> Q:
    """After (before) the position in queue order; the redundant bound on the key alone is what
    lets the database start its index range there."""
    key, last_id = position
    if backwards:
        return Q(queue_key__lte=key) & (Q(queue_key__lt=key) | Q(id__lt=last_id))
    return Q(queue_key__gte=key) & (Q(queue_key__gt=key) | Q(id__gt=last_id))


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def encode_queue_cursor(complaint: Complaint) -> str:
    """The complaint's place in the queue (its key in microseconds, and its id), opaque."""
    key = complaint.next_due_at or NO_DEADLINE
    text = f"{(key - _EPOCH) // _MICROSECOND}.{complaint.pk}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_queue_cursor(cursor: str) -> tuple[dt.datetime, int] | None:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        micros, last_id = (int(part) for part in text.split("."))
        return _EPOCH + micros * _MICROSECOND, last_id
    except (ValueError, OverflowError, UnicodeDecodeError, binascii.Error):
        return None


def capped_count(complaints: QuerySet[Complaint], *, cap: int) -> int:
    """How many complaints, counting no further than cap + 1 (more than `cap` reads as cap + 1), so
    a page can say "more than 1,000" without counting a million rows."""
    return complaints.order_by()[:cap + 1].count()


def timeline(*, actor: Actor, complaint: Complaint) -> QuerySet[ComplaintEvent]:
    actor.require(roles.COMPLAINTS_VIEW)
    return ComplaintEvent.objects.filter(organization_id=actor.organization_id, complaint=complaint).select_related(
        "actor").order_by("created_at", "id")


def customer_timeline(*, complaint: Complaint) -> QuerySet[ComplaintEvent]:
    """What the complainant sees: customer-visible events only."""
    return ComplaintEvent.objects.filter(complaint=complaint, is_customer_visible=True).order_by("created_at", "id")


def complaint_for_tracking(*, organization_slug: str, reference: str, token: str) -> Complaint:
    """The complaint behind a private tracking link; NotFound for any mismatch, in constant time."""
    complaint = Complaint.objects.select_related("organization").filter(
        organization__slug=organization_slug, reference=reference).first()
    matches = token_matches(complaint.tracking_secret if complaint else "-", token)
    if complaint is None or not matches:
        raise NotFound()
    return complaint


def duplicate_candidates(*, actor: Actor, complaint: Complaint, days: int | None = None,
                         limit: int = 5) -> list[Complaint]:
    """Other complaints of the same complainant (same e-mail, case-insensitive, or same phone)
    received within `days` (default: the organisation's duplicate window) before or after this one,
    those whose descriptions share the most words first, then the most recent."""
    contacts = Q()
    if complaint.complainant_email:
        contacts |= Q(complainant_email__iexact=complaint.complainant_email)
    if complaint.complainant_phone:
        contacts |= Q(complainant_phone=complaint.complainant_phone)
    if not contacts:
        return []
    window = dt.timedelta(days=days if days is not None else
                          get_settings(organization_id=actor.organization_id).duplicate_window_days)
    received = Q(received_at__gte=complaint.received_at - window, received_at__lte=complaint.received_at + window)
    others = list(list_complaints(actor=actor).filter(contacts, received).exclude(pk=complaint.pk)
                  .order_by("-received_at", "-id")[:50])
    words = _words(complaint.description)
    others.sort(key=lambda other: -len(words & _words(other.description)))
    return others[:limit]


def _words(text: str) -> set[str]:
    return {word.strip(".,;:!?()\"'") for word in text.lower().split()} - {""}


def can_see_personal_data(actor: Actor) -> bool:
    return actor.can(roles.COMPLAINTS_PERSONAL_DATA)


def masked_copy(complaint: Complaint) -> Complaint:
    """A copy whose personal fields read as masked (never saved)."""
    shown = copy(complaint)
    for field in PERSONAL_FIELDS:
        if getattr(shown, field):
            setattr(shown, field, MASK)
    return shown


def for_display(*, actor: Actor, complaint: Complaint) -> Complaint:
    return complaint if can_see_personal_data(actor) else masked_copy(complaint)


def is_overdue(complaint: Complaint) -> bool:
    return complaint.next_due_at is not None and complaint.next_due_at < clock.now()


def list_inbound_mail(*, actor: Actor) -> QuerySet[InboundMail]:
    """The log of mail read from the organisation's complaints mailbox, newest first (it shows
    senders: configuration rights, which include personal-data access)."""
    actor.require(roles.COMPLAINTS_CONFIGURE)
    return InboundMail.objects.filter(organization_id=actor.organization_id).select_related(
        "complaint").order_by("-created_at", "-id")
