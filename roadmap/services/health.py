"""The network health check: rounds opened by coordinators, answers from those who
speak for an organisation."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ServiceError
from network.models import Network, Organisation
from roadmap.catalogue import HEALTH_ITEMS
from roadmap.models import HealthResponse, HealthRound
from roadmap.selectors import today

log = logging.getLogger(__name__)


class HealthRoundGone(ServiceError):
    """The round was deleted while the answers were on their way; nothing was written."""

    code = "health_round_gone"


class HealthRoundClosed(ServiceError):
    """The round is not open today (closed, or not open yet); nothing was written."""

    code = "health_round_closed"


def health_round_open(
    *, network: Network, label: str, opened_on: dt.date, closes_on: dt.date
) -> HealthRound:
    return HealthRound.objects.create(
        network=network, label=label, opened_on=opened_on, closes_on=closes_on
    )


def _round_lock(round: HealthRound) -> HealthRound | None:
    """The round's row, locked until the transaction ends; None when it is gone.

    order_by("pk"): the default ordering joins the network, which FOR UPDATE would lock too.
    """
    return HealthRound.objects.select_for_update().filter(pk=round.pk).order_by("pk").first()


@transaction.atomic
def health_round_delete(*, round: HealthRound, by) -> int:
    """Delete a round with all its answers; returns how many answers went with it."""
    # The row lock makes an answer being saved now wait, then find the round gone.
    _round_lock(round)
    answers = HealthResponse.objects.filter(round=round).count()
    round_id, network_id, label = round.pk, round.network_id, round.label
    round.delete()  # answers go with it (CASCADE); delete() clears round.pk
    # Rounds keep no history table: this line is the record of who deleted which.
    log.info(
        "health round %s (%r, network %s) deleted by user %s with %s answers",
        round_id,
        label,
        network_id,
        by.pk,
        answers,
    )
    return answers


@transaction.atomic
def health_answer(
    *,
    round: HealthRound,
    respondent,
    organisation: Organisation | None,
    answers: dict[str, int],
    comment: str,
) -> HealthResponse:
    """Save (or replace) one person's answers while the round is open.

    The round's row is locked first, and its dates are read from that locked row: an
    answer cannot slip in while a coordinator deletes the round or moves its dates.
    Raises HealthRoundGone when the round was deleted meanwhile and HealthRoundClosed
    when it is not open today (closed, or not open yet); nothing is written either way.
    """
    current = _round_lock(round)
    if current is None:
        raise HealthRoundGone
    if not current.is_open(today()):
        raise HealthRoundClosed(_("This round is closed; answers can no longer be changed."))
    clean = {item.code: int(answers[item.code]) for item in HEALTH_ITEMS if item.code in answers}
    response, _created = HealthResponse.objects.update_or_create(
        round=current,
        respondent=respondent,
        defaults={"organisation": organisation, "answers": clean, "comment": comment},
    )
    return response
