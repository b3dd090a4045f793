"""Staff assessment pages, under /o/<org_slug>/assessments/ (namespace "assessments"): conducting an
assessment (urls_manage), issued reports and certificates (urls_reports), and the comparisons over
time, between units and between a self-assessment and an independent one (urls_comparison)."""

from csm.assessments import urls_comparison, urls_manage, urls_reports

app_name = "assessments"
urlpatterns = [*urls_manage.urlpatterns, *urls_reports.urlpatterns, *urls_comparison.urlpatterns]
