"""Two years of complaints for a demo organisation, with their configuration.

Volumes follow a season (hotels peak in summer, the call centre after the new year's bills),
categories follow a Pareto-like weighting, most complaints run the whole ISO 10002 process on time,
some miss a step, a few are rejected and referred outside (disputes pending, under legal hold), and
the last weeks are still open in every status. Dates are relative to the day of seeding so the
queue looks live; for a given seed and day the rows are the same. Rows are written with
`bulk_create`; deadlines come from the same pure `sla` module the application uses.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from decimal import Decimal

from csm.accounts.models import Organization, User
from csm.catalogue.models import ServiceCharacteristic, TouchPoint
from csm.complaints import sla
from csm.complaints.models import (
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintSettings,
    EscalationTier,
    EventKind,
    Outcome,
    Priority,
    Remedy,
    ServiceVolume,
    Severity,
    SlaPolicy,
)
from csm.complaints.workflow import Status
from csm.core.business_hours import Calendar, next_working_time
from csm.core.models import BusinessCalendar
from csm.core.selectors import calendar_for_computation

MONTHS = 24
Timeline = list[tuple[str, str, dt.datetime]]  # (event kind, status after it, when)
OPEN_DAYS = 21  # complaints received in the last three weeks are still being handled
DEMO_COMPLAINTS_PER_THOUSAND = 4.0  # complaints per 1,000 stays or calls, for the service volumes


@dataclass(frozen=True)
class ComplaintsSpec:
    monthly: int  # average complaints a month
    peak_month: int  # 1-12, the month with the most complaints
    categories: tuple[tuple[str, int], ...]  # (name, weight)
    remedies: tuple[tuple[str, str, str], ...]  # (name, default cost, approval limit)
    targets: tuple[str, str, str, str]  # acknowledge, assess, respond, resolve
    policy_name: str
    external_recourse: str
    names: tuple[str, ...]
    descriptions: tuple[str, ...]
    decisions: tuple[str, str, str]  # for upheld, partly upheld, not upheld
    language: str
    email_domain: str
    channels: tuple[tuple[str, int], ...]
    tiers: tuple[tuple[str, str, str], ...]  # (name, owner role, time limit)


@dataclass
class _Context:
    org: Organization
    rng: random.Random
    spec: ComplaintsSpec
    today: dt.datetime
    calendar: Calendar
    policy: SlaPolicy
    categories: list[ComplaintCategory]
    remedies: list[Remedy]
    points: list[TouchPoint]
    characteristics: dict[int, list[int]]
    handlers: list[User]


def seed_complaints(org: Organization, spec: ComplaintsSpec, *, rng: random.Random, today: dt.datetime,
                    handlers: list[User]) -> dict[str, int]:
    """Configuration plus two years of complaints for `org`; returns row counts."""
    ctx = _context(org, spec, rng, today, handlers)
    complaints, events = [], []
    for received in _arrivals(ctx):
        complaint, timeline = _lifecycle(ctx, received)
        complaints.append(complaint)
        events.append(timeline)
    Complaint.objects.bulk_create(complaints, batch_size=500)
    for complaint in complaints:
        complaint.reference = f"C-{complaint.received_at:%Y}-{complaint.pk:06d}"
    Complaint.objects.bulk_update(complaints, ["reference"], batch_size=500)
    rows = [event for complaint, timeline in zip(complaints, events, strict=True)
            for event in _events(complaint, timeline)]
    ComplaintEvent.objects.bulk_create(rows, batch_size=2000)
    volumes = seed_service_volumes(org, spec, rng=rng, today=today)
    return {"complaints": len(complaints), "complaint_events": len(rows), "service_volumes": volumes}


def seed_service_volumes(org: Organization, spec: ComplaintsSpec, *, rng: random.Random, today: dt.datetime) -> int:
    """The organisation's monthly service volume (stays, calls) for every whole month the demo
    complaints cover: the month's expected complaints (the season and growth of `_arrivals`) over
    DEMO_COMPLAINTS_PER_THOUSAND, with ±4 % noise, so the complaint-rate p-chart is mostly in
    control. Returns the number of months written."""
    start = today - dt.timedelta(days=30 * MONTHS)
    expected: dict[dt.date, float] = {}
    for day in range(30 * MONTHS):
        date = start + dt.timedelta(days=day)
        season = 1 + 0.35 * math.cos(2 * math.pi * (date.month - spec.peak_month) / 12)
        month = date.date().replace(day=1)
        expected[month] = expected.get(month, 0.0) + spec.monthly / 30 * season * (0.85 + 0.3 * day / (30 * MONTHS))
    whole = [month for month in sorted(expected) if month >= start.date() and
             (month + dt.timedelta(days=32)).replace(day=1) <= today.date()]
    ServiceVolume.objects.bulk_create(
        ServiceVolume(organization=org, month=month, created_at=today, updated_at=today,
                      volume=round(expected[month] * 1000 / DEMO_COMPLAINTS_PER_THOUSAND * rng.uniform(0.96, 1.04)))
        for month in whole)
    return len(whole)


def _context(org: Organization, spec: ComplaintsSpec, rng: random.Random, today: dt.datetime,
             handlers: list[User]) -> _Context:
    calendar = BusinessCalendar.objects.get(organization=org, is_default=True)
    ComplaintSettings.objects.create(organization=org, pause_statuses=[Status.AWAITING_CUSTOMER],
                                     external_recourse=spec.external_recourse)
    categories = ComplaintCategory.objects.bulk_create(
        ComplaintCategory(organization=org, name=name, code=f"CAT{i:02d}")
        for i, (name, _) in enumerate(spec.categories, start=1))
    remedies = Remedy.objects.bulk_create(
        Remedy(organization=org, name=name, default_cost=Decimal(cost), approval_limit=Decimal(limit))
        for name, cost, limit in spec.remedies)
    ack, assess, respond, resolve = spec.targets
    policy = SlaPolicy.objects.create(organization=org, name=spec.policy_name, calendar=calendar,
                                      acknowledge_target=ack, assess_target=assess, respond_target=respond,
                                      resolve_target=resolve)
    EscalationTier.objects.bulk_create(
        EscalationTier(organization=org, level=level, name=name, owner_role=role, time_limit=limit,
                       is_external=level == len(spec.tiers))
        for level, (name, role, limit) in enumerate(spec.tiers, start=1))
    links = ServiceCharacteristic.touch_points.through.objects.filter(servicecharacteristic__organization=org)
    characteristics: dict[int, list[int]] = {}
    for point_id, characteristic_id in links.values_list("touchpoint_id", "servicecharacteristic_id"):
        characteristics.setdefault(point_id, []).append(characteristic_id)
    points = list(TouchPoint.objects.filter(organization=org, pk__in=characteristics).order_by("pk"))
    years = range(today.year - 3, today.year + 2)
    return _Context(org=org, rng=rng, spec=spec, today=today,
                    calendar=calendar_for_computation(calendar=calendar, years=years), policy=policy,
                    categories=categories, remedies=remedies, points=points, characteristics=characteristics,
                    handlers=handlers)


def _arrivals(ctx: _Context) -> list[dt.datetime]:
    """Receipt times over the last MONTHS months, seasonal, in daytime hours of the organisation."""
    times = []
    start = ctx.today - dt.timedelta(days=30 * MONTHS)
    for day in range(30 * MONTHS):
        date = start + dt.timedelta(days=day)
        season = 1 + 0.35 * math.cos(2 * math.pi * (date.month - ctx.spec.peak_month) / 12)
        growth = 0.85 + 0.3 * day / (30 * MONTHS)
        expected = ctx.spec.monthly / 30 * season * growth
        for _ in range(_poisson(ctx.rng, expected)):
            times.append(date.replace(hour=6, minute=0, second=0, microsecond=0)
                         + dt.timedelta(minutes=ctx.rng.randint(0, 15 * 60)))
    return sorted(times)


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([name for name, _ in weighted], weights=[w for _, w in weighted])[0]


def _due(ctx: _Context, received: dt.datetime, target: str) -> dt.datetime | None:
    return sla.due_at(start=received, target=sla.parse_target(target), calendar=ctx.calendar).due


def _after(ctx: _Context, moment: dt.datetime, due: dt.datetime | None, on_time: bool) -> dt.datetime:
    """A working moment before `due` (or somewhat after it, when the step runs late)."""
    if due is None:
        return moment + dt.timedelta(hours=1)
    span = max((due - moment).total_seconds(), 600.0)
    share = ctx.rng.uniform(0.1, 0.9) if on_time else ctx.rng.uniform(1.05, 1.6)
    worked = next_working_time(ctx.calendar, moment + dt.timedelta(seconds=span * share))  # staff act in hours
    return min(worked, ctx.today - dt.timedelta(minutes=5))


def _lifecycle(ctx: _Context, received: dt.datetime) -> tuple[Complaint, Timeline]:
    rng, spec = ctx.rng, ctx.spec
    point = rng.choice(ctx.points)
    category = rng.choices(ctx.categories, weights=[w for _, w in spec.categories])[0]
    name = rng.choice(spec.names)
    complaint = Complaint(
        organization=ctx.org, reference=f"tmp-{rng.getrandbits(64):016x}", tracking_secret=f"{rng.getrandbits(128):032x}",
        unit=point.unit, channel=_pick(rng, spec.channels), received_at=received,
        complainant_name=name, complainant_email=f"{_mailbox(rng)}@{spec.email_domain}",
        language=spec.language, consent_given=True, service_id=point.service_id, touch_point=point,
        characteristic_id=rng.choice(ctx.characteristics[point.pk]), description=rng.choice(spec.descriptions),
        category=category, severity=rng.choice(list(Severity.values)),
        priority=rng.choices(list(Priority.values), weights=[2, 6, 3, 1])[0], sla_policy=ctx.policy,
        created_at=received, updated_at=received,
    )
    policy = ctx.policy
    complaint.acknowledge_due_at = _due(ctx, received, policy.acknowledge_target)
    complaint.assess_due_at = _due(ctx, received, policy.assess_target)
    complaint.respond_due_at = _due(ctx, received, policy.respond_target)
    complaint.resolve_due_at = _due(ctx, received, policy.resolve_target)
    return complaint, _run_steps(ctx, complaint)


def _mailbox(rng: random.Random) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(7))


def _run_steps(ctx: _Context, c: Complaint) -> list[tuple[str, str, dt.datetime]]:
    """Walk the complaint through the process; recent ones stop part-way. Returns (kind, status, at)."""
    rng = ctx.rng
    age_days = (ctx.today - c.received_at).days
    on_time = rng.random() < 0.86
    stop_at = rng.randint(0, 6) if age_days < OPEN_DAYS else 99
    timeline: Timeline = [(EventKind.RECEIVED, Status.RECEIVED, c.received_at)]
    plan = [
        (Status.ACKNOWLEDGED, "acknowledged_at", c.acknowledge_due_at),
        (Status.ASSESSED, "assessed_at", c.assess_due_at),
        (Status.INVESTIGATING, "", c.respond_due_at),
        (Status.RESPONSE_PROPOSED, "", c.respond_due_at),
        (Status.DECISION_COMMUNICATED, "responded_at", c.respond_due_at),
    ]
    moment = c.received_at
    c.status = Status.RECEIVED
    for step, (status, stamp, due) in enumerate(plan):
        if step >= stop_at:
            break
        moment = _after(ctx, moment, due, on_time or status == Status.ACKNOWLEDGED)
        c.status = status
        timeline.append((EventKind.STATUS_CHANGED, status, moment))
        if stamp:
            setattr(c, stamp, moment)
        if status == Status.RESPONSE_PROPOSED:
            _decide(ctx, c)
    if c.status == Status.DECISION_COMMUNICATED:
        _finish(ctx, c, moment, timeline)
    c.assignee = rng.choice(ctx.handlers) if c.status != Status.RECEIVED else None
    c.next_due_at = _next_due(c)
    return timeline


def _decide(ctx: _Context, c: Complaint) -> None:
    rng = ctx.rng
    outcomes = [Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD]
    c.outcome = rng.choices(outcomes, weights=[45, 25, 30])[0]
    c.decision_text = ctx.spec.decisions[outcomes.index(c.outcome)]  # texts listed in the same order
    if c.outcome != Outcome.NOT_UPHELD:
        c.remedy = rng.choice(ctx.remedies)
        c.remedy_cost = c.remedy.default_cost


def _finish(ctx: _Context, c: Complaint, moment: dt.datetime, timeline: Timeline) -> None:
    rng = ctx.rng
    answered = moment + dt.timedelta(hours=rng.randint(2, 96))
    if answered >= ctx.today:
        return
    accepted = rng.random() < 0.9
    c.customer_reaction = "accepted" if accepted else "rejected"
    timeline.append((EventKind.ACCEPTED if accepted else EventKind.REJECTED, c.status, answered))
    if not accepted:
        c.status, c.legal_hold = Status.REFERRED, True
        timeline.append((EventKind.STATUS_CHANGED, Status.REFERRED, answered + dt.timedelta(hours=1)))
        if rng.random() < 0.7 and (ctx.today - answered).days > 30:
            _close(c, answered + dt.timedelta(days=rng.randint(20, 60)), ctx, timeline)
        return
    _close(c, answered, ctx, timeline)


def _close(c: Complaint, at: dt.datetime, ctx: _Context, timeline: Timeline) -> None:
    if at >= ctx.today:
        return
    c.status, c.closed_at = Status.CLOSED, at
    c.closure_reason = "Decision accepted by the complainant." if c.customer_reaction == "accepted" else (
        "External dispute resolution concluded.")
    timeline.append((EventKind.CLOSED, Status.CLOSED, at))
    if ctx.rng.random() < 0.6:
        c.rating = ctx.rng.choices([1, 2, 3, 4, 5], weights=[5, 7, 15, 35, 38])[0]
        c.rated_at = at + dt.timedelta(hours=ctx.rng.randint(1, 72))


def _next_due(c: Complaint) -> dt.datetime | None:
    if c.status == Status.REFERRED:  # with the external body: our clocks no longer order the queue
        return None
    steps = [(c.acknowledge_due_at, c.acknowledged_at), (c.assess_due_at, c.assessed_at),
             (c.respond_due_at, c.responded_at), (c.resolve_due_at, c.closed_at)]
    return min((due for due, done in steps if done is None and due is not None), default=None)


def _events(c: Complaint, timeline: list[tuple[str, str, dt.datetime]]) -> list[ComplaintEvent]:
    rows, previous = [], ""
    for kind, status, at in timeline:
        changed = kind == EventKind.STATUS_CHANGED
        rows.append(ComplaintEvent(
            organization_id=c.organization_id, complaint=c, kind=kind, actor=c.assignee if changed else None,
            actor_label=c.assignee.email if changed and c.assignee else "complainant",
            from_status=previous if changed else "", to_status=status if changed else "",
            body=c.description if kind == EventKind.RECEIVED else "", is_customer_visible=True,
            created_at=at, updated_at=at,
        ))
        previous = status
    return rows
