from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "csm.core"
    label = "core"
    verbose_name = "CSM core"
