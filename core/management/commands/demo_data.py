"""Load the demo networks. Idempotent: a second run changes nothing.

Each app may ship a ``demo`` module with ``load(*, stdout)``; they run in
INSTALLED_APPS order, so the hub (network) comes before the apps built on it.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Create the demo networks, organisations, people and logins (idempotent)."

    def handle(self, *args, **options) -> None:
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if not find_spec(module_name):
                continue
            with transaction.atomic():
                import_module(module_name).load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
