"""A file mail backend that pauses before writing: widens the window a kill can hit."""

from __future__ import annotations

import os
import time

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("KK_TEST_MAIL_DELAY", "0.05")))
        return super().send_messages(email_messages)
