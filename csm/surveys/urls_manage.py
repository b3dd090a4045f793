"""The quality manager's survey pages, the item bank and the follow-ups (see manage_views)."""

from django.urls import path

from csm.surveys import manage_views as views

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_create, name="create"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/settings/", views.survey_settings, name="settings"),
    path("<int:pk>/builder/", views.builder_page, name="builder"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/publish/", views.survey_publish, name="publish"),
    path("<int:pk>/status/", views.survey_status, name="status"),
    path("<int:pk>/versions/<int:number>/", views.version_detail, name="version"),
    path("items/", views.item_list, name="items"),
    path("items/new/", views.item_create, name="item_create"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("follow-ups/", views.follow_up_list, name="follow_ups"),
    path("follow-ups/<int:pk>/", views.follow_up_detail, name="follow_up"),
    path("responses/<int:pk>/", views.response_detail, name="response"),
]
