"""A PostgreSQL organisation with 1,000,000 open complaints (and 100,000 closed ones), for the queue
and sweep benchmarks.

The configuration (users, units, categories, two SLA policies on two calendars, a two-tier ladder)
goes through the ORM; the complaints are one `INSERT ... SELECT generate_series` and their "paused"
events another, so seeding takes seconds, not the hours the services would. Everything is relative
to NOW, a Wednesday morning in Warsaw, which the scenarios freeze the clock at.

Complaints 1-10,000 are due for the SLA sweep at NOW (`sla_check_at` <= NOW), in three groups whose
stored deadlines come from `deadlines` itself, so the sweep acts on them for real:
- g % 10 in 0..3: received Monday 13:00 and assigned: the 16-hour acknowledgement is due today at
  13:00 and its reminder (25 % left) fell due at 09:00 → a reminder to the assignee;
- g % 10 in 4..6: received last Friday 09:00, unassigned: the acknowledgement was due Monday 17:00
  → escalation to tier 1, mailed to the two quality managers;
- g % 10 in 7..9: on the evening desk's policy, whose calendar works 18:00-22:00 → deferred.
The other 990,000 open complaints spread over the statuses, handlers, categories, units and a
month of deadlines, with their next check in the future.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.backends.utils import CursorWrapper

from csm.accounts.models import Membership, Organization, Unit, User
from csm.accounts.roles import Role
from csm.complaints import deadlines
from csm.complaints.models import Complaint, ComplaintCategory, EscalationTier, SlaPolicy
from csm.complaints.workflow import Status
from csm.core.models import BusinessCalendar, WorkingInterval

WARSAW = ZoneInfo("Europe/Warsaw")
NOW = dt.datetime(2026, 3, 4, 10, 30, tzinfo=WARSAW).astimezone(dt.UTC)
OPEN = 1_000_000
CLOSED = 100_000
DUE = 10_000
HANDLERS = 20
CATEGORIES = 20
UNITS = 10
SLUG = "bench-queue"
TARGETS = {"acknowledge_target": "16h", "assess_target": "5wd", "respond_target": "10wd", "resolve_target": "15wd"}


@dataclass(frozen=True)
class Seeded:
    organization: Organization
    handler: User  # handler 1, whose queue the benchmark reads
    categories: list[int]
    units: list[int]


@functools.cache
def seeded() -> Seeded:
    """The organisation, seeded on first use, for every scenario of the run to share."""
    return seed()


def seed() -> Seeded:
    """Create the organisation and its complaints, then ANALYZE; returns what the scenarios need."""
    org = Organization.objects.create(slug=SLUG, name="Bench queue", country="PL", timezone="Europe/Warsaw")
    handlers = _members(org)
    categories = [ComplaintCategory.objects.create(organization=org, name=f"Category {n}").pk
                  for n in range(CATEGORIES)]
    units = [Unit.objects.create(organization=org, kind="site", name=f"Site {n}").pk for n in range(UNITS)]
    standard, evening = _policies(org)
    ladder(org)
    groups = _due_groups(standard, evening)
    with connection.cursor() as cursor, _bulk_loading(cursor, "complaints_complaint"):
        cursor.execute(_COMPLAINTS_SQL, _parameters(org, handlers, categories, units, standard, evening, groups))
    with connection.cursor() as cursor:
        cursor.execute(_PAUSED_EVENTS_SQL, {"org": org.pk, "now": NOW})
        cursor.execute("ANALYZE complaints_complaint")
        cursor.execute("ANALYZE complaints_complaintevent")
    return Seeded(org, handlers[0], categories, units)


@contextlib.contextmanager
def _bulk_loading(cursor: CursorWrapper, table: str) -> Iterator[None]:
    """Load without per-row foreign-key triggers (the rows reference what `seed` just created) and
    with the plain indexes built once afterwards, which is several times faster than maintaining
    them row by row. Needs a superuser, as the benchmark database's owner is."""
    cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexdef NOT LIKE %s "
                   "AND indexname NOT IN (SELECT conname FROM pg_constraint)", [table, "CREATE UNIQUE%"])
    indexes = cursor.fetchall()
    cursor.execute("SET session_replication_role = replica")
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)


