from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "csm.assessments"
    label = "assessments"
    verbose_name = "Assessments"

    def ready(self) -> None:
        from csm.assessments import checks  # noqa: F401  (registers the start-up check of the protocols)
