"""Progress reports: the network's list, one report (write, save, submit), a
coordinator's review and "remind now".

Who may read, write, review or remind is decided by ``reports.permissions.report_for``;
the report's rules (open, submitted, late) by the services it calls.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from core.errors import ServiceError
from core.responses import render_form
from network.permissions import Access, network_access
from reports.forms import ReportFilterForm, ReportForm, ReviewForm
from reports.models import ProgressReport
from reports.permissions import (
    network_can_remind,
    report_can_remind,
    report_can_review,
    report_can_write,
    report_for,
    reports_visible,
)
from reports.selectors.pages import report_list
from reports.selectors.reminders import remind_state
from reports.selectors.reports import report_subjects, schedule_for, standing_labels
from reports.selectors.roadmap_reads import progress_updates
from reports.services.progress_reports import report_review as review_record
from reports.services.progress_reports import report_save
from reports.services.remind_now import report_remind_now

# Enough for a large network's period on one page; the rest is a click away.
REPORTS_PER_PAGE = 50
# What a ticked checkbox sends (browsers send "on"; scripts may send 1 or true).
CONFIRMED = frozenset({"on", "1", "true", "yes"})
SUBMIT_UNCONFIRMED = gettext_lazy(
    "The report was not submitted: tick “I have checked this report” first. "
    "Nothing was saved; your text is still in the form."
)


def _by_period(reports) -> list[dict]:
    """The page's reports grouped by period, in the page's order."""
    periods: dict[int, dict] = {}
    for report in reports:
        entry = periods.setdefault(report.period_id, {"period": report.period, "reports": []})
        entry["reports"].append(report)
    return list(periods.values())


@login_required
def index(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug)
    filters = ReportFilterForm(request.GET)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    reports = report_list(reports=reports_visible(access), status=status)
    page = Paginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    schedule = schedule_for(network=access.network)
    return render(
        request,
        "reports/index.html",
        {
            "network": access.network,
            "access": access,
            "page": page,
            "filters": filters,
            "filtered": bool(status),
            "periods": _by_period(page.object_list),
            "schedule": schedule if schedule.pk else None,
            "standing": standing_labels(),
            # Late reports get a "remind now" button for coordinators.
            "can_remind": network_can_remind(access),
        },
    )


def _report_page(
    request: HttpRequest, report: ProgressReport, access: Access, form: ReportForm, **extra
) -> HttpResponse:
    """The report's page: its form (or its text, read-only), review and remind."""
    period = report.period
    return render_form(
        request,
        "reports/report.html",
        {
            "network": period.network,
            "access": access,
            "report": report,
            "form": form,
            "can_write": report_can_write(report, access),
            "can_review": report_can_review(report, access),
            "review_form": ReviewForm(),
            # "Remind now" for coordinators on a late report, with what is left of it.
            "remind": remind_state(report=report)
            if report_can_remind(report, access, timezone.localdate())
            else None,
            "narratives": report.narratives.all(),
            "updates": progress_updates(
                period.network, period.starts_on, period.ends_on, report.organisation
            ),
            **extra,
        },
    )


@login_required
def report_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    writing = request.method == "POST"
    report, access = report_for(request, slug, pk, write=writing)
    form = ReportForm(
        request.POST or None,
        subjects=report_subjects(report=report),
        initial={"problems": report.problems, "help_needed": report.help_needed},
        narratives={(n.subject_kind, n.subject_id): n.text for n in report.narratives.all()},
    )
    submit = writing and request.POST.get("action") == "submit"
    # Submitting locks the report: the server, not only the page, asks that the writer
    # has ticked the confirmation, so a stray tap or a replayed POST submits nothing.
    unconfirmed = submit and request.POST.get("confirm_submit") not in CONFIRMED
    if unconfirmed:
        messages.error(request, SUBMIT_UNCONFIRMED)
    elif writing and form.is_valid():
        try:
            report_save(
                report=report,
                user=request.user,
                problems=form.cleaned_data["problems"],
                help_needed=form.cleaned_data["help_needed"],
                narratives=form.narratives(),
                submit=submit,
            )
        except ServiceError as refused:
            for message in refused.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, _("Report submitted. Thank you.") if submit else _("Draft saved.")
            )
            return redirect("reports:report", slug=slug, pk=pk)
    return _report_page(request, report, access, form, confirm_missing=unconfirmed)


@login_required
@require_POST
def report_remind(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A coordinator's "remind now" on a late report (capped: reports.reminding)."""
    report, _access = report_for(request, slug, pk, remind=True)
    try:
        sent = report_remind_now(report=report, user=request.user)
    except ServiceError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            ngettext(
                "A reminder is on its way to %(n)d representative of %(org)s.",
                "A reminder is on its way to %(n)d representatives of %(org)s.",
                sent,
            )
            % {"n": sent, "org": report.organisation.name},
        )
    if request.POST.get("back") == "index":
        return redirect("reports:index", slug=slug)
    return redirect("reports:report", slug=slug, pk=pk)


@login_required
@require_POST
def report_review(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Accept or return a submitted report; the outcome is a message on the report."""
    report, _access = report_for(request, slug, pk, review=True)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("reports:report", slug=slug, pk=pk)
    try:
        review_record(
            report=report,
            user=request.user,
            accept=form.cleaned_data["decision"] == "accept",
            comment=form.cleaned_data["comment"],
        )
    except ServiceError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Decision recorded; the partner has been told."))
    return redirect("reports:report", slug=slug, pk=pk)
