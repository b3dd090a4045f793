"""Background tasks of the complaints app: sending stored notifications, and the retry sweep.

`send_notification` is idempotent and safe to run twice at once: it first claims the attempt with a
conditional UPDATE (one winner), then sends. A sent or abandoned notification is never sent again.
A failure (SMTP error, connection refused) schedules the next attempt 1, 2, 4, 8 … minutes later,
capped at 6 hours, and gives up after 10 attempts; `retry_notifications` (a periodic sweep) enqueues
the attempts that have come due. Delivery is at least once: a worker that dies after the mail server
accepted a message but before recording it will send that message again.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import smtplib

from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.template.loader import render_to_string
from django_tasks import task

from csm.complaints.models import Notification, NotificationStatus
from csm.core import clock

logger = logging.getLogger("csm.complaints.notifications")

MAX_ATTEMPTS = 10
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_RETRY = dt.timedelta(hours=6)
# How long one attempt may take before the sweep assumes its worker died and tries again.
SENDING_LEASE = dt.timedelta(minutes=15)
RETRY_BATCH = 500
PENDING = (NotificationStatus.QUEUED, NotificationStatus.FAILED)
LINK_REMOVED = "[link removed after sending]"
_LINK = re.compile(r"https?://\S+")


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt: 1, 2, 4, 8 … minutes, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** min(attempts - 1, 20), LONGEST_RETRY)


@task()
def send_notification(notification_id: int) -> str:
    """Send one stored notification unless it is sent, abandoned, in flight or waiting for its next
    attempt; returns the resulting status ("skipped" when nothing was tried)."""
    notification = _claim(notification_id)
    if notification is None:
        return "skipped"
    try:
        build_email(notification).send()
    except (smtplib.SMTPException, OSError) as error:
        _record_failure(notification, error)
    else:
        _record_success(notification)
    return notification.status


@task()
def retry_notifications(batch_size: int = RETRY_BATCH) -> int:
    """Enqueue `send_notification` for up to `batch_size` queued or failed notifications whose next
    attempt is due, the longest-waiting first; returns how many were enqueued."""
    now = clock.now()
    due = Notification.objects.filter(status__in=PENDING, next_attempt_at__lte=now)
    due.filter(attempts__gte=MAX_ATTEMPTS).update(status=NotificationStatus.GAVE_UP, next_attempt_at=None,
                                                  updated_at=now)
    ids = list(due.order_by("next_attempt_at", "id").values_list("id", flat=True)[:batch_size])
    for notification_id in ids:
        send_notification.enqueue(notification_id)
    return len(ids)


def build_email(notification: Notification) -> EmailMultiAlternatives:
    """The e-mail of a notification: plain text with an escaped HTML alternative, our Message-ID,
    threading headers, and marked as automatic (RFC 3834) so auto-replies do not loop."""
    email = EmailMultiAlternatives(subject=notification.subject, body=notification.body, to=[notification.to],
                                   headers=_headers(notification))
    html = render_to_string("complaints/email/body.html", {"subject": notification.subject,
                                                           "body": notification.body})
    email.attach_alternative(html, "text/html")
    return email


def _headers(notification: Notification) -> dict[str, str]:
    headers = {
        "Message-ID": notification.message_id,
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "OOF, AutoReply",
    }
    if notification.in_reply_to:
        headers["In-Reply-To"] = notification.in_reply_to
    references = _references(notification)
    if references:
        headers["References"] = " ".join(references)
    return headers


def _references(notification: Notification) -> list[str]:
    """The first mail to this reader about this complaint, then the mail answered: mail clients
    thread on these even when the reader's own reply never came in between."""
    first = None
    if notification.complaint_id is not None:
        earlier = Notification.objects.filter(complaint_id=notification.complaint_id, to=notification.to,
                                              pk__lt=notification.pk)
        first = earlier.order_by("pk").values_list("message_id", flat=True).first()
    return list(dict.fromkeys(r for r in (first, notification.in_reply_to) if r))


def _claim(notification_id: int) -> Notification | None:
    """Take the next attempt: a fresh notification, or one whose next attempt (or an abandoned
    attempt's lease) is due. The UPDATE's condition lets only one of two racing workers win."""
    now = clock.now()
    claimed = Notification.objects.filter(
        Q(attempts=0) | Q(next_attempt_at__lte=now),
        pk=notification_id, status__in=PENDING, attempts__lt=MAX_ATTEMPTS,
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + SENDING_LEASE, updated_at=now)
    return Notification.objects.get(pk=notification_id) if claimed else None


def _record_success(notification: Notification) -> None:
    notification.status = NotificationStatus.SENT
    notification.sent_at = clock.now()
    notification.next_attempt_at = None
    notification.last_error = ""
    _forget_links(notification)
    notification.save(update_fields=["status", "sent_at", "next_attempt_at", "last_error", "body"])


def _record_failure(notification: Notification, error: Exception) -> None:
    notification.last_error = f"{type(error).__name__}: {error}"[:2000]
    if notification.attempts >= MAX_ATTEMPTS:
        notification.status = NotificationStatus.GAVE_UP
        notification.next_attempt_at = None
        _forget_links(notification)
    else:
        notification.status = NotificationStatus.FAILED
        notification.next_attempt_at = clock.now() + retry_delay(notification.attempts)
    notification.save(update_fields=["status", "next_attempt_at", "last_error", "body"])
    logger.warning("Notification %s: attempt %s failed (%s)", notification.pk, notification.attempts,
                   type(error).__name__)


def _forget_links(notification: Notification) -> None:
    """Links in a mail are private capabilities (tracking and rating tokens): once the mail has gone
    (or never will), the stored copy keeps the text but not the links."""
    notification.body = _LINK.sub(LINK_REMOVED, notification.body)
