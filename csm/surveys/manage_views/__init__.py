"""The quality manager's survey pages and the follow-up pages; urls_manage.py routes to them."""

from csm.surveys.manage_views.builder_page import builder_page
from csm.surveys.manage_views.follow_up_pages import follow_up_detail, follow_up_list, response_detail
from csm.surveys.manage_views.item_pages import item_create, item_edit, item_list
from csm.surveys.manage_views.survey_pages import (
    survey_create,
    survey_detail,
    survey_list,
    survey_publish,
    survey_settings,
    survey_status,
)
from csm.surveys.manage_views.version_pages import preview, version_detail

__all__ = [
    "builder_page",
    "follow_up_detail",
    "follow_up_list",
    "item_create",
    "item_edit",
    "item_list",
    "preview",
    "response_detail",
    "survey_create",
    "survey_detail",
    "survey_list",
    "survey_publish",
    "survey_settings",
    "survey_status",
    "version_detail",
]
