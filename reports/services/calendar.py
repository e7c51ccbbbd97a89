"""A person's calendar address: the token in it, rotating it, and the feed it serves."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from reports.models import CalendarToken
from reports.selectors.calendar import calendar_build

# A 24-byte token colliding is astronomically rare; drawing again this often is plenty.
TOKEN_DRAWS = 3


def calendar_token_for(*, user) -> CalendarToken:
    """The person's calendar token, made on first use."""
    token, _created = CalendarToken.objects.get_or_create(user=user)
    return token


def calendar_token_rotate(*, user) -> CalendarToken:
    """A new secret in the address; the old address stops working at once."""
    token = calendar_token_for(user=user)
    for _attempt in range(TOKEN_DRAWS):
        token.rotate()
        try:
            with transaction.atomic():
                token.save()
            return token
        except IntegrityError:  # the new token collided: draw again
            continue
    raise RuntimeError("could not draw a unique calendar token")


def calendar_ics(*, user) -> bytes:
    """The due dates that concern this person (reports.selectors.calendar builds it)."""
    return calendar_build(user=user)
