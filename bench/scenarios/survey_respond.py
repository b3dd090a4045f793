"""Public survey submissions over HTTP: requests per second of
POST /api/v1/public/surveys/{key}/responses at 32 concurrent clients, against a bare view.

Measured like the complaints intake (bench/scenarios/public_intake.py): gunicorn with one sync
worker per core, production settings, PostgreSQL, the database cache the rate limiter counts in
(its limit raised so the benchmark's one IP is never refused). Each request is a new respondent's
complete answers to the starter post-service survey (3 characteristics rated for satisfaction and
importance, overall, NPS, effort, segment, a comment: 11 answers) with its own Idempotency-Key;
CSM checks every answer against the published version (scales, required, conditions), the quota,
and writes the response and its answers. The worker's rollup poller then counts them, outside the
timed part: every acknowledged request must end as exactly one complete response, counted once.

The floor (bench/floor_urls.py) reads the same JSON and inserts the same rows into tables as wide as
surveys_response and surveys_answer, checking nothing. Target: throughput at least 0.6 of the floor's.
"""

from __future__ import annotations

import json
import secrets
import tempfile

from django.db import connection

from bench.floor_urls import ANSWER_FLOOR, RESPONSE_FLOOR, create_respond_floor_tables
from bench.http_load import Load, Request, load, serve
from bench.result import Result, percentile
from bench.scenarios.public_intake import _environment
from csm.accounts.models import Membership, Organization, User
from csm.accounts.roles import Role
from csm.surveys.models import Response, Rollup, Survey
from csm.surveys.services import rollups
from csm.surveys.tests.factories import full_answers, published_survey

NAME = "survey_respond"
CLIENTS = 32
WARMUP = 200
ROUNDS = 4
TARGET_MIN_THROUGHPUT = 0.6


class _Persona:
    def __init__(self, membership: Membership) -> None:
        self.membership, self.user = membership, membership.user

    @property
    def organization(self) -> Organization:
        return self.membership.organization

    @property
    def actor(self):  # type: ignore[no-untyped-def]
        from csm.accounts.context import Actor

        return Actor(user=self.user, organization=self.organization, membership=self.membership)


def _survey() -> Survey:
    org = Organization.objects.create(slug="bench-respond", name="Bench respond", country="PL",
                                      timezone="Europe/Warsaw")
    user = User.objects.create_user("bench-respond@example.com", secrets.token_urlsafe(12))
    return published_survey(_Persona(Membership.objects.create(organization=org, user=user, role=Role.ORG_ADMIN)))


def _requests(kind: str, count: int, survey: Survey) -> list[Request]:
    path = (f"/api/v1/public/surveys/{survey.public_key}/responses" if kind == "csm"
            else f"/bench/floor/respond/{survey.pk}")
    batch = secrets.token_hex(4)
    body = json.dumps({"answers": full_answers(comment="Everything was fine, thank you.")}).encode()
    return [Request(path, body, {"Content-Type": "application/json", "Idempotency-Key": f"bench-{batch}-{n:08d}"})
            for n in range(count)]


def _measure(port: int, survey: Survey, n: int) -> tuple[list[Load], list[Load], int, int]:
    warm = {kind: load(port, _requests(kind, WARMUP, survey), clients=CLIENTS) for kind in ("floor", "csm")}
    runs: dict[str, list[Load]] = {"floor": [], "csm": []}
    for _ in range(ROUNDS):
        for kind in ("floor", "csm"):
            runs[kind].append(load(port, _requests(kind, n // ROUNDS, survey), clients=CLIENTS))
    acknowledged = {kind: warm[kind].acknowledged + sum(run.acknowledged for run in runs[kind]) for kind in runs}
    return runs["csm"], runs["floor"], acknowledged["csm"], acknowledged["floor"]


def _floor_rows() -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT count(*) FROM {RESPONSE_FLOOR}), (SELECT count(*) FROM {ANSWER_FLOOR})")  # noqa: S608
        return cursor.fetchone()  # type: ignore[return-value]


def run(n: int) -> list[Result]:
    survey = _survey()
    create_respond_floor_tables()
    environment = {**_environment(), "CSM_SURVEY_RESPONSES_PER_IP_HOUR": str(10**9)}
    with tempfile.TemporaryFile() as log:
        try:
            with serve(environment, workers=2, log=log) as port:
                csm, floor, csm_acks, floor_acks = _measure(port, survey, n)
        except RuntimeError:
            log.seek(0)
            print(log.read().decode(errors="replace")[-4000:])
            raise
    while rollups.roll_up_pending():
        pass
    stored = Response.objects.filter(survey=survey, status="complete").count()
    counted = sum(Rollup.objects.filter(survey=survey).values_list("responses", flat=True))
    floor_responses, _ = _floor_rows()
    problems = []
    for kind, runs in (("CSM", csm), ("floor", floor)):
        if errors := sum(run.errors for run in runs):
            problems.append(f"{errors} {kind} requests failed")
    if not stored == counted == csm_acks:
        problems.append(f"{csm_acks} acknowledged, {stored} responses stored, {counted} counted in the rollups")
    if floor_responses != floor_acks:
        problems.append(f"{floor_acks} floor requests acknowledged, {floor_responses} stored")
    latencies = [latency for run in csm for latency in run.latencies]
    detail = {"clients": CLIENTS, "answers_per_response": len(full_answers()),
              "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
              "floor_p99_ms": round(percentile([x for run in floor for x in run.latencies], 0.99) * 1000, 1)}
    return [Result(scenario=f"{NAME}_throughput", value=_per_second(csm), unit="requests/s", floor=_per_second(floor),
                   n=len(latencies), target_min_ratio=TARGET_MIN_THROUGHPUT, detail=detail, problems=tuple(problems))]


def _per_second(runs: list[Load]) -> float:
    return sum(len(run.statuses) for run in runs) / sum(run.seconds for run in runs)
