from django.urls import path

from csm.accounts import views

app_name = "accounts"
urlpatterns = [
    path("units/", views.units, name="units"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit"),
    path("units/<int:unit_id>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:unit_id>/delete/", views.unit_delete, name="unit_delete"),
    path("clients/new/", views.client_create, name="client_create"),
    path("clients/<int:client_id>/edit/", views.client_edit, name="client_edit"),
    path("members/", views.members, name="members"),
    path("members/new/", views.member_add, name="member_add"),
    path("members/<int:membership_id>/", views.member_detail, name="member"),
    path("members/<int:membership_id>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:membership_id>/active/", views.member_set_active, name="member_set_active"),
    path("settings/", views.organization_settings, name="settings"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
