"""Protocols for the tests: the hand-worked mini protocol of docs/examples/assessment/ and a
synthetic one of any size."""

from __future__ import annotations

import random
from pathlib import Path

from csm.assessments.protocol import Protocol, load_protocol, parse_protocol

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples" / "assessment"


def mini_protocol() -> Protocol:
    return load_protocol(EXAMPLES / "mini-protocol.json", languages=())


def synthetic_question(qid: str, standard: str, weight: int, kind: str) -> dict:
    text = {"en": f"{qid}?", "pl": f"{qid} (pl)?", "zh-Hans": f"{qid}问题？"}
    return {"id": qid, "standard": standard, "clause": "7.1", "kind": kind, "weight": weight, "key": weight == 3,
            "text": text, "guidance": text, "levels": {"1": text, "2": text, "3": text},
            "evidence": ["D", "R"], "metric": None}


def synthetic_protocol(size: int, rng: random.Random, standards: tuple[str, ...] = ("ISO10002",)) -> Protocol:
    questions = [synthetic_question(f"{standard}-{i}", standard, rng.choice((1, 2, 3)),
                                    "result" if rng.random() < 0.2 else "enabler")
                 for standard in standards for i in range(size)]
    title = {"en": "t", "pl": "t", "zh-Hans": "标准"}
    return parse_protocol({
        "id": "synthetic", "version": "s-1",
        "levels": {"t1": 0.8, "t2": 0.7, "t3": 0.6, "key_top_share": 0.5, "result_index_min": 67},
        "standards": [{"id": standard, "title": title} for standard in standards],
        "questions": questions,
    })
