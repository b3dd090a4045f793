"""QR-code posters of a survey, one A4 page per touch point, as a PDF (WeasyPrint), for touch points
where no one hands out a form.

Each page has the survey's title in each of its languages, an invitation to scan, a large QR code
of the survey's public link for that touch point (`?tp=<id>&via=qr`, so the answers are placed
there and counted as by QR code), the short link to type instead, and the touch point's name.
The fonts are the Noto CJK family (fonts-noto-cjk), which covers Latin, Polish and Chinese.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import segno
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from csm.catalogue.models import TouchPoint
from csm.surveys import links
from csm.surveys.models import Survey
from csm.surveys.respond_form import words

QR_ERROR_LEVEL = "m"  # survives a little dirt or a crease (15 %)


@dataclass(frozen=True)
class PosterPage:
    touch_point: TouchPoint | None  # None: a general poster
    url: str  # what the QR code holds
    short_url: str
    qr_svg: str


@dataclass(frozen=True)
class Line:
    language: str
    text: str


def qr_svg(url: str) -> str:
    """The QR code of `url`, as inline SVG that scales to its box."""
    return str(segno.make(url, error=QR_ERROR_LEVEL, micro=False).svg_inline(scale=1, border=2, omitsize=True))


def poster_pages(survey: Survey, touch_points: Sequence[TouchPoint]) -> list[PosterPage]:
    short = links.short_url(survey)
    pages = []
    for touch_point in touch_points:
        url = links.public_url(survey, touch_point_id=touch_point.pk, via_qr=True)
        pages.append(PosterPage(touch_point=touch_point, url=url, short_url=short, qr_svg=qr_svg(url)))
    return pages


def general_page(survey: Survey) -> PosterPage:
    """A poster for no touch point in particular (its answers are placed at the survey's own)."""
    url = links.public_url(survey, via_qr=True)
    return PosterPage(touch_point=None, url=url, short_url=links.short_url(survey), qr_svg=qr_svg(url))


def _languages(survey: Survey) -> list[str]:
    content = survey.current_version.content if survey.current_version else survey.draft
    return list(content.get("languages") or ["en"])


def headings(survey: Survey) -> tuple[list[Line], list[Line]]:
    """The survey's title, and the call to scan, in each of the survey's languages (each distinct
    call once)."""
    content = survey.current_version.content if survey.current_version else survey.draft
    titles: list[Line] = []
    calls: list[Line] = []
    for language in _languages(survey):
        titles.append(Line(language, words(content.get("title"), language) or survey.name))
        with translation.override(language):
            call = gettext("Scan the code with your phone's camera and tell us how we did.")
        if all(line.text != call for line in calls):  # a language not translated yet repeats another
            calls.append(Line(language, call))
    return titles, calls


def poster_document(survey: Survey, pages: Sequence[PosterPage]) -> Any:
    """The laid-out WeasyPrint document: one A4 page per poster page."""
    titles, calls = headings(survey)
    context: dict[str, Any] = {"survey": survey, "organization": survey.organization, "pages": pages,
                               "titles": titles, "calls": calls}
    html = render_to_string("surveys/posters/poster.html", context)
    # Imported here, not at the top: loading WeasyPrint takes about two seconds, which every web and
    # worker process would otherwise pay at start-up for a page that is seldom printed.
    from weasyprint import HTML

    return HTML(string=html).render()


def render_posters(survey: Survey, pages: Sequence[PosterPage]) -> bytes:
    """The PDF of the posters."""
    return bytes(poster_document(survey, pages).write_pdf())
