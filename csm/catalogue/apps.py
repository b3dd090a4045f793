from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "csm.catalogue"
    label = "catalogue"
    verbose_name = "Service catalogue"
