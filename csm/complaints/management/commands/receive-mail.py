"""`csm receive-mail`: take e-mail for an organisation's complaints from files or standard input.

For a mail server that delivers to a program (a Postfix pipe, procmail, an MDA), or to load saved
.eml files. Each message goes through `receive_mail`: a new complaint, information added to the
complaint it answers, or ignored (automatic mail) — once per Message-ID, however often it is given.

    csm receive-mail --organization demo-hotels message.eml other.eml
    csm receive-mail --organization demo-hotels < message.eml
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from csm.accounts.selectors import get_organization_by_slug
from csm.complaints.services.inbound import receive_mail
from csm.core.errors import NotFound


class Command(BaseCommand):
    help = "Read e-mails (.eml files, or one message on standard input) into an organisation's complaints."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--organization", required=True, metavar="SLUG")
        parser.add_argument("files", nargs="*", metavar="FILE", help="RFC 5322 messages; none: read stdin.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organization = get_organization_by_slug(slug=options["organization"])
        except NotFound:
            raise CommandError(f"No organisation with the slug {options['organization']!r}.") from None
        sources = [(name, _read(Path(name))) for name in options["files"]] or [("-", sys.stdin.buffer.read())]
        for name, raw in sources:
            received = receive_mail(organization=organization, raw=raw)
            reference = received.complaint.reference if received.complaint else "-"
            repeat = " (already read)" if received.is_repeat else ""
            self.stdout.write(f"{name}\t{received.outcome}\t{reference}\t{received.message_id}{repeat}"
                              + (f"\t{received.detail}" if received.detail else ""))


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}") from error
