from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from network.permissions import network_access, object_access

from . import reminding, schedules, services, sources
from . import trend as trends
from .forms import (
    CommitteeForm,
    PreferenceForm,
    ReportFilterForm,
    ReportForm,
    ReviewForm,
    ScheduleForm,
)
from .models import (
    CalendarToken,
    CommitteeReport,
    Notification,
    ProgressReport,
    ReminderPreference,
    ReportingPeriod,
)


def _visible_reports(access):
    """Overseers see every report of the network; a partner only their organisation's."""
    reports = ProgressReport.objects.filter(period__network=access.network)
    if not access.can_oversee:
        reports = reports.filter(organisation_id__in=access.organisation_ids)
    return reports


# Enough for a large network's period on one page; the rest is a click away.
REPORTS_PER_PAGE = 50


@login_required
def index(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug)
    filters = ReportFilterForm(request.GET)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    reports = _visible_reports(access).select_related("period", "organisation")
    if status:
        reports = reports.filter(status=status)
    # The id last: a stable order, so no report appears on two pages or on none.
    page = Paginator(
        reports.order_by("-period__starts_on", "organisation__name_th", "id"), REPORTS_PER_PAGE
    ).get_page(request.GET.get("page"))
    periods: dict[int, dict] = {}
    for report in page.object_list:
        entry = periods.setdefault(report.period_id, {"period": report.period, "reports": []})
        entry["reports"].append(report)
    schedule = services.schedule_for(network=access.network)
    return render(
        request,
        "reports/index.html",
        {
            "network": access.network,
            "access": access,
            "page": page,
            "filters": filters,
            "filtered": bool(status),
            "periods": list(periods.values()),
            "schedule": schedule if schedule.pk else None,
            "standing": services.standing_labels(),
            # Late reports get a "remind now" button for coordinators.
            "can_remind": access.can_manage and not access.network.is_dissolved,
        },
    )


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug)
    if not access.can_oversee:
        raise PermissionDenied(_("The dashboard is for coordinators and the committee."))
    network = access.network
    today = timezone.localdate()
    base = ProgressReport.objects.for_network(network).select_related("period", "organisation")
    late = list(base.late(today).order_by("period__due_on", "organisation__name_th")[:50])
    soon = list(
        base.open()
        .filter(period__due_on__gte=today, period__due_on__lte=today + dt.timedelta(days=14))
        .order_by("period__due_on", "organisation__name_th")[:50]
    )
    totals = base.aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(status__in=("submitted", "accepted"))),
        waiting=Count("id", filter=Q(status="submitted")),
    )
    return render(
        request,
        "reports/dashboard.html",
        {
            "network": network,
            "access": access,
            "late": late,
            "soon": soon,
            "totals": totals,
            "today": today,
            "health_chart": sources.chart("health_trend_svg", network),
            # step_chart, progress, activities_soon: steps and activities read once
            **sources.roadmap_summary(network, today=today),
        },
    )


@login_required
def trend(request: HttpRequest, slug: str) -> HttpResponse:
    """The network over its last periods: reports, obstacles, health and progress."""
    access = network_access(request, slug)
    if not access.can_oversee:
        # Per-period counts of late and missing reports name no one, but in a small
        # network they point at a few partners; the dashboard's rule applies.
        raise PermissionDenied(_("The trend is for coordinators and the committee."))
    rows = trends.trend_rows(network=access.network)
    return render(
        request,
        "reports/trend.html",
        {
            "network": access.network,
            "access": access,
            "trend": rows,
            "periods": len(rows),
            "trend_chart": trends.trend_chart(rows),
        },
    )


@login_required
def schedule(request: HttpRequest, slug: str) -> HttpResponse:
    writing = request.method == "POST"
    access = network_access(request, slug, manage=True, write=writing)
    current = services.schedule_for(network=access.network)
    pending = current.pending_change if current.pk else {}
    if writing:
        form = ScheduleForm(request.POST, instance=current)
    elif pending and request.GET.get("edit") == "pending":
        form = ScheduleForm(pending, instance=current)  # the waiting change, to edit it
    else:
        form = ScheduleForm(instance=current)
    if writing and form.is_valid():
        saved = services.schedule_save(
            network=access.network,
            values=form.cleaned_data,
            raw=form.raw_values(),
            user=request.user,
        )
        if saved.outcome == "preview":
            return redirect("reports:schedule_preview", slug=slug)
        messages.success(request, _("The reporting schedule is saved and confirmed."))
        if saved.plan and saved.plan.reports_opened:
            messages.info(
                request,
                _("Reports opened for the periods that have started: %(count)s.")
                % {"count": saved.plan.reports_opened},
            )
        return redirect("reports:index", slug=slug)
    today = timezone.localdate()
    periods = (
        ReportingPeriod.objects.filter(
            network=access.network, ends_on__gte=today - dt.timedelta(days=365)
        )
        .annotate(report_count=Count("reports"))
        .order_by("starts_on")[:60]
    )
    return render(
        request,
        "reports/schedule.html",
        {
            "network": access.network,
            "access": access,
            "form": form,
            "schedule": current,
            "pending": bool(pending),
            "periods": periods,
            "today": today,
        },
        status=400 if writing else 200,
    )


