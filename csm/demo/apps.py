from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data: `csm seed-demo` builds two realistic organisations to explore CSM with."""

    name = "csm.demo"
    label = "demo"
    verbose_name = _("Demo data")
