"""The words of privacy: why a holding is kept, what the export calls each section and
column, and what an erasure writes in place of a name.

The apps' personal_data modules name a reason by its key and the export's columns by
their ORM paths; every word a person reads is here, in privacy's catalogue.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ERASED_NAME = _("Erased person")
# Never a real mailbox: .invalid is reserved (RFC 2606), so nothing sent there leaves.
ERASED_EMAIL = "erased-{pk}@erased.invalid"


def erased_name() -> str:
    """The neutral name, stored in the site's language (it is data, not interface)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(ERASED_NAME)


def erased_email(pk: int) -> str:
    return ERASED_EMAIL.format(pk=pk)


# Why (part of) a holding stays after an erasure.
KEPT = {
    "signed_agreement": _(
        "A signed agreement keeps each signatory's name as signed: its text, its sealed "
        "PDF and its public check page do not change. The IP address and browser of each "
        "signing step are removed (for an agreement still being signed, when the retention "
        "period ends)."
    ),
    "accepted_report": _(
        "A progress report stays as it was submitted and accepted: it is the "
        "organisation's report to its network. It shows the neutral name in place of yours."
    ),
    "network_record": _(
        "Part of the network's shared record of its work: it stays and shows the neutral "
        "name in place of yours."
    ),
    "change_history": _(
        "The change history records which login made each change; the login itself is "
        "anonymised, and earlier copies of your entry are anonymised with it."
    ),
    "organisation": _("An organisation's own contact details, not a person's."),
    "site_record": _("The site administrators' record of what was done and decided."),
    "delivery_claim": _(
        "A note that a message was sent, so that it is never sent twice. It holds no "
        "name and is removed when the retention period ends."
    ),
}

# Section titles by model label, in the export's order; any other model is titled by
# its verbose name and comes last.
SECTIONS = {
    "accounts.User": _("Your login"),
    "account.EmailAddress": _("Sign-in email addresses"),
    "mfa.Authenticator": _("Two-factor devices"),
    "network.Person": _("Your entry in the directory"),
    "network.HistoricalPerson": _("Earlier versions of your entry"),
    "network.Role": _("Your roles"),
    "network.Invitation": _("Invitations to you"),
    "network.JoinRequest": _("Requests to join that you filed"),
    "agreements.Party": _("Your signatures"),
    "agreements.SigningEvent": _("Signing steps, with IP address and browser"),
    "agreements.SignatureReminder": _("Signing reminders sent to you"),
    "agreements.AgreementVersion": _("Agreement versions you started"),
    "roadmap.ProgressUpdate": _("Your progress updates"),
    "roadmap.Evidence": _("Evidence files you uploaded"),
    "roadmap.Activity": _("Activities you are responsible for"),
    "roadmap.Win": _("Wins that credit you"),
    "roadmap.ObstacleEntry": _("Obstacles you own"),
    "roadmap.HealthResponse": _("Your health-check answers"),
    "reports.ProgressReport": _("Progress reports you submitted or reviewed"),
    "reports.CommitteeReport": _("Committee reports you asked for"),
    "reports.Notification": _("Your notices"),
    "reports.Reminder": _("Reminders to you"),
    "reports.DigestDispatch": _("Weekly digests sent to you"),
    "reports.ReminderPreference": _("Your reminder settings"),
    "reports.CalendarToken": _("Your calendar address"),
    "privacy.SignIn": _("Sign-in history"),
    "privacy.ErasureRequest": _("Your erasure requests"),
    "core.Dispatch": _("Messages sent to you once"),
    "core.LineLink": _("Your linked LINE account"),
    "core.LineLinkCode": _("Codes for linking LINE"),
    "core.ChannelChoice": _("How each kind of message reaches you"),
    "core.LineDelivery": _("Messages sent to you by LINE"),
    "accounts.User_groups": _("Your permission groups"),
    "accounts.User_user_permissions": _("Your own permissions"),
    "admin.LogEntry": _("Your actions in the site administration"),
}
_ORDER = {key: rank for rank, key in enumerate(SECTIONS)}


def section_rank(key: str) -> int:
    """Where a section comes in the export: as SECTIONS lists them (who you are, what
    you did, what was sent to you), any other after them."""
    return _ORDER.get(key, len(_ORDER))


