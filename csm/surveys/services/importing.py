"""Importing responses from a file (another survey tool's export, or paper forms typed into a
spreadsheet): everything is checked first (import_check.py), then written at once, or nothing is.

The whole file is read and checked before anything is written; a file with problems writes nothing
and the error lists each problem with its row and column. The responses are complete, channel
"import", on the survey's current version; each one's submission key is the file's digest and its
row, so importing the same file twice is refused rather than counted twice. Their rollups are
counted from the checked columns in the same transaction (no second reading of the answers). On
PostgreSQL the rows go in with COPY.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import BinaryIO
from zoneinfo import ZoneInfo

import numpy as np
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from csm.accounts.context import Actor
from csm.accounts.roles import SURVEYS_MANAGE
from csm.catalogue.models import TouchPoint
from csm.core import clock
from csm.core.audit import record_event
from csm.core.errors import Conflict, InvalidInput
from csm.surveys import import_check, measure, tallies
from csm.surveys.models import (
    Answer,
    Response,
    ResponseChannel,
    ResponseStatus,
    Rollup,
    Survey,
    SurveyVersion,
)
from csm.surveys.services.rollups import GroupKey, _key_of

CHUNK_ROWS = 50_000
CHANNEL = ResponseChannel.IMPORT


@dataclass(frozen=True)
class Imported:
    responses: int
    answers: int


def import_responses(*, actor: Actor | None, survey: Survey, file: BinaryIO) -> Imported:
    """Check the whole file, then write its responses, answers and rollups in one transaction.
    `actor` None: an administrator's command (`csm import-responses`)."""
    if actor is not None:
        actor.require(SURVEYS_MANAGE)
    version = survey.current_version
    if version is None:
        raise Conflict(_("Publish the survey before importing responses."))
    digest = hashlib.sha256()
    blocks = _checked_blocks(survey, version, file, digest)
    prefix = f"import-{digest.hexdigest()[:20]}-"
    try:
        with transaction.atomic():
            counts = _write(survey, version, blocks, prefix)
            record_event(organization_id=survey.organization_id, actor=actor.user if actor else None,
                         action="responses_imported",
                         obj=survey, changes={"responses": [None, counts.responses]})
    except IntegrityError:
        raise Conflict(_("This file has already been imported into this survey.")) from None
    return counts


def _rows(file: BinaryIO, digest: hashlib._Hash) -> Iterator[list[str]]:
    text = io.TextIOWrapper(io.BufferedReader(_Digesting(file, digest)), encoding="utf-8-sig", newline="")
    first = text.readline()
    delimiter = max((",", ";", "\t"), key=first.count)
    yield next(csv.reader([first], delimiter=delimiter))
    yield from csv.reader(text, delimiter=delimiter)


class _Digesting(io.RawIOBase):
    """The file, read through, feeding the digest that names this import."""

    def __init__(self, file: BinaryIO, digest: hashlib._Hash) -> None:
        self.file, self.digest = file, digest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.file.read(len(buffer))
        self.digest.update(data)
        buffer[: len(data)] = data
        return len(data)


def _checked_blocks(survey: Survey, version: SurveyVersion, file: BinaryIO,
                    digest: hashlib._Hash) -> list[import_check.Block]:
    try:
        rows = _rows(file, digest)
        header = [name.strip() for name in next(rows, [])]
    except UnicodeDecodeError:
        raise InvalidInput("file", _("The file is not UTF-8 text.")) from None
    if not header or header == [""]:
        raise InvalidInput("file", _("The file is empty."))
    header_problems = import_check.check_header(version.content, header)
    if header_problems:
        raise InvalidInput(errors=[{"field": "row 0", "message": problem} for problem in header_problems])
    zone = ZoneInfo(survey.organization.timezone)
    places = _touch_points(survey)
    problems = import_check.Problems()
    blocks: list[import_check.Block] = []
    first = 1
    try:
        for chunk in _chunks(rows, len(header), problems):
            cells = list(zip(*chunk, strict=True)) if chunk else [() for _ in header]
            blocks.append(import_check.check_block(version.content, header, cells, first_row=first, zone=zone,
                                                   touch_points=places, problems=problems))
            first += len(chunk)
            if problems.full:
                break
    except UnicodeDecodeError:
        raise InvalidInput("file", _("The file is not UTF-8 text.")) from None
    except csv.Error as exc:
        raise InvalidInput("file", str(exc)) from None
    if problems.items:
        raise InvalidInput(errors=[{"field": f"row {row}, column {column}", "message": message}
                                   for row, column, message in problems.items])
    if first == 1:
        raise InvalidInput("file", _("The file has a header but no rows."))
    return blocks


