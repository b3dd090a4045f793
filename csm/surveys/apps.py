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

        # The complaints app asks, without importing this app, whether a survey replaces its rating.
        from csm.complaints.tracking import register_rating_link
        from csm.surveys.services.closure import closure_rating_link

        register_rating_link(closure_rating_link)
