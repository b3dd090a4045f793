"""Complaint configuration pages. No app_name: the complaints URLconf includes these inside its
"complaints" namespace (`path("", include(config_urls))`), so they live under
/o/<org_slug>/complaints/settings/ and reverse as "complaints:config_…"."""

from django.urls import path

from csm.complaints import config_views as views
from csm.complaints import privacy_views

urlpatterns = [
    path("settings/", views.config_home, name="config_home"),
    path("settings/categories/", views.category_list, name="config_categories"),
    path("settings/categories/new/", views.category_create, name="config_category_create"),
    path("settings/categories/<int:pk>/edit/", views.category_edit, name="config_category_edit"),
    path("settings/categories/<int:pk>/delete/", views.category_delete, name="config_category_delete"),
    path("settings/remedies/", views.remedy_list, name="config_remedies"),
    path("settings/remedies/new/", views.remedy_create, name="config_remedy_create"),
    path("settings/remedies/<int:pk>/edit/", views.remedy_edit, name="config_remedy_edit"),
    path("settings/remedies/<int:pk>/delete/", views.remedy_delete, name="config_remedy_delete"),
    path("settings/sla-policies/", views.sla_policy_list, name="config_sla_policies"),
    path("settings/sla-policies/new/", views.sla_policy_create, name="config_sla_policy_create"),
    path("settings/sla-policies/<int:pk>/edit/", views.sla_policy_edit, name="config_sla_policy_edit"),
    path("settings/sla-policies/<int:pk>/delete/", views.sla_policy_delete, name="config_sla_policy_delete"),
    path("settings/escalation/", views.escalation_tier_list, name="config_escalation_tiers"),
    path("settings/escalation/new/", views.escalation_tier_create, name="config_escalation_tier_create"),
    path("settings/escalation/standard/", views.escalation_standard_ladder, name="config_escalation_standard"),
    path("settings/escalation/<int:pk>/edit/", views.escalation_tier_edit, name="config_escalation_tier_edit"),
    path("settings/escalation/<int:pk>/delete/", views.escalation_tier_delete,
         name="config_escalation_tier_delete"),
    path("settings/presets/", views.preset_list, name="config_presets"),
    path("settings/presets/load/", views.presets_load, name="config_presets_load"),
    path("settings/presets/new/", views.preset_create, name="config_preset_create"),
    path("settings/presets/<int:pk>/edit/", views.preset_edit, name="config_preset_edit"),
    path("settings/presets/<int:pk>/delete/", views.preset_delete, name="config_preset_delete"),
    path("settings/presets/<int:pk>/apply/", views.preset_apply, name="config_preset_apply"),
    path("settings/general/", views.settings_page, name="config_settings"),
    path("settings/data-subjects/", privacy_views.data_subjects, name="config_data_subjects"),
    path("settings/mailbox/", privacy_views.mailbox_log, name="config_mailbox"),
]
