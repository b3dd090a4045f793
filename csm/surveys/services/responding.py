"""Answering a survey: on a phone by link or QR code, at a kiosk, by a personal invitation, through
the API, or typed in from paper by staff.

Guarantees (peers.md §5, items 18-19):
- A response is found again by its submission key, a random secret the form makes when it loads
  (or the API client's Idempotency-Key). Submitting twice, or retrying after a timeout, returns
  the first response and counts nothing twice; the unique (survey, submission key) holds that even
  for two racing requests.
- A partial response is saved page by page and resumed with the same key; it keeps the version it
  started on, even when a newer one is published meanwhile.
- Required questions, scales, options and display conditions are checked here, on the server, for
  every channel: the API cannot skip a required question or answer a hidden one.
- An invitation is single-use: once spent, only a retry of the same submission is accepted.
- An anonymous survey's responses never point to a contact or invitation (and the table refuses it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from csm.core import clock
from csm.core.errors import Conflict, DomainError, InvalidInput, NotFound
from csm.surveys import instrument
from csm.surveys.models import (
    Answer,
    Invitation,
    PaperBatch,
    Quota,
    QuotaAction,
    Response,
    ResponseChannel,
    ResponseStatus,
    Survey,
    SurveyStatus,
    SurveyVersion,
)
from csm.surveys.respond_limits import Counter
from csm.surveys.services import follow_ups, response_rows

KEY_MIN, KEY_MAX = 16, 64


class SurveyClosed(DomainError):
    status = 409
    code = "survey_closed"

    def default_detail(self) -> str:
        return _("This survey is closed and takes no more responses.")


class QuotaFull(DomainError):
    """The respondent's segment is full: they are thanked, and nothing is counted."""

    status = 409
    code = "quota_full"

    def __init__(self, message: str) -> None:
        super().__init__(message)


@dataclass(frozen=True)
class Submission:
    answers: dict[str, Any]
    submission_key: str
    complete: bool
    channel: str = ResponseChannel.LINK
    language: str = "en"
    invitation_token: str = ""
    touch_point_id: int | None = None
    unit_id: int | None = None
    paper_batch: PaperBatch | None = None
    completed_at: dt.datetime | None = None  # paper forms: the day they were filled in
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    response: Response
    created: bool  # False: a retry of a submission already complete


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def submit_response(*, survey: Survey, submission: Submission, version: SurveyVersion | None = None,
                    has_quotas: bool = True, count: Callable[[], None] | None = None) -> Outcome:
    """Save the answers as a partial response or complete it (see the module's guarantees).
    Raises SurveyClosed, QuotaFull, Conflict (a spent invitation, a key of another survey's
    respondent) or InvalidInput with one entry per answer key at fault. `version` is the survey's
    current version when the caller has it, `has_quotas` False when it knows there are none;
    `count` (a rate limit, respond_limits) runs in the transaction just before a completion is
    written, so a refusal or a failure undoes the count with everything else.

    A complete submission without an invitation first tries the fast path: it checks the answers
    alone and inserts the response; only when its key is taken (a retry, or a partial response to
    finish) does it read the stored response, under a lock, and merge."""
    key = submission.submission_key
    if not (isinstance(key, str) and KEY_MIN <= len(key) <= KEY_MAX and key.isascii() and key.isprintable()):
        raise InvalidInput("submission_key", _("The submission key must be 16 to 64 printable characters."))
    fast = submission.complete and not submission.invitation_token
    if fast and isinstance(count, Counter) and not has_quotas and response_rows.is_available():
        written = _in_one_statement(survey, submission, version, count)
        if written is not None:
            return written
    try:
        with transaction.atomic():
            return _submit(survey, submission, version, has_quotas, count, fast=fast)
    except IntegrityError:
        # The key is taken: by a racing request or an earlier one (return it when complete), or by
        # a partial response this one finishes.
        existing = Response.objects.filter(survey=survey, submission_key=key).first()
        if existing is None:
            raise
        if existing.status == ResponseStatus.COMPLETE:
            return Outcome(existing, created=False)
        with transaction.atomic():
            return _submit(survey, submission, version, has_quotas, count, fast=False)