# Column titles by the name that says what a column is: a plain field's own name, or
# for a path through relations ("activity__step__network__name_th") the relation the
# value names ("network"). In their own context: "Title" elsewhere is a name's title.
COLUMNS = {
    "accepted_at": pgettext_lazy("privacy column", "Accepted at"),
    "action_flag": pgettext_lazy("privacy column", "Action"),
    "action_time": pgettext_lazy("privacy column", "Time"),
    "activity": pgettext_lazy("privacy column", "Activity"),
    "agreement": pgettext_lazy("privacy column", "Agreement"),
    "answers": pgettext_lazy("privacy column", "Answers"),
    "at": pgettext_lazy("privacy column", "Time"),
    "blocked_reason": pgettext_lazy("privacy column", "Why it is blocked"),
    "category": pgettext_lazy("privacy column", "Category"),
    "channel": pgettext_lazy("privacy column", "Channel"),
    "claimed_at": pgettext_lazy("privacy column", "Claimed at"),
    "code": pgettext_lazy("privacy column", "Code"),
    "comment": pgettext_lazy("privacy column", "Comment"),
    "content_type": pgettext_lazy("privacy column", "Kind of record"),
    "created_at": pgettext_lazy("privacy column", "Created at"),
    "date_joined": pgettext_lazy("privacy column", "Account created"),
    "day": pgettext_lazy("privacy column", "Day"),
    "decided_at": pgettext_lazy("privacy column", "Decided at"),
    "decision_note": pgettext_lazy("privacy column", "Note on the decision"),
    "decline_reason": pgettext_lazy("privacy column", "Reason for declining"),
    "declined_at": pgettext_lazy("privacy column", "Declined at"),
    "due_at": pgettext_lazy("privacy column", "Due at"),
    "due_on": pgettext_lazy("privacy column", "Due date"),
    "email": pgettext_lazy("privacy column", "Email"),
    "erased_at": pgettext_lazy("privacy column", "Erased at"),
    "expires_at": pgettext_lazy("privacy column", "Valid until"),
    "failed_at": pgettext_lazy("privacy column", "Sent by email instead at"),
    "full_name": pgettext_lazy("privacy column", "Full name"),
    "group": pgettext_lazy("privacy column", "Group"),
    "happened_on": pgettext_lazy("privacy column", "Date"),
    "help_needed": pgettext_lazy("privacy column", "Help needed"),
    "history_date": pgettext_lazy("privacy column", "Changed at"),
    "ip": pgettext_lazy("privacy column", "IP address"),
    "is_active": pgettext_lazy("privacy column", "Can sign in"),
    "items": pgettext_lazy("privacy column", "Items"),
    "kind": pgettext_lazy("privacy column", "Kind"),
    "language": pgettext_lazy("privacy column", "Language"),
    "last_login": pgettext_lazy("privacy column", "Last sign-in"),
    "last_used_at": pgettext_lazy("privacy column", "Last used"),
    "line_user_id": pgettext_lazy("privacy column", "LINE user ID"),
    "linked_at": pgettext_lazy("privacy column", "Linked at"),
    "message": pgettext_lazy("privacy column", "Message"),
    "mitigation": pgettext_lazy("privacy column", "Mitigation"),
    "mode": pgettext_lazy("privacy column", "Reminders"),
    "narrative": pgettext_lazy("privacy column", "What happened"),
    "network": pgettext_lazy("privacy column", "Network"),
    "number": pgettext_lazy("privacy column", "Version"),
    "organisation": pgettext_lazy("privacy column", "Organisation"),
    "original_name": pgettext_lazy("privacy column", "File name"),
    "percent": pgettext_lazy("privacy column", "Percent complete"),
    "period": pgettext_lazy("privacy column", "Period"),
    "permission": pgettext_lazy("privacy column", "Permission"),
    "phone": pgettext_lazy("privacy column", "Phone"),
    "position": pgettext_lazy("privacy column", "Position"),
    "primary": pgettext_lazy("privacy column", "Primary"),
    "problems": pgettext_lazy("privacy column", "Problems"),
    "read_at": pgettext_lazy("privacy column", "Read at"),
    "reason": pgettext_lazy("privacy column", "Reason"),
    "requested_at": pgettext_lazy("privacy column", "Asked for at"),
    "review_comment": pgettext_lazy("privacy column", "Comment from the coordinator"),
    "review_on": pgettext_lazy("privacy column", "Review date"),
    "reviewed_at": pgettext_lazy("privacy column", "Reviewed at"),
    "role": pgettext_lazy("privacy column", "Role"),
    "rotated_at": pgettext_lazy("privacy column", "Address made at"),
    "round": pgettext_lazy("privacy column", "Round"),
    "sent_at": pgettext_lazy("privacy column", "Sent at"),
    "sequence": pgettext_lazy("privacy column", "Number"),
    "signed_at": pgettext_lazy("privacy column", "Signed at"),
    "size": pgettext_lazy("privacy column", "Size (bytes)"),
    "state": pgettext_lazy("privacy column", "State"),
    "status": pgettext_lazy("privacy column", "Status"),
    "submitted_at": pgettext_lazy("privacy column", "Submitted at"),
    "title": pgettext_lazy("privacy column", "Title"),
    "topic": pgettext_lazy("privacy column", "Topic"),
    "type": pgettext_lazy("privacy column", "Kind"),
    "typed_name": pgettext_lazy("privacy column", "Typed name"),
    "updated_at": pgettext_lazy("privacy column", "Changed at"),
    "digest_consented_at": pgettext_lazy("privacy column", "Weekly digest chosen at"),
    "used_at": pgettext_lazy("privacy column", "Used at"),
    "user_agent": pgettext_lazy("privacy column", "Browser"),
    "verified": pgettext_lazy("privacy column", "Verified"),
    "version": pgettext_lazy("privacy column", "Version"),
    "week_of": pgettext_lazy("privacy column", "Week of"),
}

# The last step of a path that only spells out how a related row is named.
_NAMING = {"name_th", "name", "codename", "title", "label", "number", "model"}


def column_key(path: str) -> str:
    """The COLUMNS key of an export path."""
    parts = path.split("__")
    if len(parts) > 1 and parts[-1] in _NAMING:
        return parts[-2]
    return parts[-1]


def column_title(path: str) -> str:
    return str(COLUMNS.get(column_key(path), path))
