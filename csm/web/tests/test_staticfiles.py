"""plotly.min.js is served from the installed plotly package through our staticfiles finder."""

from __future__ import annotations

from django.contrib.staticfiles import finders

from csm.web.staticfiles import PACKAGE_DATA, PlotlyFinder


def test_the_finder_finds_plotly_in_the_installed_package():
    path = finders.find("plotly/plotly.min.js")
    assert path == str(PACKAGE_DATA / "plotly.min.js")
    assert finders.find("plotly/plotly.min.js", find_all=True) == [path]


def test_the_finder_finds_nothing_else():
    finder = PlotlyFinder()
    assert finder.find("plotly/widgetbundle.js") is None
    assert finder.find("plotly.min.js", find_all=True) == []


def test_collectstatic_gets_only_plotly_min_js_under_the_plotly_prefix():
    [(path, storage)] = list(PlotlyFinder().list(None))
    assert (path, storage.prefix) == ("plotly.min.js", "plotly")
    assert storage.path(path) == str(PACKAGE_DATA / "plotly.min.js")


def test_the_finder_reports_no_problem_when_plotly_is_installed():
    assert PlotlyFinder().check() == []


def test_the_file_is_served_from_our_own_static_url(client):
    response = client.get("/static/plotly/plotly.min.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert b"plotly.js" in b"".join(response.streaming_content)[:2000]
