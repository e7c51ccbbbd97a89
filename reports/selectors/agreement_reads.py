"""What reports reads from the signed agreement: how often partners report (IV-C/IV-D),
when it took effect, and its duties (section II) not yet in the roadmap.

Reports may read agreements and roadmap (design.md): their models and selectors are
imported directly. Roadmap and agreements do not import each other, so the duty →
activity proposal lives here: a duty counts as planned when an activity was made from
it, or from a duty with the same organisation and words (a later version of the
agreement repeats its duties as new rows).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from agreements.models import AgreementVersion, Duty
from agreements.selectors import agreement_current_signed
from network.models import Network
from roadmap.models import Activity, Step

# Step 5 of the eight: "drive action across organisations", where a duty's work belongs.
DUTY_STEP = 5
TITLE_LENGTH = 120


def signed_agreement(network: Network) -> AgreementVersion | None:
    """The version in force (signed by every party), or None."""
    return agreement_current_signed(network=network)


def agreement_texts(network: Network) -> tuple[str, str]:
    """(IV-D reporting, IV-C monitoring) of the signed agreement; empty without one."""
    version = signed_agreement(network)
    if version is None:
        return "", ""
    return str(version.reporting or ""), str(version.monitoring or "")


def agreement_start(network: Network) -> dt.date | None:
    """When the signed agreement took effect: its effective date, else the day the
    last party signed; None without a signed agreement."""
    version = signed_agreement(network)
    if version is None:
        return None
    if version.effective_from:
        return version.effective_from
    return timezone.localdate(version.signed_at) if version.signed_at else None


# --- duties of the agreement in force -------------------------------------------------
def duty_key(duty: Duty) -> tuple[int, str]:
    """What makes two duties the same duty: the organisation and the words."""
    return duty.organisation_id, " ".join(duty.text.split())


def duties_planned(network: Network) -> dict[tuple[int, str], Activity]:
    """The network's activities made from a duty, by the duty's key."""
    activities = Activity.objects.filter(step__network=network, source_duty_id__isnull=False)
    by_duty = {a.source_duty_id: a for a in activities}
    return {duty_key(d): by_duty[d.pk] for d in Duty.objects.filter(pk__in=by_duty)}


def duties_unplanned(*, network: Network) -> tuple[AgreementVersion | None, list[Duty]]:
    """The agreement in force, and its duties not yet in the roadmap (three queries)."""
    version = signed_agreement(network)
    if version is None:
        return None, []
    planned = duties_planned(network)
    duties = version.duties.select_related("organisation").order_by("organisation__name_th", "id")
    return version, [d for d in duties if duty_key(d) not in planned]


def duty_get(*, network: Network, duty_id: int) -> Duty | None:
    """A duty of the network's agreement in force; None for any other duty."""
    version = signed_agreement(network)
    if version is None:
        return None
    return version.duties.select_related("organisation").filter(pk=duty_id).first()


def duty_activity_initial(*, network: Network, duty: Duty) -> dict:
    """The activity form's first values: the duty's words, its organisation, step 5."""
    text = " ".join(duty.text.split())
    title = text if len(text) <= TITLE_LENGTH else text[: TITLE_LENGTH - 1].rstrip() + "…"
    return {
        "step": Step.objects.filter(network=network, number=DUTY_STEP).first(),
        "title": title,
        "description": duty.text,
        "owners": [duty.organisation_id],
        "status": Activity.Status.NOT_STARTED,
    }


def duties_unplanned_counts(network_ids) -> list[tuple[Network, int]]:
    """(network, duties of its agreement in force not yet in the roadmap) for each of
    these networks that has any; four queries for any number of networks."""
    versions = {
        v.pk: v.agreement.network
        for v in AgreementVersion.objects.signed()
        .filter(agreement__network_id__in=network_ids)
        .select_related("agreement__network")
    }
    if not versions:
        return []
    linked = dict(
        Activity.objects.filter(
            step__network_id__in=network_ids, source_duty_id__isnull=False
        ).values_list("source_duty_id", "step__network_id")
    )
    planned = {(linked[d.pk], *duty_key(d)) for d in Duty.objects.filter(pk__in=linked)}
    counts: dict[int, int] = {}
    for duty in Duty.objects.filter(version_id__in=versions):
        if (versions[duty.version_id].pk, *duty_key(duty)) not in planned:
            counts[duty.version_id] = counts.get(duty.version_id, 0) + 1
    return [(versions[version_id], n) for version_id, n in counts.items()]
