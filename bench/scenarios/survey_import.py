"""Importing a CSV file of survey responses (csm/surveys/services/importing.py) on PostgreSQL:
responses per second, against PostgreSQL's own COPY of the same file into a table of text columns
with no checks, no keys and no indexes.

The file holds `n` thousand responses (default 1,000) to the starter post-service survey: the date,
3 characteristics rated for satisfaction and importance, overall, NPS, effort, the segment and,
on one row in ten, a comment; 12 columns, ~11 answers a row. CSM checks every cell (scales,
options, required and hidden questions, dates), then writes the responses, their answers (one row
each, ~11 million) and the rollups in one transaction with COPY. Target: at least 0.25 of COPY's rate.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import secrets
import tempfile
import time
from pathlib import Path

from django.db import connection

from bench.result import Result
from bench.scenarios.survey_respond import _Persona
from csm.accounts.models import Membership, Organization, User
from csm.accounts.roles import Role
from csm.surveys.models import Answer, Response, Survey
from csm.surveys.services.importing import import_responses
from csm.surveys.tests.factories import published_survey

NAME = "survey_import"
COLUMNS = ("completed_at", "chars.room", "chars.staff", "chars.checkin", "chars.room.second", "chars.staff.second",
           "chars.checkin.second", "overall", "nps", "effort", "purpose", "comment")
TARGET_MIN_RATIO = 0.25


def _survey() -> tuple[Survey, _Persona]:
    org = Organization.objects.create(slug="bench-import", name="Bench import", country="PL", timezone="Europe/Warsaw")
    user = User.objects.create_user("bench-import@example.com", secrets.token_urlsafe(12))
    persona = _Persona(Membership.objects.create(organization=org, user=user, role=Role.ORG_ADMIN))
    return published_survey(persona), persona


def write_file(path: Path, rows: int, seed: int = 5) -> None:
    rng = random.Random(seed)
    start = dt.date(2025, 1, 1)
    with path.open("w", encoding="utf-8") as out:
        out.write(",".join(COLUMNS) + "\n")
        for n in range(rows):
            mood = rng.randint(3, 5)
            day = start + dt.timedelta(days=n % 365)
            ratings = [min(5, max(1, mood + rng.randint(-1, 1))) for _ in range(6)]
            overall = max(4, mood)  # 4 or 5: the "what should we have done better" question stays hidden
            comment = "Everything was fine" if n % 10 == 0 else ""
            out.write(f"{day},{','.join(map(str, ratings))},{overall},{rng.randint(0, 10)},{rng.randint(1, 7)},"
                      f"{'business' if n % 2 else 'leisure'},{comment}\n")


def _copy_floor(path: Path) -> float:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_import_floor")
        cursor.execute(f"CREATE TABLE bench_import_floor ({', '.join(f'c{i} text' for i in range(len(COLUMNS)))})")
        started = time.perf_counter()
        with cursor.copy("COPY bench_import_floor FROM STDIN (FORMAT csv, HEADER true)") as copy, path.open("rb") as f:
            while data := f.read(1 << 20):
                copy.write(data)
        return time.perf_counter() - started


def run(n: int) -> list[Result]:
    rows = n * 1000
    survey, persona = _survey()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "responses.csv"
        write_file(path, rows)
        floor_seconds = min(_copy_floor(path) for _ in range(2))
        started = time.perf_counter()
        with path.open("rb") as file:
            imported = import_responses(actor=persona.actor, survey=survey, file=file)
        seconds = time.perf_counter() - started
        size = os.path.getsize(path)
    problems = []
    stored = Response.objects.filter(survey=survey).count()
    if stored != rows or imported.responses != rows:
        problems.append(f"{rows} rows, {imported.responses} imported, {stored} stored")
    answers = Answer.objects.filter(response__survey=survey).count()
    if answers != imported.answers:
        problems.append(f"{imported.answers} answers reported, {answers} stored")
    return [Result(scenario=NAME, value=rows / seconds, unit="responses/s", floor=rows / floor_seconds, n=rows,
                   target_min_ratio=TARGET_MIN_RATIO, problems=tuple(problems),
                   detail={"seconds": round(seconds, 2), "copy_seconds": round(floor_seconds, 2),
                           "answers": imported.answers, "file_mb": round(size / 2**20, 1)})]
