"""Outbound complaint e-mail: render it in the reader's language, store it as a Notification and
enqueue its sending, all in the caller's transaction.

The Notification row and the send task's row are written in the same transaction as the change
they report, so either both exist or neither does, and nothing is lost while the mail server is
down (`tasks.send_notification` retries with backoff). Customer mails are written in the
complaint's language, internal ones in the recipient's preferred language (or the organisation's);
dates are shown in the organisation's time zone with Django's localized formats. Every mail gets
our own Message-ID, so replies thread.

Templates (`complaints/email/<name>.txt`, plain text):
- to the complainant: acknowledgement, status_changed, information_requested, decision,
  rating_request, message;
- internal: reminder (to the assignee), escalation (to a tier's owners).
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from csm.accounts.models import Membership, User
from csm.complaints.models import Complaint, ComplaintSettings, EscalationTier, Notification
from csm.complaints.tasks import SENDING_LEASE, send_notification
from csm.core import clock
from csm.core.queueing import enqueue_many
from csm.core.writes import insert_instances

CUSTOMER_TEMPLATES = frozenset(
    {"acknowledgement", "status_changed", "information_requested", "decision", "rating_request", "message"})
INTERNAL_TEMPLATES = frozenset({"reminder", "escalation"})
TEMPLATES = CUSTOMER_TEMPLATES | INTERNAL_TEMPLATES

SUBJECTS = {
    "acknowledgement": _("We have received your complaint"),
    "status_changed": _("News about your complaint"),
    "information_requested": _("We need more information from you"),
    "decision": _("Our decision on your complaint"),
    "rating_request": _("How did we handle your complaint?"),
    "message": _("A message about your complaint"),
    "reminder": _("Reminder: a complaint is due soon"),
    "escalation": _("A complaint has been escalated"),
}

RATING_LABELS = {
    1: _("very dissatisfied"),
    2: _("dissatisfied"),
    3: _("neither satisfied nor dissatisfied"),
    4: _("satisfied"),
    5: _("very satisfied"),
}

_NOT_IN_MESSAGE_ID = re.compile(r"[^A-Za-z0-9_-]+")


@transaction.atomic
def queue_notification(*, complaint: Complaint, template: str, context: dict[str, Any] | None = None,
                       to: str | None = None, in_reply_to: str = "") -> Notification | None:
    """Render `template` for its reader, store the Notification and enqueue its sending.

    Customer mails go to `to` or the complainant's e-mail; internal ones to `to` or (reminders) the
    assignee. Returns None, storing nothing, when there is no one to write to or the complaint is
    anonymised. The caller passes links (`tracking_url`, `rating_url`, `complaint_url`) in `context`;
    `in_reply_to` is the Message-ID of the mail being answered."""
    notification = prepare_notification(complaint=complaint, template=template, context=context, to=to,
                                        in_reply_to=in_reply_to)
    if notification is not None:
        queue_prepared([notification])
    return notification


def prepare_notification(*, complaint: Complaint, template: str, context: dict[str, Any] | None = None,
                         to: str | None = None, in_reply_to: str = "") -> Notification | None:
    """The Notification `queue_notification` would store, rendered but not saved (None when there is
    no one to write to), for a caller that stores many at once with `queue_prepared`."""
    if template not in TEMPLATES:
        raise ValueError(f"Unknown notification template {template!r}.")
    recipient = _recipient(complaint, template, to)
    if recipient is None:
        return None
    address, language, name = recipient
    context = {"recipient_name": name, **(context or {})}
    return _render(complaint=complaint, template=template, context=context, to=address, language=language,
                   in_reply_to=in_reply_to)


@transaction.atomic
def queue_escalation_notifications(*, complaint: Complaint, tier: EscalationTier,
                                   context: dict[str, Any] | None = None) -> list[Notification]:
    """Tell every active member who holds the tier's owner role that the complaint has reached it,
    each in their own language. An external tier, or one nobody holds, notifies no one."""
    owners = escalation_owners(organization_ids=[complaint.organization_id], roles=[tier.owner_role])
    prepared = prepare_escalation_notifications(complaint=complaint, tier=tier, owners=owners, context=context)
    queue_prepared(prepared)
    return prepared


def escalation_owners(*, organization_ids: Iterable[int], roles: Iterable[str]) -> dict[tuple[int, str], list[User]]:
    """The active users holding each role in each organisation, by (organisation id, role), in
    membership order: whom an escalation to a tier with that owner role notifies. One query."""
    members = Membership.objects.filter(organization_id__in=list(organization_ids), role__in=list(roles),
                                        is_active=True, user__is_active=True).select_related("user")
    owners: dict[tuple[int, str], list[User]] = defaultdict(list)
    for member in members.order_by("id"):
        owners[member.organization_id, member.role].append(member.user)
    return owners


def prepare_escalation_notifications(*, complaint: Complaint, tier: EscalationTier,
                                     owners: Mapping[tuple[int, str], list[User]],
                                     context: dict[str, Any] | None = None) -> list[Notification]:
    """The Notifications `queue_escalation_notifications` would store, rendered but not saved;
    `owners` comes from `escalation_owners`."""
    if tier.is_external:
        return []
    context = {**(context or {}), "tier": tier}
    return [
        _render(complaint=complaint, template="escalation", to=user.email, language=_language_of(complaint, user),
                context={"recipient_name": str(user), **context})
        for user in owners.get((complaint.organization_id, tier.owner_role), [])
    ]


@transaction.atomic
def queue_prepared(prepared: list[Notification]) -> None:
    """Store prepared notifications and enqueue their sending: one INSERT for the notifications and,
    on the database task backend, one for their tasks, however many there are.

    Same transaction as the change they report: the database task backend writes the task rows
    here, so a rollback removes both and a commit publishes both (no on_commit, which a crash could
    skip). Should a task be lost anyway, next_attempt_at lets the retry sweep pick it up."""
    if prepared:
        insert_instances(prepared)
        _enqueue_sending([notification.pk for notification in prepared])


def render_notification(*, complaint: Complaint, template: str, context: dict[str, Any] | None = None,
                        language: str) -> tuple[str, str]:
    """The subject ("[reference] …") and plain-text body of `template`, in `language`, with dates in
    the organisation's time zone."""
    organization = complaint.organization
    with translation.override(_supported(language)), timezone.override(organization.timezone):
        subject = f"[{complaint.reference}] {SUBJECTS[template]}"
        merged = _template_context(complaint, template, context)
        body = render_to_string(f"complaints/email/{template}.txt", merged)
    return " ".join(subject.split()), _tidy(body)


