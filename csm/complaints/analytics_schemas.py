"""API schemas of complaint analytics and service volumes; the output mirrors
`analytics.ComplaintAnalytics` field for field (proportions with n and the Wilson 95 % interval,
money as decimal strings, months as dates)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from csm.complaints.models import ServiceVolume
from csm.core.schemas import Id, InputSchema

MONTH = r"^(19|2\d)\d{2}-(0[1-9]|1[0-2])$"  # 1900-01 to 2999-12


class AnalyticsQuery(InputSchema):
    start: dt.date | None = Field(None, alias="from", description="First day (default: the first day of the "
                                  "month eleven months ago, in the organisation's timezone).")
    end: dt.date | None = Field(None, alias="to", description="Last day, included (default: today).")
    unit: Id | None = Field(None, description="A unit: its complaints and those of every unit below it.")


class ProportionOut(Schema):
    successes: int
    n: int
    p: float | None = Field(description="successes / n; null when n is 0.")
    low: float | None = Field(description="Wilson 95% interval, lower end.")
    high: float | None = Field(description="Wilson 95% interval, upper end.")


class SummaryOut(Schema):
    n: int
    median: float | None
    p90: float | None


class CountRowOut(Schema):
    key: str = Field(description="The id (category, touch point, unit) or code (channel); empty for none.")
    label: str
    count: int
    share: ProportionOut


class ParetoBarOut(Schema):
    label: str
    count: int
    share: float
    cumulative_share: float
    is_vital_few: bool


class ParetoOut(Schema):
    n: int
    bars: list[ParetoBarOut]


class StepTimingOut(Schema):
    step: Literal["acknowledge", "respond", "resolve"]
    hours: SummaryOut


class StepOnTimeOut(Schema):
    step: Literal["acknowledge", "assess", "respond", "resolve"]
    on_time: ProportionOut


class OutcomeShareOut(Schema):
    outcome: Literal["upheld", "partly_upheld", "not_upheld"]
    label: str
    share: ProportionOut


class RemedyCostOut(Schema):
    key: str
    label: str
    n: int
    total: Decimal
    mean: Decimal


class RemedyCostsOut(Schema):
    n: int
    total: Decimal
    mean: Decimal | None
    by_remedy: list[RemedyCostOut]


class AgeBucketOut(Schema):
    low_days: int
    high_days: int | None
    count: int


class BacklogOut(Schema):
    n: int
    age_days: SummaryOut
    buckets: list[AgeBucketOut]


class MonthRowOut(Schema):
    month: dt.date
    received: int
    closed: int
    volume: int | None


class PChartPointOut(Schema):
    label: str
    x: int
    n: int
    p: float | None
    lcl: float | None
    ucl: float | None
    is_out_of_control: bool


class PChartOut(Schema):
    centre: float | None
    n: int
    points: list[PChartPointOut]


class RateChartOut(Schema):
    kind: Literal["complaint_rate", "on_time_resolution"]
    chart: PChartOut


class AnalyticsOut(Schema):
    period_start: dt.date
    period_end: dt.date
    unit_id: int | None
    unit_name: str
    computed_at: dt.datetime
    time_unit: Literal["calendar_hours"]
    total: int
    by_category: list[CountRowOut]
    by_channel: list[CountRowOut]
    by_touch_point: list[CountRowOut]
    by_unit: list[CountRowOut]
    pareto: ParetoOut
    timings: list[StepTimingOut]
    on_time: list[StepOnTimeOut]
    reopen: ProportionOut
    outcomes: list[OutcomeShareOut]
    remedy_costs: RemedyCostsOut
    backlog: BacklogOut
    months: list[MonthRowOut]
    rate_chart: RateChartOut


# Service volumes ----------------------------------------------------------------------------------

class ServiceVolumeIn(InputSchema):
    month: str = Field(pattern=MONTH, description="YYYY-MM.", examples=["2026-01"])
    unit_id: Id | None = Field(None, description="Null: the whole organisation.")
    volume: int = Field(ge=1, le=2**31 - 1, description="Stays, calls or transactions served in the month.")


class ServiceVolumeOut(Schema):
    id: int
    month: str = Field(description="YYYY-MM.")
    unit_id: int | None
    volume: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_month(obj: ServiceVolume) -> str:
        return f"{obj.month:%Y-%m}"

