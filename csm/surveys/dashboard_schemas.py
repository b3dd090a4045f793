"""API schemas of the satisfaction dashboard: the filter (query parameters, as on the page) and the
output, which mirrors `dashboards.Dashboard` field for field. Shares (satisfaction rate, satisfied
share) are 0-1, scores and the index 0-100, NPS −100 to 100; every interval is at 95 %; figures
are unrounded."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field
from pydantic import BaseModel, ConfigDict

from csm.core.schemas import Id, InputSchema
from csm.surveys.dashboards import DashboardFilters
from csm.surveys.models import ResponseChannel


class DashboardQuery(InputSchema):
    start: dt.date | None = Field(None, alias="from", description="First day of the responses (the "
                                  "organisation's calendar day of completion); default: the first one.")
    end: dt.date | None = Field(None, alias="to", description="Last day, included; default: the last one.")
    unit: Id | None = Field(None, description="A unit: its responses and those of every unit below it.")
    touch_point: Id | None = Field(None, description="Responses given at this touch point.")
    segment: str | None = Field(None, max_length=60, description="Responses of this segment only (empty: all).")
    channel: str | None = Field(None, max_length=12, description="Responses given through this channel only: "
                                + ", ".join(ResponseChannel.values) + ".")
    period: Literal["week", "month", "quarter"] = Field("month", description="The trend's periods.")

    def filters(self) -> DashboardFilters:
        return DashboardFilters(start=self.start, end=self.end, unit_id=self.unit, touch_point_id=self.touch_point,
                                segment=self.segment or None, channel=self.channel or None, period_by=self.period)


class Out(BaseModel):
    """Read from the selector's frozen dataclasses by attribute. Plain pydantic rather than ninja's
    Schema, whose per-object wrapper takes several times as long on the dashboard's hundreds of
    nested figures."""

    model_config = ConfigDict(from_attributes=True)


class FiltersOut(Out):
    start: dt.date | None = Field(validation_alias="start", serialization_alias="from")
    end: dt.date | None = Field(validation_alias="end", serialization_alias="to")
    unit: int | None = Field(validation_alias="unit_id")
    touch_point: int | None = Field(validation_alias="touch_point_id")
    segment: str | None
    channel: str | None
    period: str = Field(validation_alias="period_by")


class EstimateOut(Out):
    value: float | None
    ci_low: float | None = Field(description="95% interval, lower end (null where there is none).")
    ci_high: float | None
    n: int


class NpsOut(EstimateOut):
    promoters: int
    passives: int
    detractors: int


class CesOut(Out):
    mean: float | None = Field(description="Mean customer effort (no interval: the rollups keep no Σx² of it).")
    n: int


class ChangeOut(Out):
    diff: float = Field(description="This period minus the one before.")
    p_value: float
    significant: bool
    mdd: float | None = Field(description="Minimum detectable difference at 80% power, α = 0.05.")


class VersusOut(Out):
    diff: float = Field(description="This segment minus the rest of the responses.")
    p_value: float
    p_adjusted: float = Field(description="Holm-adjusted over the segments.")
    significant: bool


class GroupOut(Out):
    key: str = Field(description="The id (unit, touch point) or value (segment, period); empty for none.")
    label: str
    n: int
    suppressed: bool = Field(description="Fewer responses than min_base: the figures are left out.")
    index: EstimateOut | None
    satisfaction_rate: EstimateOut | None
    nps: NpsOut | None


class SegmentOut(GroupOut):
    index_vs_rest: VersusOut | None
    rate_vs_rest: VersusOut | None
    nps_vs_rest: VersusOut | None


class PeriodOut(GroupOut):
    nps_change: ChangeOut | None
    rate_change: ChangeOut | None


class ItemOut(Out):
    id: str
    label: dict[str, str]
    characteristic_id: int | None
    touch_point_id: int | None
    n: int
    mean: float | None
    score: EstimateOut = Field(description="0-100, with the t-interval of the mean.")
    satisfied_share: float | None
    importance: float | None = Field(description="Mean stated importance, on the rating scale.")
    weight: float = Field(description="The item's weight in the index.")
    quadrant: str | None
    r: float | None = Field(description="Pearson's r with the overall rating (complete cases).")
    relative_weight: float | None = Field(description="Johnson's relative weight, as a share of R².")


class DashboardCharacteristicOut(Out):
    key: str
    label: str
    items: int
    score: EstimateOut = Field(description="0-100, every answer to its items pooled; n counts answers.")


class LabelOut(Out):
    key: str
    label: str


class HeatCellOut(Out):
    touch_point: str
    characteristic: str
    n: int = Field(description="Answers.")
    score: float | None
    suppressed: bool


class HeatmapOut(Out):
    touch_points: list[LabelOut]
    characteristics: list[LabelOut]
    cells: list[HeatCellOut]


class IpaOut(Out):
    importance_source: Literal["stated", "derived"] | None
    score_mid: float | None
    importance_mid: float | None


class FiguresOut(Out):
    n: int
    min_base: int
    index: EstimateOut
    satisfaction_rate: EstimateOut | None
    nps: NpsOut | None
    ces: CesOut | None
    drivers_r2: float | None
    items: list[ItemOut]
    ipa: IpaOut
    periods: list[PeriodOut]
    units: list[GroupOut]
    touch_points: list[GroupOut]
    characteristics: list[DashboardCharacteristicOut]
    segments: list[SegmentOut]
    heatmap: HeatmapOut
    degree: EstimateOut | None = Field(
        None, description="The satisfaction degree: the index weighted by the expectations of the linked pre-service "
                          "survey (standards.md §3.3); null without one.")
    expectation_weights: list[tuple[str, float]] = Field(
        default_factory=list, description="The expectation weight of each item id, summing to 1.")
    expectation_n: int = Field(0, description="Respondents of the pre-service survey behind the weights.")


class DashboardOut(Out):
    survey_id: int
    survey_name: str
    filters: FiltersOut
    unit_name: str
    touch_point_name: str
    versions: list[int]
    excluded_versions: list[int] = Field(description="Versions on another scale than the latest, not counted.")
    scale_min: float | None
    scale_max: float | None
    satisfied_min: float | None
    figures: FiguresOut | None = Field(description="Null until the survey is published.")
