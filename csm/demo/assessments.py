"""Scored CSM assessments for a demo organisation, run through the assessment services as its people
would run them: a self-assessment issued about thirteen months ago (level 1, several scores held down
by interview-only evidence, so the claimed level reads higher), two unit self-assessments a few
months ago for the unit benchmark, an independent assessment issued about a month ago (level 2, one
standard at level 3, with a valid certificate), and an ISO 10003 self-assessment opened last week
with about a third answered. Most improvement items of the old report are done by now.

Each question's claimed score is drawn from the organisation's seeded Random with the bias of its
profile (key questions never below the profile's floor). An issued assessment is drawn again, from
the same Random, until `csm.assessments.scoring` gives the levels described, so the outcome is
certain and still the same for the same seed and day; a standard meant for level 3 settles for 2
when the live figures rule 3 out. The independent assessment scores every question tied to a live
CSM figure at the score that figure suggests and attaches the figure (`attach_metric`). Evidence
notes are in the organisation's language, and some link real demo complaints and surveys. Only the
certificate codes (random by design) differ from run to run.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import models

from csm.accounts.context import Actor
from csm.accounts.models import Membership, Organization, Unit, User
from csm.accounts.selectors import unit_subtree
from csm.assessments.models import (
    Answer,
    Assessment,
    Certificate,
    Evidence,
    ImprovementItem,
    ItemStatus,
    Mode,
    Report,
)
from csm.assessments.protocol import Protocol, Question
from csm.assessments.scoring import AnswerInput, score_assessment
from csm.assessments.scoring import Evidence as ScoredEvidence
from csm.assessments.selectors import assessed_questions, protocol_of, question_metrics
from csm.assessments.services import conducting, issuing, items
from csm.complaints.models import Complaint
from csm.core import clock
from csm.surveys.models import Purpose, Survey

MAX_DRAWS = 200
SELF_DAYS, INDEPENDENT_DAYS = 396, 30  # issued about thirteen months and one month before today
COMPLAINT_QUESTIONS = frozenset({"ISO10002-7.2-1", "ISO10002-7.3-1", "ISO10002-7.4-1", "ISO10002-7.7-1",
                                 "ISO10002-7.8-1", "ISO10002-7.9-1", "ISO10002-7.9-2", "ISO10003-7.2-1"})
SURVEY_QUESTIONS = {"ISO10004-7.3-1": Purpose.POST_SERVICE, "ISO10004-7.3-3": Purpose.POST_SERVICE,
                    "ISO10004-7.3-6": Purpose.POST_SERVICE, "ISO10004-7.4-2": Purpose.POST_SERVICE,
                    "ISO10004-7.6-1": Purpose.POST_SERVICE, "ISO10004-7.2-2": Purpose.PRE_SERVICE,
                    "ISO10002-8.3-1": Purpose.COMPLAINT_CLOSURE}


@dataclass(frozen=True)
class Profile:
    """How an assessor scores: the odds of claiming 0-3, the lowest score of a key question, the
    share of enabler answers backed only by an interview or observation (capped at 1), and whether
    live CSM figures are followed and attached."""

    odds: tuple[int, int, int, int]
    key_floor: int
    spoken_only: float = 0.0
    uses_figures: bool = True


WEAK = Profile((5, 22, 58, 15), key_floor=1, spoken_only=0.45, uses_figures=False)
SOUND = Profile((2, 10, 60, 28), key_floor=2, spoken_only=0.03)
STRONG = Profile((0, 3, 22, 75), key_floor=2)


@dataclass(frozen=True)
class Texts:
    """An organisation's words: titles ({year}, {unit}), evidence notes, notes on gaps, reasons for
    N/A by question, and the notes closing improvement items."""

    titles: Mapping[str, str]
    documents: tuple[str, ...]
    records: tuple[str, ...]
    interviews: tuple[str, ...]
    observations: tuple[str, ...]
    complaint: str
    survey: str
    gaps: tuple[str, ...]
    not_applicable: Mapping[str, str]
    closing: tuple[str, ...]


POLISH = Texts(
    titles={"self": "Samoocena zarządzania satysfakcją klienta {year}",
            "independent": "Ocena niezależna zarządzania satysfakcją klienta {year}",
            "unit": "Samoocena: reklamacje i badania satysfakcji — {unit}",
            "open": "Samoocena: rozstrzyganie sporów (ISO 10003)"},
    documents=("Procedura rozpatrywania reklamacji PR-07, wydanie 4, zatwierdzona przez zarząd",
               "Polityka jakości i satysfakcji gości Baltic Hotels Group",
               "Karta zobowiązań wobec gości opublikowana na stronie grupy",
               "Instrukcja stanowiskowa recepcji, rozdz. 5 „Uwagi i skargi gości”",
               "Plan badań satysfakcji gości z harmonogramem i odpowiedzialnościami",
               "Protokół z przeglądu zarządzania, pkt 3 „Reklamacje i opinie gości”",
               "Macierz odpowiedzialności (RACI) procesu obsługi reklamacji"),
    records=("Rejestr reklamacji w CSM – próbka 20 spraw z ostatniego kwartału",
             "Lista obecności i test ze szkolenia „Obsługa skarg gości”",
             "Miesięczny raport wskaźników reklamacyjnych dla zarządu",
             "Raport z audytu wewnętrznego procesu reklamacji",
             "Notatka z kwartalnego przeglądu wyników ankiet",
             "Zestawienie działań doskonalących z terminami i właścicielami"),
    interviews=("Rozmowa z kierownikiem recepcji w Gdańsku", "Wywiad z dyrektorem ds. jakości",
                "Rozmowa z konsultantami centrum kontaktu", "Wywiad z kierownikiem służby pięter w Krakowie",
                "Rozmowa z menedżerem gastronomii"),
    observations=("Obserwacja zameldowania i przyjęcia uwagi gościa w recepcji",
                  "Obserwacja obsługi zgłoszenia telefonicznego w centrum kontaktu",
                  "Przegląd informacji o reklamacjach w lobby i na stronie"),
    complaint="Próbka: sprawa rozpatrzona zgodnie z procedurą",
    survey="Wyniki ankiety w CSM",
    gaps=("Brak udokumentowanego podejścia; praktyka zależy od hotelu.", "Działania doraźne, bez zapisów.",
          "Wymaga formalnego zatwierdzenia przez zarząd.", "Dane są zbierane, ale nikt ich nie analizuje."),
    not_applicable={"ISO10004-7.6-2": "Brak porównywalnych danych branżowych dla hoteli w Polsce w okresie oceny."},
    closing=("Wdrożono i sprawdzono w audycie wewnętrznym.", "Procedura zaktualizowana, personel przeszkolony.",
             "Zrealizowano; wskaźnik jest w raporcie miesięcznym."),
)
CHINESE = Texts(
    titles={"self": "客户满意管理自我评估（{year}年）", "independent": "客户满意管理独立评估（{year}年）",
            "unit": "{unit}：投诉处理与满意度测量自评", "open": "争议解决自评（ISO 10003）"},
    documents=("《客户投诉处理程序》第4版，经管理层批准", "《客户满意管理方针》及服务承诺",
               "对外公布的《客户服务承诺书》", "《呼叫中心坐席作业指导书》第5章“投诉受理”",
               "《年度客户满意度测评计划》", "管理评审会议纪要（投诉与满意度议题）", "《投诉处理职责分工表》（RACI）"),
    records=("CSM投诉台账——抽查上季度20件", "“投诉处理技巧”培训签到表及考试记录", "月度投诉指标报告（报管理层）",
             "投诉处理流程内部审核报告", "季度满意度调查结果分析会记录", "改进措施跟踪表（含责任人与期限）"),
    interviews=("与上海呼叫中心客服主管访谈", "与质量管理部经理访谈", "与一线坐席代表座谈", "与投诉处理部负责人访谈"),
    observations=("现场观察坐席受理投诉电话", "观察成都呼叫中心的投诉升级处理", "检查网站及短信中的投诉渠道信息"),
    complaint="抽样：按程序处理的投诉案例",
    survey="CSM中的调查结果",
    gaps=("尚无书面规定，做法因部门而异。", "仅临时处理，缺少记录。", "需经管理层正式批准。", "数据已收集但未分析。"),
    not_applicable={"ISO10004-7.5-2": "不适用：满意度结果的对外发布由集团总部负责，不在本中心范围内。"},
    closing=("已实施并经内部审核验证。", "程序已修订，员工已完成培训。", "已完成；指标已纳入月度报告。"),
)


@dataclass(frozen=True)
class OrgPlan:
    """What each demo organisation assesses: its standards, the one the independent assessment finds
    at level 3, who assesses independently, and the two units (by code) assessed at levels 2 and 1."""

    standards: tuple[str, ...]
    strong: str
    assessing_body: str
    units: tuple[str, str]
    texts: Texts


PLANS = {
    "demo-hotels": OrgPlan(("ISO10001", "ISO10002", "ISO10004"), "ISO10002", "DNV (demo)", ("GDN", "KRK"), POLISH),
    "demo-telecom": OrgPlan(("ISO10002", "ISO10004"), "ISO10004", "集团内部审计组", ("SH", "CD"), CHINESE),
}


@dataclass(frozen=True)
class Run:
    """One assessment to conduct: who opens, leads and answers it, its days (before today; negative
    is after), the level each standard must reach, and the share of questions answered."""

    kind: str
    title: str
    standards: tuple[str, ...]
    mode: str
    opener: str
    lead: str
    answerer: str
    profiles: Mapping[str, Profile]
    days: tuple[int, int, int | None]  # opened, ends, issued (None: still in progress)
    targets: Mapping[str, int] = field(default_factory=dict)
    claims_more: bool = False
    team: tuple[str, ...] = ()
    unit: Unit | None = None
    assessing_body: str = ""
    answered_share: float = 1.0


@dataclass(frozen=True)
class Proof:
    type: str
    note: str = ""
    link_kind: str = ""
    link_ref: str = ""
    is_figure: bool = False


@dataclass(frozen=True)
class Planned:
    question: Question
    score: int | None
    na_reason: str = ""
    notes: str = ""
    proofs: tuple[Proof, ...] = ()

    def as_input(self) -> AnswerInput:
        return AnswerInput(question=self.question.id, score=self.score, na_reason=self.na_reason,
                           evidence=tuple(ScoredEvidence(type=p.type) for p in self.proofs))


@dataclass
class _Context:
    """What every run of one organisation draws on; `complaints` is the current run's pool of
    complaint references."""

    org: Organization
    rng: random.Random
    today: dt.date
    plan: OrgPlan
    actors: dict[str, Actor]
    surveys: dict[str, int]
    complaints: list[str] = field(default_factory=list)


def seed_assessments(org: Organization, *, people: Mapping[str, User], rng: random.Random,
                     today: dt.datetime) -> dict[str, int]:
    """The organisation's assessments (see the module); returns row counts."""
    plan = PLANS[org.slug]
    members = Membership.objects.filter(organization=org, user__in=people.values()).select_related("user")
    actors = {box: Actor(user=m.user, organization=org, membership=m)
              for m in members for box, user in people.items() if user.pk == m.user_id}
    surveys = dict(Survey.objects.filter(organization=org).order_by("id").values_list("purpose", "pk"))
    ctx = _Context(org=org, rng=rng, today=today.date(), plan=plan, actors=actors, surveys=surveys)
    reports = [report for run in _runs(ctx) if (report := _conduct(ctx, run)) is not None]
    _follow_up(ctx, self_report=reports[0], independent_report=reports[-1])
    return _counts(org)


