from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "csm.complaints"
    label = "complaints"
    verbose_name = "Complaints"

    def ready(self) -> None:
        # The worker's schedule is kept by the kernel, which cannot import this app.
        from csm.complaints.periodic import COMPLAINT_SWEEPS, INTAKE_SWEEPS
        from csm.core.periodic import register_sweeps

        register_sweeps(*COMPLAINT_SWEEPS, *INTAKE_SWEEPS)
