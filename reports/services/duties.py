"""Section II's duties become roadmap activities.

The signed agreement names what each organisation will do; the roadmap is where the
network follows that work. A coordinator sees the duties of the agreement in force that
are not yet in the roadmap (reports.selectors.agreement_reads), opens the roadmap's
own activity form pre-filled with the duty, and nothing is created until they save it.
The activity keeps the duty's id (``Activity.source_duty_id``) so the duty is not
proposed again.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from agreements.models import Duty
from core.errors import ServiceError
from network.models import Network
from reports.selectors.agreement_reads import duties_planned, duty_key
from roadmap.models import Activity
from roadmap.services import activity_create


class DutyPlanned(ServiceError):
    """The duty is already an activity (a second click, or another coordinator's)."""

    code = "duty_planned"

    def __init__(self, activity: Activity):
        super().__init__(
            _("This duty is already in the roadmap as “%(title)s”.") % {"title": activity.title}
        )
        self.activity = activity


@transaction.atomic
def duty_activity_create(*, network: Network, duty: Duty, **fields) -> Activity:
    """Make the activity the coordinator confirmed, linked to its duty, once.

    The duty's row is locked, so two coordinators (or two clicks) make one activity.
    """
    Duty.objects.select_for_update().filter(pk=duty.pk).first()
    already = duties_planned(network).get(duty_key(duty))
    if already is not None:
        raise DutyPlanned(already)
    activity = activity_create(**fields)
    activity.source_duty_id = duty.pk
    activity.save(update_fields=["source_duty_id", "updated_at"])
    return activity
