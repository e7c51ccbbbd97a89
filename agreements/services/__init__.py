"""Every write of the agreements app, by sub-domain (reads are in ``agreements.selectors``).

- ``drafting``: the agreement, its drafts, duties, resources and parties; amending.
- ``signing``: sending for signature, signing, declining, withdrawing, the audit trail,
  and the end of the agreement when its network is dissolved.
- ``notices``: the one-off emails (the request to sign, a decline, the agreement in force).
- ``reminders``: signing reminders and the renewal notice.
- ``pdf``: the sealed Thai and English PDFs and what they and the verify record show.

Keyword-only and typed, named ``<thing>_<verb>``. Emails and the PDF render are started
by task name (``core.queue.enqueue("agreements.tasks.…", id)``) after the commit, so no
service imports ``agreements.tasks``. Code inside the app imports the sub-modules; the
names below are re-exported for the callers outside it (reports, the bench, tests).
"""

from __future__ import annotations

from agreements.errors import AgreementError, ContentFrozen
from agreements.selectors import agreement_current_signed, signatory_choices, totals_of

from .drafting import (
    agreement_reminders_set,
    agreement_start,
    duty_add,
    duty_remove,
    party_add,
    party_remove,
    resource_add,
    resource_remove,
    version_amend,
    version_update,
)
from .notices import party_decline_notice_send, party_sign_request_send, version_signed_notice_send
from .pdf import (
    pdf_keep_together,
    version_pdf_context,
    version_pdf_render,
    version_pdf_render_one,
    version_summary,
)
from .reminders import party_remind, version_renewal_remind
from .signing import (
    agreement_end,
    party_decline,
    party_sign,
    party_view_record,
    version_send,
    version_withdraw,
)

__all__ = [
    "AgreementError",
    "ContentFrozen",
    "agreement_current_signed",
    "agreement_end",
    "agreement_reminders_set",
    "agreement_start",
    "duty_add",
    "duty_remove",
    "party_add",
    "party_decline",
    "party_decline_notice_send",
    "party_remind",
    "party_remove",
    "party_sign",
    "party_sign_request_send",
    "party_view_record",
    "pdf_keep_together",
    "resource_add",
    "resource_remove",
    "signatory_choices",
    "totals_of",
    "version_amend",
    "version_pdf_context",
    "version_pdf_render",
    "version_pdf_render_one",
    "version_renewal_remind",
    "version_send",
    "version_signed_notice_send",
    "version_summary",
    "version_update",
    "version_withdraw",
]
