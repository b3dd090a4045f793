"""The complaint analytics page and the service volumes page.

`analytics` (needs `complaints.analytics`) filters by period and unit (GET), shows summary cards
and, per measure, a plotly chart followed by its table; `?format=csv&measure=<name>` downloads one
measure and `?format=xlsx` the workbook of all of them, for the same filter. A bad filter is a 422
page with the errors on the form; an unknown format or measure is a 404. `service_volumes` lists
the monthly volumes behind the complaint rate; `complaints.configure` may record (replace) and
delete them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from csm.accounts import roles
from csm.accounts.decorators import org_view
from csm.accounts.selectors import access_unit
from csm.complaints import analytics, analytics_charts, analytics_export, service_volumes
from csm.complaints.analytics_forms import AnalyticsFilterForm, ServiceVolumeForm
from csm.complaints.views.base import actor_of, in_org_timezone, org_url
from csm.core.errors import Conflict, InvalidInput
from csm.core.forms import add_domain_errors
from csm.core.writes import resolve_reference


def _read(request: HttpRequest, form: AnalyticsFilterForm) -> analytics.ComplaintAnalytics | None:
    if not form.is_valid():
        return None
    start, end, unit = form.period()
    try:
        return analytics.complaint_analytics(actor=actor_of(request), period_start=start, period_end=end,
                                             unit_id=unit)
    except InvalidInput as exc:
        add_domain_errors(form, exc)
        return None


def _filename(result: analytics.ComplaintAnalytics, name: str, extension: str) -> str:
    return f"complaint-analytics-{name}-{result.period_start:%Y%m%d}-{result.period_end:%Y%m%d}.{extension}"


def _download(request: HttpRequest, result: analytics.ComplaintAnalytics, file_format: str) -> HttpResponse:
    tables = analytics_export.tables(result)
    if file_format == "xlsx":
        return analytics_export.xlsx_response(tables, filename=_filename(result, "all", "xlsx"))
    table = next((t for t in tables if t.measure == request.GET.get("measure")), None)
    if file_format != "csv" or table is None:
        raise Http404()
    return analytics_export.csv_response(table, filename=_filename(result, table.measure, "csv"))


def _sections(request: HttpRequest, form: AnalyticsFilterForm,
              result: analytics.ComplaintAnalytics) -> list[dict[str, Any]]:
    """Each measure with a chart: its figure, its table and its CSV link."""
    figures = analytics_charts.figures(result)
    base = org_url(request, "analytics")
    return [{"measure": table.measure, "table": table, "figure": figures[table.measure],
             "figure_id": f"chart-{table.measure}-data",
             "csv_url": f"{base}?{urlencode({**form.query(), 'format': 'csv', 'measure': table.measure})}"}
            for table in analytics_export.tables(result) if table.measure in figures]


@org_view(roles.COMPLAINTS_ANALYTICS)
@in_org_timezone
def analytics_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = AnalyticsFilterForm(request.GET, actor=actor)
    result = _read(request, form)
    file_format = request.GET.get("format", "")
    if result is not None and file_format:
        return _download(request, result, file_format)
    context: dict[str, Any] = {"form": form, "result": result,
                               "can_configure": actor.can(roles.COMPLAINTS_CONFIGURE)}
    if result is not None:
        query = form.query()
        context.update(
            sections=_sections(request, form, result),
            xlsx_url=f"{org_url(request, 'analytics')}?{urlencode({**query, 'format': 'xlsx'})}",
            summary_csv_url=f"{org_url(request, 'analytics')}?{urlencode({**query, 'format': 'csv', 'measure': 'summary'})}",
            rate_title=analytics_export.rate_chart_title(result.rate_chart),
            is_rate=result.rate_chart.kind == analytics.RATE,
            step_labels={row.step: analytics_export.step_label(row.step) for row in result.on_time},
        )
    return render(request, "complaints/analytics/page.html", context, status=200 if result else 422)


# Service volumes ----------------------------------------------------------------------------------

@org_view(roles.COMPLAINTS_ANALYTICS)
@in_org_timezone
def service_volume_list(request: HttpRequest) -> HttpResponse:
    """The volumes, latest month first; with `complaints.configure`, a form that records one (a
    month entered again replaces its figure)."""
    actor = actor_of(request)
    can_configure = actor.can(roles.COMPLAINTS_CONFIGURE)
    form = ServiceVolumeForm(request.POST if request.method == "POST" else None, actor=actor)
    status = 200
    if request.method == "POST":
        if _record(request, form):
            return HttpResponseRedirect(org_url(request, "service_volumes"))
        status = 422
    context = {"form": form if can_configure else None, "can_configure": can_configure,
               "volumes": service_volumes.list_service_volumes(actor=actor)}
    return render(request, "complaints/analytics/volumes.html", context, status=status)


def _record(request: HttpRequest, form: ServiceVolumeForm) -> bool:
    actor = actor_of(request)
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        unit = None if data["unit"] is None else resolve_reference(
            "unit", lambda: access_unit(actor=actor, unit_id=data["unit"]))
        _row, created = service_volumes.set_service_volume(actor=actor, month=data["month"],
                                                           volume=data["volume"], unit=unit)
    except (InvalidInput, Conflict) as exc:
        add_domain_errors(form, exc)
        return False
    messages.success(request, _("Saved.") if created else _("The month's volume was replaced."))
    return True


@require_POST
@org_view(roles.COMPLAINTS_CONFIGURE)
def service_volume_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    row = service_volumes.access_service_volume(actor=actor, volume_id=pk)
    service_volumes.delete_service_volume(actor=actor, service_volume=row)
    messages.success(request, _("Deleted."))
    return HttpResponseRedirect(org_url(request, "service_volumes"))