def _members(org: Organization) -> list[User]:
    users = User.objects.bulk_create(
        [User(email=f"handler{n:02d}@bench.example", full_name=f"Handler {n}", preferred_language="en")
         for n in range(1, HANDLERS + 1)]
        + [User(email=f"quality{n}@bench.example", full_name=f"Quality {n}", preferred_language="en")
           for n in (1, 2)]
        + [User(email="admin@bench.example", full_name="Admin", preferred_language="en")])
    roles = [Role.COMPLAINT_HANDLER] * HANDLERS + [Role.QUALITY_MANAGER] * 2 + [Role.ORG_ADMIN]
    Membership.objects.bulk_create(Membership(organization=org, user=user, role=role)
                                   for user, role in zip(users, roles, strict=True))
    return users[:HANDLERS]


def calendar(org: Organization, name: str, start: dt.time, end: dt.time) -> BusinessCalendar:
    """A Monday-to-Friday calendar in Warsaw, working from `start` to `end`."""
    made = BusinessCalendar.objects.create(organization=org, name=name, timezone="Europe/Warsaw", country="PL")
    WorkingInterval.objects.bulk_create(WorkingInterval(calendar=made, weekday=day, start=start, end=end)
                                        for day in range(5))
    return made


def _policies(org: Organization) -> tuple[SlaPolicy, SlaPolicy]:
    office = calendar(org, "Office", dt.time(9), dt.time(17))
    evening = calendar(org, "Evening desk", dt.time(18), dt.time(22))
    return (SlaPolicy.objects.create(organization=org, name="Standard", calendar=office, **TARGETS),
            SlaPolicy.objects.create(organization=org, name="Evening desk", calendar=evening, priority="low",
                                     **TARGETS))


def ladder(org: Organization) -> None:
    """Team lead (quality managers) after the deadline, then management (admins)."""
    EscalationTier.objects.create(organization=org, level=1, name="Team lead", owner_role=Role.QUALITY_MANAGER,
                                  time_limit="2wd")
    EscalationTier.objects.create(organization=org, level=2, name="Management", owner_role=Role.ORG_ADMIN,
                                  time_limit="5wd")


def _timed(policy: SlaPolicy, received_at: dt.datetime) -> Complaint:
    """A complaint received at `received_at`, with the deadlines and next check `deadlines` gives it."""
    complaint = Complaint(organization_id=policy.organization_id, received_at=received_at,
                          status=Status.RECEIVED, sla_policy=policy)
    calendar = deadlines.pure_calendar(policy.calendar, received_at)
    tiers = tuple(EscalationTier.objects.filter(organization_id=policy.organization_id).order_by("level"))
    context = deadlines.SlaContext(policy, calendar, 0.25, tiers)
    timing = deadlines.Timing(deadlines.step_clocks(complaint, context, ()), ())
    for step, (_target, due_field, _done) in deadlines.STEP_FIELDS.items():
        setattr(complaint, due_field, timing.clocks[step].due)
    complaint.next_due_at = deadlines.next_due(complaint)
    complaint.sla_check_at = deadlines.next_check(complaint, timing, context, now=received_at)
    return complaint


def _due_groups(standard: SlaPolicy, evening: SlaPolicy) -> dict[str, Complaint]:
    groups = {
        "remind": _timed(standard, dt.datetime(2026, 3, 2, 13, tzinfo=WARSAW)),
        "escalate": _timed(standard, dt.datetime(2026, 2, 27, 9, tzinfo=WARSAW)),
        "defer": _timed(evening, dt.datetime(2026, 3, 3, 18, tzinfo=WARSAW)),
    }
    groups["defer"].sla_check_at = NOW - dt.timedelta(hours=1)
    if not all(group.sla_check_at and group.sla_check_at <= NOW for group in groups.values()):
        raise RuntimeError("The seeded due complaints would not be due at NOW.")
    return groups