def _chunks(rows: Iterator[list[str]], width: int, problems: import_check.Problems) -> Iterator[list[list[str]]]:
    chunk: list[list[str]] = []
    number = 0
    for row in rows:
        number += 1
        if len(row) != width:
            if not any(cell.strip() for cell in row):
                continue  # a blank line
            problems.add(number, "*", f"has {len(row)} cells, the header {width}")
            continue
        chunk.append(row)
        if len(chunk) == CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _touch_points(survey: Survey) -> dict[str, int]:
    places: dict[str, int] = {}
    for pk, code in TouchPoint.objects.filter(organization_id=survey.organization_id).values_list("id", "code"):
        places[str(pk)] = pk
        if code:
            places.setdefault(code, pk)
    return places


# Writing ------------------------------------------------------------------------------------------

def _write(survey: Survey, version: SurveyVersion, blocks: list[import_check.Block], prefix: str) -> Imported:
    units = dict(TouchPoint.objects.filter(organization_id=survey.organization_id).values_list("id", "unit_id"))
    now = clock.now()
    total = sum(block.rows for block in blocks)
    ids = _new_ids(total)
    answers = 0
    offset = 0
    groups: dict[GroupKey, measure.Tally] = {}
    spec = measure.parse_spec(version.spec)
    zone = ZoneInfo(survey.organization.timezone)
    for block in blocks:
        block_ids = _insert_responses(survey, version, block, ids[offset: offset + block.rows], units, prefix, now)
        answers += _insert_answers(block, block_ids)
        _count(groups, survey, version, block, units, spec, zone)
        offset += block.rows
    _merge_rollups(survey, groups)
    return Imported(total, answers)


def _new_ids(count: int) -> list[int]:
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('surveys_response', 'id')) "
                       "FROM generate_series(1, %s)", [count])
        return [row[0] for row in cursor.fetchall()]


def _insert_responses(survey: Survey, version: SurveyVersion, block: import_check.Block, ids: Sequence[int],
                      units: Mapping[int, int | None], prefix: str, now: dt.datetime) -> Sequence[int]:
    """Insert the block's responses; their ids (reserved beforehand on PostgreSQL)."""
    rows = [(prefix + str(block.first_row + n), block.completed_at[n], block.touch_points[n],
             units.get(block.touch_points[n] or 0), block.languages[n],
             block.segments[n]) for n in range(block.rows)]
    if connection.vendor == "postgresql":
        columns = ("id, organization_id, survey_id, version_id, status, channel, language, is_anonymous, unit_id, "
                   "touch_point_id, segment, submission_key, started_at, completed_at, is_rolled_up, created_at, "
                   "updated_at")
        fixed = (survey.organization_id, survey.pk, version.pk, ResponseStatus.COMPLETE, CHANNEL)
        # wrap_database_errors: a duplicate key is Django's IntegrityError, as with the ORM.
        with connection.wrap_database_errors, connection.cursor() as cursor, cursor.copy(
                f"COPY surveys_response ({columns}) FROM STDIN") as copy:
            for pk, (key, done, point, unit, language, segment) in zip(ids, rows, strict=True):
                copy.write_row((pk, *fixed, language, survey.is_anonymous, unit, point, segment, key, done, done,
                                True, now, now))
        return ids
    created = Response.objects.bulk_create([
        Response(organization_id=survey.organization_id, survey=survey, version=version,
                 status=ResponseStatus.COMPLETE, channel=CHANNEL, language=language, is_anonymous=survey.is_anonymous,
                 unit_id=unit, touch_point_id=point, segment=segment, submission_key=key, started_at=done,
                 completed_at=done, is_rolled_up=True, created_at=now, updated_at=now)
        for key, done, point, unit, language, segment in rows], batch_size=2000)
    return [response.pk for response in created]


