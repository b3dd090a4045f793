from django.urls import URLPattern, URLResolver, path

from csm.assessments import report_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/<int:report_id>/", report_views.report_page, name="report"),
    path("reports/<int:report_id>/pdf/", report_views.report_pdf, name="report_pdf"),
    path("reports/<int:report_id>/certificate.pdf", report_views.certificate_pdf, name="certificate_pdf"),
]
