"""A file mail backend for the kill test: it announces each send with a marker file,
pauses, writes the message, then removes the marker. While the marker exists the
worker is provably mid-send and has not handed the message over yet."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        marker = Path(settings.EMAIL_FILE_PATH).parent / f"sending-{os.getpid()}"
        marker.touch()
        try:
            time.sleep(float(os.environ.get("KK_TEST_MAIL_DELAY", "0.05")))
            return super().send_messages(email_messages)
        finally:
            marker.unlink(missing_ok=True)
