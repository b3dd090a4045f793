"""`csm assess score ANSWERS.json [--protocol FILE]`: score an assessment and print the result as JSON.

The protocol defaults to the shipped one (csm/assessments/protocols/). Any file in the protocol
format is accepted, so the rules can be checked against small hand-made protocols, as in
docs/examples/. A bad file or a rejected answer stops it with exit status 2 and one line per problem
on standard error; nothing needs the database.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from csm.assessments.protocol import ProtocolError, load_protocol
from csm.assessments.protocol_store import shipped_protocol_path
from csm.assessments.score_input import parse_score_input
from csm.assessments.scoring import RejectedInput, result_to_json, score_assessment

USAGE_ERROR = 2


class Command(BaseCommand):
    help = "Scored CSM assessments. 'score' prints the result of an answers file as JSON."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        score = commands.add_parser("score", help="Score ANSWERS.json and print the result as JSON.",
                                    description="Score an answers file against a protocol; JSON on standard output.")
        score.add_argument("answers", metavar="ANSWERS.json", help="The answers (docs/assessments.md).")
        score.add_argument("--protocol", metavar="FILE",
                           help="A protocol file in the same format; default: the shipped protocol.")

    def handle(self, *args: Any, **options: Any) -> None:
        protocol_path = Path(options["protocol"]) if options["protocol"] else shipped_protocol_path()
        try:
            protocol = load_protocol(protocol_path, languages=())
        except ProtocolError as exc:
            raise CommandError(_lines("protocol", exc.problems), returncode=USAGE_ERROR) from exc
        data = _read_json(Path(options["answers"]))
        try:
            answers = parse_score_input(data)
            if answers.protocol != protocol.id:
                raise RejectedInput([f"protocol: the answers are for {answers.protocol!r}, "
                                     f"the protocol file is {protocol.id!r}"])
            result = score_assessment(protocol, answers.standards, answers.answers)
        except RejectedInput as exc:
            raise CommandError(_lines("rejected", exc.problems), returncode=USAGE_ERROR) from exc
        self.stdout.write(json.dumps(result_to_json(result), ensure_ascii=False, indent=2))


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CommandError(f"{path}: cannot be read ({exc.strerror})", returncode=USAGE_ERROR) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CommandError(f"{path}: not valid JSON ({exc})", returncode=USAGE_ERROR) from exc


def _lines(what: str, problems: tuple[str, ...]) -> str:
    return "\n".join(f"{what}: {problem}" for problem in problems)
