"""Signal receivers: each only calls a service."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .services.signins import signin_record


@receiver(user_logged_in, dispatch_uid="privacy_signin_record")
def _signed_in(sender, request, user, **kwargs) -> None:
    signin_record(user=user, request=request)