def new_message_id(complaint: Complaint) -> str:
    """`<csm.{org_slug}.{reference}.{random}@{CSM_MAIL_DOMAIN}>`: ours, unique, and traceable to the
    complaint when a reply quotes it."""
    reference = _NOT_IN_MESSAGE_ID.sub("-", complaint.reference)
    return f"<csm.{complaint.organization.slug}.{reference}.{uuid.uuid4().hex}@{settings.CSM_MAIL_DOMAIN}>"


def with_score(url: str, score: int) -> str:
    """The one-click rating link for `score`: `url` with `score=<n>` added to its query."""
    parts = urlsplit(url)
    query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), ("score", str(score))])
    return urlunsplit(parts._replace(query=query))


def _render(*, complaint: Complaint, template: str, context: dict[str, Any], to: str, language: str,
            in_reply_to: str = "") -> Notification:
    subject, body = render_notification(complaint=complaint, template=template, context=context,
                                        language=language)
    return Notification(
        organization_id=complaint.organization_id, complaint=complaint, template=template, to=to,
        subject=subject, body=body, message_id=new_message_id(complaint),
        in_reply_to=_as_message_id(in_reply_to), next_attempt_at=clock.now() + SENDING_LEASE,
    )


def _enqueue_sending(notification_ids: list[int]) -> None:
    """One `send_notification` task per notification, in one INSERT on the database backend."""
    enqueue_many(send_notification, [(notification_id,) for notification_id in notification_ids])


def _recipient(complaint: Complaint, template: str, to: str | None) -> tuple[str, str, str] | None:
    """(address, language, name) of the reader, or None when there is no one to write to."""
    if template in CUSTOMER_TEMPLATES:
        return _customer_recipient(complaint, to)
    return _internal_recipient(complaint, template, to)


def _customer_recipient(complaint: Complaint, to: str | None) -> tuple[str, str, str] | None:
    address = to or complaint.complainant_email
    if complaint.anonymised_at is not None or not address:
        return None
    return address, complaint.language, complaint.complainant_name


def _internal_recipient(complaint: Complaint, template: str, to: str | None) -> tuple[str, str, str] | None:
    if to:
        user = _member(complaint, to)
        return to, _language_of(complaint, user), str(user) if user else to
    user = complaint.assignee if template == "reminder" else None
    if user is None or not user.is_active:
        return None
    return user.email, _language_of(complaint, user), str(user)


def _member(complaint: Complaint, email: str) -> User | None:
    members = User.objects.filter(memberships__organization_id=complaint.organization_id)
    return members.filter(email__iexact=email).first()


def _language_of(complaint: Complaint, user: User | None) -> str:
    return (user.preferred_language if user else "") or complaint.organization.default_language


def _supported(language: str) -> str:
    try:
        return translation.get_supported_language_variant(language)
    except LookupError:
        return settings.LANGUAGE_CODE


def _template_context(complaint: Complaint, template: str, context: dict[str, Any] | None) -> dict[str, Any]:
    organization = complaint.organization
    merged: dict[str, Any] = {"complaint": complaint, "organization": organization,
                              "timezone_name": organization.timezone}
    if template == "decision":
        merged["external_recourse"] = _external_recourse(complaint)
    merged.update(context or {})
    if merged.get("rating_url"):
        merged["rating_links"] = [(score, label, with_score(merged["rating_url"], score))
                                  for score, label in RATING_LABELS.items()]
    return merged


def _external_recourse(complaint: Complaint) -> str:
    found = ComplaintSettings.objects.filter(organization_id=complaint.organization_id).first()
    return found.external_recourse if found else ""


def _as_message_id(value: str) -> str:
    """A Message-ID as found in a header, on one line and in angle brackets ("" stays "")."""
    value = "".join(value.split())
    if value and not value.startswith("<"):
        value = f"<{value}>"
    return value


def _tidy(body: str) -> str:
    """Template tags leave stray spaces and blank lines; a mail wants neither."""
    lines = [line.rstrip() for line in body.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"
