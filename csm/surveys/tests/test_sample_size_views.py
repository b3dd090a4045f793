"""The sample-size calculator page: its defaults, each estimate, the htmx partial and bad input."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

URL = "/o/acme/surveys/sample-size/"


def test_it_opens_with_the_worst_case_proportion(carol):
    response = carol.browser().get(URL)
    assert response.status_code == 200 and response.context["result"].completes == 385


@pytest.mark.parametrize(("query", "completes", "invitations"), [
    ({"kind": "nps", "margin": "5", "confidence": "0.95", "promoters": "50", "detractors": "50"}, 1537, None),
    ({"kind": "nps", "margin": "5", "confidence": "0.95", "promoters": "40", "detractors": "20",
      "response_rate": "25"}, 861, 3444),
    ({"kind": "proportion", "margin": "5", "confidence": "0.95", "proportion": "50", "population": "1000"}, 278, None),
    ({"kind": "mean", "margin": "0.1", "confidence": "0.95", "sd": "1"}, 385, None),
])
def test_each_estimate_gives_its_sample_size(carol, query, completes, invitations):
    result = carol.browser().get(URL, query).context["result"]
    assert (result.completes, result.invitations) == (completes, invitations)


def test_htmx_gets_only_the_result(carol):
    response = carol.browser().get(URL, {"kind": "nps", "margin": "5", "confidence": "0.95"},
                                   headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and "1537" in html


def test_impossible_input_is_explained(carol):
    response = carol.browser().get(URL, {"kind": "nps", "margin": "5", "confidence": "0.95", "promoters": "80",
                                         "detractors": "30"})
    assert response.context["result"] is None
    assert response.context["form"].errors["detractors"] == ["Promoters and detractors together cannot be more than 100 %."]


def test_it_needs_a_member_of_the_organisation(client, charlie):
    assert client.get(URL).status_code == 302
    assert charlie.browser().get(URL).status_code == 404