def _parameters(org: Organization, handlers: list[User], categories: list[int], units: list[int],
                standard: SlaPolicy, evening: SlaPolicy, groups: dict[str, Complaint]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "org": org.pk, "now": NOW, "open": OPEN, "total": OPEN + CLOSED, "due": DUE,
        "handlers": [user.pk for user in handlers], "categories": categories, "units": units,
        "standard": standard.pk, "evening": evening.pk,
    }
    for name, group in groups.items():
        for field in ("received_at", *deadlines.DUE_FIELDS, "next_due_at", "sla_check_at"):
            values[f"{name}_{field}"] = getattr(group, field)
    return values


# g is the row number: 1..DUE are due at NOW, up to OPEN open, above OPEN closed. Arrays are 1-based.
_COMPLAINTS_SQL = """
WITH rows AS (
    SELECT g,
           CASE WHEN g > %(open)s THEN 'closed'
                WHEN g <= %(due)s THEN CASE WHEN g %% 10 < 4 THEN 'remind'
                                            WHEN g %% 10 < 7 THEN 'escalate' ELSE 'defer' END
                ELSE 'spread' END AS kind,
           (ARRAY['awaiting_customer', 'referred', 'received', 'received', 'received', 'received',
                  'acknowledged', 'acknowledged', 'acknowledged', 'acknowledged', 'acknowledged',
                  'assessed', 'assessed', 'assessed', 'investigating', 'investigating', 'investigating',
                  'investigating', 'response_proposed', 'reopened'])[1 + g %% 20] AS spread_status,
           %(now)s::timestamptz - interval '1 minute' * ((g * 7919) %% 43200) AS spread_received,
           %(now)s::timestamptz + interval '1 minute' * ((g * 104729) %% 43200 - 7200) AS spread_due
    FROM generate_series(1::bigint, %(total)s) AS g
), shaped AS (
    SELECT g, kind,
           CASE kind WHEN 'closed' THEN 'closed' WHEN 'spread' THEN spread_status ELSE 'received' END AS status,
           CASE kind WHEN 'remind' THEN %(remind_received_at)s::timestamptz
                     WHEN 'escalate' THEN %(escalate_received_at)s::timestamptz
                     WHEN 'defer' THEN %(defer_received_at)s::timestamptz ELSE spread_received END AS received_at,
           spread_due
    FROM rows
)
INSERT INTO complaints_complaint (
    organization_id, created_at, updated_at, reference, tracking_secret, channel, received_at,
    complainant_name, complainant_email, complainant_phone, complainant_address, preferred_contact,
    language, representative_name, representative_contact, consent_given, product, order_reference,
    description, remedy_sought, severity, priority, safety_impact, financial_impact, legal_impact,
    reputational_impact, immediate_action, status, resume_status, escalation_level, outcome,
    decision_text, customer_reaction, closure_reason, reopen_count, rating_comment, legal_hold,
    assignee_id, category_id, unit_id, sla_policy_id, acknowledge_due_at, assess_due_at, respond_due_at,
    resolve_due_at, next_due_at, acknowledged_at, closed_at, paused_since, sla_check_at, deadlines_computed_at,
    intake_pending, idempotency_scope, idempotency_key, request_digest
)
SELECT %(org)s, received_at, received_at, 'C-2026-' || lpad(g::text, 7, '0'), md5(g::text),
       (ARRAY['web', 'email', 'phone', 'letter', 'in_person'])[1 + g %% 5], received_at,
       'Complainant ' || g, 'complainant' || g || '@example.com', '', '', 'email',
       'en', '', '', true, '', '',
       'The room was not cleaned and nobody answered the phone at the desk (complaint ' || g || ').', '',
       '', (ARRAY['low', 'normal', 'normal', 'high'])[1 + g %% 4], 0, 0, 0,
       0, '', status, '', 0, '',
       '', '', CASE WHEN status = 'closed' THEN 'Resolved.' ELSE '' END, 0, '', false,
       CASE WHEN kind = 'escalate' OR (kind = 'spread' AND g %% 5 = 0) THEN NULL
            ELSE (%(handlers)s::bigint[])[1 + (g / 7) %% array_length(%(handlers)s::bigint[], 1)] END,
       (%(categories)s::bigint[])[1 + (g / 3) %% array_length(%(categories)s::bigint[], 1)],
       (%(units)s::bigint[])[1 + (g / 11) %% array_length(%(units)s::bigint[], 1)],
       CASE kind WHEN 'defer' THEN %(evening)s ELSE %(standard)s END,
       CASE kind WHEN 'remind' THEN %(remind_acknowledge_due_at)s::timestamptz
                 WHEN 'escalate' THEN %(escalate_acknowledge_due_at)s::timestamptz
                 WHEN 'defer' THEN %(defer_acknowledge_due_at)s::timestamptz
                 ELSE received_at + interval '1 day' END,
       CASE kind WHEN 'remind' THEN %(remind_assess_due_at)s::timestamptz
                 WHEN 'escalate' THEN %(escalate_assess_due_at)s::timestamptz
                 WHEN 'defer' THEN %(defer_assess_due_at)s::timestamptz
                 ELSE received_at + interval '7 days' END,
       CASE kind WHEN 'remind' THEN %(remind_respond_due_at)s::timestamptz
                 WHEN 'escalate' THEN %(escalate_respond_due_at)s::timestamptz
                 WHEN 'defer' THEN %(defer_respond_due_at)s::timestamptz
                 ELSE received_at + interval '14 days' END,
       CASE kind WHEN 'remind' THEN %(remind_resolve_due_at)s::timestamptz
                 WHEN 'escalate' THEN %(escalate_resolve_due_at)s::timestamptz
                 WHEN 'defer' THEN %(defer_resolve_due_at)s::timestamptz
                 ELSE received_at + interval '21 days' END,
       CASE kind WHEN 'remind' THEN %(remind_next_due_at)s::timestamptz
                 WHEN 'escalate' THEN %(escalate_next_due_at)s::timestamptz
                 WHEN 'defer' THEN %(defer_next_due_at)s::timestamptz
                 WHEN 'closed' THEN NULL
                 ELSE CASE WHEN status IN ('awaiting_customer', 'referred') THEN NULL ELSE spread_due END END,
       CASE WHEN status NOT IN ('received', 'closed') THEN received_at + interval '2 hours' END,
       CASE WHEN status = 'closed' THEN received_at + interval '10 days' END,
       CASE WHEN status = 'awaiting_customer' THEN received_at + interval '1 day' END,
       CASE kind WHEN 'remind' THEN %(remind_sla_check_at)s::timestamptz
                 WHEN 'escalate' THEN %(escalate_sla_check_at)s::timestamptz
                 WHEN 'defer' THEN %(defer_sla_check_at)s::timestamptz
                 WHEN 'closed' THEN NULL
                 ELSE CASE WHEN status IN ('awaiting_customer', 'referred') THEN NULL
                           ELSE %(now)s::timestamptz + interval '1 minute' * (60 + g %% 20000) END END,
       %(now)s::timestamptz - interval '1 day',
       false, '', '', ''
FROM shaped
ORDER BY g
"""

_PAUSED_EVENTS_SQL = """
INSERT INTO complaints_complaintevent (
    organization_id, created_at, updated_at, complaint_id, kind, actor_label, from_status, to_status,
    body, is_customer_visible, data, message_id)
SELECT organization_id, paused_since, paused_since, id, 'paused', 'bench', '', '', '', false, '{}', ''
FROM complaints_complaint
WHERE organization_id = %(org)s AND status = 'awaiting_customer'
"""
