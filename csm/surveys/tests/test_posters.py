"""QR posters: what each code holds, one A4 page per touch point, Chinese that renders, and the
staff pages that list and print them."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import segno

from csm.catalogue.models import Channel, Staffing
from csm.catalogue.tests.factories import ServiceFactory, TouchPointFactory
from csm.surveys import posters
from csm.surveys.tests.factories import published_survey

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.CSM_BASE_URL = "https://csm.example.com"


@pytest.fixture
def places(alice):
    service = ServiceFactory(organization=alice.organization, name="Hotel stay")
    return [TouchPointFactory(service=service, name="Reception", staffing=Staffing.STAFFED),
            TouchPointFactory(service=service, name="Lift lobby", staffing=Staffing.UNSTAFFED, location="Floor 3"),
            TouchPointFactory(service=service, name="Pool", staffing=Staffing.UNSTAFFED),
            TouchPointFactory(service=service, name="Booking site", staffing=Staffing.UNSTAFFED, channel=Channel.WEB)]


def test_each_code_holds_the_public_link_of_its_touch_point_marked_as_by_qr(alice, places):
    survey = published_survey(alice)
    pages = posters.poster_pages(survey, places[:3])
    assert [page.url for page in pages] == [
        f"https://csm.example.com/s/{survey.public_key}/?tp={tp.pk}&via=qr" for tp in places[:3]]
    assert pages[0].qr_svg == segno.make(pages[0].url, error="m", micro=False).svg_inline(scale=1, border=2,
                                                                                          omitsize=True)
    assert pages[0].short_url == f"csm.example.com/s/{survey.public_key}/"


def test_the_pdf_has_one_a4_page_per_touch_point(alice, places):
    survey = published_survey(alice)
    pages = posters.poster_pages(survey, places[:3])
    document = posters.poster_document(survey, pages)
    assert len(document.pages) == 3
    assert (round(document.pages[0].width * 25.4 / 96), round(document.pages[0].height * 25.4 / 96)) == (210, 297)
    assert posters.render_posters(survey, pages).startswith(b"%PDF")


def test_the_poster_speaks_every_language_of_the_survey(alice):
    survey = published_survey(alice)
    titles, calls = posters.headings(survey)
    assert [(line.language, line.text) for line in titles] == [
        ("en", "How was your experience?"), ("pl", "Jak oceniasz naszą obsługę?"), ("zh-Hans", "您对我们的服务满意吗？")]
    texts = [line.text for line in calls]
    # Each distinct call once: a language not translated yet does not repeat the English.
    assert calls[0].language == "en" and len(texts) == len(set(texts))


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_the_first_page_renders_as_an_image(alice, places, tmp_path):
    survey = published_survey(alice)
    pdf = tmp_path / "posters.pdf"
    pdf.write_bytes(posters.render_posters(survey, posters.poster_pages(survey, places[1:2])))
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],  # noqa: S607
                   check=True, capture_output=True)
    image = next(tmp_path.glob("page*.png"))
    assert image.read_bytes().startswith(b"\x89PNG")


# The staff pages --------------------------------------------------------------------------------------

def poster_url(survey, query: str = "") -> str:
    return f"/o/acme/surveys/distribution/{survey.pk}/posters.pdf{query}"


def test_the_list_puts_unstaffed_places_first_and_what_is_not_a_place_last(alice, places):
    survey = published_survey(alice)
    page = alice.browser().get(f"/o/acme/surveys/distribution/{survey.pk}/posters/")
    assert page.status_code == 200
    rows = [row[0].name for row in page.context["rows"]]
    assert rows == ["Lift lobby", "Pool", "Reception", "Booking site"]


@pytest.mark.parametrize(("query", "count"), [("", 4), ("?staffing=unstaffed", 2)])
def test_the_pdf_prints_the_touch_points_asked_for(alice, places, query, count, monkeypatch):
    survey = published_survey(alice)
    printed = []
    monkeypatch.setattr(posters, "render_posters", lambda survey, pages: printed.extend(pages) or b"%PDF-1.7")
    response = alice.browser().get(poster_url(survey, query))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert len(printed) == count


def test_one_touch_point_prints_one_real_pdf_page(alice, places):
    survey = published_survey(alice)
    response = alice.browser().get(poster_url(survey, f"?tp={places[2].pk}"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_without_touch_points_the_pdf_is_one_general_poster(alice, monkeypatch):
    survey = published_survey(alice)
    printed = []
    monkeypatch.setattr(posters, "render_posters", lambda survey, pages: printed.extend(pages) or b"%PDF-1.7")
    alice.browser().get(poster_url(survey))
    assert [(page.touch_point, page.url) for page in printed] == [
        (None, f"https://csm.example.com/s/{survey.public_key}/?via=qr")]


def test_another_organisations_survey_or_touch_point_is_not_printed(alice, charlie, places):
    survey = published_survey(alice)
    theirs = TouchPointFactory(service__organization=charlie.organization)
    assert alice.browser().get(poster_url(survey, f"?tp={theirs.pk}")).status_code == 404
    assert charlie.browser().get(poster_url(survey)).status_code == 404
    assert charlie.browser().get(f"/o/globex/surveys/distribution/{survey.pk}/posters.pdf").status_code == 404
