"""Settings for the subprocess Celery worker of the kill test: the project's settings,
plus a mail backend that writes files slowly so a SIGKILL lands mid-sweep."""

from __future__ import annotations

import os

from config.settings import *  # noqa: F403

EMAIL_BACKEND = "tests.reports.slow_mail.SlowFileBackend"
EMAIL_FILE_PATH = os.environ["KK_TEST_MAIL_DIR"]
REPORTS_CLAIM_STALE_SECONDS = int(os.environ.get("REPORTS_CLAIM_STALE_SECONDS", "2"))
REPORTS_OFFER_STALE_SECONDS = int(os.environ.get("REPORTS_OFFER_STALE_SECONDS", "2"))
