"""Conducting assessments and following their improvement items."""

from django.urls import URLPattern, URLResolver, path

from csm.assessments import conduct_views as views
from csm.assessments import item_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.assessment_list, name="list"),
    path("new/", views.assessment_create, name="create"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/answer/<str:question_id>/", views.answer_question, name="answer"),
    path("<int:pk>/evidence/<str:question_id>/", views.add_evidence, name="add_evidence"),
    path("<int:pk>/metric/<str:question_id>/", views.attach_metric, name="attach_metric"),
    path("<int:pk>/evidence/<int:evidence_id>/remove/", views.remove_evidence, name="remove_evidence"),
    path("<int:pk>/evidence/<int:evidence_id>/file/", views.evidence_file, name="evidence_file"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/return/", views.return_for_changes, name="return"),
    path("<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("reports/<int:report_id>/correct/", views.correct_report, name="correct"),
    path("reports/<int:report_id>/revoke/", views.revoke_certificate, name="revoke"),
    path("improvements/", item_views.improvement_list, name="improvements"),
    path("improvements/<int:pk>/", item_views.improvement_detail, name="improvement"),
]
