"""Catalogue web pages, one module per kind of object; urls.py imports them from here."""

from csm.catalogue.views.blueprint_page import blueprint_page
from csm.catalogue.views.characteristic_pages import (
    characteristic_create,
    characteristic_delete,
    characteristic_detail,
    characteristic_edit,
    characteristic_list,
)
from csm.catalogue.views.service_pages import (
    service_create,
    service_delete,
    service_detail,
    service_edit,
    service_list,
)
from csm.catalogue.views.touch_face_pages import (
    touch_face_create,
    touch_face_delete,
    touch_face_detail,
    touch_face_edit,
    touch_face_list,
)
from csm.catalogue.views.touch_line_pages import (
    touch_line_create,
    touch_line_delete,
    touch_line_detail,
    touch_line_edit,
    touch_line_list,
)
from csm.catalogue.views.touch_point_pages import (
    touch_point_create,
    touch_point_delete,
    touch_point_detail,
    touch_point_edit,
    touch_point_list,
)

__all__ = [
    "blueprint_page",
    "characteristic_create",
    "characteristic_delete",
    "characteristic_detail",
    "characteristic_edit",
    "characteristic_list",
    "service_create",
    "service_delete",
    "service_detail",
    "service_edit",
    "service_list",
    "touch_face_create",
    "touch_face_delete",
    "touch_face_detail",
    "touch_face_edit",
    "touch_face_list",
    "touch_line_create",
    "touch_line_delete",
    "touch_line_detail",
    "touch_line_edit",
    "touch_line_list",
    "touch_point_create",
    "touch_point_delete",
    "touch_point_detail",
    "touch_point_edit",
    "touch_point_list",
]