def _pending_form(access) -> ScheduleForm | None:
    """The change waiting for confirmation, validated again (None when there is none)."""
    current = services.schedule_for(network=access.network)
    if not (current.pk and current.pending_change):
        return None
    return ScheduleForm(current.pending_change, instance=current)


def _differences(network, form: ScheduleForm) -> list[tuple[str, str, str]]:
    """(what, before, after) for each field of the waiting change that shapes periods."""
    from core.dates import format_date

    from .forms import MonthDayField
    from .models import ReportingSchedule

    before = ReportingSchedule.objects.get(network=network)
    choices = dict(ReportingSchedule.Frequency.choices)

    def shown(name: str, value) -> str:
        if name == "frequency":
            return str(choices.get(value, value))
        if name == "starts_on":
            return format_date(value)
        if name.startswith("semester"):
            return MonthDayField.display(value)
        if name == "custom_end_dates":
            return ", ".join(format_date(dt.date.fromisoformat(str(d))) for d in value) or "—"
        if name == "custom_names":
            return (
                ", ".join((n.get("th") or n.get("en") or "") for _d, n in sorted(value.items()))
                or "—"
            )
        return str(value)

    rows = []
    for name in schedules.shaping_fields(form.cleaned_data.get("frequency", before.frequency)):
        old, new = getattr(before, name), form.cleaned_data.get(name)
        if old != new:
            label = form.fields[name].label if name in form.fields else _("Names of the periods")
            rows.append((str(label), shown(name, old), shown(name, new)))
    return rows


@login_required
def schedule_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """What the waiting change would do, for a coordinator to confirm or drop."""
    access = network_access(request, slug, manage=True)
    form = _pending_form(access)
    if form is None:
        messages.info(request, _("No change to the reporting schedule is waiting."))
        return redirect("reports:schedule", slug=slug)
    if not form.is_valid():
        messages.error(request, _("The waiting change is no longer valid; correct it here."))
        return redirect(reverse("reports:schedule", args=[slug]) + "?edit=pending")
    plan, digest = schedules.schedule_preview(
        network=access.network, values=form.cleaned_data, raw=dict(form.data)
    )
    return render(
        request,
        "reports/schedule_preview.html",
        {
            "network": access.network,
            "access": access,
            "plan": plan,
            "digest": digest,
            "differences": _differences(access.network, form),
            "requested_by": form.instance.pending_by,
            "requested_at": form.instance.pending_at,
        },
    )


@login_required
@require_POST
def schedule_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    """Confirm (or drop) the waiting change: all of it, as previewed, or nothing."""
    access = network_access(request, slug, manage=True, write=True)
    if request.POST.get("action") == "discard":
        if schedules.schedule_change_discard(network=access.network):
            messages.info(request, _("The change was dropped; the schedule stays as it was."))
        return redirect("reports:schedule", slug=slug)
    form = _pending_form(access)
    if form is None:
        messages.info(request, _("No change to the reporting schedule is waiting."))
        return redirect("reports:schedule", slug=slug)
    if not form.is_valid():
        messages.error(request, _("The waiting change is no longer valid; correct it here."))
        return redirect(reverse("reports:schedule", args=[slug]) + "?edit=pending")
    try:
        plan = schedules.schedule_change_confirm(
            network=access.network,
            values=form.cleaned_data,
            raw=dict(form.data),  # the waiting change as stored: it must still be there
            expected=request.POST.get("plan", ""),
            user=request.user,
        )
    except schedules.PlanChanged:
        messages.warning(
            request,
            _(
                "Something changed since this preview was made. This is what the change "
                "would do now: check it and confirm again."
            ),
        )
        return redirect("reports:schedule_preview", slug=slug)
    messages.success(
        request,
        _(
            "The reporting schedule is changed. Periods replaced: %(replaced)s. New periods: "
            "%(created)s. Due dates moved: %(moved)s. Reports kept: %(kept)s."
        )
        % {
            "replaced": len(plan.replaced),
            "created": len(plan.created),
            "moved": len(plan.moved),
            "kept": plan.reports_kept,
        },
    )
    return redirect("reports:index", slug=slug)


