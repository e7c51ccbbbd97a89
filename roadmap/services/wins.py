"""Short-term wins: recorded by coordinators and partners, deleted by author or coordinator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.errors import ServiceError
from network.models import Network, Organisation, Person
from roadmap.catalogue import WINS_STEP_NUMBER
from roadmap.models import Step, Win
from roadmap.selectors import today

WIN_IN_FUTURE = _("A win must already have happened: the date cannot be after today.")


class WinInFuture(ServiceError):
    """A win dated after today (Bangkok's); nothing was written."""

    code = "win_in_future"


@transaction.atomic
def win_record(
    *,
    network: Network,
    title: str,
    description: str,
    happened_on: dt.date,
    organisations: Iterable[Organisation],
    people: Iterable[Person],
    recorded_by,
    step: Step | None = None,
) -> Win:
    if happened_on > today():  # Bangkok's today; the form says so first
        raise WinInFuture(str(WIN_IN_FUTURE))
    step = step or network.steps.filter(number=WINS_STEP_NUMBER).first()
    win = Win.objects.create(
        network=network,
        title=title,
        description=description,
        happened_on=happened_on,
        step=step,
        recorded_by=recorded_by,
    )
    win.organisations.set(organisations)
    win.people.set(people)
    return win


def win_delete(*, win: Win, by) -> None:
    """Delete a win; its credits go with it and the audit history keeps the record."""
    win._history_user = by
    win.delete()
