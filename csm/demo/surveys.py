"""Two years of survey data for a demo organisation: an item bank from its service
characteristics, a post-service survey (published twice), its pre-service expectation survey and a
complaint-closure survey, answered by link, QR code, kiosk, invitation and paper, with a slowly
rising trend, differences between touch points and segments, follow-ups for recent detractors, and
the rollups the dashboards read. Responses are written as rows (not through the respondent's
service) so that seeding stays fast; every row is what the service would have written."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass
from typing import Any

from csm.accounts.context import Actor
from csm.accounts.models import Membership, Organization, User
from csm.catalogue.models import ServiceCharacteristic, TouchPoint
from csm.complaints.models import Complaint
from csm.core import clock
from csm.surveys import starter
from csm.surveys.models import (
    Answer,
    Contact,
    FollowUp,
    FollowUpReason,
    FollowUpStatus,
    Invitation,
    InvitationSource,
    PaperBatch,
    Purpose,
    Response,
    ResponseChannel,
    ResponseStatus,
    Survey,
    SurveyItem,
    SurveyVersion,
)
from csm.surveys.services import authoring, rollups
from csm.surveys.services.responding import token_digest
from csm.surveys.starter import RatedItem

DAYS = 730
ITEMS_PER_SURVEY = 6
KIND_WORDS = {
    "venue": ("Venue", "Miejsce", "场所环境"), "facilities": ("Facilities", "Wyposażenie", "设施"),
    "supplies": ("Supplies", "Materiały i kosmetyki", "用品"), "staff": ("Staff", "Personel", "员工"),
    "grade": ("Service grade", "Standard", "服务等级"), "content": ("Service content", "Oferta", "服务内容"),
    "procedure": ("Procedure", "Procedura", "服务程序"), "method": ("Method", "Sposób obsługi", "服务方式"),
    "time": ("Waiting time", "Czas oczekiwania", "服务时间"), "fee": ("Fees", "Opłaty", "收费"),
    "value_added": ("Value-added service", "Usługi dodatkowe", "增值服务"),
    "brand": ("Brand service", "Marka", "品牌服务"),
}
CHANNELS = ((ResponseChannel.LINK, 25), (ResponseChannel.QR, 25), (ResponseChannel.INVITATION, 20),
            (ResponseChannel.PAPER, 20), (ResponseChannel.KIOSK, 10))
COMMENTS = {
    "pl": ("Bardzo miła obsługa.", "Długo czekałem na zameldowanie.", "Śniadanie świetne.", "Pokój był czysty."),
    "zh-Hans": ("服务很好。", "等待时间太长。", "工作人员很专业。", "希望能更快处理。"),
    "en": ("Friendly staff.", "The wait was too long.", "Everything was fine.", "Please fix the Wi-Fi."),
}


@dataclass
class _Context:
    org: Organization
    rng: random.Random
    today: dt.datetime
    points: list[TouchPoint]
    language: str
    point_effect: dict[int, float]


def seed_surveys(org: Organization, *, admin: User, rng: random.Random, today: dt.datetime, scale: int = 1) -> dict[str, int]:
    membership = Membership.objects.get(organization=org, user=admin)
    actor = Actor(user=admin, organization=org, membership=membership)
    characteristics = list(ServiceCharacteristic.objects.filter(organization=org).order_by("id")
                           .prefetch_related("touch_points")[:ITEMS_PER_SURVEY])
    points = list(TouchPoint.objects.filter(organization=org).order_by("id"))
    language = "zh-Hans" if org.default_language.startswith("zh") else org.default_language
    ctx = _Context(org, rng, today, points, language, {p.pk: rng.uniform(-0.45, 0.35) for p in points})
    items = _item_bank(org, characteristics, language)
    start = today - dt.timedelta(days=DAYS)
    with clock.frozen(start):
        post = authoring.create_survey(actor=actor, data={"name": _name(language, "post"), "follow_up_at_most": 2},
                                       draft=starter.post_service(items))
        authoring.publish_survey(actor=actor, survey=post)
        pre = authoring.create_survey(actor=actor, data={"name": _name(language, "pre"), "purpose": Purpose.PRE_SERVICE,
                                                         "expectations_for": post, "is_anonymous": True},
                                      draft=starter.pre_service(items))
        authoring.publish_survey(actor=actor, survey=pre)
        closure = authoring.create_survey(actor=actor, data={"name": _name(language, "closure"),
                                                             "purpose": Purpose.COMPLAINT_CLOSURE},
                                          draft=starter.complaint_closure())
        authoring.publish_survey(actor=actor, survey=closure)
    with clock.frozen(start + dt.timedelta(days=365)):
        draft = dict(post.draft)
        draft["intro"] = {**draft["intro"], "en": "Two minutes of your time helps us improve. Thank you!"}
        authoring.save_draft(actor=actor, survey=post, draft=draft)
        authoring.publish_survey(actor=actor, survey=post)
    counts = {"survey responses": _answer(ctx, post, 1500 * scale, with_channels=True)}
    counts["survey responses"] += _answer(ctx, pre, 200 * scale, with_channels=False)
    counts["survey responses"] += _answer_closures(ctx, closure)
    counts["follow-ups"] = _follow_ups(ctx, post)
    counts["survey rollups"] = rollups.rebuild_rollups(survey_ids=[post.pk, pre.pk, closure.pk]).rollups
    return counts


def _name(language: str, kind: str) -> str:
    names = {"post": ("Guest satisfaction survey", "Ankieta satysfakcji gości", "客户满意度调查"),
             "pre": ("What matters to you (before the stay)", "Oczekiwania gości przed pobytem", "服务前期望调查"),
             "closure": ("After your complaint", "Ocena obsługi reklamacji", "投诉处理满意度调查")}[kind]
    return {"en": names[0], "pl": names[1], "zh-Hans": names[2]}[language]


def _item_bank(org: Organization, characteristics: list[ServiceCharacteristic], language: str) -> list[RatedItem]:
    items = []
    for characteristic in characteristics:
        en, pl, zh = KIND_WORDS[characteristic.kind]
        text = {"en": en, "pl": pl, "zh-Hans": zh, language: characteristic.name[:120]}
        point = characteristic.touch_points.all()[:1]
        item = SurveyItem.objects.create(organization=org, code=characteristic.kind.replace("_", "-"), text=text,
                                         characteristic=characteristic, touch_point=point[0] if point else None)
        # Not pinned to one touch point in the survey: each answer counts where it was given, so the
        # blueprint heatmap shows every characteristic at every touch point that collects answers.
        items.append(RatedItem(characteristic.kind, text, item.code, characteristic.pk, None))
    return items


def _answer(ctx: _Context, survey: Survey, count: int, *, with_channels: bool) -> int:
    versions = list(SurveyVersion.objects.filter(survey=survey).order_by("number"))
    batches: dict[tuple[int, int], PaperBatch] = {}
    rows: list[tuple[Response, dict[str, Any]]] = []
    for _ in range(count):
        age = ctx.rng.random() ** 0.8 * (DAYS - 1)
        completed = ctx.today - dt.timedelta(days=age, minutes=ctx.rng.randint(0, 600))
        version = versions[-1] if len(versions) > 1 and completed >= versions[1].published_at else versions[0]
        channel = _weighted(ctx.rng, CHANNELS) if with_channels else ResponseChannel.LINK
        point = ctx.rng.choice(ctx.points) if ctx.points and channel != ResponseChannel.LINK else None
        response = Response(organization=ctx.org, survey=survey, version=version, status=ResponseStatus.COMPLETE,
                            channel=channel, language=_language(ctx), is_anonymous=survey.is_anonymous,
                            touch_point=point, unit_id=point.unit_id if point else None,
                            submission_key=secrets.token_urlsafe(18), started_at=completed - dt.timedelta(minutes=3),
                            completed_at=completed, is_rolled_up=True)
        if channel == ResponseChannel.PAPER and point is not None:
            response.paper_batch = _batch(ctx, survey, batches, point, completed)
        answers = _answers(ctx, version, completed, point)
        response.segment = str(answers.get("purpose", ""))
        rows.append((response, answers))
    Response.objects.bulk_create([r for r, _ in rows], batch_size=1000)
    _invite(ctx, survey, [r for r, _ in rows if r.channel == ResponseChannel.INVITATION])
    Answer.objects.bulk_create([Answer(response=r, key=k, number=v if not isinstance(v, str) else None,
                                       text=v if isinstance(v, str) else "")
                                for r, answers in rows for k, v in answers.items()], batch_size=5000)
    return len(rows)


def _language(ctx: _Context) -> str:
    return ctx.language if ctx.rng.random() < 0.8 else ctx.rng.choice(["en", "pl", "zh-Hans"])


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _clip(value: float, low: int, high: int) -> int:
    return int(min(max(round(value), low), high))


def _answers(ctx: _Context, version: SurveyVersion, completed: dt.datetime, point: TouchPoint | None) -> dict[str, Any]:
    rng = ctx.rng
    progress = 1 - (ctx.today - completed).days / DAYS
    mood = 3.35 + 0.45 * progress + (ctx.point_effect[point.pk] if point else 0) + rng.gauss(0, 0.75)
    answers: dict[str, Any] = {}
    matrix = next(q for page in version.content["pages"] for q in page["questions"] if q["type"] == "matrix")
    for n, row in enumerate(matrix["rows"]):
        key = f"chars.{row['id']}"
        answers[key] = _clip(mood + (0.3 - 0.12 * n) + rng.gauss(0, 0.6), 1, 5)
        if matrix.get("second"):
            answers[f"{key}.second"] = _clip(4.6 - 0.25 * n + rng.gauss(0, 0.6), 1, 5)
    keys = {q["id"] for page in version.content["pages"] for q in page["questions"]}
    if "overall" in keys:
        answers["overall"] = _clip(mood + rng.gauss(0, 0.45), 1, 5)
        answers["nps"] = _clip(2.2 * mood - 0.2 + rng.gauss(0, 1.1), 0, 10)
        answers["effort"] = _clip(mood * 1.3 + rng.gauss(0, 0.8), 1, 7)
    if "purpose" in keys:
        answers["purpose"] = "business" if rng.random() < 0.45 else "leisure"
    if "overall" in answers and answers["overall"] <= 3 and rng.random() < 0.5:
        answers["why_low"] = rng.choice(COMMENTS[ctx.language][1:])
    elif "comment" in keys and rng.random() < 0.15:
        answers["comment"] = rng.choice(COMMENTS[ctx.language])
    return answers


def _batch(ctx: _Context, survey: Survey, batches: dict[tuple[int, int], PaperBatch], point: TouchPoint,
           completed: dt.datetime) -> PaperBatch:
    month = completed.year * 12 + completed.month
    key = (point.pk, month)
    if key not in batches:
        batches[key] = PaperBatch.objects.create(
            organization=ctx.org, survey=survey, touch_point=point, unit_id=point.unit_id,
            label=f"{point.name[:60]} {completed:%Y-%m}", collected_on=completed.date())
    return batches[key]


def _invite(ctx: _Context, survey: Survey, answered: list[Response]) -> None:
    """Invitations: the answered ones (spent), and as many again that were sent and not answered,
    so the response rate reads about 45 %."""
    contacts = Contact.objects.bulk_create([
        Contact(organization=ctx.org, email=f"guest{n}.{ctx.org.slug}@example.com", language=ctx.language,
                segment="") for n in range(int(len(answered) * 2.2))])
    invitations = []
    for n, contact in enumerate(contacts):
        response = answered[n] if n < len(answered) else None
        sent = response.started_at - dt.timedelta(hours=2) if response else \
            ctx.today - dt.timedelta(days=ctx.rng.uniform(1, DAYS - 1))
        invitations.append(Invitation(
            organization=ctx.org, survey=survey, contact=contact, token_digest=token_digest(secrets.token_urlsafe(24)),
            source=InvitationSource.CSV, send_after=sent, sent_at=sent, last_sent_at=sent,
            reminders_sent=0 if response else ctx.rng.randint(0, survey.max_reminders),
            started_at=response.started_at if response else None, spent_at=response.completed_at if response else None))
    Invitation.objects.bulk_create(invitations, batch_size=1000)
    for response, invitation in zip(answered, invitations, strict=False):
        response.contact, response.invitation = invitation.contact, invitation
    Response.objects.bulk_update(answered, ["contact", "invitation"], batch_size=1000)


def _answer_closures(ctx: _Context, survey: Survey) -> int:
    """About a third of the complaints closed in the last year answered the closure survey."""
    since = ctx.today - dt.timedelta(days=365)
    closed = list(Complaint.objects.filter(organization=ctx.org, closed_at__gte=since).exclude(complainant_email="")
                  .order_by("id")[:400])
    answered = [c for c in closed if ctx.rng.random() < 0.35]
    version = SurveyVersion.objects.get(survey=survey, number=1)
    rows = []
    for complaint in answered:
        done = min((complaint.closed_at or ctx.today) + dt.timedelta(days=ctx.rng.uniform(0.2, 6)), ctx.today)
        mood = 3.0 + ctx.rng.gauss(0, 1.0) + (0.6 if complaint.outcome == "upheld" else 0)
        answers: dict[str, Any] = {f"chars.{key}": _clip(mood + ctx.rng.gauss(0, 0.6), 1, 5)
                                   for key in ("speed", "fairness", "updates")}
        answers.update(overall=_clip(mood, 1, 5), nps=_clip(2 * mood - 0.5 + ctx.rng.gauss(0, 1.2), 0, 10))
        response = Response(organization=ctx.org, survey=survey, version=version, status=ResponseStatus.COMPLETE,
                            channel=ResponseChannel.INVITATION, language=complaint.language[:10] or "en",
                            touch_point_id=complaint.touch_point_id, unit_id=complaint.unit_id,
                            submission_key=secrets.token_urlsafe(18), started_at=done, completed_at=done,
                            is_rolled_up=True)
        rows.append((response, answers))
    Response.objects.bulk_create([r for r, _ in rows])
    Answer.objects.bulk_create([Answer(response=r, key=k, number=v) for r, a in rows for k, v in a.items()])
    return len(rows)


def _follow_ups(ctx: _Context, survey: Survey) -> int:
    """Recent detractors and low ratings raised follow-ups; those older than two weeks are done."""
    recent = ctx.today - dt.timedelta(days=60)
    low = (Response.objects.filter(survey=survey, completed_at__gte=recent, answers__key="nps", answers__number__lte=6)
           .order_by("completed_at"))
    rows = []
    for response in low:
        completed = response.completed_at or ctx.today
        done = completed < ctx.today - dt.timedelta(days=14)
        rows.append(FollowUp(organization=ctx.org, response=response, survey=survey, reason=FollowUpReason.DETRACTOR,
                             due_at=completed + dt.timedelta(days=2),
                             status=FollowUpStatus.DONE if done else FollowUpStatus.OPEN,
                             done_at=completed + dt.timedelta(days=1) if done else None,
                             note="Called the guest; apologised and offered a voucher." if done else ""))
    FollowUp.objects.bulk_create(rows)
    return len(rows)
