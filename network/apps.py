from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Networks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # ``tasks`` registers the tasks in every process: the services start them by
        # name (core.queue.enqueue) and Celery's autodiscovery runs only in a worker.
        # Imported here, not at the top: it imports models, which load only once the
        # app registry is ready.
        from . import tasks  # noqa: F401, PLC0415 - registers the tasks once models load
