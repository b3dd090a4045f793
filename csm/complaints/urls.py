from django.urls import include, path

from csm.complaints import analytics_views, import_views, views

app_name = "complaints"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.create, name="create"),
    path("import/", import_views.import_page, name="import"),
    path("sla-calculator/", views.sla_calculator, name="sla_calculator"),
    path("analytics/", analytics_views.analytics_page, name="analytics"),
    path("analytics/volumes/", analytics_views.service_volume_list, name="service_volumes"),
    path("analytics/volumes/<int:pk>/delete/", analytics_views.service_volume_delete, name="service_volume_delete"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("<int:pk>/decision-text/", views.decision_text, name="decision_text"),
    path("<int:pk>/<slug:action>/", views.complaint_action, name="action"),
    path("", include("csm.complaints.config_urls")),
]
