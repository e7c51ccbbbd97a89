from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, not at the top: each imports models, which load only once the
        # app registry is ready (Django's documented place for signal receivers).
        # receivers connects the signal receivers, unconditionally; tasks registers the
        # tasks in every process, since the services start them by name
        # (core.queue.enqueue) and Celery's autodiscovery runs only in a worker.
        from network.tasks_registry import provider_register  # noqa: PLC0415 - app registry

        from . import receivers, tasks  # noqa: F401, PLC0415 - connect receivers, register tasks
        from .owed import duties_to_plan, reports  # noqa: PLC0415 - imports models

        provider_register("reports", reports)  # My tasks: the reports owed
        provider_register("reports_duties", duties_to_plan)  # coordinators: duties to plan
