"""What the accounts app (and allauth, and the admin's log) holds about a person,
read by privacy/registry.py.

An erasure closes the login: the neutral name, an address that can never receive mail
(``erased-<id>@erased.invalid``, so the real one is free to be used again), no usable
password, not active, no staff rights; its sign-in addresses and two-factor devices are
deleted. The row itself stays: progress updates and reports point at it. It goes
last, after every other holding has used the addresses it knew (its groups and
permissions are deleted with their own holdings, before it). Plain data and
functions only: this module imports nothing from privacy.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry

from .models import User


def _login_close(subject) -> int:
    user = subject.user
    if user is None:
        return 0
    user.full_name = subject.placeholder
    user.email = subject.erased_email
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()  # also ends every session: its hash no longer matches
    user.save()
    return 1


def _delete(queryset) -> int:
    deleted, _ = queryset.delete()
    return deleted


HOLDINGS = (
    {
        "model": User,
        "rows": lambda subject: User.objects.filter(pk=subject.user_id),
        "fields": ("email", "full_name", "language", "date_joined", "last_login", "is_active"),
        "erase": _login_close,
        "order": 100,
    },
    {
        "model": User.groups.through,
        "rows": lambda subject: User.groups.through.objects.filter(user_id=subject.user_id),
        "fields": ("group__name",),
        "erase": lambda subject: _delete(
            User.groups.through.objects.filter(user_id=subject.user_id)
        ),
    },
    {
        "model": User.user_permissions.through,
        "rows": lambda subject: User.user_permissions.through.objects.filter(
            user_id=subject.user_id
        ),
        "fields": ("permission__codename",),
        "erase": lambda subject: _delete(
            User.user_permissions.through.objects.filter(user_id=subject.user_id)
        ),
    },
    {
        "model": EmailAddress,
        "rows": lambda subject: EmailAddress.objects.filter(user_id=subject.user_id),
        "fields": ("email", "verified", "primary"),
        "erase": lambda subject: _delete(EmailAddress.objects.filter(user_id=subject.user_id)),
    },
    {
        # The device's secret is not exported: only that it exists and when it was used.
        "model": Authenticator,
        "rows": lambda subject: Authenticator.objects.filter(user_id=subject.user_id),
        "fields": ("type", "created_at", "last_used_at"),
        "erase": lambda subject: _delete(Authenticator.objects.filter(user_id=subject.user_id)),
    },
    {
        # A site admin's own actions: when, on what kind of record, which action (the
        # record's name is someone else's data, so it is not exported).
        "model": LogEntry,
        "rows": lambda subject: LogEntry.objects.filter(user_id=subject.user_id),
        "fields": ("action_time", "content_type__model", "action_flag"),
        "kept": "site_record",
    },
)