def _runs(ctx: _Context) -> list[Run]:
    """In the order they are issued, so each report's snapshot sees the reports before it."""
    plan = ctx.plan
    units = {unit.code: unit for unit in Unit.objects.filter(organization=ctx.org, code__in=plan.units)}
    return [
        Run(kind="self", title=plan.texts.titles["self"].format(year=_year(ctx, SELF_DAYS)),
            standards=plan.standards, mode=Mode.SELF, opener="quality", lead="quality", answerer="quality",
            team=("assessor",), profiles=dict.fromkeys(plan.standards, WEAK),
            days=(SELF_DAYS + 9, SELF_DAYS + 2, SELF_DAYS), targets=dict.fromkeys(plan.standards, 1),
            claims_more=True),
        _unit_run(ctx, units[plan.units[0]], SOUND, level=2, issued=76),
        _unit_run(ctx, units[plan.units[1]], WEAK, level=1, issued=62),
        Run(kind="independent", title=plan.texts.titles["independent"].format(year=_year(ctx, INDEPENDENT_DAYS)),
            standards=plan.standards, mode=Mode.INDEPENDENT, opener="quality", lead="assessor",
            answerer="assessor", assessing_body=plan.assessing_body,
            profiles={s: STRONG if s == plan.strong else SOUND for s in plan.standards},
            days=(INDEPENDENT_DAYS + 8, INDEPENDENT_DAYS + 3, INDEPENDENT_DAYS),
            targets={s: 3 if s == plan.strong else 2 for s in plan.standards}),
        Run(kind="open", title=plan.texts.titles["open"], standards=("ISO10003",), mode=Mode.SELF,
            opener="quality", lead="assessor", answerer="quality", team=("quality",),
            profiles={"ISO10003": SOUND}, days=(6, -14, None), answered_share=1 / 3),
    ]


