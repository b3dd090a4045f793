"""The shipped protocols: every version stays in csm/assessments/protocols/ so that an old report
can always be read against the questions it was scored on. The newest version opens new assessments.

Each file is read once per process and validated strictly (all three languages, key exactly the
weight-3 questions); `checks.py` runs the same validation at start-up, so a broken file stops
`csm check`, the server and the worker before any user meets it.
"""

from __future__ import annotations

import functools
from pathlib import Path

from csm.assessments.protocol import LANGUAGES, Protocol, ProtocolError, load_protocol

PROTOCOL_DIR = Path(__file__).resolve().parent / "protocols"
CURRENT_FILE = "csm-assessment-1.0.json"


def shipped_protocol_path() -> Path:
    return PROTOCOL_DIR / CURRENT_FILE


@functools.cache
def shipped_protocols() -> dict[str, Protocol]:
    """Every shipped protocol by version, each checked in full."""
    protocols: dict[str, Protocol] = {}
    for path in sorted(PROTOCOL_DIR.glob("*.json")):
        protocol = load_protocol(path, languages=LANGUAGES)
        problems = shipped_rule_problems(protocol)
        if problems:
            raise ProtocolError([f"{path.name}: {problem}" for problem in problems])
        if protocol.version in protocols:
            raise ProtocolError([f"{path.name}: version {protocol.version} is shipped twice"])
        protocols[protocol.version] = protocol
    return protocols


@functools.cache
def current_protocol() -> Protocol:
    current = load_protocol(shipped_protocol_path(), languages=LANGUAGES)
    return shipped_protocols()[current.version]


def protocol_version(version: str) -> Protocol:
    """The shipped protocol of that version; KeyError if none."""
    return shipped_protocols()[version]


def shipped_rule_problems(protocol: Protocol) -> list[str]:
    """The house rules a shipped protocol keeps beyond the file format (standards.md §2.5)."""
    problems = [f"{q.id}: key must be true exactly for weight 3" for q in protocol.questions
                if q.key != (q.weight == 3)]
    problems += [f"{q.id}: the Chinese text has no Chinese characters" for q in protocol.questions
                 if not any("\u4e00" <= char <= "\u9fff" for char in q.text.get("zh-Hans", ""))]
    problems += [f"{q.id}: a question with a metric must name one CSM computes" for q in protocol.questions
                 if q.metric is not None and q.metric.name not in KNOWN_METRICS]
    return problems


# The live figures csm.assessments.live_metrics computes; a protocol may tie a question to these.
KNOWN_METRICS = frozenset({
    "complaints.acknowledged_on_time", "complaints.assessed_on_time", "complaints.responded_on_time",
    "complaints.resolved_on_time", "complaints.reopen_rate", "complaints.categorised_share",
    "complaints.handling_satisfaction", "complaints.external_referral_rate",
    "surveys.touch_point_coverage", "surveys.characteristic_coverage", "surveys.response_rate",
    "surveys.satisfaction_index", "surveys.nps", "surveys.follow_up_closed_share", "surveys.expectations_measured",
    "commitments.promises_with_indicators", "commitments.promises_met", "disputes.resolved_within_90_days",
})
