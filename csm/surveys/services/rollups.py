"""Counting complete responses into the rollups the dashboards read, exactly once.

A complete response is written with `is_rolled_up` false; every worker's poller claims a batch of
them (SKIP LOCKED on PostgreSQL, so workers never share one), adds their tallies to the rollup of
their (survey, version, unit, touch point, segment, channel, day), and sets the flag, all in one
transaction: a crash rolls back both, so a response is counted once or not at all, and then again
by the next run. `rebuild_rollups` recomputes every rollup from the answers and reports where the
stored ones differed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
from django.db import connection, transaction

from csm.accounts.models import Organization
from csm.surveys import measure, tallies
from csm.surveys.models import Answer, Response, ResponseStatus, Rollup, SurveyVersion

BATCH_SIZE = 500
GroupKey = tuple[int, int, int, int, int, str, str, dt.date]  # org, survey, version, unit, tp, segment, channel, day


@dataclass(frozen=True)
class Rebuilt:
    rollups: int
    responses: int
    differences: int  # stored rollups that did not match the answers (fixed)


def roll_up_pending(limit: int = BATCH_SIZE) -> int:
    """Count up to `limit` complete responses not yet counted; returns how many."""
    with transaction.atomic():
        claimed = Response.objects.filter(status=ResponseStatus.COMPLETE, is_rolled_up=False).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            claimed = claimed.select_for_update(skip_locked=True)
        rows = list(claimed.values_list("id", "organization_id", "survey_id", "version_id", "unit_id",
                                        "touch_point_id", "segment", "channel", "completed_at")[:limit])
        if not rows:
            return 0
        for key, tally in _tallies(rows).items():
            _add_to_rollup(key, tally)
        Response.objects.filter(pk__in=[row[0] for row in rows]).update(is_rolled_up=True)
    return len(rows)


def _tallies(rows: Sequence[tuple]) -> dict[GroupKey, measure.Tally]:  # type: ignore[type-arg]
    """The tally of each group of the responses `rows` (as read by roll_up_pending)."""
    answers = _numbers([row[0] for row in rows])
    zones = _zones({row[1] for row in rows})
    specs = _specs({row[3] for row in rows})
    grouped: dict[GroupKey, list[int]] = defaultdict(list)
    for pk, org, survey, version, unit, touch_point, segment, channel, completed_at in rows:
        day = completed_at.astimezone(zones[org]).date()
        grouped[(org, survey, version, unit or 0, touch_point or 0, segment, channel, day)].append(pk)
    out = {}
    for key, ids in grouped.items():
        spec = specs[key[2]]
        out[key] = measure.tally(tallies.block_from_answers(spec, [answers.get(pk, {}) for pk in ids]), spec)
    return out


def _numbers(response_ids: Sequence[int]) -> dict[int, dict[str, float]]:
    out: dict[int, dict[str, float]] = defaultdict(dict)
    for response_id, key, number in (Answer.objects.filter(response_id__in=response_ids, number__isnull=False)
                                     .values_list("response_id", "key", "number").iterator(chunk_size=5000)):
        if number is not None:
            out[response_id][key] = number
    return out


def _zones(organization_ids: Iterable[int]) -> dict[int, ZoneInfo]:
    return {pk: ZoneInfo(zone) for pk, zone in
            Organization.objects.filter(pk__in=list(organization_ids)).values_list("id", "timezone")}


def _specs(version_ids: Iterable[int]) -> dict[int, measure.Spec]:
    return {pk: measure.parse_spec(spec) for pk, spec in
            SurveyVersion.objects.filter(pk__in=list(version_ids)).values_list("id", "spec")}


def _add_to_rollup(key: GroupKey, tally: measure.Tally) -> None:
    org, survey, version, unit, touch_point, segment, channel, day = key
    rollup, created = Rollup.objects.select_for_update().get_or_create(
        organization_id=org, survey_id=survey, version_id=version, unit_key=unit, touch_point_key=touch_point,
        segment=segment, channel=channel, day=day, defaults={"tally": tallies.to_bytes(tally), "responses": tally.rows})
    if created:
        return
    stored = np.frombuffer(bytes(rollup.tally), dtype="<f8")
    rollup.tally = (stored + tallies.to_array(tally)).astype("<f8").tobytes()
    rollup.responses += tally.rows
    rollup.save(update_fields=["tally", "responses"])


def rebuild_rollups(*, survey_ids: Sequence[int] | None = None, chunk: int = 5000) -> Rebuilt:
    """Recompute the rollups of these surveys (all: None) from the answers, replace the stored
    ones, and count the stored rollups that differed (beyond rounding) from the recomputed ones."""
    with transaction.atomic():
        responses = Response.objects.filter(status=ResponseStatus.COMPLETE)
        stored_rollups = Rollup.objects.all()
        if survey_ids is not None:
            responses = responses.filter(survey_id__in=survey_ids)
            stored_rollups = stored_rollups.filter(survey_id__in=survey_ids)
        responses = responses.select_for_update()
        totals: dict[GroupKey, measure.Tally] = {}
        rows = list(responses.order_by("id").values_list(
            "id", "organization_id", "survey_id", "version_id", "unit_id", "touch_point_id", "segment", "channel",
            "completed_at"))
        for start in range(0, len(rows), chunk):
            for key, tally in _tallies(rows[start:start + chunk]).items():
                totals[key] = totals[key].merge(tally) if key in totals else tally
        stored = {_key_of(rollup): bytes(rollup.tally) for rollup in stored_rollups}
        differences = sum(1 for key in stored.keys() | totals.keys()
                          if key not in stored or key not in totals or not np.allclose(
                              np.frombuffer(stored[key], dtype="<f8"), tallies.to_array(totals[key]),
                              rtol=1e-12, atol=1e-9))
        stored_rollups.delete()
        Rollup.objects.bulk_create([
            Rollup(organization_id=k[0], survey_id=k[1], version_id=k[2], unit_key=k[3], touch_point_key=k[4],
                   segment=k[5], channel=k[6], day=k[7], responses=t.rows, tally=tallies.to_bytes(t))
            for k, t in totals.items()], batch_size=1000)
        responses.update(is_rolled_up=True)
    return Rebuilt(len(totals), len(rows), differences)


def _key_of(rollup: Rollup) -> GroupKey:
    return (rollup.organization_id, rollup.survey_id, rollup.version_id, rollup.unit_key, rollup.touch_point_key,
            rollup.segment, rollup.channel, rollup.day)
