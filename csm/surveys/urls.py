"""Staff survey pages, under /o/<org_slug>/surveys/ (namespace "surveys"): building and publishing
(urls_manage), dashboards (urls_dashboard) and distribution (urls_distribution)."""

from csm.surveys import urls_dashboard, urls_distribution, urls_manage

app_name = "surveys"
urlpatterns = [*urls_dashboard.urlpatterns, *urls_distribution.urlpatterns, *urls_manage.urlpatterns]
