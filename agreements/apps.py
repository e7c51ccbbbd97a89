from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "agreements"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from network.tasks_registry import provider_register

        from . import receivers  # noqa: F401 — connects the signal receivers
        from .owed import signatures

        provider_register("agreements", signatures)  # My tasks: what this app says a person owes
