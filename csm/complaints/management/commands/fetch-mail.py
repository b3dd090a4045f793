"""`csm fetch-mail`: read an organisation's complaints mailbox over IMAP into complaints.

Run it from cron or a systemd timer (or with --every in a loop). The password comes from an
environment variable, never from the command line, where other users could see it.

    CSM_IMAP_PASSWORD=... csm fetch-mail --organization demo-hotels --host imap.example.com \\
        --user complaints@example.com [--folder INBOX] [--done-folder Processed] [--every 60]
"""

from __future__ import annotations

import os
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from csm.accounts.selectors import get_organization_by_slug
from csm.complaints.mailbox import MailboxError, MailboxSettings, fetch_new_mail
from csm.core.errors import NotFound


class Command(BaseCommand):
    help = "Read the unseen messages of an IMAP folder into an organisation's complaints."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--organization", required=True, metavar="SLUG")
        parser.add_argument("--host", required=True)
        parser.add_argument("--port", type=int)
        parser.add_argument("--user", required=True)
        parser.add_argument("--password-env", default="CSM_IMAP_PASSWORD", metavar="VAR",
                            help="The environment variable holding the password (default CSM_IMAP_PASSWORD).")
        parser.add_argument("--security", choices=["ssl", "starttls", "none"], default="ssl")
        parser.add_argument("--folder", default="INBOX")
        parser.add_argument("--done-folder", default="", help="Move handled messages here (default: mark seen).")
        parser.add_argument("--limit", type=int, default=200, help="At most this many messages per run.")
        parser.add_argument("--every", type=int, default=0, metavar="SECONDS", help="Repeat forever, this often.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organization = get_organization_by_slug(slug=options["organization"])
        except NotFound:
            raise CommandError(f"No organisation with the slug {options['organization']!r}.") from None
        password = os.environ.get(options["password_env"], "")
        if not password:
            raise CommandError(f"Set the mailbox password in the environment variable {options['password_env']}.")
        mailbox = MailboxSettings(host=options["host"], port=options["port"], user=options["user"],
                                  password=password, folder=options["folder"], security=options["security"],
                                  done_folder=options["done_folder"], limit=options["limit"])
        while True:
            try:
                summary = fetch_new_mail(organization=organization, mailbox=mailbox)
            except MailboxError as error:
                if not options["every"]:
                    raise CommandError(str(error)) from error
                self.stderr.write(f"fetch-mail: {error}")
            else:
                counts = ", ".join(f"{outcome} {n}" for outcome, n in sorted(summary.outcomes.items()))
                self.stdout.write(f"fetch-mail: read {summary.read} ({counts or 'nothing new'}; failed "
                                  f"{summary.failed})")
            if not options["every"]:
                return
            time.sleep(options["every"])
