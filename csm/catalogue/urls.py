"""Catalogue pages, included under /o/<org_slug>/catalogue/."""

from django.urls import path

from csm.catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("blueprint/", views.blueprint_page, name="blueprint"),
    path("services/", views.service_list, name="services"),
    path("services/new/", views.service_create, name="service_create"),
    path("services/<int:pk>/", views.service_detail, name="service_detail"),
    path("services/<int:pk>/edit/", views.service_edit, name="service_edit"),
    path("services/<int:pk>/delete/", views.service_delete, name="service_delete"),
    path("touch-points/", views.touch_point_list, name="touch_points"),
    path("touch-points/new/", views.touch_point_create, name="touch_point_create"),
    path("touch-points/<int:pk>/", views.touch_point_detail, name="touch_point_detail"),
    path("touch-points/<int:pk>/edit/", views.touch_point_edit, name="touch_point_edit"),
    path("touch-points/<int:pk>/delete/", views.touch_point_delete, name="touch_point_delete"),
    path("touch-lines/", views.touch_line_list, name="touch_lines"),
    path("touch-lines/new/", views.touch_line_create, name="touch_line_create"),
    path("touch-lines/<int:pk>/", views.touch_line_detail, name="touch_line_detail"),
    path("touch-lines/<int:pk>/edit/", views.touch_line_edit, name="touch_line_edit"),
    path("touch-lines/<int:pk>/delete/", views.touch_line_delete, name="touch_line_delete"),
    path("touch-faces/", views.touch_face_list, name="touch_faces"),
    path("touch-faces/new/", views.touch_face_create, name="touch_face_create"),
    path("touch-faces/<int:pk>/", views.touch_face_detail, name="touch_face_detail"),
    path("touch-faces/<int:pk>/edit/", views.touch_face_edit, name="touch_face_edit"),
    path("touch-faces/<int:pk>/delete/", views.touch_face_delete, name="touch_face_delete"),
    path("characteristics/", views.characteristic_list, name="characteristics"),
    path("characteristics/new/", views.characteristic_create, name="characteristic_create"),
    path("characteristics/<int:pk>/", views.characteristic_detail, name="characteristic_detail"),
    path("characteristics/<int:pk>/edit/", views.characteristic_edit, name="characteristic_edit"),
    path("characteristics/<int:pk>/delete/", views.characteristic_delete, name="characteristic_delete"),
]
