"""Dissolution closes out (issue 13 item 9): after the commit, a sealed close-out report
in Thai and English, one email per member in their language, the agreement ended.

The PDFs are really rendered, sealed and read back with pdftotext; the task runs on
commit as Celery would run it (eager), then runs again to show it changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agreements.models import AgreementVersion, Party, ResourceItem
from core.models import Dispatch, SealedDocument
from network import services as network_services
from network.models import Network
from network.signals import network_dissolved
from reports import tasks
from reports.selectors import closeout as reads
from reports.services import closeout
from roadmap.models import Activity, Step
from tests.agreements.factories import ResourceFactory, draft_for
from tests.core.pdf_helpers import pdftotext, signing_dir  # noqa: F401
from tests.roadmap.factories import ActivityFactory, ProgressUpdateFactory, WinFactory

pytestmark = pytest.mark.usefixtures("signing_dir")

REASON = "บรรลุเป้าหมายแล้ว นักเรียนทุกคนอ่านออกเขียนได้"
DONE_TITLE = "ห้องสมุดเคลื่อนที่ครบสิบสองโรงเรียน"
DONE_NARRATIVE = "ส่งมอบหนังสือครบทุกโรงเรียนแล้ว"
OPEN_TITLE = "อบรมครูบรรณารักษ์รุ่นที่สอง"
WIN_TITLE = "นักเรียนอ่านคล่องเพิ่มขึ้นร้อยละสามสิบ"
PURPOSE = "ส่งเสริมการอ่านของนักเรียนในตำบลให้ทั่วถึง"


def _squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def ending(cast, django_capture_on_commit_callbacks):
    """A network with a purpose, a done and an unfinished activity, a win and a signed
    agreement whose section III has two lines; the partner reads English."""
    network = cast.network
    network.purpose = PURPOSE
    network.save()
    cast.partner.language = "en"
    cast.partner.save()
    step = Step.objects.get(network=network, number=5)
    step.status = Step.Status.IN_PROGRESS
    step.save()
    done = ActivityFactory(
        network=network,
        title=DONE_TITLE,
        status=Activity.Status.DONE,
        percent=100,
        owners=[network.lead_organisation],
    )
    ProgressUpdateFactory(
        activity=done,
        author=cast.coordinator,
        organisation=network.lead_organisation,
        percent=100,
        status=Activity.Status.DONE,
        narrative=DONE_NARRATIVE,
    )
    unfinished = ActivityFactory(
        network=network, title=OPEN_TITLE, percent=40, owners=[cast.partner_org]
    )
    ProgressUpdateFactory(
        activity=unfinished, author=cast.partner, organisation=cast.partner_org, percent=40
    )
    win = WinFactory(network=network, title=WIN_TITLE)
    win.organisations.set([cast.partner_org])
    with django_capture_on_commit_callbacks(execute=True):
        version = _signed(cast)
    mail.outbox.clear()
    return version


def _signed(cast) -> AgreementVersion:
    """A version every party signed; section III: the partner's 15,000 baht of money
    (the factory's line) and the lead's 5,000 baht of other resources."""
    from agreements import services as agreement_services

    version = draft_for(cast)
    ResourceFactory(
        version=version,
        kind=ResourceItem.Kind.OTHER,
        description="ห้องประชุมและอุปกรณ์",
        amount_baht=Decimal("5000.00"),
        organisation=cast.network.lead_organisation,
    )
    version = agreement_services.version_send(version=version, user=cast.coordinator)
    now = timezone.now()
    for party in version.parties.all():
        party.status = Party.Status.SIGNED
        party.signed_at = now
        party.typed_name = party.signatory.full_name
        party.save()
    version.status = AgreementVersion.Status.SIGNED
    version.signed_at = now
    version.save()
    return version


def _dissolve(cast, callbacks, who="coordinator"):
    with callbacks(execute=True):
        response = cast.client(who).post(
            f"/networks/{cast.network.slug}/dissolve/",
            {"reason": REASON, "dissolved_on": "30/09/2569", "confirm": "on"},
        )
    assert response.status_code == 302
    cast.network.refresh_from_db()


def _documents(network) -> dict[str, SealedDocument]:
    rows = SealedDocument.objects.filter(
        kind=SealedDocument.Kind.CLOSE_OUT, subject__startswith=f"closeout:{network.pk}:"
    )
    return {d.language: d for d in rows}


def _pdf(cast, document, who="partner") -> bytes:
    response = cast.client(who).get(f"/networks/{cast.network.slug}/close-out/{document.code}/pdf/")
    assert response.status_code == 200, who
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


def test_dissolution_seals_the_close_out_tells_each_member_once_and_ends_the_agreement(
    cast, ending, django_capture_on_commit_callbacks
):
    _dissolve(cast, django_capture_on_commit_callbacks)

    # Two sealed documents, one per language, both of this dissolution.
    documents = _documents(cast.network)
    assert set(documents) == {"th", "en"}
    for document in documents.values():
        assert document.is_sealed
        assert len(document.sha256) == 64
    th, en = documents["th"], documents["en"]

    # The Thai PDF states the purpose, the achievements, the unfinished activity with its
    # owner and last percent, and section III's lines with their totals, as committed.
    thai = _squash(pdftotext(_pdf(cast, th), "-raw"))
    for expected in (
        "รายงานปิดเครือข่าย",
        PURPOSE,
        DONE_TITLE,
        DONE_NARRATIVE,
        WIN_TITLE,
        OPEN_TITLE,
        cast.partner_org.name_th,
        "40%",
        "งบประมาณจัดซื้อหนังสือ",
        "15,000.00",
        "ห้องประชุมและอุปกรณ์",
        "20,000.00",
        "30กันยายน2569",
        "ไม่ใช่ยอดที่ใช้จ่ายจริง",
    ):
        assert _squash(expected) in thai, expected

    # The English one says the same in English (what people typed stays as typed).
    english = _squash(pdftotext(_pdf(cast, en), "-raw"))
    for expected in (
        "Close-out report",
        "What was achieved",
        "Unfinished activities",
        DONE_TITLE,
        OPEN_TITLE,
        WIN_TITLE,
        cast.partner_org.name_en,
        "40%",
        "15,000.00",
        "20,000.00",
        "30 September 2026",
        "not what they spent",
    ):
        assert _squash(expected) in english, expected

    # The public verify page recognises the file and shows the record's summary.
    page = cast.client("anonymous").get(f"/verify/{th.code}/").content.decode()
    assert cast.network.name_th in page
    assert "30 กันยายน 2569" in page
    assert REASON in page
    assert cast.partner_org.name_th in page
    upload = SimpleUploadedFile("closeout.pdf", _pdf(cast, th), content_type="application/pdf")
    checked = cast.client("anonymous").post(f"/verify/{th.code}/", {"pdf": upload})
    assert checked.status_code == 200
    assert 'id="verify-result"' in checked.content.decode()
    assert "alert-success" in checked.content.decode()

    # One email per member with a login, in their language, linking to the page.
    members = {cast.coordinator.email, cast.chair.email, cast.partner.email}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(members)
    by_address = {m.to[0]: m for m in mail.outbox}
    english_mail = by_address[cast.partner.email]
    assert "has been dissolved" in english_mail.subject
    assert "30 September 2026" in english_mail.body
    assert REASON in english_mail.body
    thai_mail = by_address[cast.coordinator.email]
    assert "ยุติ" in thai_mail.subject
    assert "30 กันยายน 2569" in thai_mail.body
    assert REASON in thai_mail.body
    page_url = f"/networks/{cast.network.slug}/close-out/"
    assert all(page_url in m.body for m in mail.outbox)

    # Run the task again (a retried or duplicated delivery): nothing new.
    record_id = reads.dissolution_record_id(network=cast.network)
    assert tasks.closeout_build(cast.network.pk, record_id) == 0
    assert len(mail.outbox) == 3
    assert _documents(cast.network) == documents
    assert Dispatch.objects.filter(sent_at__isnull=False).count() == 3
    # … and the sweep finds nothing left to do.
    later = timezone.now() + dt.timedelta(minutes=30)
    assert reads.closeouts_due(now=later) == []

    # The agreement ended on the date of dissolution.
    ending.refresh_from_db()
    assert ending.ended_on == dt.date(2026, 9, 30)

    # Members read the page (the network is dissolved: read-only, still readable).
    for who in ("coordinator", "chair", "partner", "site_admin"):
        response = cast.client(who).get(page_url)
        assert response.status_code == 200, who
        assert th.code in response.content.decode()
        assert en.code in response.content.decode()
    assert cast.client("other_partner").get(page_url).status_code == 404
    assert cast.client("other_partner").get(f"{page_url}{th.code}/pdf/").status_code == 404
    # The code is printed on the PDF, so it is not a secret: under their own network's
    # address it is still not theirs.
    other = f"/networks/{cast.other_network.slug}/close-out/{th.code}/pdf/"
    assert cast.client("other_partner").get(other).status_code == 404

    # Reopening keeps the close-out; its page says the network was reopened.
    response = cast.client("site_admin").post(f"/networks/{cast.network.slug}/reopen/")
    assert response.status_code == 302
    cast.network.refresh_from_db()
    assert not cast.network.is_dissolved
    assert _documents(cast.network) == documents
    page = cast.client("chair").get(page_url).content.decode()
    assert 'id="closeout-reopened"' in page
    assert th.code in page
    assert _pdf(cast, th, who="chair")


def test_a_lost_task_is_found_by_the_sweep(cast, django_capture_on_commit_callbacks):
    """The broker was down at the commit: the on-commit task never ran."""
    cast.network = network_services.network_dissolve(
        network=cast.network, reason=REASON, dissolved_on=dt.date(2026, 9, 30)
    )
    record_id = reads.dissolution_record_id(network=cast.network)
    assert record_id is not None
    soon = timezone.now() + dt.timedelta(minutes=1)
    later = timezone.now() + dt.timedelta(minutes=11)
    assert reads.closeouts_due(now=soon) == []  # the task may still be on its way
    assert reads.closeouts_due(now=later) == [(cast.network.pk, record_id)]
    # The page says it is being prepared; members are told nothing yet.
    page = cast.client("partner").get(f"/networks/{cast.network.slug}/close-out/")
    assert 'id="closeout-pending"' in page.content.decode()
    assert mail.outbox == []


def test_without_a_signed_agreement_the_report_says_so(cast):
    from django.template.loader import render_to_string

    cast.network = network_services.network_dissolve(
        network=cast.network, reason=REASON, dissolved_on=dt.date(2026, 9, 30)
    )
    record_id = reads.dissolution_record_id(network=cast.network)
    record = Network.history.get(history_id=record_id)
    for language, expected in (
        ("th", "ไม่มีข้อตกลงที่ลงนามแล้ว"),
        ("en", "no signed agreement"),
    ):
        context = reads.closeout_context(network=cast.network, record=record, language=language)
        from django.utils import translation

        with translation.override(language):
            html = render_to_string("reports/closeout_pdf.html", context)
        assert expected in html
        # The parties are then the member organisations.
        assert {p.organisation for p in context["facts"].parties} >= {
            cast.partner_org.name_th if language == "th" else cast.partner_org.name_en
        }


def test_dissolving_twice_sends_the_signal_once(cast):
    seen = []

    def receiver(sender, network, record_id, **kwargs):
        seen.append(record_id)

    network_dissolved.connect(receiver)
    try:
        for _ in range(2):
            network_services.network_dissolve(
                network=cast.network, reason=REASON, dissolved_on=dt.date(2026, 9, 30)
            )
    finally:
        network_dissolved.disconnect(receiver)
    cast.network.refresh_from_db()
    assert len(seen) == 1
    assert seen[0] == reads.dissolution_record_id(network=cast.network)


class RefusesOnce:
    """The mail server refuses the first message, then accepts (locmem underneath)."""

    refused = 0

    def __new__(cls, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        class Backend(EmailBackend):
            def send_messages(self, messages):
                if RefusesOnce.refused == 0:
                    RefusesOnce.refused += 1
                    raise ConnectionRefusedError("the mail server is not answering")
                return super().send_messages(messages)

        return Backend(*args, **kwargs)


def test_a_refused_notice_is_sent_by_the_next_run_and_only_then(cast, settings):
    RefusesOnce.refused = 0
    settings.EMAIL_BACKEND = f"{__name__}.RefusesOnce"
    cast.network = network_services.network_dissolve(
        network=cast.network, reason=REASON, dissolved_on=dt.date(2026, 9, 30)
    )
    record_id = reads.dissolution_record_id(network=cast.network)
    # The first message is refused: its claim rolls back, the others go.
    assert closeout.closeout_notify(network_id=cast.network.pk, record_id=record_id) == 2
    assert len(mail.outbox) == 2
    assert Dispatch.objects.count() == 2
    # The next run sends only the one that failed.
    assert closeout.closeout_notify(network_id=cast.network.pk, record_id=record_id) == 1
    assert closeout.closeout_notify(network_id=cast.network.pk, record_id=record_id) == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.coordinator.email, cast.chair.email, cast.partner.email]
    )


@pytest.mark.skipif(
    "postgresql" not in __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL for two concurrent connections",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_claim_each_document_and_each_notice_once(cast):
    """Two threads (two database connections) run the same dissolution's claims at once:
    one document per language, one email per member."""
    import threading

    from django.db import connection

    from reports import receivers

    # Committed at once here: without the receiver, no task runs on that commit (as
    # when the broker was down), and the two workers below find all the work to do.
    network_dissolved.disconnect(dispatch_uid="reports_close_out")
    try:
        cast.network = network_services.network_dissolve(
            network=cast.network, reason=REASON, dissolved_on=dt.date(2026, 9, 30)
        )
    finally:
        network_dissolved.connect(receivers.close_out, dispatch_uid="reports_close_out")
    assert mail.outbox == []
    record_id = reads.dissolution_record_id(network=cast.network)
    subject = reads.closeout_subject(network_id=cast.network.pk, record_id=record_id)
    barrier = threading.Barrier(2)
    reserved, sent = [], []

    def worker():
        try:
            barrier.wait()
            for language in reads.LANGUAGES:
                reserved.append(
                    closeout._reserve(subject=subject, language=language, title="ทดสอบ").pk
                )
            barrier.wait()
            sent.append(closeout.closeout_notify(network_id=cast.network.pk, record_id=record_id))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(reserved)) == 2
    assert len(reserved) == 4
    assert SealedDocument.objects.filter(subject=subject).count() == 2
    assert sum(sent) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.coordinator.email, cast.chair.email, cast.partner.email]
    )
    assert Dispatch.objects.filter(topic=subject, sent_at__isnull=False).count() == 3


def test_a_network_never_dissolved_has_an_empty_close_out_page(cast):
    response = cast.client("partner").get(f"/networks/{cast.network.slug}/close-out/")
    assert response.status_code == 200
    assert 'id="closeout-none"' in response.content.decode()
    assert reads.closeouts_for(network=cast.network) == []


def test_the_dissolved_networks_page_links_to_its_close_out(cast):
    from network import services as network_services

    network_services.network_dissolve(
        network=cast.network, reason="ครบวาระ", dissolved_on=cast.network.founded_on
    )
    page = cast.client("partner").get(f"/networks/{cast.network.slug}/").content.decode()
    assert f"/networks/{cast.network.slug}/close-out/" in page
    assert "รายงานปิดเครือข่าย" in page
