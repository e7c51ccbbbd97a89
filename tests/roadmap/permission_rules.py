from __future__ import annotations

from tests.security.rules import LOGIN, Rule, logged_in, managers, members

from .factories import ActivityFactory, EvidenceFactory, HealthRoundFactory, WinFactory


def _base(cast) -> str:
    return f"/networks/{cast.network.slug}/roadmap/"


def _activity(cast):
    return ActivityFactory(network=cast.network, owners=[cast.partner_org])


def _evidence(cast):
    return EvidenceFactory(update__activity=_activity(cast))


def _obstacle(cast):
    return cast.network.obstacles.first()


# Progress on an activity owned by the partner's organisation.
OWNERS_AND_MANAGERS = {
    "coordinator": 200,
    "site_admin": 200,
    "partner": 200,
    "chair": 403,
    "other_partner": 404,
    "anonymous": LOGIN,
}
# Partner representatives (and coordinators, who speak for the lead organisation)
# answer the health check; the chair and a site admin without a role do not.
RESPONDENTS = OWNERS_AND_MANAGERS | {"site_admin": 403}

RULES = {
    "roadmap:overview": Rule(url=_base, expect=members()),
    "roadmap:step_detail": Rule(url=lambda c: f"{_base(c)}steps/1/", expect=members()),
    "roadmap:step_edit": Rule(url=lambda c: f"{_base(c)}steps/1/edit/", expect=managers()),
    "roadmap:activity_create": Rule(url=lambda c: f"{_base(c)}activities/new/", expect=managers()),
    "roadmap:activity_detail": Rule(
        url=lambda c: f"{_base(c)}activities/{_activity(c).pk}/", expect=members()
    ),
    "roadmap:activity_edit": Rule(
        url=lambda c: f"{_base(c)}activities/{_activity(c).pk}/edit/", expect=managers()
    ),
    "roadmap:activity_progress": Rule(
        url=lambda c: f"{_base(c)}activities/{_activity(c).pk}/progress/",
        expect=OWNERS_AND_MANAGERS,
    ),
    # Deleting is the coordinators' decision, even for an activity the partner owns.
    "roadmap:activity_delete": Rule(
        url=lambda c: f"{_base(c)}activities/{_activity(c).pk}/delete/", expect=managers()
    ),
    "roadmap:evidence_download": Rule(
        url=lambda c: f"{_base(c)}evidence/{_evidence(c).pk}/", expect=members()
    ),
    "roadmap:wins": Rule(url=lambda c: f"{_base(c)}wins/", expect=members()),
    "roadmap:win_create": Rule(url=lambda c: f"{_base(c)}wins/new/", expect=OWNERS_AND_MANAGERS),
    # A win recorded by the partner: its author and the coordinators may delete it.
    "roadmap:win_delete": Rule(
        url=lambda c: (
            f"{_base(c)}wins/{WinFactory(network=c.network, recorded_by=c.partner).pk}/delete/"
        ),
        expect=OWNERS_AND_MANAGERS,
    ),
    "roadmap:obstacles": Rule(url=lambda c: f"{_base(c)}obstacles/", expect=members()),
    "roadmap:obstacle_edit": Rule(
        url=lambda c: f"{_base(c)}obstacles/{_obstacle(c).pk}/edit/", expect=managers()
    ),
    "roadmap:health": Rule(url=lambda c: f"{_base(c)}health/", expect=members()),
    "roadmap:health_round_create": Rule(
        url=lambda c: f"{_base(c)}health/rounds/new/", expect=managers()
    ),
    "roadmap:health_respond": Rule(
        url=lambda c: f"{_base(c)}health/rounds/{HealthRoundFactory(network=c.network).pk}/",
        expect=RESPONDENTS,
    ),
    "roadmap:health_round_delete": Rule(
        url=lambda c: f"{_base(c)}health/rounds/{HealthRoundFactory(network=c.network).pk}/delete/",
        expect=managers(),
    ),
    "roadmap:my_tasks": Rule(url=lambda c: "/my/tasks/", expect=logged_in()),
}
