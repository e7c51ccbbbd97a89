from __future__ import annotations

from tests.security.rules import LOGIN, Rule, logged_in, managers, members, overseers, public

from .factories import CommitteeReportFactory, PeriodFactory, ReportFactory, pending_change


def _partner_report(cast):
    """A report of the partner's own organisation: members who may see it get 200."""
    return ReportFactory(period=PeriodFactory(network=cast.network), organisation=cast.partner_org)


def _job(cast):
    return CommitteeReportFactory(period=PeriodFactory(network=cast.network))


def _calendar(cast):
    from reports.services import calendar_token_for

    return f"/calendar/{calendar_token_for(user=cast.partner).token}.ics"


def _notice(cast, who_owns="partner"):
    from reports.models import Notification

    n = Notification.objects.create(user=cast.partner, network=cast.network, kind="before")
    return f"/notifications/{n.pk}/read/"


def _preview(cast) -> str:
    """A change (quarterly → monthly) waiting for a coordinator to check and confirm it."""
    pending_change(cast.network, frequency="monthly")
    return f"/networks/{cast.network.slug}/reports/schedule/preview/"


def _confirm(cast) -> str:
    pending_change(cast.network, frequency="monthly")
    return f"/networks/{cast.network.slug}/reports/schedule/confirm/"


def _duty_activity(cast) -> str:
    """The activity form pre-filled with a duty of the cast network's signed agreement."""
    from django.utils import timezone

    from agreements.models import AgreementVersion
    from tests.agreements.factories import DutyFactory, VersionFactory

    version = VersionFactory(agreement__network=cast.network)
    duty = DutyFactory(version=version, organisation=cast.partner_org)
    # Duties are frozen once a version leaves draft: sign it after adding the duty.
    AgreementVersion.objects.filter(pk=version.pk).update(status="signed", signed_at=timezone.now())
    return f"/networks/{cast.network.slug}/reports/duties/{duty.pk}/activity/"


def _post(ok: dict) -> dict:
    return ok


def _closeout(cast) -> str:
    """The close-out page of the network, dissolved (members still read it)."""
    from network.services import network_dissolve

    cast.network = network_dissolve(
        network=cast.network, reason="ครบวาระโครงการแล้ว", dissolved_on=cast.network.founded_on
    )
    return f"/networks/{cast.network.slug}/close-out/"


def _closeout_pdf(cast) -> str:
    """A sealed close-out of the dissolved network (a stand-in file: the rule is about
    who may download it)."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from core.models import SealedDocument
    from reports.selectors.closeout import closeout_subject, dissolution_record_id

    page = _closeout(cast)
    record_id = dissolution_record_id(network=cast.network)
    document = SealedDocument(
        kind=SealedDocument.Kind.CLOSE_OUT,
        title="รายงานปิดเครือข่าย",
        subject=closeout_subject(network_id=cast.network.pk, record_id=record_id),
        sha256="0" * 64,
        sealed_at=timezone.now(),
    )
    document.file.save(f"{document.code}.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"), save=False)
    document.save()
    return f"{page}{document.code}/pdf/"


# The partner reads its own organisation's report; the chair reads all.
REPORT_READERS = members()
# Only logged-in owners of a notice mark it read; others get a 404 for it.
NOTICE = {
    "partner": 302,
    "coordinator": 404,
    "chair": 404,
    "other_partner": 404,
    "site_admin": 404,
    "anonymous": LOGIN,
}

RULES = {
    "reports:index": Rule(url=lambda c: f"/networks/{c.network.slug}/reports/", expect=members()),
    "reports:dashboard": Rule(
        url=lambda c: f"/networks/{c.network.slug}/dashboard/", expect=overseers()
    ),
    # The trend over the last periods: coordinators, the chair and the committee (as the
    # dashboard); partners 403, another network's people 404.
    "reports:trend": Rule(
        url=lambda c: f"/networks/{c.network.slug}/reports/trend/", expect=overseers()
    ),
    "reports:schedule": Rule(
        url=lambda c: f"/networks/{c.network.slug}/reports/schedule/", expect=managers()
    ),
    # Coordinators only: the chair and partners 403, another network's people 404.
    "reports:schedule_preview": Rule(url=_preview, expect=managers()),
    # A confirmation of a preview nobody saw (no fingerprint): back to the preview.
    "reports:schedule_confirm": Rule(
        url=_confirm, method="post", data=lambda c: {"plan": "unseen"}, expect=managers(302)
    ),
    "reports:schedule_propose": Rule(
        url=lambda c: f"/networks/{c.network.slug}/reports/schedule/propose/",
        method="post",
        expect=managers(302),
    ),
    "reports:duties": Rule(
        url=lambda c: f"/networks/{c.network.slug}/reports/duties/", expect=managers()
    ),
    "reports:duty_activity": Rule(url=_duty_activity, expect=managers()),
    "reports:report": Rule(
        url=lambda c: f"/networks/{c.network.slug}/reports/{_partner_report(c).pk}/",
        expect=REPORT_READERS,
    ),
    "reports:review": Rule(
        url=lambda c: f"/networks/{c.network.slug}/reports/{_partner_report(c).pk}/review/",
        method="post",
        data=lambda c: {"decision": "accept"},
        expect=managers(302),
    ),
    # Coordinators only (they chase late partners; the chair oversees): chair and
    # partners 403, another network's people 404. Refused or not, a redirect with a message.
    "reports:remind": Rule(
        url=lambda c: f"/networks/{c.network.slug}/reports/{_partner_report(c).pk}/remind/",
        method="post",
        expect=managers(302),
    ),
    "reports:committee": Rule(
        url=lambda c: f"/networks/{c.network.slug}/reports/committee/", expect=overseers()
    ),
    "reports:committee_job": Rule(
        url=lambda c: f"/networks/{c.network.slug}/reports/committee/{_job(c).pk}/",
        expect=overseers(),
    ),
    "reports:committee_pdf": Rule(
        # Not built yet: a 404 for those who may see it, 403 for partners.
        url=lambda c: f"/networks/{c.network.slug}/reports/committee/{_job(c).pk}/pdf/",
        expect=overseers(404),
    ),
    "reports:export": Rule(
        url=lambda c: f"/networks/{c.network.slug}/reports/export/reports.csv",
        expect=overseers(),
    ),
    # Every member, also after the dissolution (read-only, still readable); another
    # network's people 404.
    "reports:closeout": Rule(url=_closeout, expect=members()),
    "reports:closeout_pdf": Rule(url=_closeout_pdf, expect=members()),
    "reports:notifications": Rule(url=lambda c: "/notifications/", expect=logged_in()),
    "reports:notification_read": Rule(url=_notice, method="post", expect=NOTICE),
    "reports:notifications_read_all": Rule(
        url=lambda c: "/notifications/read-all/", method="post", expect=logged_in(302)
    ),
    "reports:preferences": Rule(url=lambda c: "/reminders/", expect=logged_in()),
    "reports:digest_stop": Rule(
        url=lambda c: "/reminders/digest/stop/", method="post", expect=logged_in(302)
    ),
    "reports:calendar_rotate": Rule(
        url=lambda c: "/calendar/rotate/", method="post", expect=logged_in(302)
    ),
    # The token is the credential: the same answer whoever asks.
    "reports:calendar": Rule(url=_calendar, expect=public()),
}
