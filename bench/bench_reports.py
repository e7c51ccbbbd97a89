"""Reports: the reminder sweep at 10,000 and 100,000 due reports, the send rate, and the
committee PDF for a 50-organisation network.

PostgreSQL only for the sweep figures (SQLite rows are skipped with a note). Everything
is created inside one transaction that is rolled back, so the database is left as it was.
"""

from __future__ import annotations

import datetime as dt
import time
import tracemalloc

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

SIZES = (10_000, 100_000)
SEND_SAMPLE = 2_000
SEND_NOTE = (
    "claim + lock + render th email + notice + sent_at, one process, %d sampled, in-memory mail"
)


class _Rollback(Exception):
    pass


def _network(n: int, tag: str):
    from network.models import Membership, Network, Organisation, Person, Role
    from reports.models import ProgressReport, ReportingPeriod, ReportingSchedule

    today = timezone.localdate()
    lead = Organisation.objects.create(
        name_th=f"โรงเรียนนำ {tag}", kind="school", province="chiang_mai"
    )
    network = Network.objects.create(
        name_th=f"เครือข่ายทดสอบความเร็ว {tag}",
        slug=f"bench-{tag}",
        form="networked_org",
        status=Network.Status.ACTIVE,
        lead_organisation=lead,
        founded_on=today,
    )
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(name_th=f"โรงเรียนที่ {i} ({tag})", kind="school", province="chiang_mai")
            for i in range(n)
        ],
        batch_size=5000,
    )
    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(
                email=f"bench-{tag}-{i}@example.org",
                password="!",  # noqa: S106 — Django's "unusable password" marker
                language="th",
            )
            for i in range(n)
        ],
        batch_size=5000,
    )
    people = Person.objects.bulk_create(
        [
            Person(organisation=o, user=u, full_name=f"ครู {i}")
            for i, (o, u) in enumerate(zip(orgs, users, strict=True))
        ],
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        [Membership(network=network, organisation=o, joined_on=today) for o in orgs],
        batch_size=5000,
    )
    Role.objects.bulk_create(
        [Role(network=network, person=p, kind=Role.Kind.PARTNER_REP) for p in people],
        batch_size=5000,
    )
    ReportingSchedule.objects.create(
        network=network,
        starts_on=today,
        status="confirmed",
        remind_days_before=[1],
        remind_days_after=[],
        escalate_after_days=0,
        remind_on_due_day=False,
        send_time=dt.time(0, 0),
        quiet_start=dt.time(0, 0),
        quiet_end=dt.time(0, 0),
        weekly_cap=50,
    )
    period = ReportingPeriod.objects.create(
        network=network,
        starts_on=today - dt.timedelta(days=90),
        ends_on=today - dt.timedelta(days=6),
        due_on=today + dt.timedelta(days=1),
    )
    ProgressReport.objects.bulk_create(
        [ProgressReport(period=period, organisation=o) for o in orgs], batch_size=5000
    )
    return network, period


def _sweep_rows(n: int) -> list[dict]:
    from reports import services
    from reports.models import Reminder

    rows: list[dict] = []
    try:
        with transaction.atomic():
            _network(n, f"s{n}")
            now = timezone.now()
            started = time.perf_counter()
            ids = services.reminder_sweep(now=now)
            first = time.perf_counter() - started
            created = Reminder.objects.count()
            started = time.perf_counter()
            again = services.reminder_sweep(now=now)
            second = time.perf_counter() - started
            rows.append(
                {
                    "what": f"sweep, {n:,} due reports (plans {created:,} rows)",
                    "figure": round(first, 3),
                    "unit": "s",
                    "note": f"{len(ids):,} ids offered to the broker; PostgreSQL",
                }
            )
            rows.append(
                {
                    "what": f"second sweep, {n:,} due reports (nothing new)",
                    "figure": round(second, 3),
                    "unit": "s",
                    "note": f"{len(again):,} ids offered again (the first offer is not stale)",
                }
            )
            sample = ids[:SEND_SAMPLE]
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                started = time.perf_counter()
                outcomes = [services.reminder_send(reminder_id=rid, now=now) for rid in sample]
                elapsed = time.perf_counter() - started
            sent = outcomes.count("sent")
            rows.append(
                {
                    "what": f"reminders sent per second, {n:,} due reports",
                    "figure": round(sent / elapsed, 1),
                    "unit": "/s",
                    "note": SEND_NOTE % len(sample),
                }
            )
            rows.append(_sweep_memory_row(n, now))
            raise _Rollback
    except _Rollback:
        pass
    return rows


def _sweep_memory_row(n: int, now) -> dict:
    """The first sweep's Python peak (tracemalloc), measured after the timed runs: the
    reminders are removed in a savepoint, swept again under tracemalloc, rolled back."""
    from reports import services
    from reports.models import Notification, Reminder

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for model in (Notification, Reminder):
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 — a table name, no values
            tracemalloc.start()
            services.reminder_sweep(now=now)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            raise _Rollback
    except _Rollback:
        pass
    return {
        "what": f"sweep Python peak memory, {n:,} due reports",
        "figure": round(peak / 2**20, 1),
        "unit": "MB",
        "note": "tracemalloc peak of a first sweep (plan + due ids), measured apart",
    }


def _pdf_row() -> dict:
    from reports import services
    from reports.models import ProgressReport

    try:
        with transaction.atomic():
            network, period = _network(50, "pdf50")
            for i, report in enumerate(ProgressReport.objects.filter(period=period)):
                if i % 3 == 0:
                    report.status = "submitted"
                    report.submitted_at = timezone.now()
                    report.problems = "ครูไม่พอ " * 20
                    report.save()
            started = time.perf_counter()
            pdf = services.committee_pdf(network=network, period=period, language="th")
            elapsed = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    return {
        "what": "committee PDF, 50 organisations",
        "figure": round(elapsed, 3),
        "unit": "s",
        "note": f"{len(pdf) // 1024} KiB, WeasyPrint + Sarabun, not yet sealed",
    }


def run() -> list[dict]:
    rows: list[dict] = []
    if settings.IS_POSTGRES:
        for n in SIZES:
            rows.extend(_sweep_rows(n))
    else:
        rows.append(
            {
                "what": "reminder sweep",
                "figure": "skipped",
                "unit": "",
                "note": "needs PostgreSQL: set DATABASE_URL",
            }
        )
    rows.append(_pdf_row())
    return rows
