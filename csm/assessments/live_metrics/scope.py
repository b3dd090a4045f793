"""The windows, the scope (organisation, units, timezone) and the ratios aggregated in the database,
shared by the complaint and survey figures of `live_metrics`."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.aggregates import Aggregate
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from csm.accounts.models import Organization, Unit
from csm.accounts.selectors import unit_subtree
from csm.core import clock
from csm.core.errors import InvalidInput, NotFound

WINDOW_MONTHS = 12

METRIC_LABELS: dict[str, Promise] = {
    "complaints.acknowledged_on_time": gettext_lazy("Complaints acknowledged on time"),
    "complaints.assessed_on_time": gettext_lazy("Complaints assessed on time"),
    "complaints.responded_on_time": gettext_lazy("Complaints answered on time"),
    "complaints.resolved_on_time": gettext_lazy("Complaints resolved on time"),
    "complaints.reopen_rate": gettext_lazy("Closed complaints reopened"),
    "complaints.categorised_share": gettext_lazy("Complaints with a category"),
    "complaints.handling_satisfaction": gettext_lazy("Complainants' rating of the handling"),
    "complaints.external_referral_rate": gettext_lazy("Complaints referred to an external body"),
    "surveys.touch_point_coverage": gettext_lazy("Touch points with survey responses"),
    "surveys.characteristic_coverage": gettext_lazy("Service characteristics measured by surveys"),
    "surveys.response_rate": gettext_lazy("Survey invitations answered"),
    "surveys.satisfaction_index": gettext_lazy("Satisfaction index"),
    "surveys.nps": gettext_lazy("Net Promoter Score"),
    "surveys.follow_up_closed_share": gettext_lazy("Low-score follow-ups closed"),
    "surveys.expectations_measured": gettext_lazy("Customer expectations measured"),
    "commitments.promises_with_indicators": gettext_lazy("Promises with an indicator"),
    "commitments.promises_met": gettext_lazy("Promise indicators on target"),
    "disputes.resolved_within_90_days": gettext_lazy("Disputes resolved within 90 days"),
}

# What each value is: a share 0-1, a rating 1-5, an index 0-100, an NPS -100..100 or a 0/1 flag.
METRIC_UNITS: dict[str, str] = {
    **dict.fromkeys(METRIC_LABELS, "share"),
    "complaints.handling_satisfaction": "rating",
    "surveys.satisfaction_index": "index",
    "surveys.nps": "nps",
    "surveys.expectations_measured": "flag",
}


@dataclass(frozen=True)
class MetricValue:
    name: str
    value: float | None  # None: no data in CSM for this metric
    n: int  # the base count the value is computed on
    previous: float | None  # the same metric over the twelve months before
    previous_n: int
    period_start: dt.date  # inclusive
    period_end: dt.date  # inclusive
    unit: str  # "share", "rating", "index", "nps" or "flag"


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date  # included


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier, or the last day of that month when it is shorter."""
    index = day.year * 12 + day.month - 1 - months
    year, month = index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def windows(until: dt.date) -> tuple[Window, Window]:
    """The twelve months ending on `until`, and the twelve months before them."""
    previous_end = months_before(until, WINDOW_MONTHS)
    previous_start = months_before(previous_end, WINDOW_MONTHS) + dt.timedelta(days=1)
    return Window(previous_end + dt.timedelta(days=1), until), Window(previous_start, previous_end)


# Figures and scope --------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Figure:
    value: float | None
    n: int


_Pair = tuple[_Figure, _Figure]  # (this window, the previous one)
NO_FIGURE = _Figure(None, 0)
PERIODS = (0, 1)  # this window, the previous one


def _share(part: int, whole: int) -> _Figure:
    return _Figure(part / whole if whole else None, whole)


def _metric_value(name: str, pair: _Pair, scope: _Scope) -> MetricValue:
    current, previous = pair
    return MetricValue(name=name, value=current.value, n=current.n, previous=previous.value,
                       previous_n=previous.n, period_start=scope.windows[0].start,
                       period_end=scope.windows[0].end, unit=METRIC_UNITS[name])


@dataclass(frozen=True)
class _Scope:
    organization_id: int
    zone: ZoneInfo
    unit_ids: tuple[int, ...] | None  # None: the whole organisation
    windows: tuple[Window, Window]
    now: dt.datetime

    def moments(self, window: Window) -> tuple[dt.datetime, dt.datetime]:
        """The window's first moment and the first moment after it, in the organisation's timezone."""
        return (dt.datetime.combine(window.start, dt.time(), tzinfo=self.zone),
                dt.datetime.combine(window.end + dt.timedelta(days=1), dt.time(), tzinfo=self.zone))

    def within(self, field: str, period: int) -> Q:
        start, end = self.moments(self.windows[period])
        return Q(**{f"{field}__gte": start, f"{field}__lt": end})

    def spanning(self, field: str) -> Q:
        """From the previous window's start to this window's end."""
        start, end = self.moments(self.windows[1])[0], self.moments(self.windows[0])[1]
        return Q(**{f"{field}__gte": start, f"{field}__lt": end})

    def in_units(self, field: str) -> Q:
        return Q() if self.unit_ids is None else Q(**{f"{field}__in": self.unit_ids})


def _scope(organization_id: int, unit_id: int | None, until: dt.date) -> _Scope:
    zone = Organization.objects.filter(pk=organization_id).values_list("timezone", flat=True).first()
    if zone is None:
        raise NotFound()
    unit_ids = _unit_ids(organization_id, unit_id)
    return _Scope(organization_id, ZoneInfo(zone), unit_ids, windows(until), clock.now())


def _unit_ids(organization_id: int, unit_id: int | None) -> tuple[int, ...] | None:
    """The unit and every unit below it (one query); a unit of another organisation is a 422."""
    if unit_id is None:
        return None
    parents = dict(Unit.objects.filter(organization_id=organization_id).values_list("pk", "parent_id"))
    try:
        return tuple(unit_subtree(parents, unit_id))
    except NotFound:
        raise InvalidInput("unit", _("No such object in this organisation.")) from None


# Ratios aggregated in the database -------------------------------------------------------------

@dataclass(frozen=True)
class _Ratio:
    """`part` of `whole` (counted), or with `summed` the sum of that field over `whole`: a mean."""

    whole: Q
    part: Q
    summed: str = ""


def _ratios(queryset: QuerySet[Any], field: str, ratios: Mapping[str, _Ratio],
            scope: _Scope) -> dict[str, _Pair]:
    """Every ratio in both windows (by `field`) in one aggregate query."""
    aggregates: dict[str, Aggregate] = {}
    for k, ratio in enumerate(ratios.values()):
        for period in PERIODS:
            whole = scope.within(field, period) & ratio.whole
            aggregates[f"whole_{k}_{period}"] = Count("pk", filter=whole)
            aggregates[f"part_{k}_{period}"] = (Sum(ratio.summed, filter=whole) if ratio.summed
                                                else Count("pk", filter=whole & ratio.part))
    totals = queryset.filter(scope.spanning(field)).aggregate(**aggregates)
    return {name: (_share(totals[f"part_{k}_0"] or 0, totals[f"whole_{k}_0"]),
                   _share(totals[f"part_{k}_1"] or 0, totals[f"whole_{k}_1"]))
            for k, name in enumerate(ratios)}
