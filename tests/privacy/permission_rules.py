"""Who gets which privacy page. Anonymous visitors read the notice; "My data" and its
downloads are every login's own; a person sees only their own erasure request (anyone
else's is a 404); only a site admin decides, and not their own request."""

from __future__ import annotations

from tests.security.rules import LOGIN, Rule, logged_in, public


def _request_of_partner(cast) -> int:
    from privacy.models import ErasureRequest

    return ErasureRequest.objects.create(user=cast.partner, reason="ย้ายโรงเรียนแล้ว").pk


def _own_or_admin(ok: int = 200) -> dict:
    """The partner's own request: the partner and site admins; a 404 for the others."""
    return {
        "partner": ok,
        "site_admin": ok,
        "coordinator": 404,
        "chair": 404,
        "other_partner": 404,
        "anonymous": LOGIN,
    }


def _decide(ok: int = 302) -> dict:
    """Deciding the partner's request: a site admin; the partner may not (403); the
    others do not see it (404)."""
    return _own_or_admin(ok) | {"partner": 403}


def _requests_page(cast) -> str:
    _request_of_partner(cast)  # so the page has a pending request and its forms
    return "/privacy/requests/"


RULES = {
    "privacy:notice": Rule(url=lambda cast: "/privacy/", expect=public(200)),
    "privacy:my_data": Rule(url=lambda cast: "/privacy/my-data/", expect=logged_in(200)),
    "privacy:my_data_json": Rule(url=lambda cast: "/privacy/my-data.json", expect=logged_in(200)),
    "privacy:my_data_pdf": Rule(url=lambda cast: "/privacy/my-data.pdf", expect=logged_in(200)),
    "privacy:erasure": Rule(url=lambda cast: "/privacy/erasure/", expect=logged_in(200)),
    "privacy:requests": Rule(
        url=_requests_page,
        expect={
            "site_admin": 200,
            "coordinator": 403,
            "chair": 403,
            "partner": 403,
            "other_partner": 403,
            "anonymous": LOGIN,
        },
    ),
    "privacy:request": Rule(
        url=lambda cast: f"/privacy/requests/{_request_of_partner(cast)}/",
        expect=_own_or_admin(200),
    ),
    "privacy:request_accept": Rule(
        url=lambda cast: f"/privacy/requests/{_request_of_partner(cast)}/accept/",
        method="post",
        expect=_decide(302),
    ),
    "privacy:request_decline": Rule(
        url=lambda cast: f"/privacy/requests/{_request_of_partner(cast)}/decline/",
        method="post",
        data=lambda cast: {"decline-note": "ยังมีข้อตกลงที่ต้องลงนาม"},
        expect=_decide(302),
    ),
}
