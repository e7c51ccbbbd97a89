from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Reports read the roadmap when it is there (reports.sources); so does this.
        if apps.is_installed("roadmap"):
            from . import receivers  # noqa: F401 — connects the signal receivers
        from network.tasks_registry import provider_register

        from .owed import duties_to_plan, reports

        provider_register("reports", reports)  # My tasks: the reports owed
        provider_register("reports_duties", duties_to_plan)  # coordinators: duties to plan
