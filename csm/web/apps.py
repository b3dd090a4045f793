from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "csm.web"
    label = "web"
    verbose_name = "Web"
