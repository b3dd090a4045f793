"""The complaint metrics of `live_metrics` (see its docstring for the definitions)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q

from csm.assessments.live_metrics.scope import (
    _Pair,
    _Ratio,
    _ratios,
    _Scope,
)
from csm.complaints.analytics import STEPS
from csm.complaints.models import Complaint, ComplaintEvent, EventKind
from csm.complaints.workflow import Status

# Complaints -------------------------------------------------------------------------------------

STEP_METRICS = {"complaints.acknowledged_on_time": "acknowledge", "complaints.assessed_on_time": "assess",
                "complaints.responded_on_time": "respond", "complaints.resolved_on_time": "resolve"}
COMPLAINT_METRICS = frozenset({*STEP_METRICS, "complaints.reopen_rate", "complaints.categorised_share",
                               "complaints.handling_satisfaction", "complaints.external_referral_rate"})


def _complaint_figures(scope: _Scope, wanted: frozenset[str]) -> dict[str, _Pair]:
    complaints = Complaint.objects.filter(scope.in_units("unit_id"), organization_id=scope.organization_id)
    ratios = {name: ratio for name, ratio in _complaint_ratios(scope.now).items() if name in wanted}
    return _ratios(complaints, "received_at", ratios, scope)


def _complaint_ratios(now: dt.datetime) -> dict[str, _Ratio]:
    closed_once = Q(closed_at__isnull=False) | Q(reopen_count__gt=0)
    referred = _referred()
    return {
        **{name: _step_ratio(step, now) for name, step in STEP_METRICS.items()},
        "complaints.reopen_rate": _Ratio(whole=closed_once, part=Q(reopen_count__gt=0)),
        "complaints.categorised_share": _Ratio(whole=Q(), part=Q(category__isnull=False)),
        "complaints.handling_satisfaction": _Ratio(whole=Q(rating__isnull=False), part=Q(), summed="rating"),
        "complaints.external_referral_rate": _Ratio(whole=closed_once | referred, part=referred),
    }


def _step_ratio(step: str, now: dt.datetime) -> _Ratio:
    """Done on time, of the outcomes known: the definition of csm.complaints.analytics."""
    done, due = STEPS[step]
    has_due = Q(**{f"{due}__isnull": False})
    is_done = Q(**{f"{done}__isnull": False})
    overdue = Q(**{f"{done}__isnull": True, f"{due}__lt": now}) & ~Q(status=Status.REFERRED)
    return _Ratio(whole=has_due & (is_done | overdue), part=is_done & Q(**{f"{done}__lte": F(due)}))


def _referred() -> Q:
    """In "referred" now, or moved there once (the timeline keeps every status change)."""
    moved = ComplaintEvent.objects.filter(organization_id=OuterRef("organization_id"),
                                          complaint_id=OuterRef("pk"), kind=EventKind.STATUS_CHANGED,
                                          to_status=Status.REFERRED)
    return Q(status=Status.REFERRED) | Q(Exists(moved))
