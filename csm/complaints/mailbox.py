"""Reading an organisation's complaints mailbox over IMAP (`csm fetch-mail`).

`fetch_new_mail` reads the unseen messages of one folder, hands each to `receive_mail`, and only
then marks it seen (or moves it to `done_folder`), so a crash or a database error between the two
leaves the message unseen for the next run, and reading it again is harmless (`receive_mail` is
idempotent on the Message-ID). It uses BODY.PEEK so that reading does not mark a message seen by
itself. A message whose handling fails is left unseen and counted as failed; the others go on.
"""

from __future__ import annotations

import imaplib
import logging
from collections import Counter
from dataclasses import dataclass, field

from django.db import DatabaseError

from csm.accounts.models import Organization
from csm.complaints.services.inbound import receive_mail

logger = logging.getLogger("csm.complaints.mailbox")


@dataclass(frozen=True)
class MailboxSettings:
    host: str
    user: str
    password: str
    port: int | None = None
    folder: str = "INBOX"
    security: str = "ssl"  # "ssl", "starttls" or "none" (a local test server only)
    done_folder: str = ""
    limit: int = 200
    timeout: float = 60.0


@dataclass
class FetchSummary:
    outcomes: Counter[str] = field(default_factory=Counter)
    failed: int = 0

    @property
    def read(self) -> int:
        return sum(self.outcomes.values()) + self.failed


class MailboxError(Exception):
    """The mailbox could not be reached or read."""


def connect(mailbox: MailboxSettings) -> imaplib.IMAP4:
    try:
        if mailbox.security == "ssl":
            connection: imaplib.IMAP4 = imaplib.IMAP4_SSL(mailbox.host, mailbox.port or 993,
                                                          timeout=mailbox.timeout)
        else:
            connection = imaplib.IMAP4(mailbox.host, mailbox.port or 143, timeout=mailbox.timeout)
            if mailbox.security == "starttls":
                connection.starttls()
        connection.login(mailbox.user, mailbox.password)
    except (imaplib.IMAP4.error, OSError) as error:
        raise MailboxError(f"Cannot sign in to {mailbox.host}: {error}") from error
    return connection


def fetch_new_mail(*, organization: Organization, mailbox: MailboxSettings,
                   connection: imaplib.IMAP4 | None = None) -> FetchSummary:
    """Read up to `mailbox.limit` unseen messages into complaints (see the module docstring)."""
    imap = connection or connect(mailbox)
    summary = FetchSummary()
    try:
        _check(imap.select(_quoted(mailbox.folder)), f"Cannot open folder {mailbox.folder}")
        status, data = imap.uid("SEARCH", "UNSEEN")
        _check((status, data), "Cannot search the folder")
        for uid in (data[0] or b"").split()[: mailbox.limit]:
            _fetch_one(imap, uid, organization, mailbox, summary)
    except (imaplib.IMAP4.error, OSError) as error:
        raise MailboxError(str(error)) from error
    finally:
        if connection is None:
            _logout(imap)
    return summary


def _fetch_one(imap: imaplib.IMAP4, uid: bytes, organization: Organization, mailbox: MailboxSettings,
               summary: FetchSummary) -> None:
    status, data = imap.uid("FETCH", uid.decode(), "(BODY.PEEK[])")
    raw = _message_bytes(data) if status == "OK" else None
    if raw is None:
        summary.failed += 1
        return
    try:
        received = receive_mail(organization=organization, raw=raw)
    except DatabaseError:
        logger.exception("Could not record mail uid %s; it stays unseen for the next run", uid)
        summary.failed += 1
        return
    summary.outcomes[received.outcome] += 1
    _mark_done(imap, uid.decode(), mailbox)


def _mark_done(imap: imaplib.IMAP4, uid: str, mailbox: MailboxSettings) -> None:
    if mailbox.done_folder:
        status, _data = imap.uid("COPY", uid, _quoted(mailbox.done_folder))
        if status == "OK":
            imap.uid("STORE", uid, "+FLAGS", "(\\Deleted \\Seen)")
            imap.expunge()
            return
    imap.uid("STORE", uid, "+FLAGS", "(\\Seen)")


def _message_bytes(data: list[object]) -> bytes | None:
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def _check(response: tuple[str, object], message: str) -> None:
    if response[0] != "OK":
        raise MailboxError(f"{message}: {response[1]!r}")


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _logout(imap: imaplib.IMAP4) -> None:
    try:
        imap.logout()
    except (imaplib.IMAP4.error, OSError):
        logger.warning("IMAP logout failed", exc_info=True)
