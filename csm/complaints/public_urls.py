"""Public complaint pages (no login), included under /c/<org_slug>/ with the namespace
"complaints_public". The tracking URLs hold the complainant's private token (see tracking.py)."""

from django.urls import path, register_converter

from csm.complaints import public_views as views


class TrackingTokenConverter:
    """A tracking token is hex (see tracking.py); anything else matches no page (a plain 404)."""

    regex = "[0-9a-f]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TrackingTokenConverter, "tracking_token")

app_name = "complaints_public"

urlpatterns = [
    path("", views.how_to, name="how_to"),
    path("complaint/", views.file_complaint, name="file"),
    path("complaint/thanks/", views.thanks, name="thanks"),
    path("complaint/received/<str:reference>/<tracking_token:token>/", views.confirmation, name="confirmation"),
    path("track/<str:reference>/<tracking_token:token>/", views.track, name="track"),
    path("track/<str:reference>/<tracking_token:token>/information/", views.add_information, name="add_information"),
    path("track/<str:reference>/<tracking_token:token>/decision/", views.respond, name="respond"),
    path("track/<str:reference>/<tracking_token:token>/rate/", views.rate, name="rate"),
]
