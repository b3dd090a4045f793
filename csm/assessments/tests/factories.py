"""Assessment fixtures: an assessor persona, an open assessment on the shipped protocol, and
answering every question through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from csm.accounts.models import Membership, User
from csm.accounts.roles import Role
from csm.assessments.models import Assessment
from csm.assessments.protocol import Question
from csm.assessments.selectors import assessed_questions
from csm.assessments.services import conducting


def member(organization: Any, email: str, role: str = Role.ASSESSOR) -> Any:
    from conftest import Persona

    user = User.objects.create_user(email, "correct horse battery", full_name=email.split("@")[0].title())
    return Persona(user=user, membership=Membership.objects.create(organization=organization, user=user, role=role))


def open_assessment(persona: Any, *, standards: tuple[str, ...] = ("ISO10002",), mode: str = "self",
                    lead: Any = None, team: tuple[Any, ...] = (), unit_id: int | None = None,
                    ends_on: dt.date = dt.date(2026, 10, 31), **extra: Any) -> Assessment:
    lead = lead or persona
    return conducting.open_assessment(actor=persona.actor, data=conducting.AssessmentData(
        title=extra.pop("title", "Complaints handling review"), standards=standards, mode=mode,
        lead_assessor_id=lead.user.pk, team_ids=[p.user.pk for p in team], starts_on=ends_on - dt.timedelta(days=4),
        ends_on=ends_on, unit_id=unit_id, **extra))


Scorer = Callable[[Question], tuple[int | None, str]]


def answer_all(persona: Any, assessment: Assessment, scorer: Scorer = lambda q: (2, "D")) -> None:
    """Answer every assessed question: `scorer(question)` gives (score or None for N/A, evidence type)."""
    for question in assessed_questions(assessment):
        score, evidence = scorer(question)
        conducting.save_answer(actor=persona.actor, assessment=assessment, question_id=question.id, score=score,
                               is_na=score is None, na_reason="Outside the scope" if score is None else "")
        if evidence:
            conducting.add_evidence(actor=persona.actor, assessment=assessment, data=conducting.EvidenceData(
                question_id=question.id, type=evidence, note=f"{evidence} for {question.id}"))