@login_required
@require_POST
def schedule_propose(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug, manage=True, write=True)
    proposed = services.schedule_propose_from_agreement(network=access.network)
    if proposed is None:
        messages.warning(
            request,
            _("The signed agreement does not say how often partners report; choose it here."),
        )
    elif proposed.is_confirmed:
        messages.info(request, _("The schedule is already confirmed; it was left as it is."))
    else:
        messages.success(
            request,
            _("Proposed from the agreement (“%(words)s”): check it and confirm.")
            % {"words": proposed.proposed_from},
        )
    return redirect("reports:schedule", slug=slug)


# What a ticked checkbox sends (browsers send "on"; scripts may send 1 or true).
CONFIRMED = frozenset({"on", "1", "true", "yes"})
SUBMIT_UNCONFIRMED = gettext_lazy(
    "The report was not submitted: tick “I have checked this report” first. "
    "Nothing was saved; your text is still in the form."
)


def _report_for(request: HttpRequest, slug: str, pk: int, *, write: bool = False):
    report, access = object_access(
        request,
        ProgressReport.objects.select_related("period__network", "organisation"),
        network_path="period__network",
        write=write,
        pk=pk,
        period__network__slug=slug,
    )
    if not (access.can_oversee or access.represents(report.organisation_id)):
        raise PermissionDenied(_("Only this organisation's people and the committee see it."))
    return report, access


@login_required
def report_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    writing = request.method == "POST"
    report, access = _report_for(request, slug, pk, write=writing)
    can_write = report.is_editable and access.can_update_for([report.organisation_id])
    if writing and not can_write:
        raise PermissionDenied(_("This report is read-only."))
    narratives = {(n.subject_kind, n.subject_id): n.text for n in report.narratives.all()}
    form = ReportForm(
        request.POST or None,
        subjects=services.report_subjects(report=report),
        initial={"problems": report.problems, "help_needed": report.help_needed},
        narratives=narratives,
    )
    submit = writing and request.POST.get("action") == "submit"
    # Submitting locks the report: the server, not only the page, asks that the writer
    # has ticked the confirmation, so a stray tap or a replayed POST submits nothing.
    unconfirmed = submit and request.POST.get("confirm_submit") not in CONFIRMED
    if unconfirmed:
        messages.error(request, SUBMIT_UNCONFIRMED)
    if writing and not unconfirmed and form.is_valid():
        try:
            services.report_save(
                report=report,
                user=request.user,
                problems=form.cleaned_data["problems"],
                help_needed=form.cleaned_data["help_needed"],
                narratives=form.narratives(),
                submit=submit,
            )
        except services.ReportLocked:
            raise PermissionDenied(_("This report is read-only.")) from None
        messages.success(
            request, _("Report submitted. Thank you.") if submit else _("Draft saved.")
        )
        return redirect("reports:report", slug=slug, pk=pk)
    period = report.period
    return render(
        request,
        "reports/report.html",
        {
            "network": report.period.network,
            "access": access,
            "report": report,
            "form": form,
            "can_write": can_write,
            "can_review": access.can_manage
            and report.status == ProgressReport.Status.SUBMITTED
            and not report.period.network.is_dissolved,
            "review_form": ReviewForm(),
            "confirm_missing": unconfirmed,
            # "Remind now" for coordinators on a late report, with what is left of it.
            "remind": reminding.remind_state(report=report)
            if access.can_manage and reminding.remindable(report, timezone.localdate())
            else None,
            "narratives": report.narratives.all(),
            "updates": sources.progress_updates(
                report.period.network, period.starts_on, period.ends_on, report.organisation
            ),
        },
        status=400 if writing else 200,
    )


