"""Section II's duties become roadmap activities (issue 13 item 4).

The signed agreement names what each organisation will do; the roadmap is where the
network follows that work. Roadmap may not read agreements and agreements may not
import roadmap (an app imports only ``network``), but reports may read both, so the
proposal lives here: a coordinator sees the duties of the agreement in force that are
not yet in the roadmap, opens the roadmap's own activity form pre-filled with the duty
(its text, its organisation as owner, step 5 "drive action across organisations"), and
nothing is created until they save it. The activity keeps the duty's id
(``Activity.source_duty_id``) so the duty is not proposed again; a later version of the
agreement repeats its duties as new rows, so a duty counts as planned when any duty
with the same organisation and words was.
"""

from __future__ import annotations

from django.db import transaction

from agreements.models import AgreementVersion, Duty
from network.models import Network
from roadmap import services as roadmap_services
from roadmap.models import Activity, Step

from . import schedules

# Step 5 of the eight: "drive action across organisations", where a duty's work belongs.
DEFAULT_STEP = 5
TITLE_LENGTH = 120


class DutyPlanned(Exception):
    """The duty is already an activity (a second click, or another coordinator's)."""

    def __init__(self, activity: Activity):
        super().__init__(activity.title)
        self.activity = activity


def duty_key(duty: Duty) -> tuple[int, str]:
    return duty.organisation_id, " ".join(duty.text.split())


def _planned_keys(network: Network) -> dict[tuple[int, str], Activity]:
    activities = Activity.objects.filter(step__network=network, source_duty_id__isnull=False)
    by_duty = {a.source_duty_id: a for a in activities}
    duties = Duty.objects.filter(pk__in=by_duty)
    return {duty_key(d): by_duty[d.pk] for d in duties}


def duties_unplanned(*, network: Network) -> tuple[AgreementVersion | None, list[Duty]]:
    """The agreement in force, and its duties not yet in the roadmap (three queries)."""
    version = schedules._signed_agreement(network)
    if version is None:
        return None, []
    planned = _planned_keys(network)
    duties = version.duties.select_related("organisation").order_by("organisation__name_th", "id")
    return version, [d for d in duties if duty_key(d) not in planned]


def duty_get(*, network: Network, duty_id: int) -> Duty | None:
    """A duty of the network's agreement in force; None for any other duty."""
    version = schedules._signed_agreement(network)
    if version is None:
        return None
    return version.duties.select_related("organisation").filter(pk=duty_id).first()


def duty_activity_initial(*, network: Network, duty: Duty) -> dict:
    """The activity form's first values: the duty's words, its organisation, step 5."""
    text = " ".join(duty.text.split())
    title = text if len(text) <= TITLE_LENGTH else text[: TITLE_LENGTH - 1].rstrip() + "…"
    return {
        "step": Step.objects.filter(network=network, number=DEFAULT_STEP).first(),
        "title": title,
        "description": duty.text,
        "owners": [duty.organisation_id],
        "status": Activity.Status.NOT_STARTED,
    }


@transaction.atomic
def duty_activity_create(*, network: Network, duty: Duty, **fields) -> Activity:
    """Make the activity the coordinator confirmed, linked to its duty, once.

    The duty's row is locked, so two coordinators (or two clicks) make one activity.
    """
    Duty.objects.select_for_update().filter(pk=duty.pk).first()
    already = _planned_keys(network).get(duty_key(duty))
    if already is not None:
        raise DutyPlanned(already)
    activity = roadmap_services.activity_create(**fields)
    activity.source_duty_id = duty.pk
    activity.save(update_fields=["source_duty_id", "updated_at"])
    return activity