def _submit(survey: Survey, submission: Submission, version_hint: SurveyVersion | None, has_quotas: bool,
            count: Callable[[], None] | None, *, fast: bool) -> Outcome:
    now = clock.now()
    if fast:
        _check_open(survey, now)
        version = version_hint or _current_version(survey)
        try:
            values = instrument.check_answers(version.content, submission.answers, complete=True)
        except instrument.AnswerError:
            values = None  # perhaps a partial response holds the rest: take the full path
        if values is not None:
            return _complete_new(survey, version, submission, values, has_quotas, count, now)
    response = (Response.objects.select_for_update()
                .filter(survey=survey, submission_key=submission.submission_key).first())
    if response is not None and response.status == ResponseStatus.COMPLETE:
        return Outcome(response, created=False)
    _check_open(survey, now)
    invitation = _invitation(survey, submission, response)
    version = response.version if response is not None else (version_hint or _current_version(survey))
    stored = _stored_answers(response) if response is not None else {}
    merged = {**stored, **submission.answers}
    try:
        values = instrument.check_answers(version.content, merged, complete=submission.complete)
    except instrument.AnswerError as exc:
        raise InvalidInput(errors=[{"field": key, "message": message} for key, message in exc.errors.items()]) \
            from None
    segment = instrument.segment_of(version.content, values) or (invitation.contact.segment if invitation else "")
    if submission.complete and has_quotas:
        _check_quotas(survey, values, segment)
    if submission.complete and count is not None:
        count()
    response = _write(survey, version, response, submission, invitation, values, segment, now)
    if submission.complete:
        if invitation is not None:
            Invitation.objects.filter(pk=invitation.pk).update(spent_at=now)
        follow_ups.raise_follow_up(response=response, version=version, values=values)
    return Outcome(response, created=True)


def _in_one_statement(survey: Survey, submission: Submission, version: SurveyVersion | None,
                      count: Counter) -> Outcome | None:
    """The common case in one statement, no transaction (response_rows); None when this
    submission needs the full path: answers that do not stand alone, a follow-up to raise, or a
    submission key already taken (a retry, or a partial response to finish)."""
    now = clock.now()
    _check_open(survey, now)
    version = version or _current_version(survey)
    try:
        values = instrument.check_answers(version.content, submission.answers, complete=True)
    except instrument.AnswerError:
        return None
    if follow_ups.reason_for(version, values, survey.follow_up_at_most) is not None:
        return None
    response = Response(
        organization_id=survey.organization_id, survey=survey, version=version, status=ResponseStatus.COMPLETE,
        channel=submission.channel, language=submission.language, is_anonymous=survey.is_anonymous,
        segment=instrument.segment_of(version.content, values), submission_key=submission.submission_key,
        unit_id=_placed(submission.unit_id, None, "unit_id", survey.unit_id, submission.paper_batch),
        touch_point_id=_placed(submission.touch_point_id, None, "touch_point_id", survey.touch_point_id,
                               submission.paper_batch),
        paper_batch=submission.paper_batch, started_at=now, completed_at=submission.completed_at or now,
        created_at=now, updated_at=now)
    row = {field.attname: getattr(response, field.attname) for field in Response._meta.concrete_fields
           if not field.primary_key}
    try:
        response.pk = response_rows.write(row, values, count.statement(), count.refusal())
    except IntegrityError:
        return None
    return Outcome(response, created=True)


def _complete_new(survey: Survey, version: SurveyVersion, submission: Submission,
                  values: dict[str, instrument.Value], has_quotas: bool, count: Callable[[], None] | None,
                  now: dt.datetime) -> Outcome:
    """Insert a complete response (IntegrityError when its key is taken: the caller takes over)."""
    segment = instrument.segment_of(version.content, values)
    if has_quotas:
        _check_quotas(survey, values, segment)
    if count is not None:
        count()
    response = _write(survey, version, None, submission, None, values, segment, now)
    follow_ups.raise_follow_up(response=response, version=version, values=values)
    return Outcome(response, created=True)


def _check_open(survey: Survey, now: dt.datetime) -> None:
    if survey.status != SurveyStatus.OPEN or survey.current_version_id is None or \
            (survey.closes_at is not None and survey.closes_at <= now):
        raise SurveyClosed()