def _unit_run(ctx: _Context, unit: Unit, profile: Profile, *, level: int, issued: int) -> Run:
    standards = ("ISO10002", "ISO10004")
    return Run(kind="unit", title=ctx.plan.texts.titles["unit"].format(unit=unit.name), standards=standards,
               mode=Mode.SELF, opener="quality", lead="quality", answerer="quality", unit=unit,
               profiles=dict.fromkeys(standards, profile), days=(issued + 6, issued + 2, issued),
               targets=dict.fromkeys(standards, level))


def _year(ctx: _Context, days_ago: int) -> int:
    return (ctx.today - dt.timedelta(days=days_ago)).year


def _moment(ctx: _Context, days_ago: int, hour: int) -> dt.datetime:
    day = ctx.today - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo(ctx.org.timezone)).astimezone(dt.UTC)


def _conduct(ctx: _Context, run: Run) -> Report | None:
    """Open, answer and, when the run is issued, submit and sign off one assessment."""
    opened, ends, issued = run.days
    with clock.frozen(_moment(ctx, opened, 9)):
        assessment = conducting.open_assessment(actor=ctx.actors[run.opener], data=conducting.AssessmentData(
            title=run.title, standards=run.standards, mode=run.mode, lead_assessor_id=ctx.actors[run.lead].user.pk,
            team_ids=[ctx.actors[box].user.pk for box in run.team], starts_on=ctx.today - dt.timedelta(days=opened),
            ends_on=ctx.today - dt.timedelta(days=ends), unit_id=run.unit.pk if run.unit else None,
            assessing_body=run.assessing_body))
    ctx.complaints = _complaint_references(ctx, assessment)
    _answer(ctx, run, assessment, _plan(ctx, run, assessment))
    if issued is None:
        return None
    with clock.frozen(_moment(ctx, ends, 16)):
        conducting.submit_for_review(actor=ctx.actors[run.answerer], assessment=assessment)
    with clock.frozen(_moment(ctx, issued, 11)):
        return issuing.sign_off(actor=ctx.actors[run.lead], assessment=assessment)


