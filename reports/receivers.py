"""Reactions to other apps' signals. Receivers only call a service."""

from __future__ import annotations

from django.dispatch import receiver

from network.signals import network_dissolved
from reports.services.closeout import closeout_start
from reports.services.progress_reports import activity_report_reason
from roadmap.signals import activity_deleting


@receiver(activity_deleting, dispatch_uid="reports_keep_reported_activities")
def keep_reported_activities(sender, activity, **kwargs) -> str | None:
    return activity_report_reason(activity=activity)


@receiver(network_dissolved, dispatch_uid="reports_close_out")
def close_out(sender, network, record_id=None, **kwargs) -> None:
    closeout_start(network=network, record_id=record_id)
