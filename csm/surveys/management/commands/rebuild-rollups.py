"""`csm rebuild-rollups`: recompute the survey rollups the dashboards read from the raw answers,
replace them, and report how many stored rollups differed (0 when the poller kept them right).

An administrator's command (no actor): it reads every organisation's responses, or only the given
surveys'. Exit status 1 when differences were found and fixed, so a scheduled check can alert.

    csm rebuild-rollups [--survey ID ...]
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from csm.surveys.services import rollups


class Command(BaseCommand):
    help = "Recompute the survey rollups from the answers and check the stored ones."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--survey", type=int, action="append", help="Only this survey (repeatable).")

    def handle(self, *args: Any, **options: Any) -> None:
        result = rollups.rebuild_rollups(survey_ids=options["survey"])
        self.stdout.write(f"{result.responses} responses counted into {result.rollups} rollups; "
                          f"{result.differences} stored rollups differed and were replaced.")
        if result.differences:
            raise SystemExit(1)
