"""The satisfaction dashboard over 1,000,000 responses (11.8 million answers) on PostgreSQL: p95 of
GET /api/v1/surveys/{id}/dashboard for the whole year, against one raw SQL aggregate over the
answers.

The seed (bench/seed_surveys.py) is one survey of ten rated items, the overall rating and NPS,
answered over 365 days at ten touch points in two segments; its 7,300 rollups are counted as the
poller counts them, and a sample is recounted by the poller itself (`problems` if one differs).
The value is the real endpoint through Django's test Client (a bearer token of a quality manager,
DEBUG off): every figure of the dashboard (index, rate, NPS, CES, items, drivers, IPA, twelve months
with their changes and MDDs, touch points, characteristics, segments against the rest, the
heatmap), computed from the rollups, rendered as JSON. The floor is the cheapest raw query that
gives even the items' means and variances: count, Σx and Σx² per answer key over the answers
joined to the survey's complete responses of the year, best of three runs. Target: ratio ≤ 0.05.
"""

from __future__ import annotations

import datetime as dt
import time

from django.db import connection
from django.test import Client

from bench import seed_surveys
from bench.result import Result, elapsed, percentile
from csm.accounts.context import Actor
from csm.accounts.models import Membership
from csm.accounts.services import create_api_token

NAME = "survey_dashboard_1m"
WARMUP = 5
FLOOR_RUNS = 3
TARGET_RATIO = 0.05

_FLOOR_SQL = """
SELECT a.key, count(a.number), sum(a.number), sum(a.number * a.number)
FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id
WHERE r.organization_id = %(org)s AND r.survey_id = %(survey)s AND r.status = 'complete'
  AND r.completed_at >= %(start)s AND r.completed_at < %(end)s
GROUP BY a.key
"""


def _client(seeded: seed_surveys.Seeded) -> Client:
    membership = Membership.objects.select_related("organization", "user").get(user=seeded.manager)
    actor = Actor(user=seeded.manager, organization=membership.organization, membership=membership)
    _token, raw = create_api_token(actor=actor, name="bench")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _call(client: Client, url: str) -> tuple[float, dict]:
    started = time.perf_counter()
    response = client.get(url)
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}: {response.content[:300]!r}")
    return seconds, response.json()


def _floor(seeded: seed_surveys.Seeded) -> tuple[float, int]:
    """Seconds of the raw aggregate, and the answers it counted."""
    start = dt.datetime.combine(seed_surveys.FIRST_DAY, dt.time(), tzinfo=seed_surveys.WARSAW)
    params = {"org": seeded.organization.pk, "survey": seeded.survey.pk, "start": start,
              "end": start.replace(year=start.year + 1)}
    rows: list[tuple] = []

    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(_FLOOR_SQL, params)
            rows[:] = cursor.fetchall()

    seconds = min(elapsed(run) for _ in range(FLOOR_RUNS))
    return seconds, sum(count for _key, count, _sum, _squares in rows)


def _problems(body: dict, seeded: seed_surveys.Seeded, answers_counted: int) -> list[str]:
    figures = body["figures"]
    problems = []
    if figures["n"] != seed_surveys.RESPONSES:
        problems.append(f"the dashboard counted {figures['n']} responses")
    counted = sum(item["n"] for item in figures["items"]) + figures["satisfaction_rate"]["n"] + figures["nps"]["n"]
    if counted != answers_counted or counted != seeded.answers:
        problems.append(f"the dashboard counted {counted} answers, the floor {answers_counted}")
    if len(figures["periods"]) != 12 or len(figures["touch_points"]) != seed_surveys.TOUCH_POINTS:
        problems.append("the dashboard misses periods or touch points")
    return problems


def run(n: int) -> list[Result]:
    started = time.perf_counter()
    seeded = seed_surveys.seeded()
    seeding = time.perf_counter() - started
    problems = seed_surveys.check_rollups(seeded.survey)
    client = _client(seeded)
    url = (f"/api/v1/surveys/{seeded.survey.pk}/dashboard?from={seed_surveys.FIRST_DAY.isoformat()}"
           f"&to={seed_surveys.LAST_DAY.isoformat()}")
    for _ in range(WARMUP):
        _call(client, url)
    calls = []
    body: dict = {}
    for _ in range(n):
        seconds, body = _call(client, url)
        calls.append(seconds)
    floor, answers_counted = _floor(seeded)
    problems += _problems(body, seeded, answers_counted)
    return [Result(scenario=NAME, value=percentile(calls, 0.95) * 1000, unit="ms", floor=floor * 1000, n=n,
                   target_ratio=TARGET_RATIO, problems=tuple(problems),
                   detail={"responses": seed_surveys.RESPONSES, "answers": seeded.answers, "rollups": seeded.rollups,
                           "p50_ms": round(percentile(calls, 0.5) * 1000, 3), "seed_seconds": round(seeding, 1)})]
