from django.urls import path

from csm.core import audit_views, calendar_views

app_name = "core"
urlpatterns = [
    path("calendars/", calendar_views.calendars, name="calendars"),
    path("calendars/new/", calendar_views.calendar_create, name="calendar_create"),
    path("calendars/<int:calendar_id>/", calendar_views.calendar_detail, name="calendar"),
    path("calendars/<int:calendar_id>/edit/", calendar_views.calendar_edit, name="calendar_edit"),
    path("calendars/<int:calendar_id>/delete/", calendar_views.calendar_delete, name="calendar_delete"),
    path("calendars/<int:calendar_id>/default/", calendar_views.calendar_make_default, name="calendar_make_default"),
    path("calendars/<int:calendar_id>/hours/", calendar_views.calendar_hours, name="calendar_hours"),
    path("calendars/<int:calendar_id>/holidays/new/", calendar_views.calendar_holiday_add, name="calendar_holiday_add"),
    path(
        "calendars/<int:calendar_id>/holidays/<int:holiday_id>/remove/",
        calendar_views.calendar_holiday_remove,
        name="calendar_holiday_remove",
    ),
    path("audit/", audit_views.audit, name="audit"),
    path("audit.csv", audit_views.audit_csv, name="audit_csv"),
]
