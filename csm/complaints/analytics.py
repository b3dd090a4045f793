"""Complaint analytics (ISO 10002 8.2 analysis, 8.4 monitoring): one read that gathers every
measure for a period and, optionally, a unit with the units below it.

Fetch (grouped database aggregates and one list of step times) → compute (`csm.core.stats`) →
one frozen `ComplaintAnalytics`. The number of queries does not depend on the number of complaints
(ten, eleven with a unit). Definitions:

* The cohort: complaints received from `period_start` to `period_end` (whole days in the
  organisation's timezone) in the unit's subtree. Every measure except "closed per month" is
  about the cohort.
* Volumes: counts by category, channel, touch point and unit, each with its share of the cohort
  and a Wilson 95 % interval; the Pareto table is the category volumes (`stats.pareto`).
* Times to acknowledge, respond and resolve: elapsed calendar hours from receipt to
  `acknowledged_at`, `responded_at` (decision communicated) and `closed_at`, for the complaints
  that reached the step; median and P90 (`stats.summarise`). Calendar hours, not working hours:
  the complaints run on different calendars, and elapsed time is what the complainant waited.
* On time per step (acknowledge, assess, respond, resolve): of the complaints whose step has a due
  date and whose outcome is known (done, or not done and already past due, except while referred
  outside), the share done no later than the due date. Steps still running in time are left out.
* Reopen rate: complaints reopened at least once, of those closed at least once.
* Outcomes: upheld, partly upheld and not upheld, each of the complaints with a decision.
* Remedy cost: the remedies of decisions communicated, total and mean per complaint (Decimal,
  to the cent, half up), by remedy.
* Backlog: the cohort's complaints not closed now, by age in whole days (0-2, 3-7, 8-14, 15-30,
  over 30) with median and P90 age.
* Months: received (cohort) and closed (by `closed_at` in the period) per calendar month.
* Rate chart: a p-chart (`stats.p_chart`) of the complaint rate, complaints received in a month
  over the service volume recorded for it (`ServiceVolume`: the organisation's, or exactly the
  unit's), over the whole months of the period that have a volume. Without any volume it falls
  back to a p-chart of the share of complaints resolved on time, by month of receipt.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.models import Unit
from csm.accounts.selectors import unit_subtree
from csm.catalogue.models import Channel
from csm.complaints.models import Complaint, Outcome
from csm.complaints.service_volumes import volumes_by_month
from csm.complaints.workflow import Status
from csm.core import clock, stats
from csm.core.errors import InvalidInput, NotFound

CENT = Decimal("0.01")
MAX_PERIOD_DAYS = 3661  # ten years
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)
AGE_BOUNDS = (2, 7, 14, 30)  # whole days; the last bucket is "over 30"
# Step -> (done field, due field); timings skip assess (an internal step, no customer wait).
STEPS = {"acknowledge": ("acknowledged_at", "acknowledge_due_at"), "assess": ("assessed_at", "assess_due_at"),
         "respond": ("responded_at", "respond_due_at"), "resolve": ("closed_at", "resolve_due_at")}
TIMED_STEPS = ("acknowledge", "respond", "resolve")
OUTCOMES = (Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD)
RATE = "complaint_rate"
ON_TIME_RESOLUTION = "on_time_resolution"


# The result ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CountRow:
    """A group (`key`: id or code, "" for none) with its count and share of the cohort."""

    key: str
    label: str
    count: int
    share: stats.Proportion


@dataclass(frozen=True)
class StepTiming:
    step: str
    hours: stats.Summary


@dataclass(frozen=True)
class StepOnTime:
    step: str
    on_time: stats.Proportion


@dataclass(frozen=True)
class OutcomeShare:
    outcome: str
    label: str
    share: stats.Proportion


@dataclass(frozen=True)
class RemedyCost:
    key: str
    label: str
    n: int
    total: Decimal
    mean: Decimal


@dataclass(frozen=True)
class RemedyCosts:
    n: int
    total: Decimal
    mean: Decimal | None
    by_remedy: tuple[RemedyCost, ...]


@dataclass(frozen=True)
class AgeBucket:
    """Open complaints aged from `low_days` to `high_days` whole days (None: no upper end)."""

    low_days: int
    high_days: int | None
    count: int


@dataclass(frozen=True)
class Backlog:
    n: int
    age_days: stats.Summary
    buckets: tuple[AgeBucket, ...]


@dataclass(frozen=True)
class MonthRow:
    month: dt.date
    received: int
    closed: int
    volume: int | None


@dataclass(frozen=True)
class RateChart:
    """`kind` is RATE (complaints over service volume) or ON_TIME_RESOLUTION (the fallback);
    point labels are months as YYYY-MM."""

    kind: str
    chart: stats.PChart


@dataclass(frozen=True)
class ComplaintAnalytics:
    period_start: dt.date
    period_end: dt.date
    unit_id: int | None
    unit_name: str
    computed_at: dt.datetime
    total: int
    by_category: tuple[CountRow, ...]
    by_channel: tuple[CountRow, ...]
    by_touch_point: tuple[CountRow, ...]
    by_unit: tuple[CountRow, ...]
    pareto: stats.Pareto
    timings: tuple[StepTiming, ...]
    on_time: tuple[StepOnTime, ...]
    reopen: stats.Proportion
    outcomes: tuple[OutcomeShare, ...]
    remedy_costs: RemedyCosts
    backlog: Backlog
    months: tuple[MonthRow, ...]
    rate_chart: RateChart
    time_unit: str = "calendar_hours"


# Period and scope --------------------------------------------------------------------------------

def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last twelve calendar months: from the first day of the month eleven months back to today."""
    months = today.year * 12 + today.month - 1 - 11
    return dt.date(months // 12, months % 12 + 1, 1), today


def organization_today(actor: Actor) -> dt.date:
    return clock.now().astimezone(ZoneInfo(actor.organization.timezone)).date()


def check_period(period_start: dt.date, period_end: dt.date) -> None:
    """A 422 unless the period runs forwards, lasts at most ten years and lies in 1900-2999."""
    for field, day in (("from", period_start), ("to", period_end)):
        if not FIRST_DAY <= day <= LAST_DAY:
            raise InvalidInput(field, _("Choose a date from 1900 to 2999."))
    if period_end < period_start:
        raise InvalidInput("to", _("The end of the period comes before its start."))
    if (period_end - period_start).days >= MAX_PERIOD_DAYS:
        raise InvalidInput("to", _("Choose a period of at most ten years."))


@dataclass(frozen=True)
class _Scope:
    organization_id: int
    zone: ZoneInfo
    start: dt.datetime
    end: dt.datetime  # exclusive
    unit_id: int | None
    unit_ids: tuple[int, ...] | None
    unit_name: str

    def complaints(self) -> QuerySet[Complaint]:
        qs = Complaint.objects.filter(organization_id=self.organization_id).order_by()
        return qs if self.unit_ids is None else qs.filter(unit_id__in=self.unit_ids)

    def cohort(self) -> QuerySet[Complaint]:
        return self.complaints().filter(received_at__gte=self.start, received_at__lt=self.end)


def _scope(actor: Actor, period_start: dt.date, period_end: dt.date, unit_id: int | None) -> _Scope:
    zone = ZoneInfo(actor.organization.timezone)
    start = dt.datetime.combine(period_start, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(period_end + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    unit_ids, name = (None, "") if unit_id is None else _subtree(actor.organization_id, unit_id)
    return _Scope(actor.organization_id, zone, start, end, unit_id, unit_ids, name)


def _subtree(organization_id: int, unit_id: int) -> tuple[tuple[int, ...], str]:
    """The unit and every unit below it (one query); a unit of another organisation is a 422."""
    units = list(Unit.objects.filter(organization_id=organization_id).values_list("pk", "parent_id", "name"))
    names = {pk: name for pk, _parent, name in units}
    try:
        found = unit_subtree({pk: parent for pk, parent, _name in units}, unit_id)
    except NotFound:
        raise InvalidInput("unit", _("No such object in this organisation.")) from None
    return tuple(found), names[unit_id]


# The read ----------------------------------------------------------------------------------------

def complaint_analytics(*, actor: Actor, period_start: dt.date, period_end: dt.date,
                        unit_id: int | None = None) -> ComplaintAnalytics:
    """Every measure of the module docstring for the actor's organisation (needs
    `complaints.analytics`); a bad period or a unit of another organisation is a 422. Holds no
    personal data: only counts, times, rates and costs by category, channel, touch point, unit
    and remedy."""
    actor.require(roles.COMPLAINTS_ANALYTICS)
    check_period(period_start, period_end)
    scope = _scope(actor, period_start, period_end, unit_id)
    now = clock.now()
    cohort = scope.cohort()
    totals = cohort.aggregate(**_aggregates(now))
    total = totals["total"]
    by_category = _volumes(cohort, "category_id", "category__name", total, _("No category"))
    timings, backlog = _times(cohort, now)
    months = _months(scope, now)
    return ComplaintAnalytics(
        period_start=period_start, period_end=period_end, unit_id=unit_id, unit_name=scope.unit_name,
        computed_at=now, total=total, by_category=by_category,
        by_channel=_channel_volumes(cohort, total),
        by_touch_point=_volumes(cohort, "touch_point_id", "touch_point__name", total, _("No touch point")),
        by_unit=_volumes(cohort, "unit_id", "unit__name", total, _("No unit")),
        pareto=stats.pareto((row.label, row.count) for row in by_category),
        on_time=tuple(StepOnTime(step, stats.wilson(totals[f"{step}_on_time"], totals[f"{step}_known"]))
                      for step in STEPS),
        reopen=stats.wilson(totals["reopened"], totals["closed_once"]),
        outcomes=tuple(OutcomeShare(o.value, str(o.label), stats.wilson(totals[o.value], totals["decided"]))
                       for o in OUTCOMES),
        remedy_costs=_remedy_costs(cohort), timings=timings, backlog=backlog,
        months=tuple(row for row, _on_time, _known in months),
        rate_chart=_rate_chart(scope, months),
    )


def _aggregates(now: dt.datetime) -> dict[str, Count]:
    """One aggregate query: the cohort size, each step's on-time and known counts, reopenings and
    decision outcomes."""
    counts = {"total": Count("pk"), "closed_once": Count("pk", filter=Q(closed_at__isnull=False) | Q(reopen_count__gt=0)),
              "reopened": Count("pk", filter=Q(reopen_count__gt=0)),
              "decided": Count("pk", filter=Q(outcome__in=[o.value for o in OUTCOMES]))}
    for outcome in OUTCOMES:
        counts[outcome.value] = Count("pk", filter=Q(outcome=outcome.value))
    for step, (done, due) in STEPS.items():
        on_time, known = _step_filters(done, due, now)
        counts[f"{step}_on_time"] = Count("pk", filter=on_time)
        counts[f"{step}_known"] = Count("pk", filter=known)
    return counts


def _step_filters(done: str, due: str, now: dt.datetime) -> tuple[Q, Q]:
    """(done on time, outcome known) for one step; see the module docstring."""
    has_due = Q(**{f"{due}__isnull": False})
    is_done = Q(**{f"{done}__isnull": False})
    overdue = Q(**{f"{done}__isnull": True, f"{due}__lt": now}) & ~Q(status=Status.REFERRED)
    return has_due & is_done & Q(**{f"{done}__lte": F(due)}), has_due & (is_done | overdue)


def _rows(groups: Iterable[tuple[str, str, int]], total: int) -> tuple[CountRow, ...]:
    rows = sorted(groups, key=lambda row: (-row[2], row[1], row[0]))
    return tuple(CountRow(key, label, count, stats.wilson(count, total)) for key, label, count in rows)


def _volumes(cohort: QuerySet[Complaint], key: str, label: str, total: int, none_label: str) -> tuple[CountRow, ...]:
    groups = cohort.values_list(key, label).annotate(n=Count("pk")).order_by()
    return _rows(((str(pk or ""), name if pk else none_label, n) for pk, name, n in groups), total)


def _channel_volumes(cohort: QuerySet[Complaint], total: int) -> tuple[CountRow, ...]:
    labels = dict(Channel.choices)
    groups = cohort.values_list("channel").annotate(n=Count("pk")).order_by()
    return _rows(((code, str(labels.get(code, code)), n) for code, n in groups), total)


def _remedy_costs(cohort: QuerySet[Complaint]) -> RemedyCosts:
    groups = list(cohort.filter(responded_at__isnull=False, remedy_cost__isnull=False)
                  .values_list("remedy_id", "remedy__name").annotate(n=Count("pk"), total=Sum("remedy_cost"))
                  .order_by())
    rows = tuple(sorted((RemedyCost(str(pk or ""), name if pk else _("No remedy named"), n, _cents(total),
                                    _mean(total, n)) for pk, name, n, total in groups),
                        key=lambda row: (-row.total, row.label)))
    n, total = sum(row.n for row in rows), sum((row.total for row in rows), Decimal(0))
    return RemedyCosts(n=n, total=_cents(total), mean=_mean(total, n) if n else None, by_remedy=rows)


def _cents(value: Decimal | None) -> Decimal:
    return (value or Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP)


def _mean(total: Decimal, n: int) -> Decimal:
    return _cents(Decimal(total) / n)


def _times(cohort: QuerySet[Complaint], now: dt.datetime) -> tuple[tuple[StepTiming, ...], Backlog]:
    """Step times and backlog ages from one list of the cohort's timestamps."""
    fields = ("received_at", *(STEPS[step][0] for step in TIMED_STEPS))
    hours: dict[str, list[float]] = {step: [] for step in TIMED_STEPS}
    ages: list[float] = []
    for received, *done, status in cohort.values_list(*fields, "status").iterator(chunk_size=5000):
        for step, at in zip(TIMED_STEPS, done, strict=True):
            if at is not None:
                hours[step].append((at - received).total_seconds() / 3600)
        if status != Status.CLOSED:
            ages.append((now - received).total_seconds() / 86400)
    return (tuple(StepTiming(step, stats.summarise(hours[step])) for step in TIMED_STEPS), _backlog(ages))


def _backlog(ages: list[float]) -> Backlog:
    counts = stats.bucket_counts([math.floor(age) for age in ages], AGE_BOUNDS)
    lows: tuple[int, ...] = (0, *(bound + 1 for bound in AGE_BOUNDS))
    highs: tuple[int | None, ...] = (*AGE_BOUNDS, None)
    buckets = tuple(AgeBucket(low, high, count) for low, high, count in zip(lows, highs, counts, strict=True))
    return Backlog(n=len(ages), age_days=stats.summarise(ages), buckets=buckets)


# Months ------------------------------------------------------------------------------------------

def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of every month from `first`'s to `last`'s."""
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current + dt.timedelta(days=32)).replace(day=1)
    return months


def _months(scope: _Scope, now: dt.datetime) -> list[tuple[MonthRow, int, int]]:
    """Per month of the period: (received, closed and volume; resolved on time; resolution known)."""
    on_time, known = _step_filters(*STEPS["resolve"], now)
    month = TruncMonth("received_at", tzinfo=scope.zone)
    received = {row["month"].date(): row for row in scope.cohort().annotate(month=month).values("month").annotate(
        n=Count("pk"), on_time=Count("pk", filter=on_time), known=Count("pk", filter=known)).order_by()}
    closed_rows = (scope.complaints().filter(closed_at__gte=scope.start, closed_at__lt=scope.end)
                   .annotate(month=TruncMonth("closed_at", tzinfo=scope.zone)).values_list("month")
                   .annotate(n=Count("pk")).order_by())
    closed = {at.date(): n for at, n in closed_rows}
    first, last = scope.start.date(), (scope.end - dt.timedelta(days=1)).date()
    starts = month_starts(first, last)
    volumes = volumes_by_month(organization_id=scope.organization_id, unit_id=scope.unit_id,
                               first=starts[0], last=starts[-1])
    empty = {"n": 0, "on_time": 0, "known": 0}
    return [(MonthRow(m, received.get(m, empty)["n"], closed.get(m, 0), volumes.get(m)),
             received.get(m, empty)["on_time"], received.get(m, empty)["known"]) for m in starts]


def _is_whole_month(month: dt.date, scope: _Scope) -> bool:
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return month >= scope.start.date() and following <= scope.end.date()


def _rate_chart(scope: _Scope, months: list[tuple[MonthRow, int, int]]) -> RateChart:
    """The complaint-rate p-chart over whole months with a volume (months with more complaints
    than volume are left out as inconsistent), else the on-time resolution p-chart."""
    rated = [(f"{row.month:%Y-%m}", row.received, row.volume) for row, _o, _k in months
             if row.volume is not None and _is_whole_month(row.month, scope) and row.received <= row.volume]
    if rated:
        return RateChart(RATE, stats.p_chart(rated))
    return RateChart(ON_TIME_RESOLUTION, stats.p_chart(
        (f"{row.month:%Y-%m}", on_time, known) for row, on_time, known in months))
