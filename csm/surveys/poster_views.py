"""Staff pages of a survey's QR posters and kiosk links (SURVEYS_MANAGE): the list of its touch
points (unstaffed first) and the printable PDF, of all of them, of the unstaffed ones
places (`?staffing=unstaffed`) or of one (`?tp=<id>`). With no touch point at all, one general poster."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.decorators import org_view
from csm.catalogue.models import Staffing, TouchPoint
from csm.catalogue.selectors import access_touch_point
from csm.surveys import distribution_selectors as selectors
from csm.surveys import links, posters
from csm.surveys.models import Survey
from csm.surveys.selectors import access_survey


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


@org_view(roles.SURVEYS_MANAGE)
def poster_list(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = access_survey(actor=_actor(request), survey_id=survey_id)
    touch_points = selectors.poster_touch_points(actor=_actor(request), survey=survey)
    rows = [(touch_point, links.kiosk_url(survey, touch_point_id=touch_point.pk),
             links.public_url(survey, touch_point_id=touch_point.pk, via_qr=True)) for touch_point in touch_points]
    return render(request, "surveys/distribution/posters.html", {
        "survey": survey, "rows": rows, "kiosk_url": links.kiosk_url(survey),
        "has_unstaffed": any(tp.staffing == Staffing.UNSTAFFED and tp.channel in selectors.PLACES
                             for tp in touch_points)})


def _touch_points(request: HttpRequest, survey: Survey) -> list[TouchPoint]:
    chosen = request.GET.get("tp", "")
    if chosen:
        return [access_touch_point(actor=_actor(request), touch_point_id=int(chosen) if chosen.isdigit() else 0)]
    return selectors.poster_touch_points(actor=_actor(request), survey=survey,
                                         unstaffed_places_only=request.GET.get("staffing") == Staffing.UNSTAFFED)


@org_view(roles.SURVEYS_MANAGE)
def poster_pdf(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = access_survey(actor=_actor(request), survey_id=survey_id)
    touch_points = _touch_points(request, survey)
    pages = posters.poster_pages(survey, touch_points) if touch_points else [posters.general_page(survey)]
    response = HttpResponse(posters.render_posters(survey, pages), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="survey-{survey.pk}-posters.pdf"'
    return response