def _answer(ctx: _Context, run: Run, assessment: Assessment, planned: Sequence[Planned]) -> None:
    """Answer in protocol order, spread over the working days of the assessment up to yesterday."""
    opened, ends, _issued = run.days
    span = max(opened - max(ends, 1), 1)
    for position, answer in enumerate(planned):
        with clock.frozen(_moment(ctx, opened - position * span // len(planned), 10 + position % 7)):
            _write(ctx.actors[run.answerer], assessment, answer)


def _complaint_references(ctx: _Context, assessment: Assessment) -> list[str]:
    """Complaints received and closed in the year the assessment looks back on, in its scope."""
    start = assessment.ends_on - dt.timedelta(days=365)
    complaints = Complaint.objects.filter(organization=ctx.org, received_at__date__gte=start,
                                          closed_at__date__lte=assessment.ends_on)
    if assessment.unit_id is not None:
        parents = dict(Unit.objects.filter(organization=ctx.org).values_list("pk", "parent_id"))
        complaints = complaints.filter(unit_id__in=unit_subtree(parents, assessment.unit_id))
    return list(complaints.order_by("id").values_list("reference", flat=True)[:300])


def _plan(ctx: _Context, run: Run, assessment: Assessment) -> list[Planned]:
    """The answers to the run's share of the questions, in protocol order; those of an issued run are
    drawn until the scoring gives its levels (a level-3 target settles for 2 when no draw reaches it)."""
    questions = assessed_questions(assessment)
    questions = questions[:round(len(questions) * run.answered_share)]
    figures = _suggested_scores(assessment, questions, run)
    if not run.targets:
        return [_draw(ctx, run, question, figures) for question in questions]
    protocol = protocol_of(assessment)
    for targets in (run.targets, {s: min(level, 2) for s, level in run.targets.items()}):
        for _ in range(MAX_DRAWS):
            planned = [_draw(ctx, run, question, figures) for question in questions]
            if _meets(protocol, run, targets, planned):
                return planned
    raise RuntimeError(f"No draw of {run.title!r} gives the levels {dict(run.targets)}.")


def _suggested_scores(assessment: Assessment, questions: Sequence[Question], run: Run) -> dict[str, int]:
    """The score each live CSM figure suggests, for the questions whose profile follows them."""
    followed = [q for q in questions if q.metric is not None and run.profiles[q.standard].uses_figures]
    values = question_metrics(assessment, followed)
    return {q.id: q.metric.suggested_score(value.value) for q in followed
            if q.metric is not None and (value := values.get(q.id)) is not None and value.value is not None}


def _meets(protocol: Protocol, run: Run, targets: Mapping[str, int], planned: Sequence[Planned]) -> bool:
    result = score_assessment(protocol, run.standards, [answer.as_input() for answer in planned])
    if {standard.id: standard.level for standard in result.standards} != dict(targets):
        return False
    return not run.claims_more or any(s.claimed_level > s.level for s in result.standards)


def _draw(ctx: _Context, run: Run, question: Question, figures: Mapping[str, int]) -> Planned:
    rng, texts = ctx.rng, ctx.plan.texts
    profile = run.profiles[question.standard]
    reason = texts.not_applicable.get(question.id)
    if reason and run.kind in ("self", "independent") and not question.key:
        return Planned(question, None, na_reason=reason)
    if question.id in figures:
        return Planned(question, figures[question.id], proofs=(Proof("M", is_figure=True), _written(ctx, question)))
    score = rng.choices(range(4), weights=profile.odds)[0]
    if question.key:
        score = max(score, profile.key_floor)
    notes = rng.choice(texts.gaps) if score <= 1 and rng.random() < 0.5 else ""
    return Planned(question, score, notes=notes, proofs=_proofs(ctx, question, score, profile))


def _proofs(ctx: _Context, question: Question, score: int, profile: Profile) -> tuple[Proof, ...]:
    rng = ctx.rng
    if score == 0:
        return (_spoken(ctx, question),) if rng.random() < 0.5 else ()
    if not question.is_result and rng.random() < profile.spoken_only:
        return (_spoken(ctx, question),)
    main = _linked(ctx, question) or _written(ctx, question)
    return (main, _spoken(ctx, question)) if rng.random() < 0.25 else (main,)


def _spoken(ctx: _Context, question: Question) -> Proof:
    """An interview or an observation: on its own it caps the score at 1."""
    kind = ctx.rng.choice([t for t in ("I", "O") if t in question.evidence] or ["I"])
    texts = ctx.plan.texts
    return Proof(kind, ctx.rng.choice(texts.interviews if kind == "I" else texts.observations))


def _written(ctx: _Context, question: Question) -> Proof:
    kind = ctx.rng.choice([t for t in ("D", "R") if t in question.evidence] or ["R"])
    texts = ctx.plan.texts
    return Proof(kind, ctx.rng.choice(texts.documents if kind == "D" else texts.records))


def _linked(ctx: _Context, question: Question) -> Proof | None:
    """A record linked to a demo complaint or survey, for the questions such a record answers."""
    texts = ctx.plan.texts
    if question.id in COMPLAINT_QUESTIONS and ctx.complaints and ctx.rng.random() < 0.8:
        return Proof("R", texts.complaint, "complaint", ctx.rng.choice(ctx.complaints))
    survey = ctx.surveys.get(SURVEY_QUESTIONS.get(question.id, ""))
    if survey is not None and ctx.rng.random() < 0.8:
        return Proof("R", texts.survey, "survey", str(survey))
    return None


def _write(actor: Actor, assessment: Assessment, answer: Planned) -> None:
    question_id = answer.question.id
    conducting.save_answer(actor=actor, assessment=assessment, question_id=question_id, score=answer.score,
                           is_na=answer.score is None, na_reason=answer.na_reason, notes=answer.notes)
    for proof in answer.proofs:
        if proof.is_figure:
            conducting.attach_metric(actor=actor, assessment=assessment, question_id=question_id)
        else:
            conducting.add_evidence(actor=actor, assessment=assessment, data=conducting.EvidenceData(
                question_id=question_id, type=proof.type, note=proof.note, link_kind=proof.link_kind,
                link_ref=proof.link_ref))


def _follow_up(ctx: _Context, *, self_report: Report, independent_report: Report) -> None:
    """The old report's items: most done before the independent assessment, some still going; a
    quarter of the new report's items already started."""
    actor, rng = ctx.actors["quality"], ctx.rng
    for item in ImprovementItem.objects.filter(report=self_report).order_by("id"):
        draw = rng.random()
        status = ItemStatus.DONE if draw < 0.7 else ItemStatus.IN_PROGRESS if draw < 0.85 else ItemStatus.OPEN
        if status != ItemStatus.OPEN:
            _move(ctx, actor, item, status, rng.randint(INDEPENDENT_DAYS + 15, SELF_DAYS - 20))
    for item in ImprovementItem.objects.filter(report=independent_report).order_by("id"):
        if rng.random() < 0.25:
            _move(ctx, actor, item, ItemStatus.IN_PROGRESS, rng.randint(2, INDEPENDENT_DAYS - 2))


def _move(ctx: _Context, actor: Actor, item: ImprovementItem, status: str, days_ago: int) -> None:
    note = ctx.rng.choice(ctx.plan.texts.closing) if status == ItemStatus.DONE else ""
    with clock.frozen(_moment(ctx, days_ago, 12)):
        items.update_improvement_item(actor=actor, item=item, owner_id=item.owner_id, due_on=item.due_on,
                                      status=status, closing_note=note)


def _counts(org: Organization) -> dict[str, int]:
    scoped: dict[str, type[models.Model]] = {
        "assessments": Assessment, "assessment_answers": Answer, "assessment_evidence": Evidence,
        "assessment_reports": Report, "certificates": Certificate, "improvement_items": ImprovementItem}
    return {name: model._default_manager.filter(organization=org).count() for name, model in scoped.items()}


@dataclass(frozen=True)
class Showcase:
    """The organisation's latest independent report and its certificate code, for the printed tour."""

    report_id: int
    report_number: str
    certificate_code: str | None


def showcase(slug: str) -> Showcase | None:
    report = (Report.objects.filter(organization__slug=slug, assessment__unit__isnull=True,
                                    assessment__mode=Mode.INDEPENDENT, superseded_by__isnull=True)
              .order_by("-issued_at", "-id").first())
    if report is None:
        return None
    certificate = Certificate.objects.filter(organization_id=report.organization_id, report=report).first()
    return Showcase(report_id=report.pk, report_number=report.number,
                    certificate_code=certificate.code if certificate else None)
