"""Importing responses from a file: checked whole first (row and column of every problem, nothing
written), then responses, answers and rollups written at once; the same file twice is refused."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from csm.core.errors import Conflict, InvalidInput
from csm.surveys import measure, tallies
from csm.surveys.models import Answer, Response, Rollup
from csm.surveys.services import rollups
from csm.surveys.services.importing import import_responses
from csm.surveys.tests.factories import published_survey

pytestmark = pytest.mark.django_db

HEADER = ("completed_at,chars.room,chars.staff,chars.checkin,chars.room.second,chars.staff.second,"
          "chars.checkin.second,overall,nps,purpose,why_low,comment\n")
GOOD = HEADER + ("2026-03-01,4,5,3,5,4,3,4,9,business,,Nice\n"
                 "2026-03-02T10:00:00,2,3,3,4,4,4,2,3,leisure,Cold room,\n"
                 "2026-03-02,5,5,5,5,5,5,5,10,,,\n")


def _import(alice, survey, text: str):
    return import_responses(actor=alice.actor, survey=survey, file=io.BytesIO(text.encode()))


def test_a_good_file_is_imported_with_its_answers_and_rollups(alice):
    survey = published_survey(alice)
    imported = _import(alice, survey, GOOD)
    assert (imported.responses, Response.objects.filter(channel="import", status="complete").count()) == (3, 3)
    second = Response.objects.get(submission_key__endswith="-2")
    assert second.answers.get(key="why_low").text == "Cold room" and second.segment == "leisure"
    assert imported.answers == Answer.objects.count() == 10 + 10 + 8
    stored = [bytes(b) for b in Rollup.objects.values_list("tally", flat=True)]
    spec = measure.parse_spec(survey.current_version.spec)
    summed = tallies.sum_by_group(stored, [0] * len(stored), len(spec.items))[0]
    assert summed.rows == 3 and measure.measures(summed, spec)["nps"]["value"] == pytest.approx(100 / 3)
    assert rollups.rebuild_rollups().differences == 0


@pytest.mark.parametrize(("line", "field", "message"), [
    ("2026-03-01,6,5,3,5,5,5,4,9,business,,\n", "row 1, column chars.room", "6 is not a whole number from 1 to 5"),
    ("2026-03-01,4,5,3,5,5,5,,9,business,,\n", "row 1, column overall", "this question is required"),
    ("2026-03-01,4,5,3,5,5,5,5,9,business,Why?,\n", "row 1, column why_low",
     "answers a question hidden by its condition"),
    ("yesterday,4,5,3,5,5,5,4,9,business,,\n", "row 1, column completed_at",
     "'yesterday' is not a date (YYYY-MM-DD) or an ISO date-time"),
    ("2026-03-01,4,5,3,5,5,5,4,9,space,,\n", "row 1, column purpose", "'space' is not one of the options"),
])
def test_a_bad_cell_is_named_and_nothing_is_written(alice, line, field, message):
    survey = published_survey(alice)
    with pytest.raises(InvalidInput) as caught:
        _import(alice, survey, HEADER + line)
    found = caught.value.detail[0]
    assert (found["field"], found["message"].replace('"', "'").split(" (")[0]) == (field, message.split(" (")[0])
    assert not Response.objects.exists() and not Rollup.objects.exists()


def test_an_unknown_column_is_refused(alice):
    survey = published_survey(alice)
    with pytest.raises(InvalidInput) as caught:
        _import(alice, survey, "completed_at,colour\n2026-01-01,red\n")
    assert caught.value.detail == [{"field": "row 0", "message": "column 'colour': no such question in this survey"}]


def test_the_same_file_twice_is_refused(alice):
    survey = published_survey(alice)
    _import(alice, survey, GOOD)
    with pytest.raises(Conflict):
        _import(alice, survey, GOOD)
    assert Response.objects.count() == 3


def test_the_command_imports_and_reports(alice, tmp_path, capsys):
    survey = published_survey(alice)
    path = tmp_path / "responses.csv"
    path.write_text(GOOD.replace(",", ";"), encoding="utf-8-sig")
    call_command("import-responses", str(path), survey=survey.pk)
    assert "Imported 3 responses (28 answers)" in capsys.readouterr().out
    with pytest.raises(CommandError, match="already been imported"):
        call_command("import-responses", str(path), survey=survey.pk)
