"""Rollups: counted exactly once by the poller, equal to the engine on the raw answers, and rebuilt."""

from __future__ import annotations

import numpy as np
import pytest

from csm.surveys import measure, tallies
from csm.surveys.models import Response, Rollup
from csm.surveys.services import rollups
from csm.surveys.services.responding import Submission, submit_response
from csm.surveys.tests.factories import full_answers, new_key, published_survey

pytestmark = pytest.mark.django_db


def _answer_many(survey, count: int, seed: int = 3) -> list[dict]:
    rng = np.random.default_rng(seed)
    given = []
    for _ in range(count):
        answers = full_answers(**{"chars.room": int(rng.integers(1, 6)), "chars.staff": int(rng.integers(1, 6)),
                                  "chars.checkin": int(rng.integers(1, 6)), "overall": int(rng.integers(4, 6)),
                                  "nps": int(rng.integers(0, 11)), "purpose": str(rng.choice(["business", "leisure"]))})
        submit_response(survey=survey, submission=Submission(answers, new_key(), complete=True))
        given.append(answers)
    return given


def test_the_poller_counts_each_response_once_and_matches_the_engine(alice):
    survey = published_survey(alice)
    given = _answer_many(survey, 40)
    assert rollups.roll_up_pending(limit=15) == 15
    assert rollups.roll_up_pending() == 25
    assert rollups.roll_up_pending() == 0
    version = survey.current_version
    spec = measure.parse_spec(version.spec)
    stored = list(Rollup.objects.values_list("tally", "segment"))
    assert sum(r for r in Rollup.objects.values_list("responses", flat=True)) == 40
    summed = tallies.sum_by_group([bytes(blob) for blob, _ in stored], ["all"] * len(stored), len(spec.items))["all"]
    numbers = [{k: float(v) for k, v in answers.items() if not isinstance(v, str)} for answers in given]
    expected = measure.measures(measure.tally(tallies.block_from_answers(spec, numbers), spec), spec)
    got = measure.measures(summed, spec)
    assert got["index"]["value"] == pytest.approx(expected["index"]["value"], abs=1e-9)
    assert got["index"]["ci_low"] == pytest.approx(expected["index"]["ci_low"], abs=1e-9)
    assert got["nps"] == pytest.approx(expected["nps"], abs=1e-9)
    assert [i["mean"] for i in got["items"]] == pytest.approx([i["mean"] for i in expected["items"]], abs=1e-9)


def test_rebuild_recomputes_and_reports_differences(alice):
    survey = published_survey(alice)
    _answer_many(survey, 12)
    rollups.roll_up_pending()
    assert rollups.rebuild_rollups().differences == 0
    broken = Rollup.objects.first()
    broken.tally = (np.frombuffer(bytes(broken.tally), dtype="<f8") * 2).tobytes()
    broken.save()
    result = rollups.rebuild_rollups()
    assert (result.responses, result.differences) == (12, 1)
    assert rollups.rebuild_rollups().differences == 0
    assert not Response.objects.filter(is_rolled_up=False).exists()


def test_the_command_reports_and_fixes_differences(alice, capsys):
    from django.core.management import call_command

    survey = published_survey(alice)
    _answer_many(survey, 5)
    Rollup.objects.all().delete()
    Response.objects.update(is_rolled_up=True)  # as if the rollups were lost
    with pytest.raises(SystemExit) as exited:
        call_command("rebuild-rollups", survey=[survey.pk])
    assert exited.value.code == 1
    assert "5 responses counted into" in capsys.readouterr().out
    call_command("rebuild-rollups")
    assert "0 stored rollups differed" in capsys.readouterr().out
