"""The satisfaction dashboard and its downloads, under /o/<org_slug>/surveys/."""

from django.urls import URLPattern, URLResolver, path

from csm.surveys import dashboard_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("dashboard/", dashboard_views.dashboard_page, name="dashboard"),
    path("dashboard/export/", dashboard_views.dashboard_export_view, name="dashboard_export"),
]
