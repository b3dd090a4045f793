"""`csm create-organization`: a new organisation and its first admin, for a fresh installation."""

from __future__ import annotations

import getpass
import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from csm.accounts.services import create_organization
from csm.core.errors import DomainError


class Command(BaseCommand):
    help = "Create an organisation (tenant) and its first organisation admin."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--slug", required=True, help="Short name used in URLs, e.g. acme-hotels.")
        parser.add_argument("--name", required=True)
        parser.add_argument("--country", required=True, help="ISO 3166 alpha-2 code, e.g. PL.")
        parser.add_argument("--timezone", required=True, help="IANA time zone, e.g. Europe/Warsaw.")
        parser.add_argument("--language", default="en", choices=["en", "pl", "zh-hans"])
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("CSM_ADMIN_PASSWORD") or getpass.getpass("Password for the admin: ")
        try:
            membership = create_organization(
                slug=options["slug"], name=options["name"], country=options["country"],
                timezone=options["timezone"], default_language=options["language"],
                admin_email=options["admin_email"], admin_name=options["admin_name"], admin_password=password,
            )
        except DomainError as exc:
            raise CommandError(exc.as_text(with_fields=True)) from None
        org = membership.organization
        self.stdout.write(f"Created {org.name} (/o/{org.slug}/) with admin {membership.user.email}.")
