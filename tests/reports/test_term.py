"""One network through a whole simulated term (issue 13, "Must show").

The agreement is signed with "รายไตรมาส" in section IV-D; the schedule proposed from it
is confirmed and its periods exist at once; the sweeps, run with the clock moved
forward (explicit ``now=``/``today=``, no sleeping), send the reminders before, on and
after the due date, hold the early ones of the person who chose a digest for Monday's
digest, and escalate to the coordinators and then to the chair; the partner submits,
is returned with a comment, resubmits and is accepted; the schedule changes from
quarterly to monthly mid-term through its preview; the committee PDF names the period
and tables the obstacles; the network is dissolved and its close-out sealed.

Every email and every in-app notice of the term is compared with the expected list
(recipient, kind) exactly: nothing missing, nothing twice, nothing else.

It runs twice: ``eager`` (any database: tasks run in-process as each transaction
commits) and ``worker`` (PostgreSQL and Redis: every task the steps start crosses the
broker to a real Celery worker, and each step waits, bounded, for what it started). The
sweeps themselves are called in-process with the moved clock, as the reminder tests
do: the beat's tasks take no clock.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation

from agreements import services as agreement_services
from core.models import SealedDocument
from reports import selectors, services
from reports.models import (
    CommitteeReport,
    Notification,
    ProgressReport,
    ReminderPreference,
    ReportingPeriod,
    ReportingSchedule,
)
from roadmap import services as roadmap_services
from tests.agreements.factories import draft_for
from tests.conftest import REDIS_URL
from tests.core.pdf_helpers import pdftotext, signing_dir  # noqa: F401
from tests.factories import PASSWORD
from tests.workers import wait_until

from .conftest import bkk

pytestmark = pytest.mark.usefixtures("signing_dir")

D = dt.date
REPORTING = "ภาคีเครือข่ายรายงานผลการดำเนินงานรายไตรมาสต่อคณะกรรมการ"
MITIGATION = "จัดครูพี่เลี้ยงสอนเสริมช่วงสอบปลายภาค"
RETURN_COMMENT = "กรุณาเพิ่มจำนวนนักเรียนที่เข้าร่วม"
REASON = "ครบวาระตามบันทึกข้อตกลง ส่งต่องานให้เขตพื้นที่"

# What each email says in its (Thai) subject, to name its kind; the first match wins.
SUBJECT_KINDS = (
    ("โปรดลงนาม", "sign_request"),
    ("ลงนามครบ", "agreement_signed"),
    ("สรุปรายสัปดาห์", "digest"),
    ("เรียนประธานคณะกรรมการ", "escalation_chair"),
    ("แจ้งเตือนผู้ประสานงาน", "escalation"),
    ("ส่งรายงานความก้าวหน้าแล้ว", "submitted"),
    ("ถูกส่งกลับ", "returned"),
    ("รับรายงานความก้าวหน้า", "accepted"),
    ("ยุติการดำเนินงาน", "closeout"),
    ("แจ้งเตือน:", "before"),
    ("ครบกำหนดวันนี้", "due"),
    ("เลยกำหนด", "after"),
)


class Term:
    """Runs the steps and keeps the expected emails and notices as they accrue."""

    def __init__(self, cast, mode: str):
        self.cast = cast
        self.mode = mode
        self.mails: list[tuple[str, str]] = []
        self.notices: list[tuple[str, str]] = []

    def expect(self, who, kind: str, *, mail_: bool = True, notice: bool = True) -> None:
        user = getattr(self.cast, who)
        if mail_:
            self.mails.append((user.email, kind))
        if notice:
            self.notices.append((user.email, kind))

    def settle(self, what: str) -> None:
        """Wait (worker) or check (eager) until every expected email has arrived."""
        if self.mode == "worker":
            wait_until(lambda: len(mail.outbox) >= len(self.mails), 120, what)
            wait_until(lambda: Notification.objects.count() >= len(self.notices), 30, what)
        assert Counter(sent_mails()) == Counter(self.mails), what
        assert Counter(sent_notices()) == Counter(self.notices), what

    def sweep(self, now: dt.datetime) -> None:
        """The 15-minute beat at ``now``: plan, send each due reminder, and the digest."""
        for rid in services.reminder_sweep(now=now):
            services.reminder_send(reminder_id=rid, now=now)
        for digest_id in services.digests_plan(now=now):
            services.digest_send(digest_id=digest_id, now=now)


def mail_kind(message) -> str:
    for words, kind in SUBJECT_KINDS:
        if words in message.subject:
            return kind
    return f"unknown: {message.subject}"


def sent_mails() -> list[tuple[str, str]]:
    return [(to, mail_kind(m)) for m in mail.outbox for to in m.to]


def sent_notices() -> list[tuple[str, str]]:
    return list(Notification.objects.values_list("user__email", "kind"))


def _squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(params=["eager", pytest.param("worker", marks=pytest.mark.redis)])
def term(request, cast, transactional_db):
    if request.param == "worker":
        if not REDIS_URL or not settings.IS_POSTGRES:
            pytest.skip("a real worker needs PostgreSQL and Redis: set DATABASE_URL, REDIS_URL")
        request.getfixturevalue("real_worker")
    return Term(cast, request.param)


def test_a_whole_term(cast, term):
    network = cast.network
    lead, partner_org = network.lead_organisation, cast.partner_org
    chair_org = cast.chair.person.organisation

    # --- the agreement: drafted with IV-D "รายไตรมาส", sent, signed by both parties ---
    version = draft_for(cast)
    version.reporting = REPORTING
    version.effective_from = D(2026, 4, 1)
    version.save()
    agreement_services.version_send(version=version, user=cast.coordinator)
    term.expect("coordinator", "sign_request", notice=False)
    term.expect("partner", "sign_request", notice=False)
    term.settle("signature requests")
    for who in ("partner", "coordinator"):
        user = getattr(cast, who)
        party = version.parties.get(signatory__user=user)
        agreement_services.party_sign(
            party=party, user=user, password=PASSWORD, typed_name=party.signatory.full_name
        )
    # The signed PDF is rendered and sealed, then everyone is told (it links to it).
    term.expect("coordinator", "agreement_signed", notice=False)
    term.expect("partner", "agreement_signed", notice=False)
    term.settle("the signed agreement's notice")
    version.refresh_from_db()
    assert version.status == "signed"
    assert version.sealed_document_id

    # --- the schedule: proposed from IV-D, confirmed; periods exist at confirmation ---
    proposed = services.schedule_propose_from_agreement(network=network)
    assert proposed.frequency == "quarterly"
    assert REPORTING in proposed.proposed_from
    assert proposed.status == ReportingSchedule.Status.PROPOSED
    assert not ReportingPeriod.objects.filter(network=network).exists()
    saved = services.schedule_submit(
        network=network,
        values={"frequency": "quarterly", "starts_on": D(2026, 4, 1), "due_day": 7},
        raw={},
        user=cast.coordinator,
        today=D(2026, 4, 2),
    )
    assert saved.outcome == "saved"
    periods = list(ReportingPeriod.objects.filter(network=network).order_by("starts_on"))
    q2 = periods[0]
    assert (q2.name_th, q2.starts_on, q2.ends_on, q2.due_on) == (
        "ไตรมาส 2/2569",
        D(2026, 4, 1),
        D(2026, 6, 30),
        D(2026, 7, 7),
    )
    assert [p.name_en for p in periods[1:4]] == ["Q3 2026", "Q4 2026", "Q1 2027"]
    reports = {r.organisation_id: r for r in q2.reports.all()}
    assert set(reports) == {lead.pk, partner_org.pk, chair_org.pk}
    term.settle("confirmation tells nobody")

    # The coordinator takes early reminders as a weekly digest.
    ReminderPreference.objects.create(user=cast.coordinator, mode="digest")

    # --- reminders before the due date (Tuesday 7 July 2026) ---
    term.sweep(bkk(2026, 6, 29, 9))  # 8 days before: nothing yet
    term.settle("nothing eight days before")
    term.sweep(bkk(2026, 6, 30, 9))  # 7 days before
    term.expect("partner", "before")
    # The coordinator's is held for the digest: the notice now, no email.
    term.expect("coordinator", "before", mail_=False)
    term.settle("seven days before")
    term.sweep(bkk(2026, 6, 30, 9, 15))  # the next sweep adds nothing
    term.settle("the next sweep")
    # Monday 6 July: one day before, and the digest of the two held reminders.
    term.sweep(bkk(2026, 7, 6, 9))
    term.expect("partner", "before")
    term.expect("coordinator", "before", mail_=False)
    term.expect("coordinator", "digest", notice=False)
    term.settle("one day before, and Monday's digest")
    [digest] = [m for m in mail.outbox if mail_kind(m) == "digest"]
    assert "1 ฉบับ" in digest.subject

    # The coordinator hands in the lead organisation's report before it is due.
    services.report_save(
        report=reports[lead.pk],
        user=cast.coordinator,
        problems="",
        help_needed="",
        narratives={},
        submit=True,
    )
    term.expect("coordinator", "submitted")
    term.settle("the lead's report handed in")

    # --- on the due date and after it ---
    term.sweep(bkk(2026, 7, 7, 9))
    term.expect("partner", "due")
    term.settle("the due date")
    term.sweep(bkk(2026, 7, 10, 9))  # 3 days late
    term.expect("partner", "after")
    term.settle("three days late")

    # --- escalation: the coordinators at 7 days, the chair at 14 (two open reports) ---
    term.sweep(bkk(2026, 7, 14, 9))
    for _report in (partner_org, chair_org):
        term.expect("coordinator", "escalation")
    term.settle("the coordinators' escalation")
    term.sweep(bkk(2026, 7, 20, 9))
    term.settle("nothing new at 13 days")
    term.sweep(bkk(2026, 7, 21, 9))
    for _report in (partner_org, chair_org):
        term.expect("chair", "escalation_chair")
    term.settle("the chair's escalation")

    # --- the partner submits; returned with a comment; resubmits; accepted ---
    report = reports[partner_org.pk]
    services.report_save(
        report=report,
        user=cast.partner,
        problems="ครูติดสอบปลายภาค",
        help_needed="",
        narratives={},
        submit=True,
    )
    term.expect("coordinator", "submitted")
    term.settle("the partner's report handed in")
    services.report_review(
        report=report, user=cast.coordinator, accept=False, comment=RETURN_COMMENT
    )
    term.expect("partner", "returned")
    term.settle("returned with a comment")
    returned = Notification.objects.get(user=cast.partner, kind="returned")
    assert returned.comment == RETURN_COMMENT
    [returned_mail] = [m for m in mail.outbox if mail_kind(m) == "returned"]
    assert RETURN_COMMENT in returned_mail.body
    # Returned is open again, but the sweep reminds nobody twice of what was sent.
    term.sweep(bkk(2026, 7, 22, 9))
    term.settle("a sweep while it is returned")
    services.report_save(
        report=report,
        user=cast.partner,
        problems="ครูติดสอบปลายภาค นักเรียนเข้าร่วม 120 คน",
        help_needed="",
        narratives={},
        submit=True,
    )
    term.expect("coordinator", "submitted")
    term.settle("resubmitted")
    services.report_review(report=report, user=cast.coordinator, accept=True, comment="")
    term.expect("partner", "accepted")
    term.settle("accepted")
    report.refresh_from_db()
    assert (report.status, report.review_round) == ("accepted", 2)

    # --- quarterly → monthly mid-term, through the preview (15 August 2026) ---
    today = D(2026, 8, 15)
    services.periods_open(today=today)  # the hourly beat opened Q3 on 1 July
    values = {"frequency": "monthly"}
    submitted = services.schedule_submit(
        network=network,
        values=values,
        raw={"frequency": "monthly"},
        user=cast.coordinator,
        today=today,
    )
    assert submitted.outcome == "preview"  # nothing changed yet
    assert ReportingSchedule.objects.get(network=network).frequency == "quarterly"
    raw = ReportingSchedule.objects.get(network=network).pending_change
    plan, digest_hash = selectors.schedule_preview(
        network=network, values=values, raw=raw, today=today
    )
    assert plan.changes_periods
    services.schedule_change_confirm(
        network=network,
        values=values,
        raw=raw,
        expected=digest_hash,
        user=cast.coordinator,
        today=today,
    )
    names = list(
        ReportingPeriod.objects.filter(network=network)
        .order_by("starts_on")
        .values_list("name_th", flat=True)
    )
    # The quarters that started are kept (with their reports); monthly periods follow.
    assert names[:2] == ["ไตรมาส 2/2569", "ไตรมาส 3/2569"]
    assert names[2] == "ตุลาคม 2569"
    assert "ไตรมาส 4/2569" not in names
    assert q2.reports.get(organisation=partner_org).status == "accepted"
    term.settle("a schedule change tells nobody")

    # --- the committee PDF of Q2: the period by name, and the obstacle table ---
    entry = network.obstacles.order_by("id").first()
    roadmap_services.obstacle_update(
        entry=entry,
        likelihood=4,
        impact=5,
        mitigation=MITIGATION,
        owner=cast.coordinator.person,
        review_on=D(2027, 6, 30),
    )
    job = services.committee_report_request(
        network=network, period=q2, user=cast.chair, language="th"
    )
    if term.mode == "worker":
        wait_until(
            lambda: CommitteeReport.objects.get(pk=job.pk).status in ("done", "failed"),
            180,
            "the committee PDF",
        )
    job.refresh_from_db()
    assert job.status == "done", job.error
    with job.pdf.open("rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF")
    text = _squash(pdftotext(pdf, "-raw"))
    with translation.override("th"):
        header = translation.gettext("Obstacle")
    for expected in (q2.name_th, header, str(entry.title), MITIGATION, "4×5=20"):
        assert _squash(expected) in text, expected
    term.settle("the committee PDF tells nobody")

    # --- dissolution and its sealed close-out ---
    response = cast.client("coordinator").post(
        f"/networks/{network.slug}/dissolve/",
        {"reason": REASON, "dissolved_on": "30/09/2569", "confirm": "on"},
    )
    assert response.status_code == 302
    for who in ("coordinator", "chair", "partner"):
        term.expect(who, "closeout", notice=False)
    term.settle("the close-out notices")
    closeouts = SealedDocument.objects.filter(
        kind=SealedDocument.Kind.CLOSE_OUT, subject__startswith=f"closeout:{network.pk}:"
    )
    if term.mode == "worker":
        wait_until(lambda: closeouts.filter(sealed_at__isnull=False).count() == 2, 60, "seals")
    assert {d.language for d in closeouts} == {"th", "en"}
    assert all(d.is_sealed for d in closeouts)
    th = closeouts.get(language="th")
    response = cast.client("partner").get(f"/networks/{network.slug}/close-out/{th.code}/pdf/")
    assert response.status_code == 200
    closeout_text = _squash(pdftotext(b"".join(response.streaming_content), "-raw"))
    assert _squash(network.name_th) in closeout_text
    assert _squash(REASON) in closeout_text
    # A dissolved network is swept no more: no reminder for its open periods.
    term.sweep(bkk(2026, 11, 10, 9))
    term.settle("a sweep after the dissolution")

    # --- the whole term, exactly: no email or notice missing, none twice, nothing else ---
    if term.mode == "worker":
        time.sleep(1)  # let any duplicate that were to happen land
    assert sorted(sent_mails()) == sorted(term.mails)
    assert sorted(sent_notices()) == sorted(term.notices)
    # By hand: 2 + 2 agreement, 4 reminders, 1 digest, 4 decisions on the partner's
    # report and 1 on the lead's, 2 + 2 escalations, 3 close-outs; notices: 4 early
    # (2 held for the digest), due, after, 2 + 2 escalations, 5 decisions.
    assert len(mail.outbox) == 21
    assert Notification.objects.count() == 15
    assert (
        not ProgressReport.objects.filter(period=q2, status="draft")
        .exclude(organisation=chair_org)
        .exists()
    )
