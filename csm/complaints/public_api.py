"""Public complaint endpoints (no authentication): a complainant sends a complaint, and reads it
back with the private token of their tracking link.

The organisation comes from the path (404 when unknown, or when its public intake is off for
sending). Sending has the same rate limits as the web form (per IP and per e-mail, 429) and
honours an Idempotency-Key header (scope "public"): a retry returns the first complaint with 200.
The read returns no personal data, only what the complainant's tracking page shows.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from csm.accounts.models import Organization
from csm.catalogue.models import Channel
from csm.complaints import intake_limits, selectors, services
from csm.complaints.config_selectors import intake_organization
from csm.complaints.models import Complaint, CustomerReaction, EventKind
from csm.complaints.public_forms import active_services, active_touch_points
from csm.complaints.public_views import customer_entries
from csm.complaints.schemas import (
    IdempotencyKeyHeader,
    PublicComplaintIn,
    PublicComplaintOut,
    PublicCreatedOut,
)
from csm.complaints.tracking import tracking_url
from csm.complaints.workflow import Status as ComplaintStatus
from csm.core.errors import InvalidInput
from csm.core.schemas import ERRORS, ErrorOut

public_router = Router(tags=["public"])

PUBLIC_ERRORS = {**ERRORS, 429: ErrorOut}
NO_SUCH_OBJECT = "No such object in this organisation."


def _intake_data(organization: Organization, payload: PublicComplaintIn) -> dict[str, Any]:
    """The complaint's fields, with the service and touch point found among the organisation's
    active ones (a 422 on the id otherwise)."""
    data = payload.dict()
    service_id, touch_point_id = data.pop("service_id"), data.pop("touch_point_id")
    service = active_services(organization).filter(pk=service_id).first() if service_id else None
    if service_id and service is None:
        raise InvalidInput("service_id", NO_SUCH_OBJECT)
    point = active_touch_points(organization).filter(pk=touch_point_id).first() if touch_point_id else None
    if touch_point_id and point is None:
        raise InvalidInput("touch_point_id", NO_SUCH_OBJECT)
    return {**data, "channel": Channel.WEB, "service": service, "touch_point": point}


def _created(complaint: Complaint) -> dict[str, Any]:
    return {
        "reference": complaint.reference, "status": complaint.status, "status_label": str(complaint.customer_label),
        "tracking_url": tracking_url(organization_slug=complaint.organization.slug, reference=complaint.reference,
                                     secret=complaint.tracking_secret),
        "acknowledge_due_at": complaint.acknowledge_due_at, "respond_due_at": complaint.respond_due_at,
        "resolve_due_at": complaint.resolve_due_at,
    }


@public_router.post("/public/{org_slug}/complaints", auth=None,
                    response={200: PublicCreatedOut, 201: PublicCreatedOut, **PUBLIC_ERRORS})
def send_complaint(request: HttpRequest, org_slug: str, payload: PublicComplaintIn,
                   idempotency_key: IdempotencyKeyHeader = None) -> Any:
    """Send a complaint. Keep `tracking_url`: it is the complainant's only way to follow it. The
    deadlines are null while the complaint is being registered (normally under a second); the
    acknowledgement e-mail and the tracking page give them."""
    organization = intake_organization(slug=org_slug)
    registered = services.accept_complaint(
        organization=organization, data=_intake_data(organization, payload), idempotency_key=idempotency_key or "",
        scope="public", ip=intake_limits.client_ip(request.META), email=payload.complainant_email)
    return Status(201 if registered.created else 200, _created(registered.complaint))


class TokenQuery(Schema):
    token: str = Field(pattern=r"^[0-9a-f]{1,64}$", description="The token of the private tracking link.")


def _decision(complaint: Complaint) -> str:
    decisions = [e.body for e in selectors.customer_timeline(complaint=complaint) if e.kind == EventKind.DECISION]
    return decisions[-1] if decisions else ""


@public_router.get("/public/{org_slug}/complaints/{reference}", auth=None,
                   response={200: PublicComplaintOut, **PUBLIC_ERRORS})
def read_complaint(request: HttpRequest, response: HttpResponse, org_slug: str, reference: str,
                   query: Query[TokenQuery]) -> Any:
    """The complainant's view of their complaint: status, dates, decision and visible history."""
    response["Cache-Control"] = "no-store"  # the token is in the URL: no shared cache may keep this
    complaint = selectors.complaint_for_tracking(organization_slug=org_slug, reference=reference, token=query.token)
    return {
        "reference": complaint.reference, "status": complaint.status, "status_label": str(complaint.customer_label),
        "received_at": complaint.received_at, "acknowledge_due_at": complaint.acknowledge_due_at,
        "respond_due_at": complaint.respond_due_at, "resolve_due_at": complaint.resolve_due_at,
        "closed_at": complaint.closed_at, "decision": _decision(complaint),
        "decision_waiting": complaint.status == ComplaintStatus.DECISION_COMMUNICATED
        and complaint.customer_reaction == CustomerReaction.NONE,
        "customer_reaction": complaint.customer_reaction, "rated": complaint.rated_at is not None,
        "timeline": [{**entry, "title": str(entry["title"])} for entry in customer_entries(complaint)],
    }
