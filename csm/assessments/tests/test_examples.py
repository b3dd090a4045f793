"""`csm assess score` agrees exactly with the hand-worked cases in docs/examples/assessment/."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from csm.assessments.tests.protocols import EXAMPLES

CASES = sorted(p for p in EXAMPLES.glob("case-*.json") if not p.name.endswith(".expected.json"))
PROTOCOL = str(EXAMPLES / "mini-protocol.json")


def test_there_are_hand_worked_cases():
    assert len(CASES) == 4


@pytest.mark.parametrize("case", [c for c in CASES if c.with_name(c.stem + ".expected.json").exists()],
                         ids=lambda c: c.stem)
def test_the_command_reproduces_the_hand_worked_case(case):
    out = StringIO()
    call_command("assess", "score", str(case), "--protocol", PROTOCOL, stdout=out)
    assert json.loads(out.getvalue()) == json.loads(case.with_name(case.stem + ".expected.json").read_text())


def test_the_command_rejects_the_bad_case_with_every_problem():
    case = EXAMPLES / "case-4-rejected.json"
    with pytest.raises(CommandError) as caught:
        call_command("assess", "score", str(case), "--protocol", PROTOCOL, stdout=StringIO())
    assert caught.value.returncode == 2
    assert str(caught.value) + "\n" == (EXAMPLES / "case-4-rejected.expected.txt").read_text()


def test_the_command_refuses_answers_for_another_protocol(tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"protocol": "other", "standards": ["ISO10002"], "answers": []}))
    with pytest.raises(CommandError, match="the answers are for 'other'"):
        call_command("assess", "score", str(answers), "--protocol", PROTOCOL, stdout=StringIO())


@pytest.mark.parametrize(("content", "message"), [
    ("{", "not valid JSON"),
    ('{"protocol": "mini", "standards": "ISO10002", "answers": []}', "standards: must be a list"),
    ('{"protocol": "mini", "standards": ["ISO10002"], "answers": [{"question": "A1", "score": "3"}]}',
     "the score must be a number"),
    ('{"protocol": "mini", "standards": ["ISO10002"], "answers": [{"question": "A3", "score": 2.5}]}',
     "whole number"),
])
def test_the_command_names_the_fault_in_a_bad_answers_file(tmp_path, content, message):
    answers = tmp_path / "answers.json"
    answers.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("assess", "score", str(answers), "--protocol", PROTOCOL, stdout=StringIO())


def test_a_bad_protocol_file_is_refused_with_its_problems(tmp_path):
    bad = json.loads((EXAMPLES / "mini-protocol.json").read_text())
    bad["levels"]["t1"] = 1.5
    bad["questions"][0]["weight"] = 4
    path = tmp_path / "protocol.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(CommandError) as caught:
        call_command("assess", "score", str(EXAMPLES / "case-1-evidence-cap.json"), "--protocol", str(path))
    assert "protocol: levels.t1: must be a number from 0 to 1" in str(caught.value)
    assert "protocol: questions[0] (A1): 'weight' must be 1, 2 or 3" in str(caught.value)


def test_without_protocol_the_command_scores_against_the_shipped_protocol(tmp_path):
    from csm.assessments.protocol_store import current_protocol

    protocol = current_protocol()
    answers = [{"question": q.id, "score": 3, "evidence": [{"type": "M", "note": "KPI"}]}
               for q in protocol.questions_of("ISO10004")]
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"protocol": protocol.id, "standards": ["ISO10004"], "answers": answers}))
    out = StringIO()
    call_command("assess", "score", str(path), stdout=out)
    result = json.loads(out.getvalue())
    assert result["protocol_version"] == "1.0"
    assert result["overall"] == {"level": 3, "index": 100.0}
    assert result["standards"][0]["attainment"] == {"1": 1.0, "2": 1.0, "3": 1.0}
