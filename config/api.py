"""The REST API under /api/v1. Each app contributes one router from its `api.py`."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI, Router, Swagger

from csm.accounts.api import router as accounts_router
from csm.accounts.api_auth import BearerTokenAuth, SessionActorAuth
from csm.assessments.api import router as assessments_router
from csm.catalogue.api import router as catalogue_router
from csm.complaints.analytics_api import router as analytics_router
from csm.complaints.api import router as complaints_router
from csm.complaints.config_api import router as complaint_config_router
from csm.complaints.privacy_api import router as privacy_router
from csm.complaints.public_api import public_router as complaints_public_router
from csm.core.api import router as core_router
from csm.core.api_errors import install_error_handlers
from csm.core.api_renderer import FastJSONRenderer
from csm.core.errors import NotFound
from csm.surveys.api import router as surveys_router
from csm.surveys.dashboard_api import router as survey_dashboard_router
from csm.surveys.distribution_api import router as survey_distribution_router
from csm.surveys.public_api import public_router as surveys_public_router

api = NinjaAPI(
    title="CSM API",
    version="1",
    description=(
        "Customer satisfaction management (ISO 10001-10004). Authenticate with `Authorization: Bearer csm_…` "
        "(create a token under *API tokens*). Lists use cursor pagination: pass `next_cursor` back as `cursor`. "
        'Every error has the shape `{"detail": …, "code": …}`; a 422 lists each bad field.'
    ),
    auth=[BearerTokenAuth(), SessionActorAuth()],
    docs=Swagger(settings={"persistAuthorization": True}),
    urls_namespace="api",
    renderer=FastJSONRenderer(),
)
install_error_handlers(api)
# First: Django tries the URL patterns in order, and the public intake is the busiest endpoint.
api.add_router("", complaints_public_router)
api.add_router("", accounts_router)
api.add_router("", catalogue_router)
api.add_router("", core_router)
# Before the complaints router: its /complaints/{complaint_id} would otherwise take /complaints/analytics.
api.add_router("", analytics_router)
api.add_router("", complaints_router)
api.add_router("", complaint_config_router)
api.add_router("", privacy_router)
api.add_router("", surveys_public_router)
api.add_router("", survey_dashboard_router)
api.add_router("", survey_distribution_router)
api.add_router("", surveys_router)
api.add_router("", assessments_router)

# Registered last, so it only answers what no router matched: an unknown URL under /api/v1/ gets
# the JSON error shape instead of the HTML 404 page. New routers go above this line.
unknown_paths = Router(auth=None)


@unknown_paths.api_operation(["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", include_in_schema=False)
def unknown_path(request: HttpRequest, rest: str) -> None:
    raise NotFound()


api.add_router("", unknown_paths)
