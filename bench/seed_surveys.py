"""A PostgreSQL organisation with one survey and 1,000,000 complete responses (11.8 million answers),
for the dashboard benchmark.

The configuration (a quality manager, a service with ten touch points, ten service
characteristics, the survey: a matrix of ten rated items, each tied to a characteristic, then the
overall rating and NPS) goes through the ORM and the authoring service. The responses are one
`INSERT ... SELECT generate_series` and their answers another (`random()` around a mood drawn per
respondent; 2 % of the item answers left blank). Response g is completed on day g mod 365 of 2025
(08:00 to 18:00 in Warsaw), at touch point (g div 365) mod 10, in segment (g div 3650) mod 2: 7,300 groups of
about 137 responses.

The rollups are then counted the fast way: the answers pivoted to one row per response in one
SELECT, sorted by group, and each group's rows tallied by `measure.tally` (the poller's own
arithmetic) in numpy. `check_rollups` proves them equal to what the poller makes: it deletes a
few rollups, marks their responses pending and runs `roll_up_pending`, which must write the same
bytes back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
from django.db import connection
from django.db.backends.utils import CursorWrapper

from csm.accounts.context import Actor
from csm.accounts.models import Membership, Organization, User
from csm.accounts.roles import Role
from csm.catalogue.models import Channel, Service, ServiceCharacteristic, Staffing, TouchPoint
from csm.surveys import measure, starter, tallies
from csm.surveys.models import Response, Rollup, Survey
from csm.surveys.services import authoring, rollups

ZONE = "Europe/Warsaw"
WARSAW = ZoneInfo(ZONE)
RESPONSES = 1_000_000
ITEMS = 10
TOUCH_POINTS = 10
DAYS = 365
SEGMENTS = ("business", "leisure")
FIRST_DAY = dt.date(2025, 1, 1)
LAST_DAY = FIRST_DAY + dt.timedelta(days=DAYS - 1)
SLUG = "bench-surveys"
BLANK_SHARE = 0.02


@dataclass(frozen=True)
class Seeded:
    organization: Organization
    manager: User
    survey: Survey
    answers: int
    rollups: int


@functools.cache
def seeded() -> Seeded:
    return seed()


def seed() -> Seeded:
    org = Organization.objects.create(slug=SLUG, name="Bench surveys", country="PL", timezone=ZONE)
    manager = User.objects.create_user("quality@bench.example", "bench password", full_name="Quality")
    membership = Membership.objects.create(organization=org, user=manager, role=Role.QUALITY_MANAGER)
    actor = Actor(user=manager, organization=org, membership=membership)
    survey, points = _survey(actor)
    version = survey.current_version
    assert version is not None
    keys = [item["satisfaction"] for item in version.spec["items"]] + [version.spec["overall"], version.spec["nps"]]
    with connection.cursor() as cursor:
        cursor.execute(_RESPONSES_SQL, {"org": org.pk, "survey": survey.pk, "version": version.pk, "points": points,
                                        "segments": list(SEGMENTS), "n": RESPONSES,
                                        "first": dt.datetime.combine(FIRST_DAY, dt.time(8), tzinfo=WARSAW)})
        with _without_answer_constraints(cursor):
            cursor.execute(_ANSWERS_SQL, {"survey": survey.pk, "keys": keys, "items": ITEMS, "blank": BLANK_SHARE})
        # Vacuumed now, so that autovacuum does not take on 12 million new rows during the timed part.
        cursor.execute("VACUUM (ANALYZE) surveys_response, surveys_answer")
        cursor.execute("SELECT count(*) FROM surveys_answer")
        answers = cursor.fetchone()[0]
    count = build_rollups(survey, keys)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) surveys_rollup")
        cursor.execute("CHECKPOINT")
    return Seeded(org, manager, survey, answers, count)


def _survey(actor: Actor) -> tuple[Survey, list[int]]:
    org = actor.organization
    service = Service.objects.create(organization=org, name="Hotel stay", code="HOTEL")
    points = [TouchPoint.objects.create(organization=org, service=service, name=f"Touch point {n + 1}",
                                        staffing=Staffing.STAFFED, channel=Channel.IN_PERSON).pk
              for n in range(TOUCH_POINTS)]
    items = []
    for n in range(ITEMS):
        characteristic = ServiceCharacteristic.objects.create(organization=org, name=f"Characteristic {n + 1}",
                                                              kind="staff")
        label = starter.words(f"Item {n + 1}", f"Pozycja {n + 1}", f"项目 {n + 1}")
        items.append(starter.RatedItem(f"i{n + 1:02d}", label, f"item-{n + 1:02d}", characteristic.pk))
    content = starter.post_service(items, second=None, segment=True, contact=False)
    survey = authoring.create_survey(actor=actor, data={"name": "Guest survey", "service": service}, draft=content)
    authoring.publish_survey(actor=actor, survey=survey)
    survey.refresh_from_db()
    return survey, points


@contextlib.contextmanager
def _without_answer_constraints(cursor: CursorWrapper) -> Iterator[None]:
    """Load the answers without per-row foreign-key triggers and with the unique (response, key)
    index built once afterwards. Needs a superuser, as the benchmark database's owner is."""
    cursor.execute("SET session_replication_role = replica")
    cursor.execute("ALTER TABLE surveys_answer DROP CONSTRAINT answer_unique_key")
    try:
        yield
    finally:
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("ALTER TABLE surveys_answer ADD CONSTRAINT answer_unique_key UNIQUE (response_id, key)")