@login_required
@require_POST
def report_remind(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A coordinator's "remind now" on a late report (capped: reports.reminding)."""
    report, _access = object_access(
        request,
        ProgressReport.objects.select_related("period__network", "organisation"),
        network_path="period__network",
        manage=True,
        pk=pk,
        period__network__slug=slug,
    )
    try:
        sent = reminding.report_remind_now(report=report, user=request.user)
    except reminding.RemindRefused as refused:
        messages.error(request, str(refused))
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
    report, _access = object_access(
        request,
        ProgressReport.objects.select_related("period__network"),
        network_path="period__network",
        manage=True,
        pk=pk,
        period__network__slug=slug,
    )
    form = ReviewForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("reports:report", slug=slug, pk=pk)
    try:
        services.report_review(
            report=report,
            user=request.user,
            accept=form.cleaned_data["decision"] == "accept",
            comment=form.cleaned_data["comment"],
        )
    except services.ReportLocked:
        messages.error(request, _("Only a submitted report can be accepted or returned."))
        return redirect("reports:report", slug=slug, pk=pk)
    messages.success(request, _("Decision recorded; the partner has been told."))
    return redirect("reports:report", slug=slug, pk=pk)


@login_required
def committee(request: HttpRequest, slug: str) -> HttpResponse:
    writing = request.method == "POST"
    access = network_access(request, slug, write=writing)
    if not access.can_oversee:
        raise PermissionDenied(_("Committee reports are for coordinators and the committee."))
    form = CommitteeForm(
        request.POST or None,
        network=access.network,
        initial={"language": translation.get_language()},
    )
    if writing and form.is_valid():
        job = services.committee_report_request(
            network=access.network,
            period=form.cleaned_data["period"],
            user=request.user,
            language=form.cleaned_data["language"],
        )
        return redirect("reports:committee_job", slug=slug, pk=job.pk)
    jobs = CommitteeReport.objects.filter(network=access.network).select_related("period")[:20]
    return render(
        request,
        "reports/committee.html",
        {"network": access.network, "access": access, "form": form, "jobs": jobs},
        status=400 if writing else 200,
    )


def _job_for(request: HttpRequest, slug: str, pk: int) -> CommitteeReport:
    job, access = object_access(
        request,
        CommitteeReport.objects.select_related("network", "period"),
        pk=pk,
        network__slug=slug,
    )
    if not access.can_oversee:
        raise PermissionDenied(_("Committee reports are for coordinators and the committee."))
    return job, access


@login_required
def committee_job(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    job, access = _job_for(request, slug, pk)
    template = "reports/_committee_status.html" if request.htmx else "reports/committee_job.html"
    return render(request, template, {"network": job.network, "access": access, "job": job})


@login_required
def committee_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    job, _access = _job_for(request, slug, pk)
    if job.status != CommitteeReport.Status.DONE or not job.pdf:
        raise Http404
    return FileResponse(
        job.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"committee-report-{job.network.slug}-{job.period.starts_on:%Y%m}.pdf",
    )


@login_required
def export(request: HttpRequest, slug: str, what: str, fmt: str) -> HttpResponse:
    access = network_access(request, slug)
    if not access.can_oversee:
        raise PermissionDenied(_("Exports are for coordinators and the committee."))
    if what not in ("reports", "activities") or fmt not in ("csv", "xlsx"):
        raise Http404
    header, rows = services.export_rows(network=access.network, what=what)
    name = f"{access.network.slug}-{what}-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "csv":
        body = services.export_csv(header=header, rows=rows)
        content_type = "text/csv; charset=utf-8"
    else:
        body = services.export_xlsx(header=header, rows=rows, title=what)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    notices = list(
        Notification.objects.filter(user=request.user).select_related(
            "network", "report__period", "report__organisation"
        )[:100]
    )
    return render(request, "reports/notifications.html", {"notices": notices})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    # Someone else's notice is a 404, like anything outside one's own reach.
    if not Notification.objects.filter(user=request.user, pk=pk).exists():
        raise Http404
    services.notification_mark_read(user=request.user, notification_id=pk)
    return redirect("reports:notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    services.notification_mark_read(user=request.user)
    return redirect("reports:notifications")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    current = ReminderPreference.objects.filter(user=request.user).first()
    form = PreferenceForm(
        request.POST or None, initial={"mode": current.mode if current else "all"}
    )
    if request.method == "POST" and form.is_valid():
        services.preference_save(user=request.user, mode=form.cleaned_data["mode"])
        messages.success(request, _("Your reminder settings are saved."))
        return redirect("reports:preferences")
    token = CalendarToken.objects.filter(user=request.user).first()
    return render(
        request,
        "reports/preferences.html",
        {"form": form, "token": token},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def calendar_rotate(request: HttpRequest) -> HttpResponse:
    services.calendar_token_rotate(user=request.user)
    messages.success(request, _("New calendar address made; the old one no longer works."))
    return redirect("reports:preferences")


def calendar(request: HttpRequest, token: str) -> HttpResponse:
    """Public by design: the unguessable token is the credential (calendar apps cannot log in)."""
    row = CalendarToken.objects.select_related("user").filter(token=token).first()
    if row is None or not row.user.is_active:
        raise Http404
    response = HttpResponse(
        services.calendar_ics(user=row.user), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, max-age=900"
    return response


@login_required
def closeout(request: HttpRequest, slug: str) -> HttpResponse:
    """The close-out reports of a dissolved network, for every member (a dissolved
    network stays readable; a reopened one keeps its close-outs)."""
    from . import closeout as closeouts

    access = network_access(request, slug)
    return render(
        request,
        "reports/closeout.html",
        {
            "network": access.network,
            "access": access,
            "closeouts": closeouts.closeouts_for(network=access.network),
        },
    )


@login_required
def closeout_pdf(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """A sealed close-out PDF, only through this permission-checked view (media is private)."""
    from . import closeout as closeouts

    access = network_access(request, slug)
    document = closeouts.closeout_document(network=access.network, code=code)
    if document is None or not document.file:
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        as_attachment=request.GET.get("download") == "1",
        filename=f"close-out-{access.network.slug}-{document.language}.pdf",
    )
