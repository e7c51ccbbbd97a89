"""Schedules, periods, progress reports and committee PDFs: what partners owe, when."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.dates import format_date
from network.models import Network, Organisation
from reports.periods import Terms, localized_name
from reports.querysets import ProgressReportQuerySet


def _default_before() -> list[int]:
    return [7, 1]


def _default_after() -> list[int]:
    return [3]


class ReportingSchedule(models.Model):
    """How often a network's partners report, and how they are reminded."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        SEMESTER = "semester", _("Each semester of the Thai academic year")
        FISCAL_QUARTER = "fiscal_quarter", _("Quarters of the fiscal year (from 1 October)")
        FISCAL_HALF = "fiscal_half", _("Halves of the fiscal year (October and April)")
        YEARLY = "yearly", _("Yearly")
        CUSTOM = "custom", _("Custom dates")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed, waiting for the coordinator")
        CONFIRMED = "confirmed", _("Confirmed")

    network = models.OneToOneField(
        Network, on_delete=models.CASCADE, related_name="reporting_schedule"
    )
    frequency = models.CharField(
        _("how often"), max_length=16, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    # Days after the period ends: 5 means "the 5th of the following month" for
    # monthly, quarterly and semester periods, which all end on a month's last day.
    due_day = models.PositiveSmallIntegerField(_("due day"), default=7)
    custom_end_dates = models.JSONField(_("custom period end dates"), default=list, blank=True)
    # {"2026-07-31": {"th": "…", "en": "…"}}: names the coordinator gave custom periods.
    custom_names = models.JSONField(_("custom period names"), default=dict, blank=True)
    # The network's own term dates as "MM-DD" (periods.Terms); the defaults are the
    # usual Thai school year.
    semester1_starts = models.CharField(_("semester 1 starts"), max_length=5, default="05-16")
    semester1_ends = models.CharField(_("semester 1 ends"), max_length=5, default="10-31")
    semester2_starts = models.CharField(_("semester 2 starts"), max_length=5, default="11-01")
    semester2_ends = models.CharField(_("semester 2 ends"), max_length=5, default="03-31")
    starts_on = models.DateField(_("first period starts on"))
    remind_days_before = models.JSONField(
        _("remind this many days before the due date"), default=_default_before, blank=True
    )
    remind_on_due_day = models.BooleanField(_("remind on the due date"), default=True)
    remind_days_after = models.JSONField(
        _("remind this many days after the due date"), default=_default_after, blank=True
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("tell the coordinators after this many days overdue"), default=7
    )
    # The second level: the committee chair hears of a report still missing (0: never).
    escalate_chair_after_days = models.PositiveSmallIntegerField(
        _("tell the committee chair after this many days overdue"),
        default=14,
        help_text=_("0 means never."),
    )
    send_time = models.TimeField(_("time reminders are sent"), default=dt.time(8, 0))
    quiet_start = models.TimeField(_("quiet hours start"), default=dt.time(20, 0))
    quiet_end = models.TimeField(_("quiet hours end"), default=dt.time(7, 0))
    weekly_cap = models.PositiveSmallIntegerField(
        _("most reminder emails per person per week"), default=5
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_from = models.TextField(_("proposed from the agreement's words"), blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # A change to a confirmed schedule that would move or replace periods waits here
    # (the form's values) until a coordinator has seen its preview and confirmed it.
    pending_change = models.JSONField(default=dict, blank=True)
    pending_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pending_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reporting schedule")
        verbose_name_plural = _("reporting schedules")
        constraints = [
            models.CheckConstraint(
                condition=Q(due_day__lte=90), name="reporting_schedule_due_day_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.network} — {self.get_frequency_display()}"

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def terms(self) -> Terms:
        """The semesters as ``periods.Terms`` (raises ``periods.TermsError`` if invalid)."""
        return Terms.from_strings(
            self.semester1_starts, self.semester1_ends, self.semester2_starts, self.semester2_ends
        )


class ReportingPeriod(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="report_periods")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    due_on = models.DateField(_("due on"))
    # Named once, when the period is made ("ไตรมาส 4/2569" / "Q4 2026"); every page,
    # email, PDF and calendar shows the name through ``label``.
    name_th = models.CharField(_("name (Thai)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["network", "-starts_on"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "starts_on", "ends_on"], name="reporting_period_unique"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="reporting_period_order"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The period's name in the active language (its dates if it has no name)."""
        return localized_name(self.name_th, self.name_en) or self.dates

    @property
    def dates(self) -> str:
        """Its first and last day, for where the name alone would not say them."""
        return f"{format_date(self.starts_on)} – {format_date(self.ends_on)}"


class ProgressReport(models.Model):
    """One organisation's report for one period."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being written")
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned for changes")

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reports")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="progress_reports"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    problems = models.TextField(_("problems"), blank=True)
    help_needed = models.TextField(_("help needed"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Each review is a round, so "returned" twice gives two distinct notices.
    review_round = models.PositiveSmallIntegerField(default=0)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(_("comment from the coordinator"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period__starts_on", "organisation__name_th"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "organisation"], name="progress_report_one_per_org"
            )
        ]
        indexes = [models.Index(fields=["status"], name="progress_report_status")]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.period}"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def is_late(self) -> bool:
        """Submitted after the due date, or still open after it."""
        due = self.period.due_on
        if self.submitted_at:
            return timezone.localdate(self.submitted_at) > due
        return timezone.localdate() > due

    @property
    def standing(self) -> str:
        """submitted / late / missing / open, as the committee report and dashboard say it."""
        today = timezone.localdate()
        if self.status in (self.Status.SUBMITTED, self.Status.ACCEPTED):
            return "late" if self.is_late else "submitted"
        return "missing" if today > self.period.due_on else "open"


class ReportNarrative(models.Model):
    """The partner's words about one roadmap step or one activity, for one report.

    The subject is kept as (kind, id, title) rather than a foreign key so reports
    stay readable if the roadmap is re-planned after the period.
    """

    class Subject(models.TextChoices):
        STEP = "step", _("Step")
        ACTIVITY = "activity", _("Activity")

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="narratives")
    subject_kind = models.CharField(max_length=16, choices=Subject.choices)
    subject_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=300)
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("report narrative")
        verbose_name_plural = _("report narratives")
        ordering = ["subject_kind", "subject_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "subject_kind", "subject_id"], name="report_narrative_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title


class CommitteeReport(models.Model):
    """A committee PDF for one period, built by a worker; the page polls its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="committee_reports")
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="committee_reports"
    )
    language = models.CharField(max_length=8, default="th")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to="committee_reports/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    verify_code = models.CharField(max_length=64, blank=True)
    verify_url = models.CharField(max_length=500, blank=True)
    # The sealed document in core.sealing, when that layer is present.
    sealed_document_id = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("committee report")
        verbose_name_plural = _("committee reports")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.network} — {self.period} ({self.status})"

    @property
    def poll_seconds(self) -> int:
        """How long the waiting page lets pass before it asks again: every 2 s at first,
        then less often. At the end of a semester thousands of reports wait for two
        workers (a job may wait many minutes), and an open page asking every 2 s for all
        that time would cost the web more than the PDF costs the worker."""
        waited = (timezone.now() - self.requested_at).total_seconds()
        return 2 if waited < 30 else 5 if waited < 120 else 15
