from __future__ import annotations

from django.urls import path

from . import duty_views, views

app_name = "reports"
urlpatterns = [
    path("networks/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path("networks/<slug:slug>/reports/", views.index, name="index"),
    path("networks/<slug:slug>/reports/trend/", views.trend, name="trend"),
    path("networks/<slug:slug>/reports/schedule/", views.schedule, name="schedule"),
    path(
        "networks/<slug:slug>/reports/schedule/preview/",
        views.schedule_preview,
        name="schedule_preview",
    ),
    path(
        "networks/<slug:slug>/reports/schedule/confirm/",
        views.schedule_confirm,
        name="schedule_confirm",
    ),
    path(
        "networks/<slug:slug>/reports/schedule/propose/",
        views.schedule_propose,
        name="schedule_propose",
    ),
    path("networks/<slug:slug>/reports/<int:pk>/", views.report_detail, name="report"),
    path("networks/<slug:slug>/reports/<int:pk>/review/", views.report_review, name="review"),
    path("networks/<slug:slug>/reports/<int:pk>/remind/", views.report_remind, name="remind"),
    path("networks/<slug:slug>/reports/committee/", views.committee, name="committee"),
    path(
        "networks/<slug:slug>/reports/committee/<int:pk>/",
        views.committee_job,
        name="committee_job",
    ),
    path(
        "networks/<slug:slug>/reports/committee/<int:pk>/pdf/",
        views.committee_pdf,
        name="committee_pdf",
    ),
    path(
        "networks/<slug:slug>/reports/export/<str:what>.<str:fmt>",
        views.export,
        name="export",
    ),
    # Section II's duties proposed as roadmap activities (reports may read both apps).
    path("networks/<slug:slug>/reports/duties/", duty_views.duty_list, name="duties"),
    path(
        "networks/<slug:slug>/reports/duties/<int:duty_id>/activity/",
        duty_views.duty_activity,
        name="duty_activity",
    ),
    path("networks/<slug:slug>/close-out/", views.closeout, name="closeout"),
    path(
        "networks/<slug:slug>/close-out/<slug:code>/pdf/",
        views.closeout_pdf,
        name="closeout_pdf",
    ),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("reminders/", views.preferences, name="preferences"),
    path("calendar/rotate/", views.calendar_rotate, name="calendar_rotate"),
    path("calendar/<str:token>.ics", views.calendar, name="calendar"),
]