_RESPONSES_SQL = """
INSERT INTO surveys_response (
    organization_id, created_at, updated_at, survey_id, version_id, status, channel, language, is_anonymous,
    unit_id, touch_point_id, segment, contact_id, invitation_id, paper_batch_id, submission_key, started_at,
    completed_at, is_rolled_up, erased_at)
SELECT %(org)s, at, at, %(survey)s, %(version)s, 'complete', 'link', 'en', false,
       NULL, (%(points)s::bigint[])[1 + (g / 365) %% 10], (%(segments)s::text[])[1 + (g / 3650) %% 2], NULL, NULL, NULL,
       md5(g::text), at - interval '3 minutes', at, true, NULL
FROM (SELECT g, %(first)s::timestamptz + interval '1 day' * (g %% 365) + interval '1 second' * ((g * 7919) %% 36000) AS at
      FROM generate_series(1::bigint, %(n)s) AS g) AS s
ORDER BY g
"""

# One mood per respondent (a FROM subquery with random() is evaluated once per row); the ratings
# scatter around it, NPS around twice it; item answers are left blank at random (the filter names r, or the
# planner would draw once per key).
_ANSWERS_SQL = """
INSERT INTO surveys_answer (response_id, key, number, text)
SELECT r.id, k.key,
       CASE WHEN k.position = %(items)s + 2 THEN least(10, greatest(0, round(2 * r.mood + (random() - 0.5) * 4)))
            ELSE least(5, greatest(1, round(r.mood + (random() - 0.5) * 2.4))) END,
       ''
FROM (SELECT id, 1.5 + random() * 3.5 AS mood FROM surveys_response WHERE survey_id = %(survey)s) AS r
CROSS JOIN unnest(%(keys)s::text[]) WITH ORDINALITY AS k(key, position)
WHERE k.position > %(items)s OR random() + 0 * r.mood >= %(blank)s  -- r.mood: drawn per answer, not per key
ORDER BY r.id, k.position
"""


# The rollups ---------------------------------------------------------------------------------------

def build_rollups(survey: Survey, keys: list[str]) -> int:
    """Count every response into the rollups as the poller would (see the module)."""
    spec = measure.parse_spec(survey.current_version.spec)  # type: ignore[union-attr]
    pivot = ", ".join("max(a.number) FILTER (WHERE a.key = %s)" for _ in keys)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.touch_point_id, r.segment, (r.completed_at AT TIME ZONE %s)::date, {pivot} "  # noqa: S608
            "FROM surveys_response r JOIN surveys_answer a ON a.response_id = r.id "
            "WHERE r.survey_id = %s AND r.status = 'complete' GROUP BY r.id", [ZONE, *keys, survey.pk])
        rows = cursor.fetchall()
    groups = [(tp, segment, day) for tp, segment, day, *_numbers in rows]
    values = np.array([numbers for _tp, _segment, _day, *numbers in rows], dtype=np.float64)  # None -> nan
    labels = sorted(set(groups))
    code = {label: k for k, label in enumerate(labels)}
    codes = np.fromiter((code[g] for g in groups), dtype=np.intp, count=len(groups))
    order = np.argsort(codes, kind="stable")
    ordered = values[order]
    bounds = np.searchsorted(codes[order], np.arange(len(labels) + 1))
    version = survey.current_version
    made = []
    for k, (tp, segment, day) in enumerate(labels):
        part = ordered[bounds[k]:bounds[k + 1]]
        block = measure.Block(part[:, :ITEMS], None, part[:, ITEMS], part[:, ITEMS + 1], np.full(len(part), np.nan))
        counted = measure.tally(block, spec)
        made.append(Rollup(organization_id=survey.organization_id, survey_id=survey.pk, version=version,
                           unit_key=0, touch_point_key=tp, segment=segment, channel="link", day=day,
                           responses=counted.rows, tally=tallies.to_bytes(counted)))
    Rollup.objects.bulk_create(made, batch_size=1000)
    return len(made)


def check_rollups(survey: Survey, *, groups: int = 3) -> list[str]:
    """Recount a few groups with the real poller; the problems found (none: the rollups match)."""
    sample = list(Rollup.objects.filter(survey=survey).order_by("day", "touch_point_key", "segment")
                  [:: max(1, DAYS * TOUCH_POINTS * len(SEGMENTS) // groups)][:groups])
    problems = []
    for rollup in sample:
        stored = np.frombuffer(bytes(rollup.tally), dtype="<f8").copy()
        start = dt.datetime.combine(rollup.day, dt.time(), tzinfo=WARSAW)
        responses = Response.objects.filter(survey=survey, touch_point_id=rollup.touch_point_key,
                                            segment=rollup.segment, completed_at__gte=start,
                                            completed_at__lt=start + dt.timedelta(days=1))
        rollup.delete()
        marked = responses.update(is_rolled_up=False)
        while rollups.roll_up_pending():
            pass
        again = Rollup.objects.get(survey=survey, touch_point_key=rollup.touch_point_key, segment=rollup.segment,
                                   day=rollup.day)
        recounted = np.frombuffer(bytes(again.tally), dtype="<f8")
        if again.responses != marked or not np.array_equal(stored, recounted):
            problems.append(f"rollup {rollup.day}/{rollup.touch_point_key}/{rollup.segment} differs from the poller's")
    return problems
