from django.urls import URLPattern, URLResolver, path

from csm.surveys import opt_out_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("o/<int:invitation_id>/<str:token>/", opt_out_views.opt_out, name="opt_out"),
    path("c/<slug:org_slug>/<str:reference>/<str:token>/", opt_out_views.complaint_survey, name="complaint_survey"),
]
