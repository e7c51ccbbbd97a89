"""Who may open each agreements page. The matrix test requests each as the whole cast."""

from __future__ import annotations

from tests.security.rules import LOGIN, Rule, managers, members

from . import factories as f


def _base(cast, version) -> str:
    return f"/networks/{cast.network.slug}/agreement/v{version.number}/"


def _draft(cast) -> str:
    return _base(cast, f.draft_for(cast))


def _reminders(cast) -> str:
    f.draft_for(cast)
    return f"/networks/{cast.network.slug}/agreement/reminders/"


def _sent(cast) -> str:
    return _base(cast, f.sent_for(cast))


def _duty(cast) -> str:
    version = f.draft_for(cast)
    return f"{_base(cast, version)}duties/{version.duties.first().id}/remove/"


def _resource(cast) -> str:
    version = f.draft_for(cast)
    return f"{_base(cast, version)}resources/{version.resources.first().id}/remove/"


def _party(cast) -> str:
    version = f.draft_for(cast)
    return f"{_base(cast, version)}parties/{version.parties.first().id}/remove/"


def _signed_with_pdf(cast) -> str:
    return _base(cast, f.signed_with_pdf(cast))


# The signing pages exist only for the named signatories (coordinator and partner
# are both parties in the fixture); for everyone else they are a 404.
def signatories(ok: int = 200) -> dict[str, int | str]:
    return {
        "coordinator": ok,
        "partner": ok,
        "chair": 404,
        "site_admin": 404,
        "other_partner": 404,
        "anonymous": LOGIN,
    }


RULES = {
    "agreements:index": Rule(
        url=lambda cast: f"/networks/{cast.network.slug}/agreement/", expect=members()
    ),
    "agreements:start": Rule(
        url=lambda cast: f"/networks/{cast.network.slug}/agreement/start/",
        method="post",
        data=lambda cast: {"title": "บันทึกข้อตกลง"},
        expect=managers(302),
    ),
    "agreements:reminders": Rule(
        url=_reminders,
        method="post",
        data=lambda cast: {"every_days": "2", "max_count": "4"},
        expect=managers(302),
    ),
    "agreements:version": Rule(url=_draft, expect=members()),
    "agreements:edit": Rule(url=lambda cast: f"{_draft(cast)}edit/", expect=managers()),
    "agreements:duty_add": Rule(
        url=lambda cast: f"{_draft(cast)}duties/add/",
        method="post",
        data=lambda cast: {"organisation": cast.partner_org.id, "text": "หน้าที่"},
        expect=managers(302),
    ),
    "agreements:duty_remove": Rule(url=_duty, method="post", expect=managers(302)),
    "agreements:resource_add": Rule(
        url=lambda cast: f"{_draft(cast)}resources/add/",
        method="post",
        data=lambda cast: {
            "kind": "money",
            "description": "งบ",
            "amount_baht": "100",
            "organisation": cast.partner_org.id,
        },
        expect=managers(302),
    ),
    "agreements:resource_remove": Rule(url=_resource, method="post", expect=managers(302)),
    "agreements:parties": Rule(url=lambda cast: f"{_draft(cast)}parties/", expect=managers()),
    "agreements:party_remove": Rule(url=_party, method="post", expect=managers(302)),
    "agreements:send": Rule(url=lambda cast: f"{_draft(cast)}send/", expect=managers()),
    "agreements:sign": Rule(url=lambda cast: f"{_sent(cast)}sign/", expect=signatories()),
    "agreements:decline": Rule(url=lambda cast: f"{_sent(cast)}decline/", expect=signatories()),
    "agreements:withdraw": Rule(url=lambda cast: f"{_sent(cast)}withdraw/", expect=managers()),
    "agreements:amend": Rule(
        url=lambda cast: f"{_sent(cast)}amend/", method="post", expect=managers(302)
    ),
    "agreements:pdf": Rule(url=lambda cast: f"{_signed_with_pdf(cast)}pdf/", expect=members()),
}
