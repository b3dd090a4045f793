from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "csm.surveys"
    label = "surveys"
    verbose_name = "Surveys"

    def ready(self) -> None:
        # The worker's schedule is kept by the kernel, which cannot import this app.
        from csm.core.periodic import register_pollers, register_sweeps
        from csm.surveys.periodic import SURVEY_POLLERS, SURVEY_SWEEPS

        register_sweeps(*SURVEY_SWEEPS)
        register_pollers(*SURVEY_POLLERS)
