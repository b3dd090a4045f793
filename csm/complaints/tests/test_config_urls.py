"""The URLconf the configuration page and API tests run against, and checks of its URL names.

Until the complaints URLconf includes `config_urls` and config/api.py registers `config_api.router`,
this module mounts them itself (pages in the "complaints" namespace under
/o/<org_slug>/complaints/, the router under /api/v1/); once the project does, it adds nothing and
the tests run against the real URLs.
"""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, URLPattern, include, path, resolve, reverse
from ninja import NinjaAPI

import config.urls
from csm.accounts.api_auth import BearerTokenAuth, SessionActorAuth
from csm.complaints import config_urls
from csm.complaints.config_api import router
from csm.core.api_errors import install_error_handlers
from csm.core.api_renderer import FastJSONRenderer

URLCONF = __name__


def _pages_installed() -> bool:
    try:
        reverse("complaints:config_home", urlconf="config.urls", kwargs={"org_slug": "acme"})
    except NoReverseMatch:
        return False
    return True


def _api_installed() -> bool:
    return resolve("/api/v1/complaint-categories", urlconf="config.urls").url_name != "unknown_path"


def _test_api() -> NinjaAPI:
    api = NinjaAPI(auth=[BearerTokenAuth(), SessionActorAuth()], urls_namespace="complaint_config_tests",
                   renderer=FastJSONRenderer(), docs_url=None, openapi_url=None)
    install_error_handlers(api)
    api.add_router("", router)
    return api


urlpatterns = list(config.urls.urlpatterns)
if not _pages_installed():
    urlpatterns.insert(0, path("o/<slug:org_slug>/complaints/", include((config_urls.urlpatterns, "complaints"))))
if not _api_installed():
    urlpatterns.insert(0, path("api/v1/", _test_api().urls))

pytestmark = pytest.mark.urls(URLCONF)

PAGES = {
    "config_home": "",
    "config_categories": "categories/",
    "config_category_create": "categories/new/",
    "config_remedies": "remedies/",
    "config_remedy_create": "remedies/new/",
    "config_sla_policies": "sla-policies/",
    "config_sla_policy_create": "sla-policies/new/",
    "config_escalation_tiers": "escalation/",
    "config_escalation_tier_create": "escalation/new/",
    "config_escalation_standard": "escalation/standard/",
    "config_presets": "presets/",
    "config_presets_load": "presets/load/",
    "config_preset_create": "presets/new/",
    "config_settings": "general/",
    "config_data_subjects": "data-subjects/",
    "config_mailbox": "mailbox/",
}
ITEM_PAGES = {
    "config_category_edit": "categories/7/edit/", "config_category_delete": "categories/7/delete/",
    "config_remedy_edit": "remedies/7/edit/", "config_remedy_delete": "remedies/7/delete/",
    "config_sla_policy_edit": "sla-policies/7/edit/", "config_sla_policy_delete": "sla-policies/7/delete/",
    "config_escalation_tier_edit": "escalation/7/edit/", "config_escalation_tier_delete": "escalation/7/delete/",
    "config_preset_edit": "presets/7/edit/", "config_preset_delete": "presets/7/delete/",
    "config_preset_apply": "presets/7/apply/",
}


def test_config_urls_leave_the_namespace_to_the_complaints_urlconf():
    assert not hasattr(config_urls, "app_name")
    names = [p.name for p in config_urls.urlpatterns if isinstance(p, URLPattern)]
    assert all(name and name.startswith("config_") for name in names)
    assert sorted(names) == sorted([*PAGES, *ITEM_PAGES])


@pytest.mark.parametrize(("name", "tail"), PAGES.items())
def test_each_page_reverses_under_the_complaint_settings_path(name, tail):
    assert reverse(f"complaints:{name}", kwargs={"org_slug": "acme"}) == f"/o/acme/complaints/settings/{tail}"


@pytest.mark.parametrize(("name", "tail"), ITEM_PAGES.items())
def test_each_item_page_reverses_with_its_id(name, tail):
    url = reverse(f"complaints:{name}", kwargs={"org_slug": "acme", "pk": 7})
    assert url == f"/o/acme/complaints/settings/{tail}"