def _insert_answers(block: import_check.Block, ids: Sequence[int]) -> int:
    id_array = np.asarray(ids, dtype=np.int64)
    if connection.vendor == "postgresql":
        return _copy_answers(block, id_array)
    rows = []
    for column in block.columns.values():
        if column.numbers is not None:
            answered = np.flatnonzero(~np.isnan(column.numbers))
            rows += [Answer(response_id=int(id_array[i]), key=column.key, number=float(column.numbers[i]))
                     for i in answered]
        else:
            rows += [Answer(response_id=int(id_array[i]), key=column.key, text=text)
                     for i, text in enumerate(column.texts or []) if text]
    Answer.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _copy_answers(block: import_check.Block, ids: np.ndarray) -> int:
    count = 0
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.copy(
            "COPY surveys_answer (response_id, key, number, text) FROM STDIN") as copy:
        for column in block.columns.values():
            if column.numbers is not None:
                answered = np.flatnonzero(~np.isnan(column.numbers))
                values = column.numbers[answered]
                lines = "".join(f"{pk}\t{column.key}\t{value:g}\t\n"
                                for pk, value in zip(ids[answered].tolist(), values.tolist(), strict=True))
                count += len(answered)
            else:
                texts = column.texts or []
                lines = "".join(f"{ids[i]}\t{column.key}\t\\N\t{_escape(text)}\n"
                                for i, text in enumerate(texts) if text)
                count += sum(1 for text in texts if text)
            copy.write(lines)
    return count


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _count(groups: dict[GroupKey, measure.Tally], survey: Survey, version: SurveyVersion,
           block: import_check.Block, units: Mapping[int, int | None], spec: measure.Spec, zone: ZoneInfo) -> None:
    """Add the block's tallies by rollup group (unit, touch point, segment, day)."""
    def numbers(key: str) -> np.ndarray:
        found = block.columns.get(key)
        return found.numbers if found is not None and found.numbers is not None else np.full(block.rows, np.nan)

    def column(key: str | None) -> np.ndarray | None:
        return None if key is None else numbers(key)

    satisfaction = np.column_stack([numbers(item.satisfaction) for item in spec.items])
    importance = (np.column_stack([numbers(item.importance) if item.importance else np.full(block.rows, np.nan)
                                   for item in spec.items]) if any(i.importance for i in spec.items) else None)
    keys: dict[GroupKey, list[int]] = defaultdict(list)
    for n in range(block.rows):
        point = block.touch_points[n]
        keys[(survey.organization_id, survey.pk, version.pk, (units.get(point) or 0) if point else 0, point or 0,
              block.segments[n], CHANNEL, block.completed_at[n].astimezone(zone).date())].append(n)
    for key, rows in keys.items():
        chosen = np.asarray(rows)
        part = measure.Block(satisfaction[chosen], None if importance is None else importance[chosen],
                             *(None if (c := column(k)) is None else c[chosen]
                               for k in (spec.overall, spec.nps, spec.ces)))
        counted = measure.tally(part, spec)
        groups[key] = groups[key].merge(counted) if key in groups else counted


def _merge_rollups(survey: Survey, groups: dict[GroupKey, measure.Tally]) -> None:
    stored = {_key_of(rollup): rollup for rollup in
              Rollup.objects.select_for_update().filter(survey=survey, channel=CHANNEL)}
    new, changed = [], []
    for key, counted in groups.items():
        if key in stored:
            rollup = stored[key]
            rollup.tally = (np.frombuffer(bytes(rollup.tally), dtype="<f8") + tallies.to_array(counted)).tobytes()
            rollup.responses += counted.rows
            changed.append(rollup)
        else:
            new.append(Rollup(organization_id=key[0], survey_id=key[1], version_id=key[2], unit_key=key[3],
                              touch_point_key=key[4], segment=key[5], channel=key[6], day=key[7],
                              responses=counted.rows, tally=tallies.to_bytes(counted)))
    Rollup.objects.bulk_create(new, batch_size=1000)
    Rollup.objects.bulk_update(changed, ["tally", "responses"], batch_size=1000)
