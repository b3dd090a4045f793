"""`csm import-responses`: import a CSV file of responses into a survey (see
csm/surveys/services/importing.py for the format). Everything is checked before anything is
written; a problem prints its row and column and the exit status is 2.

    csm import-responses --survey ID FILE
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from csm.core.errors import DomainError
from csm.surveys.models import Survey
from csm.surveys.services.importing import import_responses


class Command(BaseCommand):
    help = "Import a CSV file of responses into a survey."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--survey", type=int, required=True, help="The survey's id.")

    def handle(self, *args: Any, **options: Any) -> None:
        survey = Survey.objects.select_related("organization", "current_version").filter(pk=options["survey"]).first()
        if survey is None:
            raise CommandError(f"No survey {options['survey']}.", returncode=2)
        started = time.perf_counter()
        try:
            with open(options["file"], "rb") as file:
                imported = import_responses(actor=None, survey=survey, file=file)
        except OSError as exc:
            raise CommandError(str(exc), returncode=2) from None
        except DomainError as exc:
            raise CommandError(exc.as_text(with_fields=True), returncode=2) from None
        self.stdout.write(f"Imported {imported.responses} responses ({imported.answers} answers) into "
                          f"\"{survey.name}\" in {time.perf_counter() - started:.1f} s.")
