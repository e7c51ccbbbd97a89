from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Agreements")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from network.tasks_registry import provider_register

        from . import receivers  # noqa: F401 — connects the signal receivers
        from .owed import signatures

        provider_register("agreements", signatures)  # My tasks: what this app says a person owes