def _current_version(survey: Survey) -> SurveyVersion:
    if survey.current_version_id is None:
        raise SurveyClosed()
    return SurveyVersion.objects.get(pk=survey.current_version_id)


def _invitation(survey: Survey, submission: Submission, response: Response | None) -> Invitation | None:
    if not submission.invitation_token:
        return None
    invitation = (Invitation.objects.select_for_update().select_related("contact")
                  .filter(survey=survey, token_digest=token_digest(submission.invitation_token)).first())
    if invitation is None:
        raise NotFound(_("This invitation link is not valid."))
    if invitation.spent_at is not None:
        raise Conflict(_("This invitation has already been used. Thank you for your answers."), code="invitation_spent")
    if response is not None and not survey.is_anonymous and response.invitation_id not in (None, invitation.pk):
        raise Conflict(_("This submission belongs to another invitation."))
    return invitation


def _stored_answers(response: Response) -> dict[str, Any]:
    return {key: number if number is not None else text
            for key, number, text in response.answers.values_list("key", "number", "text")}


def _check_quotas(survey: Survey, values: dict[str, instrument.Value], segment: str) -> None:
    for quota in Quota.objects.select_for_update().filter(survey=survey):
        given = values.get(quota.question) if quota.question else instrument.Value(text=segment)
        actual = "" if given is None else (given.text or ("" if given.number is None else f"{given.number:g}"))
        if actual != quota.value:
            continue
        counted = _matching_responses(survey, quota)
        if counted >= quota.limit:
            if quota.action == QuotaAction.CLOSE:
                Survey.objects.filter(pk=survey.pk).update(status=SurveyStatus.CLOSED)
                raise SurveyClosed()
            raise QuotaFull(instrument_text(quota.message, "") or
                            _("Thank you. We already have all the answers we need from people like you."))


def _matching_responses(survey: Survey, quota: Quota) -> int:
    done = Response.objects.filter(survey=survey, status=ResponseStatus.COMPLETE)
    if not quota.question:
        return done.filter(segment=quota.value).count()
    try:
        number = float(quota.value)
    except ValueError:
        return done.filter(answers__key=quota.question, answers__text=quota.value).count()
    return done.filter(answers__key=quota.question, answers__number=number).count()


def instrument_text(words: dict[str, str], language: str) -> str:
    """The words in `language`, else in English, else any."""
    if not words:
        return ""
    return words.get(language) or words.get("en") or next(iter(words.values()))


def _write(survey: Survey, version: SurveyVersion, response: Response | None, submission: Submission,
           invitation: Invitation | None, values: dict[str, instrument.Value], segment: str,
           now: dt.datetime) -> Response:
    is_new = response is None
    if response is None:
        response = Response(
            organization_id=survey.organization_id, survey=survey, version=version, channel=submission.channel,
            language=submission.language, is_anonymous=survey.is_anonymous,
            submission_key=submission.submission_key, started_at=now, paper_batch=submission.paper_batch,
            unit_id=_placed(submission.unit_id, invitation, "unit_id", survey.unit_id, submission.paper_batch),
            touch_point_id=_placed(submission.touch_point_id, invitation, "touch_point_id", survey.touch_point_id,
                                   submission.paper_batch),
            contact=None if survey.is_anonymous or invitation is None else invitation.contact,
            invitation=None if survey.is_anonymous else invitation,
        )
    response.segment = segment
    if submission.complete:
        response.status = ResponseStatus.COMPLETE
        response.completed_at = submission.completed_at or now
    response.save(force_insert=is_new)
    if not is_new:
        Answer.objects.filter(response=response).delete()
    Answer.objects.bulk_create([Answer(response=response, key=key, number=value.number, text=value.text)
                                for key, value in values.items()])
    if invitation is not None and invitation.started_at is None:
        Invitation.objects.filter(pk=invitation.pk).update(started_at=now)
    return response


def _placed(given: int | None, invitation: Invitation | None, attribute: str, default: int | None,
            batch: PaperBatch | None) -> int | None:
    """Where the response was given: the caller's (QR code, kiosk), the paper batch's, the
    invitation's, else the survey's."""
    for source in (given, getattr(batch, attribute, None), getattr(invitation, attribute, None)):
        if source is not None:
            return source
    return default
