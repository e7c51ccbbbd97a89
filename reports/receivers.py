"""Reactions to other apps' signals. Receivers only call a service."""

from __future__ import annotations

from django.dispatch import receiver

from roadmap.signals import activity_deleting

from .services import activity_report_reason


@receiver(activity_deleting, dispatch_uid="reports_keep_reported_activities")
def keep_reported_activities(sender, activity, **kwargs) -> str | None:
    return activity_report_reason(activity=activity)
