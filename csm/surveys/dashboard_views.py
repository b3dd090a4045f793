"""The satisfaction dashboard page and its downloads (need `surveys.analytics`).

`dashboard_page`: ?survey=<id> (default: the most recent open survey, the others listed) and the
filters of `DashboardFilterForm`; headline cards, charts with their tables, and the heatmap on the
service blueprint. A bad filter is a 422 page with the errors on the form; another organisation's
survey is a 404. `dashboard_export`: the same read as ?format=csv&table=<name> (one table, see
dashboard_export.TABLES) or ?format=xlsx (every table); an unknown format or table is a 404.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from csm.accounts import roles
from csm.accounts.context import Actor
from csm.accounts.decorators import org_view
from csm.core.errors import InvalidInput
from csm.core.forms import add_domain_errors
from csm.surveys import dashboard_charts, dashboard_export
from csm.surveys.dashboard_blueprint import blueprint_heat
from csm.surveys.dashboard_figures import Figures
from csm.surveys.dashboard_forms import DashboardFilterForm
from csm.surveys.dashboards import (
    Dashboard,
    dashboard,
    default_survey,
    filter_options,
    list_dashboard_surveys,
)
from csm.surveys.models import Survey
from csm.surveys.selectors import access_survey


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def _url(request: HttpRequest, name: str) -> str:
    return reverse(f"surveys:{name}", kwargs={"org_slug": _actor(request).organization.slug})


def _form(request: HttpRequest) -> tuple[DashboardFilterForm, list[Survey], Survey | None]:
    """The filter form for the chosen survey (?survey=, else the default one); another
    organisation's survey is a 404."""
    actor = _actor(request)
    surveys = list(list_dashboard_surveys(actor=actor))
    chosen = request.GET.get("survey")
    survey = access_survey(actor=actor, survey_id=chosen) if chosen else default_survey(surveys)  # type: ignore[arg-type]
    segments, touch_points = filter_options(actor=actor, survey=survey) if survey else ([], [])
    if survey is not None and survey not in surveys:
        surveys.insert(0, survey)  # a draft named in the URL: shown, with nothing counted yet
    form = DashboardFilterForm(request.GET, actor=actor, surveys=surveys, survey=survey, segments=segments,
                               touch_points=touch_points)
    return form, surveys, survey


def _read(request: HttpRequest, form: DashboardFilterForm, survey: Survey | None) -> Dashboard | None:
    if survey is None or not form.is_valid():
        return None
    try:
        return dashboard(actor=_actor(request), survey=survey, filters=form.filters())
    except InvalidInput as exc:
        add_domain_errors(form, exc)
        return None


def _sections(result: Dashboard, figures: Figures, form: DashboardFilterForm, export_url: str,
              ) -> list[dict[str, Any]]:
    """Each table with its charts (figure id and JSON) and its CSV link."""
    charts = dashboard_charts.figures(figures)
    chart_names = {"items": ("ipa", "drivers", "items"), "periods": ("trend_index", "trend_rate", "trend_nps"),
                   "characteristics": ("characteristics",), "touch_points": ("touch_points",),
                   "units": ("units",), "segments": ("segments",)}
    query = form.query()
    return [{"table": table, "charts": [{"id": f"chart-{name}-data", "figure": charts[name], "is_tall": name == "ipa"}
                                        for name in chart_names.get(table.name, ())],
             "csv_url": f"{export_url}?{urlencode({**query, 'format': 'csv', 'table': table.name})}"}
            for table in dashboard_export.tables(result) if table.name not in ("headline", "heatmap")]


@org_view(roles.SURVEYS_ANALYTICS)
def dashboard_page(request: HttpRequest) -> HttpResponse:
    form, surveys, survey = _form(request)
    result = _read(request, form, survey)
    context: dict[str, Any] = {"form": form, "surveys": surveys, "survey": survey, "result": result}
    if result is not None and result.figures is not None:
        export_url = _url(request, "dashboard_export")
        tables = {table.name: table for table in dashboard_export.tables(result)}
        context.update(
            figures=result.figures, sections=_sections(result, result.figures, form, export_url),
            headline=tables["headline"],
            heatmap_table=tables["heatmap"], latest=result.figures.periods[-1] if result.figures.periods else None,
            heat=blueprint_heat(actor=_actor(request), figures=result.figures, service_id=survey.service_id
                                if survey else None),
            xlsx_url=f"{export_url}?{urlencode({**form.query(), 'format': 'xlsx'})}",
            headline_csv_url=f"{export_url}?{urlencode({**form.query(), 'format': 'csv', 'table': 'headline'})}",
            heatmap_csv_url=f"{export_url}?{urlencode({**form.query(), 'format': 'csv', 'table': 'heatmap'})}",
        )
    status = 422 if survey is not None and result is None else 200
    return render(request, "surveys/dashboard/page.html", context, status=status)


@org_view(roles.SURVEYS_ANALYTICS)
def dashboard_export_view(request: HttpRequest) -> HttpResponse:
    form, _surveys, survey = _form(request)
    result = _read(request, form, survey)
    if result is None or result.figures is None:
        raise Http404()
    tables = dashboard_export.tables(result)
    stamp = timezone.localdate().strftime("%Y%m%d")
    name = f"satisfaction-dashboard-{result.survey_id}-{stamp}"
    if request.GET.get("format") == "xlsx":
        return HttpResponse(dashboard_export.xlsx_bytes(tables, title=result.survey_name),
                            content_type=dashboard_export.XLSX_TYPE,
                            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
    table = next((t for t in tables if t.name == request.GET.get("table")), None)
    if request.GET.get("format") != "csv" or table is None:
        raise Http404()
    return HttpResponse(dashboard_export.csv_text(table), content_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}-{table.name}.csv"'})
