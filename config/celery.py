"""The Celery app. Tasks are thin: they take ids and call a service."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("khruakhai")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
