"""Public pages under /verify/: anyone can check a confirmation certificate's code."""

from django.urls import URLPattern, URLResolver, path

from csm.assessments import verify_views

app_name = "assessments_public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", verify_views.verify_form, name="verify_form"),
    path("<str:code>/", verify_views.verify, name="verify"),
]
