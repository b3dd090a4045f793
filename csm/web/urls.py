from django.urls import include, path

from csm.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("csm.accounts.auth_urls")),
    path("o/<slug:org_slug>/", views.dashboard, name="dashboard"),
    path("o/<slug:org_slug>/", include("csm.accounts.urls")),
    path("o/<slug:org_slug>/catalogue/", include("csm.catalogue.urls")),
    path("o/<slug:org_slug>/complaints/", include("csm.complaints.urls")),
    path("o/<slug:org_slug>/surveys/", include("csm.surveys.urls")),
    path("c/<slug:org_slug>/", include("csm.complaints.public_urls")),
    path("s/", include("csm.surveys.public_urls")),
    path("o/<slug:org_slug>/assessments/", include("csm.assessments.urls")),
    path("verify/", include("csm.assessments.public_urls")),
    path("o/<slug:org_slug>/", include("csm.core.urls")),
]
