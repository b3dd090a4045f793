from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "csm.complaints"
    label = "complaints"
    verbose_name = "Complaints"

    def ready(self) -> None:
        # The worker's schedule is kept by the kernel, which cannot import this app.
        from csm.complaints.periodic import COMPLAINT_SWEEPS, INTAKE_POLLERS, INTAKE_SWEEPS
        from csm.core.periodic import register_pollers, register_sweeps

        register_sweeps(*COMPLAINT_SWEEPS, *INTAKE_SWEEPS)
        register_pollers(*INTAKE_POLLERS)

        # The public intake's gate remembers organisations for a few seconds; a save forgets.
        from django.db.models.signals import post_delete, post_save

        from csm.accounts.models import Organization
        from csm.complaints.config_selectors import forget_intake_gates
        from csm.complaints.models import ComplaintSettings

        for model in (Organization, ComplaintSettings):
            post_save.connect(forget_intake_gates, sender=model, dispatch_uid=f"intake-gate-save-{model.__name__}")
            post_delete.connect(forget_intake_gates, sender=model, dispatch_uid=f"intake-gate-delete-{model.__name__}")
