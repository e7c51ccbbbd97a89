from __future__ import annotations

# The app Celery made current (config/__init__.py loads config.celery when Django
# starts), so core never imports config: the arrows run from config down only.
from celery import current_app as celery_app
from django.conf import settings
from django.db import Error as DatabaseFailure
from django.db import connection
from kombu.exceptions import KombuError


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseFailure:  # Django's wrapper of every driver error (connect, query)
        return False


def broker_ok() -> bool:
    """Open a real connection to the broker, with a short timeout."""
    try:
        with celery_app.connection_for_write(
            url=settings.CELERY_BROKER_URL, connect_timeout=1
        ) as conn:
            conn.ensure_connection(max_retries=0, timeout=1)
        return True
    # kombu raises its OperationalError for a refused, unreachable or unnamed host (it
    # wraps the transport's errors); OSError for a socket error it leaves unwrapped.
    except (KombuError, OSError):
        return False


def status() -> tuple[bool, dict]:
    checks = {"database": database_ok(), "broker": broker_ok()}
    down = [name for name, ok in checks.items() if not ok]
    body = {
        "status": "ok" if not down else "error",
        "database": "ok" if checks["database"] else "down",
        "broker": "ok" if checks["broker"] else "down",
        "version": settings.VERSION,
    }
    if down:
        body["down"] = down
    return not down, body
