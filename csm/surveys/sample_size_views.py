"""The sample-size calculator (SURVEYS_VIEW; standards.md §3.10): how many complete answers a
proportion, a mean or the NPS needs for a margin of error, and how many people to invite for them.
The form recalculates as it changes (htmx); without JavaScript it is an ordinary GET form."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from csm.accounts import roles
from csm.accounts.decorators import org_view
from csm.surveys import sampling
from csm.surveys.distribution_forms import SampleSizeForm


def _fraction(value: Any) -> float | None:
    return None if value is None else float(value) / 100


def _share(value: Any, default: float) -> float:
    """A percentage of the form as a fraction; `default` when left blank."""
    return default if value is None else float(value) / 100


def calculate(data: dict[str, Any]) -> sampling.SampleSize:
    """The sample size for the calculator's cleaned data (percentages as the form takes them)."""
    kind, margin = data["kind"], float(data["margin"])
    common: dict[str, Any] = {"confidence": data["confidence"], "population": data.get("population"),
                              "response_rate": _fraction(data.get("response_rate"))}
    if kind == "mean":
        return sampling.mean_sample(margin=margin, sd=float(data.get("sd") or 1), **common)
    if kind == "nps":
        return sampling.nps_sample(margin=margin / 100, promoters=_share(data.get("promoters"), 0.5),
                                   detractors=_share(data.get("detractors"), 0.5), **common)
    return sampling.proportion_sample(margin=margin / 100, p=_share(data.get("proportion"), 0.5), **common)


DEFAULTS = {"kind": "proportion", "confidence": "0.95", "margin": "5", "proportion": "50", "sd": "1",
            "promoters": "50", "detractors": "50"}


@org_view(roles.SURVEYS_VIEW)
def sample_size(request: HttpRequest) -> HttpResponse:
    form = SampleSizeForm(request.GET if "kind" in request.GET else DEFAULTS)
    result, problem = None, ""
    if form.is_valid():
        try:
            result = calculate(form.cleaned_data)
        except ValueError as exc:
            problem = str(exc)
    context = {"form": form, "result": result, "problem": problem,
               "data": form.cleaned_data if form.is_valid() else {}}
    template = "_sample_size_result.html" if getattr(request, "htmx", False) else "sample_size.html"
    return render(request, "surveys/distribution/" + template, context)
