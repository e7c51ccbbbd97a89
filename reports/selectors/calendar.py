"""The personal calendar feed (ICS): every date that asks something of this person.

* their organisations' progress reports still to send (a report sent or accepted is
  no longer due; a returned one is due again), named by the period's own name;
* for the network's overseers, each period's due date;
* their organisations' activities not yet done;
* health-check rounds closing, unless they have answered;
* obstacle register reviews, for the row's owner and the coordinators;
* the end of the agreement in force.

Each event is a whole day and carries a reminder the day before (VALARM, TRIGGER
-P1D): a calendar app shows it without any email. A fixed number of queries,
however many networks and events.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from agreements.models import AgreementVersion
from network.models import Network, Role
from network.permissions import OVERSIGHT_ROLES
from reports.models import ProgressReport, ReportingPeriod
from roadmap.models import Activity, HealthRound, ObstacleEntry

from .reports import report_url
from .trend import period_name


def _event(uid: str, summary: str, day: dt.date, stamp: dt.datetime, *, url: str = "", note=""):
    event = Event()
    event.add("uid", f"{uid}@khruakhai")
    event.add("summary", summary)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("dtstamp", stamp)
    if url:
        event.add("url", url)
    if note:
        event.add("description", note)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", dt.timedelta(days=-1))
    event.add_component(alarm)
    return event


def calendar_build(*, user) -> bytes:
    """The feed of ``user``, in their language."""
    roles = list(
        Role.objects.filter(person__user=user)
        .exclude(network__status=Network.Status.DISSOLVED)
        .values_list("network_id", "kind", "person__organisation_id")
    )
    own = {(n, o) for n, k, o in roles if k in Role.SPEAKING_KINDS}
    overseen = {n for n, k, _o in roles if k in OVERSIGHT_ROLES}
    coordinated = {n for n, k, _o in roles if k == Role.Kind.COORDINATOR}
    networks = {n for n, _k, _o in roles}
    with translation.override(user.language or settings.LANGUAGE_CODE):
        cal = Calendar()
        cal.add("prodid", "-//Khruakhai//reports//TH")
        cal.add("version", "2.0")
        cal.add("x-wr-calname", _("Khruakhai due dates"))
        cal.add("x-wr-timezone", settings.TIME_ZONE)
        stamp = timezone.now()

        mine = Q(pk__in=[])
        for network_id, org_id in own:
            mine |= Q(period__network_id=network_id, organisation_id=org_id)
        reports = (
            ProgressReport.objects.filter(mine)
            .open()
            .select_related("period__network", "organisation")
        )
        for report in reports:
            period = report.period
            summary = _("Progress report due: %(period)s, %(org)s (%(network)s)") % {
                "period": period_name(period),
                "org": report.organisation.name,
                "network": period.network.name,
            }
            cal.add_component(
                _event(
                    f"report-{report.pk}",
                    summary,
                    period.due_on,
                    stamp,
                    url=report_url(report),
                    note=period.dates,
                )
            )

        periods = ReportingPeriod.objects.filter(network_id__in=overseen).select_related("network")
        for period in periods:
            summary = _("Partners' progress reports due: %(period)s (%(network)s)") % {
                "period": period_name(period),
                "network": period.network.name,
            }
            cal.add_component(
                _event(f"period-{period.pk}", summary, period.due_on, stamp, note=period.dates)
            )

        for uid, summary, day in _roadmap_events(user, own, networks, coordinated):
            cal.add_component(_event(uid, summary, day, stamp))
        for uid, summary, day in _agreement_events(networks):
            cal.add_component(_event(uid, summary, day, stamp))
    return cal.to_ical()


def _roadmap_events(user, own, networks, coordinated) -> list[tuple[str, str, dt.date]]:
    """Activities not done, health rounds not answered, obstacle reviews."""
    events = []
    if own:
        owned = Activity.owners.through.objects.filter(
            organisation_id__in={o for _n, o in own}
        ).values("activity_id")
        activities = (
            Activity.objects.filter(
                step__network_id__in={n for n, _o in own},
                pk__in=owned,
                due_on__isnull=False,
            )
            .exclude(status=Activity.Status.DONE)
            .select_related("step__network")
        )
        for a in activities:
            events.append(
                (
                    f"activity-{a.pk}",
                    _("Activity due: %(title)s (%(network)s)")
                    % {"title": a.title, "network": a.step.network.name},
                    a.due_on,
                )
            )
    if networks:
        rounds = (
            HealthRound.objects.filter(network_id__in=networks)
            .exclude(responses__respondent=user)
            .select_related("network")
        )
        for r in rounds:
            events.append(
                (
                    f"health-{r.pk}",
                    _("Health check closes: %(round)s (%(network)s)")
                    % {"round": r.label, "network": r.network.name},
                    r.closes_on,
                )
            )
    if networks:
        reviews = (
            ObstacleEntry.objects.filter(network_id__in=networks, review_on__isnull=False)
            .filter(Q(owner__user=user) | Q(network_id__in=coordinated))
            .select_related("network")
        )
        for entry in reviews:
            events.append(
                (
                    f"obstacle-{entry.pk}",
                    _("Obstacle review: %(title)s (%(network)s)")
                    % {"title": entry.title, "network": entry.network.name},
                    entry.review_on,
                )
            )
    return events


def _agreement_events(networks) -> list[tuple[str, str, dt.date]]:
    """The last day of each agreement in force (its signed version's end date)."""
    if not networks:
        return []
    versions = AgreementVersion.objects.filter(
        status=AgreementVersion.Status.SIGNED,
        agreement__network_id__in=networks,
        effective_until__isnull=False,
    ).select_related("agreement__network")
    return [
        (
            f"agreement-{v.pk}",
            _("Agreement ends: %(title)s (%(network)s)")
            % {"title": v.agreement.title, "network": v.agreement.network.name},
            v.effective_until,
        )
        for v in versions
    ]
