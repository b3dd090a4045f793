from django.urls import path

from csm.surveys import respond_views

urlpatterns = [
    path("i/<str:token>/", respond_views.invitation, name="invitation"),
    path("<str:public_key>/", respond_views.respond, name="respond"),
    path("<str:public_key>/kiosk/", respond_views.kiosk, name="kiosk"),
]
