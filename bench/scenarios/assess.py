"""The scored assessment: scoring 1,000 full assessments, and rendering one full report PDF.

`assess_score_1000`: 1,000 assessments of all four standards of the shipped protocol (130 questions
each, seeded random scores, evidence and a few N/A), each scored by `scoring.score_assessment`
(checking every answer, the evidence cap, indices, attainments, levels, claimed levels and the report
lists). The floor is the bare arithmetic on the same effective scores: per standard, Σw·s and
Σw·[s ≥ k] in plain Python loops, with no checks and no lists. Target: ratio at most 15 (checking
every answer, the claimed level and the four report lists cost about twelve times the bare sums:
0.4 ms an assessment on this machine; the issue sets no target for this part).

`assess_report_pdf`: one full report (all four standards, 130 answers with evidence, metrics, a
previous report, a five-unit benchmark) rendered to PDF in Chinese by `report_render.render_report_pdf`
(the view model, the matplotlib chart and WeasyPrint), against WeasyPrint rendering the same final
HTML read from a file. The best of RUNS each. Target (issue 5): ratio at most 1.5.

Both measure the CPU time of this process (time.process_time), not the wall time: everything runs
in-process and single-threaded, so the CPU time is the same work and stays steady on a busy machine.
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.result import Result

RUNS = 3
TARGET_SCORE_RATIO = 15
TARGET_PDF_RATIO = 1.5


def _answers(protocol: Any, rng: random.Random) -> list[Any]:
    from csm.assessments.scoring import AnswerInput, Evidence

    answers = []
    for q in protocol.questions:
        if not q.key and rng.random() < 0.04:
            answers.append(AnswerInput(question=q.id, score=None, na_reason="outside the scope"))
            continue
        kind = rng.choice("DDRRMIO")
        answers.append(AnswerInput(question=q.id, score=rng.choice((0, 1, 2, 2, 3, 3)),
                                   evidence=(Evidence(type=kind, note="bench"),)))
    return answers


def _floor(protocol: Any, batches: list[list[Any]]) -> None:
    """The bare sums the scoring cannot do without."""
    weights = {q.id: (q.standard, q.weight) for q in protocol.questions}
    for answers in batches:
        sums: dict[str, list[int]] = {}
        for a in answers:
            if a.score is None:
                continue
            standard, w = weights[a.question]
            row = sums.setdefault(standard, [0, 0, 0, 0, 0])
            s = a.score
            row[0] += w
            row[1] += w * s
            row[2] += w * (s >= 1)
            row[3] += w * (s >= 2)
            row[4] += w * (s >= 3)


def run_scoring(n: int) -> Result:
    from csm.assessments.protocol_store import current_protocol
    from csm.assessments.scoring import score_assessment

    protocol = current_protocol()
    rng = random.Random(5)
    batches = [_answers(protocol, rng) for _ in range(n)]
    standards = protocol.standard_ids()
    best_value = best_floor = float("inf")
    levels: list[int] = []
    for _ in range(RUNS):
        started = time.process_time()
        levels = [score_assessment(protocol, standards, answers).overall_level for answers in batches]
        best_value = min(best_value, time.process_time() - started)
        started = time.process_time()
        _floor(protocol, batches)
        best_floor = min(best_floor, time.process_time() - started)
    return Result(scenario="assess_score_1000", value=best_value, unit="s", floor=best_floor, n=n,
                  target_ratio=TARGET_SCORE_RATIO,
                  detail={"questions": len(protocol.questions), "per_assessment_ms": 1000 * best_value / n,
                          "levels": {str(k): levels.count(k) for k in range(4)}})


def run_report(n: int) -> Result:
    from weasyprint import HTML

    from bench.scenarios.assess_snapshot import full_snapshot
    from csm.assessments.protocol_store import current_protocol
    from csm.assessments.report_render import render_report_html, render_report_pdf

    protocol = current_protocol()
    snapshot = full_snapshot(protocol, random.Random(7))
    language = "zh-hans"
    with tempfile.TemporaryDirectory(prefix="csm-bench-report-") as folder:
        html_file = Path(folder) / "report.html"
        html_file.write_text(render_report_html(snapshot, protocol, language, standalone=True), encoding="utf-8")
        best_value = best_floor = float("inf")
        pages = 0
        for _ in range(n):
            started = time.process_time()
            pdf = render_report_pdf(snapshot, protocol, language)
            best_value = min(best_value, time.process_time() - started)
            started = time.process_time()
            document = HTML(filename=str(html_file)).render()
            document.write_pdf()
            best_floor = min(best_floor, time.process_time() - started)
            pages = len(document.pages)
    problems = () if pdf.startswith(b"%PDF") else ("the report is not a PDF",)
    return Result(scenario="assess_report_pdf", value=best_value, unit="s", floor=best_floor, n=n,
                  target_ratio=TARGET_PDF_RATIO, detail={"pages": pages, "bytes": len(pdf), "language": language},
                  problems=problems)
