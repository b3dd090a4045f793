"""The respondent's pages (no login), under /s/: a survey by its public link or QR code, at a kiosk,
or by a personal invitation; one page of questions at a time, saved as it goes.

- The form carries its submission key (respond.Submission): a reload, a double tap or a retry after
  a timeout finds the same response, and a completed one is never counted twice.
- By link or QR code, the key is also kept in a cookie for this survey only, so closing the tab and
  coming back resumes the partial response; the page also offers a "continue later" link.
- A kiosk keeps nothing: no cookie, no session, a new key on every load, and after each response it
  returns to the start. The pages are therefore exempt from CSRF, which protects a signed-in user's
  cookies; these pages have none, and the key in the form is what ties a post to its response.
- An invitation's key is derived from its token (HMAC), so it resumes on any device, except for
  anonymous surveys, where nothing derived from the invitation is stored with the response.
Every check (required, scale, hidden questions, closed survey, spent invitation, quota) is the
service's; the page shows its messages next to the questions.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from csm.catalogue.models import TouchPoint
from csm.core import clock
from csm.core.errors import Conflict, DomainError, InvalidInput, NotFound, RateLimited
from csm.surveys import instrument, respond_limits, selectors
from csm.surveys.models import Invitation, Response, ResponseChannel, ResponseStatus, Survey, SurveyStatus
from csm.surveys.respond_form import answers_from_post, page_context, posted_values
from csm.surveys.services.responding import QuotaFull, Submission, SurveyClosed, submit_response

TEMPLATES = "surveys/respond/"
COOKIE_DAYS = 30
KIOSK_RESET_SECONDS = 8


@dataclass(frozen=True)
class Visit:
    """Who is answering, and how: one of the three entrances."""

    survey: Survey
    channel: str
    key: str
    kiosk: bool = False
    invitation: Invitation | None = None
    token: str = ""
    touch_point_id: int | None = None


def _cookie_name(survey: Survey) -> str:
    return f"csm_s_{survey.public_key}"


def _touch_point(request: HttpRequest, survey: Survey) -> int | None:
    raw = request.GET.get("tp") or request.POST.get("tp") or ""
    if not raw.isdigit():
        return None
    found = TouchPoint.objects.filter(pk=int(raw), organization_id=survey.organization_id).values_list("pk", flat=True)
    return next(iter(found), None)


def _new_key() -> str:
    return secrets.token_urlsafe(24)


def _key(request: HttpRequest, survey: Survey, candidate: str) -> str:
    """The candidate key, unless it is malformed or its response is complete (then a new one).
    A complete one is kept for the page that thanks for it (`done`) and for a post that repeats
    it (a double tap or a retry), which is thanked again and counts nothing."""
    if not 16 <= len(candidate) <= 64:
        return _new_key()
    if request.method == "GET" and not request.GET.get("done") and _is_complete(survey, candidate):
        return _new_key()
    return candidate


def _posted_key(request: HttpRequest) -> str:
    key = request.POST.get("submission_key", "")
    return key if 16 <= len(key) <= 64 else ""


@csrf_exempt
@never_cache
def respond(request: HttpRequest, public_key: str) -> HttpResponse:
    survey = _survey(public_key)
    key = _key(request, survey, _posted_key(request) or request.GET.get("resume", "")
               or request.COOKIES.get(_cookie_name(survey), ""))
    channel = ResponseChannel.QR if (request.GET.get("via") or request.POST.get("via")) == "qr" else ResponseChannel.LINK
    visit = Visit(survey, channel, key, touch_point_id=_touch_point(request, survey))
    page = _handle(request, visit)
    if page.status_code == 200 and not request.GET.get("done") and not page.cookies:
        page.set_cookie(_cookie_name(survey), key, max_age=COOKIE_DAYS * 86400, httponly=True, samesite="Lax",
                        secure=request.is_secure(), path=reverse("surveys_public:respond", args=[public_key]))
    return page


@csrf_exempt
@never_cache
def kiosk(request: HttpRequest, public_key: str) -> HttpResponse:
    survey = _survey(public_key)
    visit = Visit(survey, ResponseChannel.KIOSK, _key(request, survey, _posted_key(request) or request.GET.get("key", "")),
                  kiosk=True, touch_point_id=_touch_point(request, survey))
    return _handle(request, visit)


@csrf_exempt
@never_cache
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invited = selectors.invitation_by_token(token=token)
    except NotFound:
        raise Http404() from None
    survey = invited.survey
    if survey.is_anonymous:
        key = _posted_key(request) or request.COOKIES.get(_cookie_name(survey), "") or _new_key()
    else:
        key = "inv-" + hmac.new(settings.SECRET_KEY.encode(), token.encode(), hashlib.sha256).hexdigest()[:56]
    visit = Visit(survey, ResponseChannel.INVITATION, key, invitation=invited, token=token)
    if invited.spent_at is not None and not _is_complete(survey, key):
        return _message(request, visit, "spent", status=409)
    page = _handle(request, visit)
    if survey.is_anonymous and page.status_code == 200:
        page.set_cookie(_cookie_name(survey), key, max_age=COOKIE_DAYS * 86400, httponly=True, samesite="Lax",
                        secure=request.is_secure(), path=request.path)
    return page


def _survey(public_key: str) -> Survey:
    try:
        return selectors.public_survey(public_key=public_key)
    except NotFound:
        raise Http404() from None


def _is_complete(survey: Survey, key: str) -> bool:
    return Response.objects.filter(survey=survey, submission_key=key, status=ResponseStatus.COMPLETE).exists()


def _language(request: HttpRequest, content: dict[str, Any], visit: Visit) -> str:
    languages = content["languages"]
    wanted = request.GET.get("lang") or request.POST.get("lang") or ""
    if wanted in languages:
        return wanted
    if visit.invitation is not None and _lang_code(visit.invitation.contact.language) in languages:
        return _lang_code(visit.invitation.contact.language)
    browser = _lang_code(translation.get_language_from_request(request))
    return browser if browser in languages else languages[0]


def _lang_code(code: str) -> str:
    """Django's language code ("zh-hans") as the survey's ("zh-Hans")."""
    return "zh-Hans" if code.lower().startswith("zh") else code.split("-")[0]


def _handle(request: HttpRequest, visit: Visit) -> HttpResponse:
    survey = visit.survey
    existing = Response.objects.filter(survey=survey, submission_key=visit.key).select_related("version").first()
    if existing is not None and existing.status == ResponseStatus.COMPLETE:
        return _message(request, visit, "thanks")
    if survey.status != SurveyStatus.OPEN or (existing is None and survey.closes_at and survey.closes_at <= clock.now()):
        return _message(request, visit, "closed", status=410 if survey.status == SurveyStatus.ARCHIVED else 200)
    version = existing.version if existing is not None else survey.current_version
    if version is None:  # public_survey finds published surveys only; a race with nothing else
        raise Http404()
    content = version.content
    language = _language(request, content, visit)
    stored = _stored(existing)
    page_count = len(content["pages"])
    page = _page_number(request, page_count)
    errors: dict[str, str] = {}
    if request.method == "POST":
        outcome = _save(request, visit, content, page, stored, language)
        if isinstance(outcome, HttpResponse):
            return outcome
        errors, stored = outcome
        if not errors:
            next_page = _next_page(content, page, stored, request.POST.get("go") == "back")
            return HttpResponseRedirect(_page_url(request, visit, next_page, language))
    with translation.override(_django_language(language)):
        return render(request, TEMPLATES + "page.html", {
            "survey": survey, "visit": visit, "language": language, "languages": content["languages"],
            "page": page_context(content, page, stored, errors, language), "page_number": page + 1,
            "page_count": page_count, "is_last": page == page_count - 1, "errors": errors,
            "title": instrument_words(content.get("title"), language),
            "intro": instrument_words(content.get("intro"), language) if page == 0 else "",
            "resume_url": _resume_url(request, visit),
            "language_links": [(code, _page_url(request, visit, page, code)) for code in content["languages"]],
        }, status=422 if errors else 200)


def _save(request: HttpRequest, visit: Visit, content: dict[str, Any], page: int,
          stored: dict[str, instrument.Value], language: str) -> HttpResponse | tuple[dict[str, str],
                                                                                      dict[str, instrument.Value]]:
    """Save the posted page; (errors, answers so far), or the page to show instead."""
    posted = answers_from_post(content, page, request.POST)
    is_last = page == len(content["pages"]) - 1 and request.POST.get("go") != "back"
    merged = {**{k: v for k, v in stored.items() if k not in posted}, **posted_values(content, page, posted)}
    errors = {} if request.POST.get("go") == "back" else dict.fromkeys(instrument.missing_on_page(content, page, merged), "this question is required")
    if errors:
        return errors, merged
    try:
        submit_response(survey=visit.survey, submission=Submission(
            posted, visit.key, complete=is_last, channel=visit.channel, language=language,
            invitation_token=visit.token, touch_point_id=visit.touch_point_id),
            count=respond_limits.counter(survey_id=visit.survey.pk, ip=str(request.META.get("REMOTE_ADDR", "")),
                                         kiosk=visit.kiosk))
    except InvalidInput as exc:
        details: list[dict[str, str]] = exc.detail if isinstance(exc.detail, list) else []
        return {item["field"].split(".")[0].split(":")[0]: item["message"] for item in details}, merged
    except SurveyClosed:
        return _message(request, visit, "closed")
    except QuotaFull as exc:
        return _message(request, visit, "quota", text=str(exc.detail))
    except RateLimited:
        return _message(request, visit, "rate_limited", status=429)
    except (Conflict, DomainError):
        return _message(request, visit, "spent", status=409)
    if is_last:
        return HttpResponseRedirect(_done_url(request, visit, language))
    return {}, merged


def _stored(response: Response | None) -> dict[str, instrument.Value]:
    if response is None:
        return {}
    return {key: instrument.Value(number, text) for key, number, text in
            response.answers.values_list("key", "number", "text")}


def _page_number(request: HttpRequest, page_count: int) -> int:
    raw = request.POST.get("page") or request.GET.get("page") or "1"
    number = int(raw) if raw.isdigit() else 1
    return min(max(number, 1), page_count) - 1


def _next_page(content: dict[str, Any], page: int, answers: dict[str, instrument.Value], back: bool) -> int:
    """The next (or previous) page with a question to show, skipping pages whose every question is
    hidden by its condition."""
    step = -1 if back else 1
    candidate = page + step
    while 0 <= candidate < len(content["pages"]):
        if any(instrument.is_shown(q, answers) for q in content["pages"][candidate]["questions"]):
            return candidate
        candidate += step
    return min(max(candidate, 0), len(content["pages"]) - 1)


def _query(visit: Visit, **extra: Any) -> str:
    query = QueryDict(mutable=True)
    if visit.touch_point_id:
        query["tp"] = str(visit.touch_point_id)
    if visit.channel == ResponseChannel.QR:
        query["via"] = "qr"
    if not visit.kiosk and visit.channel != ResponseChannel.INVITATION:
        query["resume"] = visit.key
    for name, value in extra.items():
        query[name] = str(value)
    return query.urlencode()


def _base_url(visit: Visit) -> str:
    if visit.invitation is not None:
        return reverse("surveys_public:invitation", args=[visit.token])
    name = "surveys_public:kiosk" if visit.kiosk else "surveys_public:respond"
    return reverse(name, args=[visit.survey.public_key])


def _page_url(request: HttpRequest, visit: Visit, page: int, language: str) -> str:
    if visit.kiosk:  # the key travels in the form only: a kiosk URL never resumes someone else's answers
        return _base_url(visit) + "?" + _query(visit, page=page + 1, lang=language, key=visit.key)
    return _base_url(visit) + "?" + _query(visit, page=page + 1, lang=language)


def _done_url(request: HttpRequest, visit: Visit, language: str) -> str:
    if visit.kiosk:
        return _base_url(visit) + "?" + _query(visit, lang=language, done=1, key=visit.key)
    return _base_url(visit) + "?" + _query(visit, lang=language, done=1)


def _resume_url(request: HttpRequest, visit: Visit) -> str:
    if visit.kiosk:
        return ""
    if visit.invitation is not None:
        return request.build_absolute_uri(_base_url(visit))
    return request.build_absolute_uri(_base_url(visit) + "?" + _query(visit))


def _django_language(language: str) -> str:
    return "zh-hans" if language == "zh-Hans" else language


def instrument_words(words: Any, language: str) -> str:
    if not isinstance(words, dict) or not words:
        return ""
    return str(words.get(language) or words.get("en") or next(iter(words.values())))


MESSAGES = {"thanks", "closed", "quota", "spent", "rate_limited"}


def _message(request: HttpRequest, visit: Visit, kind: str, *, status: int = 200, text: str = "") -> HttpResponse:
    content = visit.survey.current_version.content if visit.survey.current_version else {"languages": ["en"]}
    language = _language(request, content, visit)
    with translation.override(_django_language(language)):
        page = render(request, TEMPLATES + "message.html", {
            "survey": visit.survey, "kind": kind, "text": text, "visit": visit, "language": language,
            "title": instrument_words(content.get("title"), language),
            "thanks": instrument_words(content.get("thanks"), language),
            "restart_url": _base_url(visit) + ("?" + _query(visit) if visit.kiosk else ""),
            "reset_seconds": KIOSK_RESET_SECONDS,
        }, status=status)
    if kind == "thanks" and not visit.kiosk and visit.invitation is None:
        page.delete_cookie(_cookie_name(visit.survey), path=reverse("surveys_public:respond",
                                                                    args=[visit.survey.public_key]))
    return page
