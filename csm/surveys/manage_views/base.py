"""What the survey pages share: the actor, organisation URLs, a survey's public links, and the
language a survey's words are shown in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation

from csm.accounts.context import Actor
from csm.surveys.models import Survey


def actor_of(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def org_url(request: HttpRequest, name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs={"org_slug": actor_of(request).organization.slug, **kwargs})


def public_links(request: HttpRequest, survey: Survey) -> dict[str, str]:
    """The public link and the kiosk link, once a version is published (before, they lead nowhere)."""
    if survey.current_version_id is None:
        return {}
    return {"public_url": request.build_absolute_uri(reverse("surveys_public:respond", args=[survey.public_key])),
            "kiosk_url": request.build_absolute_uri(reverse("surveys_public:kiosk", args=[survey.public_key]))}


def survey_language(content: Any, wanted: str = "") -> str:
    """The language to show a survey's words in: the one asked for, else the page's when the survey
    has it, else the survey's first."""
    languages = content.get("languages") if isinstance(content, dict) else None
    languages = [lang for lang in languages or [] if isinstance(lang, str)] or ["en"]
    if wanted in languages:
        return wanted
    current = translation.get_language() or "en"
    code = "zh-Hans" if current.lower().startswith("zh") else current.split("-")[0]
    return code if code in languages else languages[0]
