from __future__ import annotations

from django.urls import path

from core.urls import network_scoped

from .views import committee, duties, exports, notices, overview, progress_reports, schedule

app_name = "reports"

# Under networks/<slug>/ (core.urls.network_scoped).
in_a_network = [
    path("dashboard/", overview.dashboard, name="dashboard"),
    path("reports/", progress_reports.index, name="index"),
    path("reports/trend/", overview.trend, name="trend"),
    path("reports/schedule/", schedule.schedule, name="schedule"),
    path("reports/schedule/preview/", schedule.schedule_preview, name="schedule_preview"),
    path("reports/schedule/confirm/", schedule.schedule_confirm, name="schedule_confirm"),
    path("reports/schedule/propose/", schedule.schedule_propose, name="schedule_propose"),
    path("reports/<int:pk>/", progress_reports.report_detail, name="report"),
    path("reports/<int:pk>/review/", progress_reports.report_review, name="review"),
    path("reports/<int:pk>/remind/", progress_reports.report_remind, name="remind"),
    path("reports/committee/", committee.committee, name="committee"),
    path("reports/committee/<int:pk>/", committee.committee_job, name="committee_job"),
    path("reports/committee/<int:pk>/pdf/", committee.committee_pdf, name="committee_pdf"),
    path("reports/export/<str:what>.<str:fmt>", exports.export, name="export"),
    # Section II's duties proposed as roadmap activities (reports may read both apps).
    path("reports/duties/", duties.duty_list, name="duties"),
    path("reports/duties/<int:duty_id>/activity/", duties.duty_activity, name="duty_activity"),
    path("close-out/", exports.closeout, name="closeout"),
    path("close-out/<slug:code>/pdf/", exports.closeout_pdf, name="closeout_pdf"),
]

urlpatterns = [
    network_scoped(in_a_network),
    path("notifications/", notices.notifications, name="notifications"),
    path("notifications/<int:pk>/read/", notices.notification_read, name="notification_read"),
    path("notifications/read-all/", notices.notifications_read_all, name="notifications_read_all"),
    path("reminders/", notices.preferences, name="preferences"),
    path("reminders/digest/stop/", notices.digest_stop, name="digest_stop"),
    path("calendar/rotate/", notices.calendar_rotate, name="calendar_rotate"),
    path("calendar/<str:token>.ics", notices.calendar, name="calendar"),
]
